// Byte-level helpers: hex and RFC 3986 percent-encoding. Everything here works on UTF-8 bytes,
// never on `Character`s (STYLE.md §3.5).

/// Lower-case hex digits.
private let hexDigitsLower: [UInt8] = Array("0123456789abcdef".utf8)
/// Upper-case hex digits, as SigV4 percent-encoding requires.
private let hexDigitsUpper: [UInt8] = Array("0123456789ABCDEF".utf8)

/// Lower-case hex of `bytes`.
func hexEncodedString(_ bytes: some Sequence<UInt8>) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in bytes {
        out.append(hexDigitsLower[Int(byte >> 4)])
        out.append(hexDigitsLower[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// The value of one hex digit, or `nil`.
@inline(__always)
func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
    default: nil
    }
}

/// Decodes hex text. Returns `nil` for an odd length or a non-hex character; `isLowercase` tells
/// whether every letter digit was lower-case (the only form SigV4 produces).
func hexDecode(_ text: Substring.UTF8View) -> (bytes: [UInt8], isLowercase: Bool)? {
    guard text.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.count / 2)
    var isLowercase = true
    var high: UInt8? = nil
    for byte in text {
        guard let value = hexValue(byte) else { return nil }
        if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F") { isLowercase = false }
        if let h = high {
            bytes.append(h << 4 | value)
            high = nil
        } else {
            high = value
        }
    }
    return (bytes, isLowercase)
}

/// RFC 3986 unreserved: `A-Z a-z 0-9 - . _ ~`.
@inline(__always)
func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"):
        true
    default:
        false
    }
}

/// Appends `bytes` percent-encoded with upper-case hex: every byte outside the unreserved set (and
/// outside `/` when `keepSlash`) becomes `%XX`. `%` itself is encoded, so encoding is never "smart"
/// about existing escapes; callers decode first where the algorithm says so.
func appendPercentEncoded(_ bytes: some Sequence<UInt8>, keepSlash: Bool, to out: inout [UInt8]) {
    for byte in bytes {
        if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
            out.append(byte)
        } else {
            out.append(UInt8(ascii: "%"))
            out.append(hexDigitsUpper[Int(byte >> 4)])
            out.append(hexDigitsUpper[Int(byte & 0x0F)])
        }
    }
}

/// Percent-decodes `bytes`. A `%` not followed by two hex digits is kept literally. `+` is kept as
/// `+` (SigV4 never treats it as a space).
func percentDecoded(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = bytes.startIndex
    while index != bytes.endIndex {
        let byte = bytes[index]
        if byte == UInt8(ascii: "%") {
            let first = bytes.index(after: index)
            if first != bytes.endIndex {
                let second = bytes.index(after: first)
                if second != bytes.endIndex, let high = hexValue(bytes[first]), let low = hexValue(bytes[second]) {
                    out.append(high << 4 | low)
                    index = bytes.index(after: second)
                    continue
                }
            }
        }
        out.append(byte)
        index = bytes.index(after: index)
    }
    return out
}

/// Splits `bytes` on `separator`, keeping empty pieces.
func split(_ bytes: some Collection<UInt8>, on separator: UInt8) -> [[UInt8]] {
    var pieces: [[UInt8]] = []
    var current: [UInt8] = []
    for byte in bytes {
        if byte == separator {
            pieces.append(current)
            current.removeAll(keepingCapacity: true)
        } else {
            current.append(byte)
        }
    }
    pieces.append(current)
    return pieces
}

/// SP, HTAB, CR or LF.
@inline(__always)
func isHeaderWhitespace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
        || byte == UInt8(ascii: "\n")
}

/// `text` without leading and trailing SP/HTAB/CR/LF.
func trimmingHeaderWhitespace(_ text: Substring) -> Substring {
    let utf8 = text.utf8
    guard let first = utf8.firstIndex(where: { !isHeaderWhitespace($0) }) else { return text[text.endIndex...] }
    let last = utf8.lastIndex(where: { !isHeaderWhitespace($0) })!
    return text[first...last]
}

/// Shortens client-supplied text before echoing it in an error message.
func quotedForMessage(_ text: some StringProtocol) -> String {
    let limit = 128
    if text.utf8.count <= limit { return String(text) }
    return String(decoding: text.utf8.prefix(limit), as: UTF8.self) + "…"
}
