// Parsing of the request's `filterValues` map: `{"GENRE": "\"comedy\",\"drama\"", "PRICE": "20"}`.

/// A placeholder's bound value.
enum BoundValue: Sendable, Hashable {
    case strings([String])
    case number(Double)
}

/// `filterValues` limits from the runtime model.
enum FilterValuesLimits {
    /// Keys per request.
    static let maximumKeys = 25
    /// Characters per value.
    static let maximumValueLength = 1_000
}

/// Validates the whole map (key count, key pattern, value length) before any value is read.
func validateFilterValues(_ filterValues: [String: String]) throws(FilterError) {
    if filterValues.count > FilterValuesLimits.maximumKeys {
        throw .values(
            "at most \(FilterValuesLimits.maximumKeys) parameters are allowed, found \(filterValues.count)")
    }
    for key in filterValues.keys.sorted() {
        let bytes = Array(key.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumParameterNameLength, bytes.allSatisfy(isWordByte) else {
            throw .values(
                "parameter name \(quoted(key)) must be 1 to \(maximumParameterNameLength) letters, digits or "
                    + "underscores")
        }
        let length = filterValues[key]!.unicodeScalars.count
        if length > FilterValuesLimits.maximumValueLength {
            throw .values(
                "the value for $\(key) is \(length) characters long; the maximum is "
                    + "\(FilterValuesLimits.maximumValueLength)")
        }
    }
}

/// Whether a `filterValues` entry counts as omitted (empty or only whitespace).
func isBlank(_ value: String) -> Bool {
    value.utf8.allSatisfy(isWhitespace)
}

/// Reads `"a","b"` (double or single quotes, `\` escapes the next character, whitespace around
/// commas ignored) into its strings.
func parseStringList(_ value: String, parameter: String) throws(FilterError) -> [String] {
    let bytes = Array(value.utf8)
    var offset = 0
    var strings: [String] = []

    func failure(_ detail: String) -> FilterError {
        .values(
            "the value for $\(parameter) must be quoted strings separated by commas, such as "
                + "\"comedy\",\"drama\"; \(detail) at character \(scalarPosition(bytes, offset))")
    }
    func skipWhitespace() {
        while offset < bytes.count, isWhitespace(bytes[offset]) { offset += 1 }
    }

    while true {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("expected a quoted string, found the end") }
        let quote = bytes[offset]
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            throw failure("expected a quoted string, found \(quoted(describeScalar(bytes, offset)))")
        }
        let start = offset
        offset += 1
        var string: [UInt8] = []
        var closed = false
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == quote {
                offset += 1
                closed = true
                break
            }
            if byte == UInt8(ascii: "\\"), offset + 1 < bytes.count { offset += 1 }
            string.append(bytes[offset])
            offset += 1
        }
        guard closed else {
            offset = start
            throw failure("the string that starts here has no closing quote")
        }
        strings.append(String(decoding: string, as: UTF8.self))
        skipWhitespace()
        guard offset < bytes.count else { return strings }
        guard bytes[offset] == UInt8(ascii: ",") else {
            throw failure("expected \",\" after a string, found \(quoted(describeScalar(bytes, offset)))")
        }
        offset += 1
    }
}

/// Reads one number, optionally quoted (`20`, `"20"`, `-3.5`).
func parseNumber(_ value: String, parameter: String) throws(FilterError) -> Double {
    var bytes = Array(value.utf8)
    while let first = bytes.first, isWhitespace(first) { bytes.removeFirst() }
    while let last = bytes.last, isWhitespace(last) { bytes.removeLast() }
    if bytes.count >= 2, let first = bytes.first, first == UInt8(ascii: "\"") || first == UInt8(ascii: "'"),
        bytes.last == first
    {
        bytes = Array(bytes[1..<(bytes.count - 1)])
    }
    let text = String(decoding: bytes, as: UTF8.self)
    guard isNumberLiteral(bytes), let number = Double(text), number.isFinite else {
        throw .values("the value for $\(parameter) must be a number, found \(quoted(value))")
    }
    return number
}

/// `-?digits[.digits][(e|E)[+-]digits]`, the same shape as numbers in expressions.
private func isNumberLiteral(_ bytes: [UInt8]) -> Bool {
    var index = 0
    func digits() -> Bool {
        let start = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        return index > start
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard digits() else { return false }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        guard digits() else { return false }
    }
    if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
        index += 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digits() else { return false }
    }
    return index == bytes.count
}

/// The Unicode scalar starting at byte `offset`, for messages.
private func describeScalar(_ bytes: [UInt8], _ offset: Int) -> String {
    var end = offset + 1
    while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
    return String(decoding: bytes[offset..<end], as: UTF8.self)
}
