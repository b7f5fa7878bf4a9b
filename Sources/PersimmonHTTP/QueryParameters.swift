import PersimmonCore

/// The parameters of an AWS query-protocol request (IAM, STS): `Action=…&Version=…&Name=value&List.member.1=…`,
/// from a form-encoded body and the URL's query string (AWS accepts either, so presigned GETs work too).
///
/// Values are percent-decoded once (`+` is a space, as in any form). Nested members follow botocore's
/// `QuerySerializer`: lists are `Name.member.N` (1-based), lists of structures `Name.member.N.Field`, maps
/// `Name.entry.N.key` / `Name.entry.N.value`, and an empty list is sent as `Name=`.
package struct QueryParameters: Sendable, Equatable {
    package private(set) var values: [String: String]

    package init(values: [String: String]) {
        self.values = values
    }

    /// Parses `application/x-www-form-urlencoded` text. A later duplicate of a name wins.
    /// - Throws: `IAMError.invalidInput` for bad percent-encoding.
    package init(form body: [UInt8], query: String?) throws(IAMError) {
        var values: [String: String] = [:]
        for source in [Array((query ?? "").utf8), body] where !source.isEmpty {
            for pair in source.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
                let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : [])
                else { throw IAMError(.invalidInput, "The request's form parameters are not valid URL encoding.") }
                values[name] = value
            }
        }
        self.values = values
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2])
                else { return nil }
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: Reading members

    /// The `Action` parameter.
    package var action: String? { values["Action"] }

    package func string(_ name: String) -> String? { values[name] }

    /// A required member; missing is AWS's `ValidationError` naming it.
    package func required(_ name: String) throws(IAMError) -> String {
        guard let value = values[name] else {
            throw IAMError(
                .validationError,
                "1 validation error detected: Value null at '\(Self.wireName(name))' failed to satisfy constraint: Member must not be null"
            )
        }
        return value
    }

    package func bool(_ name: String) throws(IAMError) -> Bool? {
        guard let value = values[name] else { return nil }
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw IAMError(.validationError, "Value '\(value)' at '\(Self.wireName(name))' is not a boolean.")
        }
    }

    package func int(_ name: String) throws(IAMError) -> Int? {
        guard let value = values[name] else { return nil }
        guard let number = Int(value) else {
            throw IAMError(.validationError, "Value '\(value)' at '\(Self.wireName(name))' is not an integer.")
        }
        return number
    }

    /// `Name.member.1`, `Name.member.2`, … in order; `[]` for `Name=`; nil when absent.
    package func list(_ name: String) -> [String]? {
        var items: [String] = []
        var index = 1
        while let value = values["\(name).member.\(index)"] {
            items.append(value)
            index += 1
        }
        if items.isEmpty { return values[name] != nil ? [] : nil }
        return items
    }

    /// `Name.member.N.Field` structures, each as its fields; `[]` for `Name=`; nil when absent.
    package func structures(_ name: String) -> [[String: String]]? {
        var items: [[String: String]] = []
        var index = 1
        while true {
            let prefix = "\(name).member.\(index)."
            let fields = values.filter { $0.key.hasPrefix(prefix) }
            if fields.isEmpty { break }
            var item: [String: String] = [:]
            for (key, value) in fields { item[String(key.dropFirst(prefix.count))] = value }
            items.append(item)
            index += 1
        }
        if items.isEmpty { return values[name] != nil ? [] : nil }
        return items
    }

    /// `Tags.member.N.Key` / `.Value`.
    package func tags(_ name: String = "Tags") throws(IAMError) -> [IAMTag] {
        guard let items = structures(name) else { return [] }
        var tags: [IAMTag] = []
        for item in items {
            guard let key = item["Key"] else { throw IAMError(.validationError, "\(name): every tag needs a Key.") }
            tags.append(IAMTag(key: key, value: item["Value"] ?? ""))
        }
        return tags
    }

    /// `PolicyName` → `policyName`: the member name as AWS's validation messages spell it.
    static func wireName(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.lowercased() + name.dropFirst()
    }
}
