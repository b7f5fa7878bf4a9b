/// A policy string split into literal text and policy variables (`${aws:username}`).
///
/// Grammar (IAM, 2012-10-17 documents only): `${key}`, `${key, 'default'}`, and the escapes `${*}`,
/// `${?}`, `${$}` which stand for a literal `*`, `?` or `$`. Key names are case-insensitive. A variable
/// whose key is absent from the request (and has no default) cannot be resolved; the element that
/// uses it then matches nothing.
struct PolicyTemplate: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        /// Text as written: in `Resource` and `…Like` values, `*` and `?` here are wildcards.
        case text(String)
        /// A character that is always literal (from `${*}`, `${?}`, `${$}`).
        case literalCharacter(UInt8)
        /// A variable: the lowercased key (for lookup), the key as written, an optional default.
        case variable(key: String, written: String, defaultValue: String?)
    }

    var parts: [Part]

    /// Whether any part is a variable or an escape (otherwise the text can be compiled statically).
    var isDynamic: Bool {
        parts.contains { part in
            if case .text = part { return false }
            return true
        }
    }

    /// The keys this template needs from the context (variables without a default), as written.
    var requiredVariableKeys: [String] {
        parts.compactMap { part in
            if case .variable(_, let written, nil) = part { return written }
            return nil
        }
    }

    struct SyntaxError: Error {
        var message: String
    }

    /// Splits `text` into parts. With `variables == false` (2008-10-17 documents, or elements that
    /// take no variables) the whole text is one literal part.
    static func parse(_ text: String, variables: Bool) throws(SyntaxError) -> PolicyTemplate {
        guard variables, text.utf8.contains(UInt8(ascii: "$")) else { return PolicyTemplate(parts: [.text(text)]) }
        let bytes = Array(text.utf8)
        var parts: [Part] = []
        var literalStart = 0
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{")
            else {
                index += 1
                continue
            }
            guard let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}")) else {
                throw SyntaxError(message: "unterminated policy variable in \"\(text)\" (missing '}')")
            }
            if literalStart < index {
                parts.append(.text(String(decoding: bytes[literalStart..<index], as: UTF8.self)))
            }
            let inner = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
            parts.append(try parseVariable(inner, in: text))
            index = close + 1
            literalStart = index
        }
        if literalStart < bytes.count {
            parts.append(.text(String(decoding: bytes[literalStart...], as: UTF8.self)))
        }
        return PolicyTemplate(parts: parts)
    }

    private static func parseVariable(_ inner: String, in text: String) throws(SyntaxError) -> Part {
        switch inner {
        case "*": return .literalCharacter(UInt8(ascii: "*"))
        case "?": return .literalCharacter(UInt8(ascii: "?"))
        case "$": return .literalCharacter(UInt8(ascii: "$"))
        default: break
        }
        var keyText = Substring(inner)
        var defaultValue: String?
        if let comma = inner.firstIndex(of: ",") {
            keyText = inner[..<comma]
            let rest = inner[inner.index(after: comma)...].trimmingSpaces()
            guard rest.count >= 2, rest.first == "'", rest.last == "'" else {
                throw SyntaxError(
                    message: "invalid default in policy variable \"${\(inner)}\" (expected ${key, 'default'})"
                )
            }
            defaultValue = String(rest.dropFirst().dropLast())
        }
        let key = keyText.trimmingSpaces()
        guard !key.isEmpty, !key.contains(" "), !key.contains("$"), !key.contains("{") else {
            throw SyntaxError(message: "invalid policy variable \"${\(inner)}\" in \"\(text)\"")
        }
        return .variable(key: lowercasedKey(String(key)), written: String(key), defaultValue: defaultValue)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
