/// The outcome of comparing one request value with one policy value.
private enum ValueResult {
    case match
    case noMatch
    /// A value could not be compared: an unresolvable policy variable or a request value of the wrong
    /// type. It never matches, and it makes a negated operator fail.
    case error
}

/// Positive operators: some policy value matches. Negated operators: no policy value matches and
/// none failed to compare.
@inline(__always)
private func combine(count: Int, negated: Bool, _ result: (Int) -> ValueResult) -> Bool {
    if negated {
        for index in 0..<count where result(index) != .noMatch { return false }
        return true
    }
    for index in 0..<count where result(index) == .match { return true }
    return false
}

/// A policy value for exact comparison: fixed text, or a template with policy variables.
private enum TextValue: Sendable {
    case fixed(String)
    case template(TextTemplate)

    init(_ text: String, variables: Bool, lowercase: Bool) {
        let template = (try? PolicyTemplate.parse(text, variables: variables)) ?? PolicyTemplate(parts: [.text(text)])
        if template.isDynamic {
            self = .template(TextTemplate(template))
        } else {
            self = .fixed(lowercase ? text.lowercased() : text)
        }
    }

    var variableKeys: [String] {
        if case .template(let template) = self { return template.variableKeys }
        return []
    }
}

/// A policy value for wildcard comparison (`StringLike`): a compiled glob or a template.
private enum PatternValue: Sendable {
    case fixed(Glob)
    case template(ElementTemplate)

    init(_ text: String, variables: Bool) {
        let template = (try? PolicyTemplate.parse(text, variables: variables)) ?? PolicyTemplate(parts: [.text(text)])
        if template.isDynamic {
            self = .template(ElementTemplate(template, wildcards: true))
        } else {
            self = .fixed(Glob(text))
        }
    }

    var variableKeys: [String] {
        if case .template(let template) = self { return template.variableKeys }
        return []
    }
}

/// A policy value for the `Arn*` operators: a part-wise ARN pattern (nil when not ARN-shaped, which
/// never matches) or a template.
private enum ARNValue: Sendable {
    case fixed(ARNPattern?)
    case template(ElementTemplate)

    init(_ text: String, variables: Bool) {
        let template = (try? PolicyTemplate.parse(text, variables: variables)) ?? PolicyTemplate(parts: [.text(text)])
        if template.isDynamic {
            self = .template(ElementTemplate(template, wildcards: true))
        } else {
            self = .fixed(ARNPattern(elements: patternElements(text, wildcards: true)))
        }
    }

    var variableKeys: [String] {
        if case .template(let template) = self { return template.variableKeys }
        return []
    }
}

private enum Comparison: Sendable {
    case equal
    case lessThan
    case lessThanOrEqual
    case greaterThan
    case greaterThanOrEqual

    init(_ base: ConditionOperator.Base) {
        switch base {
        case .numericLessThan, .dateLessThan: self = .lessThan
        case .numericLessThanEquals, .dateLessThanEquals: self = .lessThanOrEqual
        case .numericGreaterThan, .dateGreaterThan: self = .greaterThan
        case .numericGreaterThanEquals, .dateGreaterThanEquals: self = .greaterThanOrEqual
        default: self = .equal
        }
    }

    @inline(__always)
    func holds(_ request: Double, _ policy: Double) -> Bool {
        switch self {
        case .equal: request == policy
        case .lessThan: request < policy
        case .lessThanOrEqual: request <= policy
        case .greaterThan: request > policy
        case .greaterThanOrEqual: request >= policy
        }
    }
}

/// Policy values pre-parsed for their operator, so evaluation does no policy-side parsing.
private enum ValueMatcher: Sendable {
    case stringEquals([TextValue])
    /// Fixed values are stored lowercased.
    case stringEqualsIgnoreCase([TextValue])
    case stringLike([PatternValue])
    /// nil entries failed to parse (only possible for documents built in code); they never match.
    case numeric([Double?], Comparison)
    case date([Double?], Comparison)
    case bool([TextValue])
    case binary([[UInt8]?])
    case ipAddress([IPNetwork?])
    case arn([ARNValue])
    case null([Bool?])
}

/// One condition, compiled: lowercased key, operator, pre-parsed values. A class so evaluation
/// loops retain one object instead of copying every field.
final class CompiledCondition: Sendable {
    /// The key lowercased, for lookup.
    let key: String
    /// The key as written, for reports.
    let writtenKey: String
    let conditionOperator: ConditionOperator
    /// Keys read by policy variables in the values, as written.
    let variableKeys: [String]
    private let lowercasedVariableKeys: [String]
    private let matcher: ValueMatcher

    init(_ condition: PolicyCondition, variables: Bool) {
        key = lowercasedKey(condition.key)
        writtenKey = condition.key
        conditionOperator = condition.conditionOperator
        let base = conditionOperator.base
        let allowVariables = variables && base.allowsPolicyVariables
        let values = condition.values
        switch base {
        case .stringEquals, .stringNotEquals:
            let compiled = values.map { TextValue($0, variables: allowVariables, lowercase: false) }
            matcher = .stringEquals(compiled)
            variableKeys = compiled.flatMap(\.variableKeys)
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase:
            let compiled = values.map { TextValue($0, variables: allowVariables, lowercase: true) }
            matcher = .stringEqualsIgnoreCase(compiled)
            variableKeys = compiled.flatMap(\.variableKeys)
        case .stringLike, .stringNotLike:
            let compiled = values.map { PatternValue($0, variables: allowVariables) }
            matcher = .stringLike(compiled)
            variableKeys = compiled.flatMap(\.variableKeys)
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
            .numericGreaterThanEquals:
            matcher = .numeric(values.map(ConditionValueParser.number), Comparison(base))
            variableKeys = []
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan,
            .dateGreaterThanEquals:
            matcher = .date(values.map(ConditionValueParser.date), Comparison(base))
            variableKeys = []
        case .bool:
            let compiled = values.map { TextValue($0, variables: allowVariables, lowercase: true) }
            matcher = .bool(compiled)
            variableKeys = compiled.flatMap(\.variableKeys)
        case .binaryEquals:
            matcher = .binary(values.map(ConditionValueParser.base64))
            variableKeys = []
        case .ipAddress, .notIpAddress:
            matcher = .ipAddress(values.map(ConditionValueParser.network))
            variableKeys = []
        case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
            let compiled = values.map { ARNValue($0, variables: allowVariables) }
            matcher = .arn(compiled)
            variableKeys = compiled.flatMap(\.variableKeys)
        case .null:
            matcher = .null(values.map(ConditionValueParser.bool))
            variableKeys = []
        }
        lowercasedVariableKeys = variableKeys.map(lowercasedKey)
    }

    /// Evaluates the condition against the request context.
    ///
    /// Semantics (IAM's, as documented and as the iam-simulate corpus encodes them):
    /// - `Null`: `true` matches an absent key, `false` a present one (set qualifiers are ignored).
    /// - Absent key: `…IfExists` ⇒ true; plain negated operator ⇒ true; plain positive ⇒ false;
    ///   `ForAllValues:` ⇒ true; `ForAnyValue:` ⇒ false.
    /// - Plain operators never match a multivalued key.
    /// - `ForAllValues:` ⇒ every request value matches (vacuously true for an empty list);
    ///   `ForAnyValue:` ⇒ some request value matches. A single value counts as a list of one.
    func evaluate(_ context: PreparedContext) -> Bool {
        let contextValue = context.value(forLowercasedKey: key)
        if case .null(let expected) = matcher {
            let absent = contextValue == nil
            for value in expected where value == absent { return true }
            return false
        }
        switch conditionOperator.qualifier {
        case nil:
            guard let contextValue else { return conditionOperator.ifExists || conditionOperator.base.isNegated }
            guard case .string(let value) = contextValue else { return false }
            return matches(value, context: context)
        case .forAllValues:
            guard let contextValue else { return true }
            switch contextValue {
            case .string(let value):
                return matches(value, context: context)
            case .strings(let values):
                for value in values where !matches(value, context: context) { return false }
                return true
            }
        case .forAnyValue:
            guard let contextValue else { return conditionOperator.ifExists }
            switch contextValue {
            case .string(let value):
                return matches(value, context: context)
            case .strings(let values):
                for value in values where matches(value, context: context) { return true }
                return false
            }
        }
    }

    /// Appends to `missing` the keys this condition reads that the context lacks.
    func collectMissingKeys(_ context: PreparedContext, into missing: inout [String]) {
        if context.value(forLowercasedKey: key) == nil { missing.append(writtenKey) }
        for index in variableKeys.indices where context.value(forLowercasedKey: lowercasedVariableKeys[index]) == nil {
            missing.append(variableKeys[index])
        }
    }

    /// Whether one request value satisfies the operator against the policy values.
    private func matches(_ requestValue: String, context: PreparedContext) -> Bool {
        let negated = conditionOperator.base.isNegated
        switch matcher {
        case .stringEquals(let values):
            return combine(count: values.count, negated: negated) { index in
                switch values[index] {
                case .fixed(let text):
                    return text == requestValue ? .match : .noMatch
                case .template(let template):
                    guard let text = template.resolve(in: context) else { return .error }
                    return text == requestValue ? .match : .noMatch
                }
            }
        case .stringEqualsIgnoreCase(let values):
            let lowered = requestValue.lowercased()
            return combine(count: values.count, negated: negated) { index in
                switch values[index] {
                case .fixed(let text):
                    return text == lowered ? .match : .noMatch
                case .template(let template):
                    guard let text = template.resolve(in: context) else { return .error }
                    return text.lowercased() == lowered ? .match : .noMatch
                }
            }
        case .stringLike(let values):
            let bytes = Array(requestValue.utf8)
            return combine(count: values.count, negated: negated) { index in
                switch values[index] {
                case .fixed(let glob):
                    return glob.matches(bytes) ? .match : .noMatch
                case .template(let template):
                    guard let elements = template.resolve(in: context) else { return .error }
                    return globMatches(elements, 0..<elements.count, bytes, 0..<bytes.count) ? .match : .noMatch
                }
            }
        case .numeric(let values, let comparison):
            guard let number = ConditionValueParser.number(requestValue) else { return false }
            return combine(count: values.count, negated: negated) { index in
                guard let policyValue = values[index] else { return .error }
                return comparison.holds(number, policyValue) ? .match : .noMatch
            }
        case .date(let values, let comparison):
            guard let date = ConditionValueParser.date(requestValue) else { return false }
            return combine(count: values.count, negated: negated) { index in
                guard let policyValue = values[index] else { return .error }
                return comparison.holds(date, policyValue) ? .match : .noMatch
            }
        case .bool(let values):
            guard let flag = ConditionValueParser.bool(requestValue) else { return false }
            let requestText = flag ? "true" : "false"
            return combine(count: values.count, negated: negated) { index in
                let text: String
                switch values[index] {
                case .fixed(let fixed): text = fixed
                case .template(let template):
                    guard let resolved = template.resolve(in: context) else { return .error }
                    text = resolved.lowercased()
                }
                guard text == "true" || text == "false" else { return .error }
                return text == requestText ? .match : .noMatch
            }
        case .binary(let values):
            guard let bytes = ConditionValueParser.base64(requestValue) else { return false }
            return combine(count: values.count, negated: negated) { index in
                guard let policyBytes = values[index] else { return .error }
                return policyBytes == bytes ? .match : .noMatch
            }
        case .ipAddress(let networks):
            guard let address = IPAddress(Substring(requestValue)) else { return false }
            return combine(count: networks.count, negated: negated) { index in
                guard let network = networks[index] else { return .error }
                return network.contains(address) ? .match : .noMatch
            }
        case .arn(let values):
            let candidate = PreparedARN(requestValue)
            guard candidate.parts != nil else { return false }  // Not an ARN: a type mismatch.
            return combine(count: values.count, negated: negated) { index in
                switch values[index] {
                case .fixed(let pattern):
                    guard let pattern else { return .error }
                    return pattern.matches(candidate) ? .match : .noMatch
                case .template(let template):
                    guard let elements = template.resolve(in: context), let pattern = ARNPattern(elements: elements)
                    else { return .error }
                    return pattern.matches(candidate) ? .match : .noMatch
                }
            }
        case .null:
            return false  // Handled in evaluate(_:).
        }
    }
}
