/// Parsers for typed condition values. The same functions read policy values (at parse and compile
/// time) and request-context values (at evaluation time), so both sides agree on every format.
enum ConditionValueParser {
    /// An integer or decimal (`42`, `-1.5`, `2e3`); no hex, `nan` or `inf`.
    static func number(_ text: String) -> Double? {
        var utf8 = Substring(text).utf8[...]
        guard !utf8.isEmpty else { return nil }
        if utf8.first == UInt8(ascii: "+") || utf8.first == UInt8(ascii: "-") { utf8 = utf8.dropFirst() }
        var sawDigit = false
        var sawDot = false
        var sawExponent = false
        var previous: UInt8 = 0
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                sawDigit = true
            case UInt8(ascii: "."):
                if sawDot || sawExponent { return nil }
                sawDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                if sawExponent || !sawDigit { return nil }
                sawExponent = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                if previous != UInt8(ascii: "e") && previous != UInt8(ascii: "E") { return nil }
            default:
                return nil
            }
            previous = byte
        }
        guard sawDigit, previous != UInt8(ascii: "e"), previous != UInt8(ascii: "E"),
            previous != UInt8(ascii: "+"), previous != UInt8(ascii: "-")
        else { return nil }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// `true`/`false`, any case.
    static func bool(_ text: String) -> Bool? {
        switch lowercasedKey(text) {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// A date as epoch seconds: ISO 8601 (`2020-01-01`, `2020-01-01T00:00:01Z`, fractions, `±hh:mm`
    /// offsets; no zone means UTC) or epoch seconds (`1577836801`).
    static func date(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if bytes.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }),
            !bytes.dropFirst().contains(UInt8(ascii: "-"))
        {
            return number(text)
        }
        return iso8601(bytes)
    }

    private static func iso8601(_ bytes: [UInt8]) -> Double? {
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard bytes.count - index >= count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = bytes[index]
                guard isDigit(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                index += 1
            }
            return value
        }
        func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), consume(UInt8(ascii: "-")), let month = digits(2), consume(UInt8(ascii: "-")),
            let day = digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        guard index < bytes.count else { return seconds }
        guard consume(UInt8(ascii: "T")) || consume(UInt8(ascii: "t")) || consume(UInt8(ascii: " ")),
            let hour = digits(2), hour <= 24, consume(UInt8(ascii: ":")), let minute = digits(2), minute <= 59
        else { return nil }
        var second = 0
        var fraction = 0.0
        if consume(UInt8(ascii: ":")) {
            guard let parsed = digits(2), parsed <= 60 else { return nil }
            second = parsed
            if consume(UInt8(ascii: ".")) || consume(UInt8(ascii: ",")) {
                var scale = 0.1
                var any = false
                while index < bytes.count, isDigit(bytes[index]) {
                    fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    index += 1
                    any = true
                }
                guard any else { return nil }
            }
        }
        if hour == 24 && (minute != 0 || second != 0 || fraction != 0) { return nil }
        seconds += Double(hour * 3600 + minute * 60 + second) + fraction
        guard index < bytes.count else { return seconds }
        if consume(UInt8(ascii: "Z")) || consume(UInt8(ascii: "z")) {
            return index == bytes.count ? seconds : nil
        }
        let sign: Double
        if consume(UInt8(ascii: "+")) {
            sign = 1
        } else if consume(UInt8(ascii: "-")) {
            sign = -1
        } else {
            return nil
        }
        guard let offsetHours = digits(2), offsetHours <= 23 else { return nil }
        var offsetMinutes = 0
        if index < bytes.count {
            _ = consume(UInt8(ascii: ":"))
            guard let parsed = digits(2), parsed <= 59 else { return nil }
            offsetMinutes = parsed
        }
        guard index == bytes.count else { return nil }
        return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
    }

    private static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Standard base64 with padding (RFC 4648 §4).
    static func base64(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 4 * 3)
        var index = 0
        while index < bytes.count {
            var quantum: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = bytes[index + offset]
                let value: UInt32
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
                case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
                case UInt8(ascii: "+"): value = 62
                case UInt8(ascii: "/"): value = 63
                case UInt8(ascii: "="):
                    // Padding only in the last two positions of the final quantum.
                    guard index + 4 == bytes.count, offset >= 2 else { return nil }
                    padding += 1
                    value = 0
                default:
                    return nil
                }
                if padding > 0 && byte != UInt8(ascii: "=") { return nil }
                quantum = quantum << 6 | value
            }
            output.append(UInt8(truncatingIfNeeded: quantum >> 16))
            if padding < 2 { output.append(UInt8(truncatingIfNeeded: quantum >> 8)) }
            if padding < 1 { output.append(UInt8(truncatingIfNeeded: quantum)) }
            index += 4
        }
        return output
    }

    /// An IPv4 or IPv6 address with an optional `/prefix` (absent: /32 or /128).
    static func network(_ text: String) -> IPNetwork? {
        var addressText = Substring(text)
        var prefix: Int?
        if let slash = text.firstIndex(of: "/") {
            addressText = text[..<slash]
            let prefixText = text[text.index(after: slash)...]
            guard !prefixText.isEmpty, prefixText.count <= 3, prefixText.utf8.allSatisfy(isDigit),
                let parsed = Int(prefixText)
            else { return nil }
            prefix = parsed
        }
        guard let address = IPAddress(addressText) else { return nil }
        let width = address.isIPv4 ? 32 : 128
        let length = prefix ?? width
        guard length <= width else { return nil }
        return IPNetwork(address: address, prefixLength: length)
    }

    fileprivate static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}

/// An IP address: IPv4 in the low 32 bits of `low`, or IPv6 as two 64-bit halves.
/// IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are read as IPv4.
struct IPAddress: Sendable, Hashable {
    var high: UInt64
    var low: UInt64
    var isIPv4: Bool

    init?(_ text: Substring) {
        if !text.utf8.contains(UInt8(ascii: ":")) {
            guard let value = Self.parseIPv4(text) else { return nil }
            self.high = 0
            self.low = UInt64(value)
            self.isIPv4 = true
            return
        }
        guard let (high, low) = Self.parseIPv6(text) else { return nil }
        if high == 0, low >> 32 == 0xFFFF {
            self.high = 0
            self.low = low & 0xFFFF_FFFF
            self.isIPv4 = true
        } else {
            self.high = high
            self.low = low
            self.isIPv4 = false
        }
    }

    /// Dotted quad, each part 0-255 with at most three digits.
    private static func parseIPv4(_ text: Substring) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else if ConditionValueParser.isDigit(byte) {
                digits += 1
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                guard digits <= 3, octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    private static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        var groups: [UInt16] = []
        var compressionIndex: Int?
        var rest = text
        // Split on "::" at most once.
        if let range = rest.firstRange(of: "::") {
            compressionIndex = 0
            let head = rest[..<range.lowerBound]
            let tail = rest[range.upperBound...]
            if tail.contains("::") { return nil }
            if !head.isEmpty {
                guard let parsed = parseGroups(head, allowIPv4Tail: false) else { return nil }
                groups = parsed
            }
            compressionIndex = groups.count
            rest = tail
            if !rest.isEmpty {
                guard let parsed = parseGroups(rest, allowIPv4Tail: true) else { return nil }
                groups += parsed
            }
            guard groups.count <= 7 else { return nil }
        } else {
            guard let parsed = parseGroups(rest, allowIPv4Tail: true), parsed.count == 8 else { return nil }
            groups = parsed
        }
        if let compressionIndex {
            let missing = 8 - groups.count
            groups.insert(contentsOf: repeatElement(0, count: missing), at: compressionIndex)
        }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (position, group) in groups.enumerated() {
            if position < 4 {
                high = high << 16 | UInt64(group)
            } else {
                low = low << 16 | UInt64(group)
            }
        }
        return (high, low)
    }

    private static func parseGroups(_ text: Substring, allowIPv4Tail: Bool) -> [UInt16]? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var groups: [UInt16] = []
        for (position, part) in parts.enumerated() {
            if allowIPv4Tail, position == parts.count - 1, part.contains(".") {
                guard let v4 = parseIPv4(part) else { return nil }
                groups.append(UInt16(v4 >> 16))
                groups.append(UInt16(v4 & 0xFFFF))
                continue
            }
            guard !part.isEmpty, part.count <= 4, let group = UInt16(part, radix: 16) else { return nil }
            groups.append(group)
        }
        return groups
    }
}

/// An address block: `address/prefixLength`.
struct IPNetwork: Sendable, Hashable {
    var address: IPAddress
    var prefixLength: Int

    func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.isIPv4 == address.isIPv4 else { return false }
        if address.isIPv4 {
            let mask: UInt64 = prefixLength == 0 ? 0 : (0xFFFF_FFFF << (32 - UInt64(prefixLength))) & 0xFFFF_FFFF
            return candidate.low & mask == address.low & mask
        }
        let highBits = min(prefixLength, 64)
        let lowBits = max(prefixLength - 64, 0)
        let highMask: UInt64 = highBits == 0 ? 0 : ~0 << (64 - UInt64(highBits))
        let lowMask: UInt64 = lowBits == 0 ? 0 : ~0 << (64 - UInt64(lowBits))
        return candidate.high & highMask == address.high & highMask && candidate.low & lowMask == address.low & lowMask
    }
}
