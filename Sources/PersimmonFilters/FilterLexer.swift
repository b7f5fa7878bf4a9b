// The filter-expression lexer. It walks UTF-8 bytes (STYLE.md §3.5); only string literals and error
// messages ever build `String`s.

/// One token: its kind and its byte range in the expression.
struct FilterToken: Sendable {
    enum Kind: Sendable, Equatable {
        /// `[A-Za-z_][A-Za-z0-9_]*`: keywords, dataset names and field names.
        case word
        /// A quoted string (double or single quotes), unescaped.
        case string(String)
        /// `-?digits[.digits][e[+-]digits]`.
        case number(Double)
        /// `$NAME`, without the `$`.
        case parameter(String)
        case dot
        case leftParenthesis
        case rightParenthesis
        case comma
        case pipe
        case comparison(FilterComparison)
        /// A byte sequence that starts no token (one Unicode scalar).
        case invalid
        case end
    }

    var kind: Kind
    var start: Int
    var end: Int
}

/// Maximum length of a placeholder name (`[A-Za-z0-9_]{1,50}`).
let maximumParameterNameLength = 50

struct FilterLexer {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The 1-based position, in Unicode scalars, of byte `offset`.
    func position(of offset: Int) -> Int {
        scalarPosition(bytes, offset)
    }

    mutating func next() throws(FilterError) -> FilterToken {
        while offset < bytes.count, isWhitespace(bytes[offset]) { offset += 1 }
        let start = offset
        guard offset < bytes.count else { return FilterToken(kind: .end, start: start, end: start) }
        let byte = bytes[offset]
        let kind: FilterToken.Kind
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            offset += 1
            while offset < bytes.count, isWordByte(bytes[offset]) { offset += 1 }
            kind = .word
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            kind = .string(try lexString(quote: byte))
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            kind = lexNumber()
        case UInt8(ascii: "-") where offset + 1 < bytes.count && isDigit(bytes[offset + 1]):
            kind = lexNumber()
        case UInt8(ascii: "$"):
            kind = .parameter(try lexParameter())
        case UInt8(ascii: "."):
            offset += 1
            kind = .dot
        case UInt8(ascii: "("):
            offset += 1
            kind = .leftParenthesis
        case UInt8(ascii: ")"):
            offset += 1
            kind = .rightParenthesis
        case UInt8(ascii: ","):
            offset += 1
            kind = .comma
        case UInt8(ascii: "|"):
            offset += 1
            kind = .pipe
        case UInt8(ascii: "="):
            offset += 1
            kind = .comparison(.equal)
        case UInt8(ascii: "!") where offset + 1 < bytes.count && bytes[offset + 1] == UInt8(ascii: "="):
            offset += 2
            kind = .comparison(.notEqual)
        case UInt8(ascii: "<"):
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "=") {
                offset += 1
                kind = .comparison(.lessOrEqual)
            } else {
                kind = .comparison(.less)
            }
        case UInt8(ascii: ">"):
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "=") {
                offset += 1
                kind = .comparison(.greaterOrEqual)
            } else {
                kind = .comparison(.greater)
            }
        default:
            offset += 1
            while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            kind = .invalid
        }
        return FilterToken(kind: kind, start: start, end: offset)
    }

    /// A quoted string: `\` escapes the next character (so `\"` and `\\`); anything else is literal.
    private mutating func lexString(quote: UInt8) throws(FilterError) -> String {
        let start = offset
        offset += 1
        var value: [UInt8] = []
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == quote {
                offset += 1
                return String(decoding: value, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\"), offset + 1 < bytes.count {
                offset += 1
            }
            value.append(bytes[offset])
            offset += 1
        }
        let quoteText = quote == UInt8(ascii: "\"") ? "\"" : "'"
        throw .expression(
            .syntax, at: position(of: start), "the string that starts here has no closing \(quoteText)")
    }

    private mutating func lexNumber() -> FilterToken.Kind {
        let start = offset
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        skipDigits()
        if offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "."), isDigit(bytes[offset + 1]) {
            offset += 1
            skipDigits()
        }
        if offset < bytes.count, bytes[offset] | 0x20 == UInt8(ascii: "e") {
            var exponent = offset + 1
            if exponent < bytes.count, bytes[exponent] == UInt8(ascii: "+") || bytes[exponent] == UInt8(ascii: "-") {
                exponent += 1
            }
            if exponent < bytes.count, isDigit(bytes[exponent]) {
                offset = exponent
                skipDigits()
            }
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return .invalid }
        return .number(value)
    }

    private mutating func skipDigits() {
        while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    }

    private mutating func lexParameter() throws(FilterError) -> String {
        let start = offset
        offset += 1
        let nameStart = offset
        while offset < bytes.count, isWordByte(bytes[offset]) { offset += 1 }
        let length = offset - nameStart
        guard length > 0 else {
            throw .expression(
                .syntax, at: position(of: start), "expected a parameter name (letters, digits or _) after \"$\"")
        }
        guard length <= maximumParameterNameLength else {
            throw .expression(
                .syntax, at: position(of: start),
                "parameter names are at most \(maximumParameterNameLength) characters, found \(length)")
        }
        return String(decoding: bytes[nameStart..<offset], as: UTF8.self)
    }
}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

/// `[A-Za-z0-9_]`.
@inline(__always)
func isWordByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
        true
    default:
        false
    }
}

@inline(__always)
func isWhitespace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
        || byte == UInt8(ascii: "\r")
}

/// The 1-based position, in Unicode scalars, of byte `offset` of `bytes` (error paths only).
func scalarPosition(_ bytes: [UInt8], _ offset: Int) -> Int {
    var scalars = 0
    for index in 0..<min(offset, bytes.count) where bytes[index] & 0xC0 != 0x80 { scalars += 1 }
    return scalars + 1
}
