/// The six parts of an ARN (`arn`, partition, service, region, account, resource), split on the first
/// five colons. The resource part keeps any further colons.
func arnPartRanges(_ bytes: [UInt8]) -> [Range<Int>]? {
    var ranges: [Range<Int>] = []
    ranges.reserveCapacity(6)
    var start = 0
    var index = 0
    while index < bytes.count, ranges.count < 5 {
        if bytes[index] == UInt8(ascii: ":") {
            ranges.append(start..<index)
            start = index + 1
        }
        index += 1
    }
    guard ranges.count == 5 else { return nil }
    ranges.append(start..<bytes.count)
    return ranges
}

/// The same split for a pattern; only literal colons separate parts (a `*` never does).
func arnPartRanges(_ elements: [PatternElement]) -> [Range<Int>]? {
    var ranges: [Range<Int>] = []
    ranges.reserveCapacity(6)
    var start = 0
    var index = 0
    while index < elements.count, ranges.count < 5 {
        if elements[index] == colonElement {
            ranges.append(start..<index)
            start = index + 1
        }
        index += 1
    }
    guard ranges.count == 5 else { return nil }
    ranges.append(start..<elements.count)
    return ranges
}

/// A string the request is matched against (a resource ARN, a condition's request value), with its
/// ARN parts located once.
struct PreparedARN: Sendable {
    let bytes: [UInt8]
    /// The six ARN parts, or nil when the text is not ARN-shaped (e.g. the `*` of an action that
    /// takes no resource).
    let parts: [Range<Int>]?

    init(_ text: String) {
        bytes = Array(text.utf8)
        parts = arnPartRanges(bytes)
    }
}

/// An ARN pattern matched part by part, as IAM matches `Resource` and the `Arn*` operators: each of
/// the six colon-separated parts is matched with `*`/`?` on its own, so a wildcard in the first five
/// parts never crosses a colon, while in the resource part it spans `/` and `:`. Case-sensitive.
struct ARNPattern: Sendable, Hashable {
    private let parts: [Glob]

    /// Nil when `elements` does not have six parts.
    init?(elements: [PatternElement]) {
        guard let ranges = arnPartRanges(elements) else { return nil }
        parts = ranges.map { Glob(elements: Array(elements[$0])) }
    }

    func matches(_ candidate: PreparedARN) -> Bool {
        guard let candidateParts = candidate.parts else { return false }
        for index in 0..<6 where !parts[index].matches(candidate.bytes, candidateParts[index]) {
            return false
        }
        return true
    }
}

/// One `Resource`/`NotResource` entry, compiled.
enum ResourcePattern: Sendable {
    /// `*`: every resource, including the `*` of actions that take no resource.
    case everything
    case arn(ARNPattern)
    /// A pattern that is not ARN-shaped (only in documents parsed with `.permissive`): whole-string glob.
    case text(Glob)
    /// Contains policy variables: substituted per request, then matched as above.
    case template(ElementTemplate)

    init(_ text: String, variables: Bool) {
        let template = (try? PolicyTemplate.parse(text, variables: variables)) ?? PolicyTemplate(parts: [.text(text)])
        if template.isDynamic {
            self = .template(ElementTemplate(template, wildcards: true))
        } else {
            self = ResourcePattern(elements: patternElements(text, wildcards: true))
        }
    }

    init(elements: [PatternElement]) {
        let glob = Glob(elements: elements)
        if glob.matchesEverything {
            self = .everything
        } else if let arn = ARNPattern(elements: elements) {
            self = .arn(arn)
        } else {
            self = .text(glob)
        }
    }

    /// The keys of variables without a default (as written); empty for static patterns.
    var variableKeys: [String] {
        if case .template(let template) = self { return template.variableKeys }
        return []
    }

    func matches(_ resource: PreparedARN, context: PreparedContext) -> Bool {
        switch self {
        case .everything:
            return true
        case .arn(let pattern):
            return pattern.matches(resource)
        case .text(let glob):
            return glob.matches(resource.bytes)
        case .template(let template):
            guard let elements = template.resolve(in: context) else { return false }
            return Self.matches(elements: elements, resource)
        }
    }

    /// Matches a pattern resolved at evaluation time without compiling it.
    private static func matches(elements: [PatternElement], _ resource: PreparedARN) -> Bool {
        if !elements.isEmpty && elements.allSatisfy({ $0 == anySequence }) { return true }
        guard let patternParts = arnPartRanges(elements) else {
            return globMatches(elements, 0..<elements.count, resource.bytes, 0..<resource.bytes.count)
        }
        guard let resourceParts = resource.parts else { return false }
        for index in 0..<6
        where !globMatches(elements, patternParts[index], resource.bytes, resourceParts[index]) {
            return false
        }
        return true
    }
}

/// A template whose variables become literal pattern elements at evaluation time.
struct ElementTemplate: Sendable, Hashable {
    private enum Part: Sendable, Hashable {
        case elements([PatternElement])
        case variable(key: String, defaultValue: [PatternElement]?)
    }

    private let parts: [Part]
    /// The keys of variables without a default, as written, for missing-context reporting.
    let variableKeys: [String]

    init(_ template: PolicyTemplate, wildcards: Bool) {
        variableKeys = template.requiredVariableKeys
        parts = template.parts.map { part in
            switch part {
            case .text(let text):
                .elements(patternElements(text, wildcards: wildcards))
            case .literalCharacter(let byte):
                .elements([PatternElement(byte)])
            case .variable(let key, _, let defaultValue):
                .variable(key: key, defaultValue: defaultValue.map { patternElements($0, wildcards: false) })
            }
        }
    }

    /// The substituted pattern, or nil when a variable has no single value and no default.
    func resolve(in context: PreparedContext) -> [PatternElement]? {
        var result: [PatternElement] = []
        for part in parts {
            switch part {
            case .elements(let elements):
                result.append(contentsOf: elements)
            case .variable(let key, let defaultValue):
                if let value = context.singleValue(forLowercasedKey: key) {
                    result.append(contentsOf: value.utf8.lazy.map { PatternElement($0) })
                } else if let defaultValue {
                    result.append(contentsOf: defaultValue)
                } else {
                    return nil
                }
            }
        }
        return result
    }
}

/// A template resolved to plain text (for exact-comparison operators, where `*` is not special).
struct TextTemplate: Sendable, Hashable {
    private enum Part: Sendable, Hashable {
        case text(String)
        case variable(key: String, defaultValue: String?)
    }

    private let parts: [Part]
    /// The keys of variables without a default, as written, for missing-context reporting.
    let variableKeys: [String]

    init(_ template: PolicyTemplate) {
        variableKeys = template.requiredVariableKeys
        parts = template.parts.map { part in
            switch part {
            case .text(let text): .text(text)
            case .literalCharacter(let byte): .text(String(decoding: [byte], as: UTF8.self))
            case .variable(let key, _, let defaultValue): .variable(key: key, defaultValue: defaultValue)
            }
        }
    }

    func resolve(in context: PreparedContext) -> String? {
        var result = ""
        for part in parts {
            switch part {
            case .text(let text):
                result += text
            case .variable(let key, let defaultValue):
                if let value = context.singleValue(forLowercasedKey: key) {
                    result += value
                } else if let defaultValue {
                    result += defaultValue
                } else {
                    return nil
                }
            }
        }
        return result
    }
}
