/// Writes the XML of AWS query-protocol responses: elements, escaped text, ISO 8601 timestamps.
///
/// Text is escaped for element content (`&`, `<`, `>`, and quotes for symmetry); characters XML 1.0 cannot carry
/// (most C0 controls) are replaced by U+FFFD so the document always parses.
package struct XMLWriter: Sendable {
    package private(set) var bytes: [UInt8] = []

    package init() {
        bytes.reserveCapacity(512)
    }

    package var text: String { String(decoding: bytes, as: UTF8.self) }

    /// `<name>`; with `namespace`, `<name xmlns="…">`.
    package mutating func open(_ name: String, namespace: String? = nil) {
        bytes.append(UInt8(ascii: "<"))
        bytes += name.utf8
        if let namespace {
            bytes += " xmlns=\"".utf8
            appendEscaped(namespace)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: ">"))
    }

    package mutating func close(_ name: String) {
        bytes += "</".utf8
        bytes += name.utf8
        bytes.append(UInt8(ascii: ">"))
    }

    /// Appends another writer's output.
    package mutating func append(_ other: XMLWriter) {
        bytes += other.bytes
    }

    /// `<name>text</name>`.
    package mutating func element(_ name: String, _ value: String) {
        open(name)
        appendEscaped(value)
        close(name)
    }

    /// An element only when the value is present.
    package mutating func element(_ name: String, _ value: String?) {
        if let value { element(name, value) }
    }

    package mutating func element(_ name: String, _ value: Bool) {
        element(name, value ? "true" : "false")
    }

    package mutating func element(_ name: String, _ value: Int) {
        element(name, String(value))
    }

    /// A timestamp as ISO 8601 UTC with milliseconds (`2015-08-30T12:36:00.000Z`), which botocore parses.
    package mutating func element(_ name: String, epochMilliseconds: Int64) {
        element(name, Self.timestamp(epochMilliseconds))
    }

    /// `<name>…</name>` around whatever `body` writes.
    package mutating func element(_ name: String, _ body: (inout XMLWriter) -> Void) {
        open(name)
        body(&self)
        close(name)
    }

    /// A list: `<name><member>…</member>…</name>`.
    package mutating func list<Item>(_ name: String, _ items: [Item], _ body: (inout XMLWriter, Item) -> Void) {
        open(name)
        for item in items {
            open("member")
            body(&self, item)
            close("member")
        }
        close(name)
    }

    /// A list of strings: `<name><member>text</member>…</name>`.
    package mutating func list(_ name: String, strings: [String]) {
        list(name, strings) { writer, item in writer.appendEscaped(item) }
    }

    package mutating func appendEscaped(_ text: String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": bytes += "&amp;".utf8
            case "<": bytes += "&lt;".utf8
            case ">": bytes += "&gt;".utf8
            case "\"": bytes += "&quot;".utf8
            case "'": bytes += "&apos;".utf8
            case "\t", "\n":
                bytes += String(scalar).utf8
            case "\r":
                // A literal CR would be normalised away by the parser.
                bytes += "&#xD;".utf8
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    bytes += "\u{FFFD}".utf8
                } else {
                    bytes += String(scalar).utf8
                }
            }
        }
    }

    /// `2015-08-30T12:36:00.000Z`, computed in integers (no floating-point rounding of the milliseconds).
    package static func timestamp(_ epochMilliseconds: Int64) -> String {
        let millis = Int((epochMilliseconds % 1000 + 1000) % 1000)
        let seconds = (epochMilliseconds - Int64(millis)) / 1000
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        // Howard Hinnant's days-to-civil algorithm.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }
}

/// Percent-encodes a policy document the way IAM returns documents (`quote(json, safe='')`): every byte except
/// unreserved ASCII letters, digits and `-._~` becomes `%XX`. boto3 decodes it back into a dict.
package func percentEncodedDocument(_ document: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(document.utf8.count * 2)
    for byte in document.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            out.append(byte)
        default:
            out.append(UInt8(ascii: "%"))
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
    }
    return String(decoding: out, as: UTF8.self)
}
