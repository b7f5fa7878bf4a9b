/// A condition operator as written in a `Condition` block: a base operator with an optional
/// `ForAllValues:`/`ForAnyValue:` set qualifier and an optional `IfExists` suffix.
///
/// Operator names are matched exactly (case-sensitive), as IAM does.
package struct ConditionOperator: Sendable, Hashable, CustomStringConvertible {
    /// The base operators of the IAM policy language.
    package enum Base: String, Sendable, Hashable, CaseIterable {
        case stringEquals = "StringEquals"
        case stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
        case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike"
        case stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals"
        case numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan"
        case numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan"
        case numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals"
        case dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan"
        case dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan"
        case dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"
        case binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress"
        case notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals"
        case arnLike = "ArnLike"
        case arnNotEquals = "ArnNotEquals"
        case arnNotLike = "ArnNotLike"
        case null = "Null"

        /// Negated operators match when the request value matches **none** of the policy values, and
        /// match when the key is absent.
        package var isNegated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals,
                .notIpAddress, .arnNotEquals, .arnNotLike:
                true
            default:
                false
            }
        }

        /// Whether policy variables (`${aws:username}`) are substituted in this operator's values.
        package var allowsPolicyVariables: Bool {
            switch self {
            case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .stringLike,
                .stringNotLike, .arnEquals, .arnLike, .arnNotEquals, .arnNotLike, .bool:
                true
            default:
                false
            }
        }
    }

    /// A set qualifier for multivalued keys.
    package enum SetQualifier: String, Sendable, Hashable {
        /// True iff every request value matches; true when the key is absent or has no values.
        case forAllValues = "ForAllValues"
        /// True iff some request value matches; false when the key is absent.
        case forAnyValue = "ForAnyValue"
    }

    package var base: Base
    package var qualifier: SetQualifier?
    package var ifExists: Bool

    package init(base: Base, qualifier: SetQualifier? = nil, ifExists: Bool = false) {
        self.base = base
        self.qualifier = qualifier
        self.ifExists = ifExists
    }

    /// Parses an operator name such as `ForAnyValue:StringLikeIfExists`. Returns nil for unknown
    /// names and for `NullIfExists` (IAM has no such operator).
    package init?(_ name: String) {
        var rest = Substring(name)
        var qualifier: SetQualifier?
        if let colon = rest.firstIndex(of: ":") {
            guard let parsed = SetQualifier(rawValue: String(rest[..<colon])) else { return nil }
            qualifier = parsed
            rest = rest[rest.index(after: colon)...]
        }
        var ifExists = false
        if rest.hasSuffix("IfExists") {
            ifExists = true
            rest = rest.dropLast("IfExists".count)
        }
        guard let base = Base(rawValue: String(rest)) else { return nil }
        if base == .null && ifExists { return nil }
        self.init(base: base, qualifier: qualifier, ifExists: ifExists)
    }

    /// The operator's name as written in a policy.
    package var description: String {
        var name = base.rawValue
        if ifExists { name += "IfExists" }
        if let qualifier { name = "\(qualifier.rawValue):\(name)" }
        return name
    }
}
