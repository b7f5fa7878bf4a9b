import Synchronization

/// A generated API shape: a structure from the botocore model, with wire-named members and the model's constraints.
///
/// Every generated structure conforms. Validation recurses into nested structures and list elements.
package protocol APIShape: Codable, Sendable, Equatable {
    /// Appends every constraint this value breaks, naming members relative to `path` (`""` for a request's root).
    func collectViolations(at path: String, into violations: inout ValidationViolations)
}

extension APIShape {
    /// Checks the model's constraints on this value and everything inside it.
    ///
    /// - Parameter path: The AWS-style path of this value inside the request (`""` for the request itself,
    ///   `solutionConfig.hpoConfig`, `tags.1.member`, …). Violations name members below it.
    /// - Throws: ``APIValidationError`` listing every violation, in AWS's message format.
    package func validate(path: String = "") throws(APIValidationError) {
        var violations = ValidationViolations()
        self.collectViolations(at: path, into: &violations)
        if let error = violations.error {
            throw error
        }
    }
}

/// The violations found so far while validating one request.
package struct ValidationViolations: Sendable {
    /// The messages, each of the form `Value '…' at '…' failed to satisfy constraint: …`.
    package private(set) var messages: [String] = []

    /// Violations found while decoding a nested structure that could not be built (it missed required members),
    /// keyed by that member's path. ``checkShape(_:_:at:required:)`` reports them where the member would have been
    /// validated, so the order matches a walk over a fully decoded value.
    var pendingDecodingFailures: [String: [String]] = [:]

    package init() {}

    /// Whether no violation was found.
    package var isEmpty: Bool { self.messages.isEmpty }

    /// The error to throw, or `nil` when no violation was found.
    package var error: APIValidationError? {
        self.messages.isEmpty ? nil : APIValidationError(violations: self.messages)
    }

    /// Records a violation of `constraint` by `renderedValue` at `path`.
    ///
    /// - Parameter renderedValue: The value as AWS prints it; `nil` for sensitive values, which AWS omits
    ///   (`Value at 'path' failed …`).
    package mutating func append(renderedValue: String?, at path: String, constraint: String) {
        let value = renderedValue.map { "Value '\($0)'" } ?? "Value"
        self.messages.append("\(value) at '\(path)' failed to satisfy constraint: \(constraint)")
    }

    /// Records a missing required member.
    package mutating func appendNull(at path: String) {
        self.messages.append("Value null at '\(path)' failed to satisfy constraint: Member must not be null")
    }

    /// Appends messages found elsewhere (a nested shape's decoding failures).
    mutating func append(contentsOf messages: [String]) {
        self.messages.append(contentsOf: messages)
    }

    /// Checks a required member that has no other constraint.
    package mutating func require<Value>(_ value: Value?, _ member: String, at path: String) {
        if value == nil {
            self.appendNull(at: APIPath.member(path, member))
        }
    }

    /// Checks a scalar, list-of-scalars or map member against its shape's rule.
    package mutating func check<Value: ConstrainedValue>(
        _ value: Value?,
        _ member: String,
        at path: String,
        required: Bool = false,
        rule: ValueRule
    ) {
        let memberPath = APIPath.member(path, member)
        guard let value else {
            if required {
                self.appendNull(at: memberPath)
            }
            return
        }
        let broken = value.brokenConstraints(of: rule)
        if broken.isEmpty {
            return
        }
        let rendered = rule.redactsValue ? nil : value.renderedForMessage
        for constraint in broken {
            self.append(renderedValue: rendered, at: memberPath, constraint: constraint)
        }
    }

    /// Checks a structure member by recursing into it.
    package mutating func checkShape<Shape: APIShape>(
        _ value: Shape?,
        _ member: String,
        at path: String,
        required: Bool = false
    ) {
        let memberPath = APIPath.member(path, member)
        guard let value else {
            self.reportMissing(at: memberPath, required: required)
            return
        }
        value.collectViolations(at: memberPath, into: &self)
    }

    /// Checks a list-of-structures member: its length, then each element at `member.N.member` (1-based, as AWS).
    package mutating func checkShapes<Shape: APIShape>(
        _ value: [Shape]?,
        _ member: String,
        at path: String,
        required: Bool = false,
        rule: ValueRule? = nil
    ) {
        let memberPath = APIPath.member(path, member)
        guard let value else {
            self.reportMissing(at: memberPath, required: required)
            return
        }
        if let rule {
            for constraint in ValueRule.brokenLengthConstraints(count: value.count, rule: rule) {
                self.append(renderedValue: nil, at: memberPath, constraint: constraint)
            }
        }
        for (index, element) in value.enumerated() {
            element.collectViolations(at: APIPath.element(memberPath, index), into: &self)
        }
    }

    private mutating func reportMissing(at memberPath: String, required: Bool) {
        if let failures = self.pendingDecodingFailures.removeValue(forKey: memberPath) {
            self.messages.append(contentsOf: failures)
        } else if required {
            self.appendNull(at: memberPath)
        }
    }
}

/// Builds AWS-style member paths: `solutionConfig.hpoConfig.hpoObjective.type`, `tags.1.member.tagKey`.
package enum APIPath {
    /// The path of `member` inside the value at `path`.
    package static func member(_ path: String, _ member: String) -> String {
        path.isEmpty ? member : "\(path).\(member)"
    }

    /// The path of the list element at zero-based `index` inside the list at `path` (AWS counts from 1).
    package static func element(_ path: String, _ index: Int) -> String {
        "\(path).\(index + 1).member"
    }

    /// The AWS-style path of a decoder's coding path.
    package static func render(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue == "Index \(index)" {
                path = Self.element(path, index)
            } else {
                path = Self.member(path, key.stringValue)
            }
        }
        return path
    }
}

/// The constraints the model puts on one string, number, list or map shape, as checked by AWS.
///
/// Constraint phrases use AWS's wording and order (maximum before minimum, then pattern, then enum), so a rule can
/// both check a value and describe itself inside `Member must satisfy constraint: [...]`.
package struct ValueRule: Sendable {
    /// The checks, by kind of shape.
    package indirect enum Kind: Sendable {
        /// A string's length in Unicode scalars, its `pattern` and its `enum` values.
        case string(minLength: Int?, maxLength: Int?, pattern: APIPattern?, allowedValues: [String]?)
        /// A number's inclusive range.
        case number(minimum: Double?, maximum: Double?)
        /// A list's length and the rule of its (scalar) elements.
        case list(minLength: Int?, maxLength: Int?, element: ValueRule?)
        /// A map's size and the rules of its keys and values.
        case map(minLength: Int?, maxLength: Int?, key: ValueRule?, value: ValueRule?)
    }

    package var kind: Kind
    /// Whether violations omit the value: the shape, or something inside it, is `sensitive`, or it holds structures.
    package var redactsValue: Bool

    package init(kind: Kind, redactsValue: Bool) {
        self.kind = kind
        self.redactsValue = redactsValue
    }

    /// A string rule. `pattern` is the model's regular expression, matched against the whole value.
    package static func string(
        min: Int? = nil,
        max: Int? = nil,
        pattern: String? = nil,
        allowedValues: [String]? = nil,
        redacted: Bool = false
    ) -> ValueRule {
        let compiled = pattern.map { APIPattern($0) }
        return ValueRule(
            kind: .string(minLength: min, maxLength: max, pattern: compiled, allowedValues: allowedValues),
            redactsValue: redacted
        )
    }

    /// An integer or floating-point rule.
    package static func number(min: Double? = nil, max: Double? = nil, redacted: Bool = false) -> ValueRule {
        ValueRule(kind: .number(minimum: min, maximum: max), redactsValue: redacted)
    }

    /// A list rule.
    package static func list(
        min: Int? = nil,
        max: Int? = nil,
        element: ValueRule? = nil,
        redacted: Bool = false
    ) -> ValueRule {
        ValueRule(kind: .list(minLength: min, maxLength: max, element: element), redactsValue: redacted)
    }

    /// A map rule.
    package static func map(
        min: Int? = nil,
        max: Int? = nil,
        key: ValueRule? = nil,
        value: ValueRule? = nil,
        redacted: Bool = false
    ) -> ValueRule {
        ValueRule(kind: .map(minLength: min, maxLength: max, key: key, value: value), redactsValue: redacted)
    }

    /// Every constraint of this rule, as AWS lists them inside `Member must satisfy constraint: [...]`.
    package var constraintDescriptions: [String] {
        switch self.kind {
        case .string(let minLength, let maxLength, let pattern, let allowedValues):
            var phrases = Self.lengthPhrases(min: minLength, max: maxLength)
            if let pattern {
                phrases.append(Self.patternPhrase(pattern))
            }
            if let allowedValues {
                phrases.append(Self.enumPhrase(allowedValues))
            }
            return phrases
        case .number(let minimum, let maximum):
            var phrases: [String] = []
            if let maximum {
                phrases.append(Self.maximumPhrase(maximum))
            }
            if let minimum {
                phrases.append(Self.minimumPhrase(minimum))
            }
            return phrases
        case .list(let minLength, let maxLength, let element):
            var phrases = Self.lengthPhrases(min: minLength, max: maxLength)
            if let element {
                phrases.append(Self.elementPhrase(element))
            }
            return phrases
        case .map(let minLength, let maxLength, let key, let value):
            var phrases = Self.lengthPhrases(min: minLength, max: maxLength)
            if let key {
                phrases.append(Self.keysPhrase(key))
            }
            if let value {
                phrases.append(Self.valuesPhrase(value))
            }
            return phrases
        }
    }

    /// Every pattern inside this rule, including those of elements, keys and values.
    package var patterns: [APIPattern] {
        switch self.kind {
        case .string(_, _, let pattern, _):
            return pattern.map { [$0] } ?? []
        case .number:
            return []
        case .list(_, _, let element):
            return element?.patterns ?? []
        case .map(_, _, let key, let value):
            return (key?.patterns ?? []) + (value?.patterns ?? [])
        }
    }

    /// The length constraints of a list or map rule that a collection of `count` elements breaks.
    package static func brokenLengthConstraints(count: Int, rule: ValueRule) -> [String] {
        switch rule.kind {
        case .list(let minLength, let maxLength, _), .map(let minLength, let maxLength, _, _):
            return Self.brokenLength(count: count, min: minLength, max: maxLength)
        case .string, .number:
            return []
        }
    }

    static func brokenLength(count: Int, min: Int?, max: Int?) -> [String] {
        var broken: [String] = []
        if let max, count > max {
            broken.append("Member must have length less than or equal to \(max)")
        }
        if let min, count < min {
            broken.append("Member must have length greater than or equal to \(min)")
        }
        return broken
    }

    static func lengthPhrases(min: Int?, max: Int?) -> [String] {
        var phrases: [String] = []
        if let max {
            phrases.append("Member must have length less than or equal to \(max)")
        }
        if let min {
            phrases.append("Member must have length greater than or equal to \(min)")
        }
        return phrases
    }

    static func patternPhrase(_ pattern: APIPattern) -> String {
        "Member must satisfy regular expression pattern: \(pattern.source)"
    }

    static func enumPhrase(_ allowedValues: [String]) -> String {
        "Member must satisfy enum value set: [\(allowedValues.joined(separator: ", "))]"
    }

    static func maximumPhrase(_ maximum: Double) -> String {
        "Member must have value less than or equal to \(Self.formatBound(maximum))"
    }

    static func minimumPhrase(_ minimum: Double) -> String {
        "Member must have value greater than or equal to \(Self.formatBound(minimum))"
    }

    static func elementPhrase(_ element: ValueRule) -> String {
        "Member must satisfy constraint: [\(element.constraintDescriptions.joined(separator: ", "))]"
    }

    static func keysPhrase(_ key: ValueRule) -> String {
        "Map keys must satisfy constraint: [\(key.constraintDescriptions.joined(separator: ", "))]"
    }

    static func valuesPhrase(_ value: ValueRule) -> String {
        "Map value must satisfy constraint: [\(value.constraintDescriptions.joined(separator: ", "))]"
    }

    /// Model bounds are written as integers (`0`, `-1000000`); print them the same way.
    static func formatBound(_ bound: Double) -> String {
        if bound == bound.rounded(), abs(bound) < 1e15 {
            return String(Int(bound))
        }
        return "\(bound)"
    }
}

/// A value that a ``ValueRule`` can check: strings, numbers, and lists and maps of them.
package protocol ConstrainedValue: Sendable {
    /// The phrases of `rule`'s constraints that this value breaks, in AWS's order. Empty when the value is valid.
    func brokenConstraints(of rule: ValueRule) -> [String]
    /// The value as AWS prints it inside `Value '…'` (Java's `toString`: `[a, b]` for lists, `{k=v}` for maps).
    var renderedForMessage: String { get }
}

extension String: ConstrainedValue {
    /// Lengths count Unicode scalars (code points), as Smithy's `length` trait does.
    ///
    /// The pattern is not run on a value longer than the maximum length: that violation is already reported, and it
    /// keeps backtracking patterns such as `arn:…:.*:.*:.+` from running over arbitrarily long input.
    package func brokenConstraints(of rule: ValueRule) -> [String] {
        guard case .string(let minLength, let maxLength, let pattern, let allowedValues) = rule.kind else {
            return []
        }
        let length = self.unicodeScalars.count
        var broken = ValueRule.brokenLength(count: length, min: minLength, max: maxLength)
        if let pattern, maxLength.map({ length <= $0 }) ?? true, !pattern.matches(self) {
            broken.append(ValueRule.patternPhrase(pattern))
        }
        if let allowedValues, !allowedValues.contains(self) {
            broken.append(ValueRule.enumPhrase(allowedValues))
        }
        return broken
    }

    package var renderedForMessage: String { self }
}

extension Double: ConstrainedValue {
    package func brokenConstraints(of rule: ValueRule) -> [String] {
        guard case .number(let minimum, let maximum) = rule.kind else {
            return []
        }
        var broken: [String] = []
        if let maximum, !(self <= maximum) {
            broken.append(ValueRule.maximumPhrase(maximum))
        }
        if let minimum, !(self >= minimum) {
            broken.append(ValueRule.minimumPhrase(minimum))
        }
        return broken
    }

    package var renderedForMessage: String { "\(self)" }
}

extension Int: ConstrainedValue {
    package func brokenConstraints(of rule: ValueRule) -> [String] {
        Double(self).brokenConstraints(of: rule)
    }

    package var renderedForMessage: String { String(self) }
}

extension Array: ConstrainedValue where Element: ConstrainedValue {
    package func brokenConstraints(of rule: ValueRule) -> [String] {
        guard case .list(let minLength, let maxLength, let element) = rule.kind else {
            return []
        }
        var broken = ValueRule.brokenLength(count: self.count, min: minLength, max: maxLength)
        if let element, self.contains(where: { !$0.brokenConstraints(of: element).isEmpty }) {
            broken.append(ValueRule.elementPhrase(element))
        }
        return broken
    }

    package var renderedForMessage: String {
        "[" + self.map(\.renderedForMessage).joined(separator: ", ") + "]"
    }
}

extension Dictionary: ConstrainedValue where Key == String, Value: ConstrainedValue {
    package func brokenConstraints(of rule: ValueRule) -> [String] {
        guard case .map(let minLength, let maxLength, let keyRule, let valueRule) = rule.kind else {
            return []
        }
        var broken = ValueRule.brokenLength(count: self.count, min: minLength, max: maxLength)
        if let keyRule, self.keys.contains(where: { !$0.brokenConstraints(of: keyRule).isEmpty }) {
            broken.append(ValueRule.keysPhrase(keyRule))
        }
        if let valueRule, self.values.contains(where: { !$0.brokenConstraints(of: valueRule).isEmpty }) {
            broken.append(ValueRule.valuesPhrase(valueRule))
        }
        return broken
    }

    /// Keys are sorted so messages are deterministic (Java's `HashMap` order is not meaningful either).
    package var renderedForMessage: String {
        let entries = self.keys.sorted().map { key in "\(key)=\(self[key]?.renderedForMessage ?? "null")" }
        return "{" + entries.joined(separator: ", ") + "}"
    }
}

/// A `pattern` from the model, matched against the whole value as AWS (Java's `Pattern.matches`) does.
///
/// `^[a-zA-Z0-9][a-zA-Z0-9\-_]*` therefore rejects `bad name!`, and `\p{ASCII}{0,1500}` rejects any non-ASCII
/// character. Matching follows Java where Swift's defaults differ: it works on Unicode scalars (code points) rather than
/// grapheme clusters, and `\d`, `\w`, `\s` are ASCII-only.
///
/// The regular expression is compiled on first use and cached. Swift's `Regex` is not `Sendable`, so the compiled value
/// lives inside a `Mutex` and is only used while the lock is held; patterns are short and matched values are bounded
/// by the maximum length, so the critical section is a few microseconds.
package final class APIPattern: Sendable {
    /// The pattern exactly as written in the model (and quoted in violation messages).
    package let source: String
    private let state: Mutex<State>

    private enum State {
        case notCompiled
        case compiled(Regex<AnyRegexOutput>)
        case invalid
    }

    package init(_ source: String) {
        self.source = source
        self.state = Mutex(.notCompiled)
    }

    /// Whether the whole of `value` matches. A pattern Swift cannot compile matches everything (a test asserts every
    /// model pattern compiles).
    package func matches(_ value: String) -> Bool {
        self.state.withLock { state in
            let regex: Regex<AnyRegexOutput>
            switch state {
            case .compiled(let cached):
                regex = cached
            case .invalid:
                return true
            case .notCompiled:
                guard let compiled = Self.compile(self.source) else {
                    state = .invalid
                    return true
                }
                state = .compiled(compiled)
                regex = compiled
            }
            return (try? regex.wholeMatch(in: value)) != nil
        }
    }

    /// Whether Swift's `Regex` accepts the pattern.
    package var compiles: Bool {
        Self.compile(self.source) != nil
    }

    private static func compile(_ source: String) -> Regex<AnyRegexOutput>? {
        guard let regex = try? Regex(source) else {
            return nil
        }
        return regex.matchingSemantics(.unicodeScalar).asciiOnlyCharacterClasses()
    }
}
