/// A parsed and validated IAM policy document.
///
/// Build one with ``init(parsing:options:)``; compile it with ``CompiledPolicy`` to evaluate it.
/// The model keeps what was written (single strings and one-element arrays become one-element
/// arrays; numbers and booleans in conditions keep their text), so it is not a round-trip printer:
/// store the caller's original text for `GetPolicyVersion`.
package struct PolicyDocument: Sendable, Equatable {
    /// `Version`; nil when absent (then 2008-10-17 semantics apply: no policy variables).
    package var version: PolicyVersion?
    package var id: String?
    package var statements: [PolicyStatement]

    package init(version: PolicyVersion? = .v2012_10_17, id: String? = nil, statements: [PolicyStatement]) {
        self.version = version
        self.id = id
        self.statements = statements
    }

    /// Whether `${…}` is a policy variable (only with `"Version": "2012-10-17"`) or literal text.
    package var supportsPolicyVariables: Bool { version == .v2012_10_17 }
}

/// The policy language versions IAM accepts.
package enum PolicyVersion: String, Sendable, Hashable {
    case v2012_10_17 = "2012-10-17"
    case v2008_10_17 = "2008-10-17"
}

/// `Allow` or `Deny`.
package enum Effect: String, Sendable, Hashable {
    case allow = "Allow"
    case deny = "Deny"
}

/// One statement of a policy.
package struct PolicyStatement: Sendable, Equatable {
    package var sid: String?
    package var effect: Effect
    /// `Principal` or `NotPrincipal`; nil when absent (identity policies).
    package var principal: PrincipalElement?
    /// `Action` or `NotAction`.
    package var action: ActionElement
    /// `Resource` or `NotResource`; nil when absent (role trust policies), which matches every resource.
    package var resource: ResourceElement?
    /// The `Condition` block flattened to one entry per (operator, key), in document order.
    package var conditions: [PolicyCondition]
    /// Where the statement object is in the source text (nil when built in code).
    package var sourceRange: SourceRange?

    package init(
        sid: String? = nil, effect: Effect, principal: PrincipalElement? = nil, action: ActionElement,
        resource: ResourceElement?, conditions: [PolicyCondition] = [], sourceRange: SourceRange? = nil
    ) {
        self.sid = sid
        self.effect = effect
        self.principal = principal
        self.action = action
        self.resource = resource
        self.conditions = conditions
        self.sourceRange = sourceRange
    }
}

/// `Action` (the statement applies to these actions) or `NotAction` (to every other action).
package enum ActionElement: Sendable, Equatable {
    case action([String])
    case notAction([String])

    package var patterns: [String] {
        switch self {
        case .action(let patterns), .notAction(let patterns): patterns
        }
    }

    package var isNegated: Bool {
        if case .notAction = self { return true }
        return false
    }
}

/// `Resource` (the statement applies to these resources) or `NotResource` (to every other resource).
package enum ResourceElement: Sendable, Equatable {
    case resource([String])
    case notResource([String])

    package var patterns: [String] {
        switch self {
        case .resource(let patterns), .notResource(let patterns): patterns
        }
    }

    package var isNegated: Bool {
        if case .notResource = self { return true }
        return false
    }
}

/// `Principal` or `NotPrincipal`. Parsed for completeness; identity-policy evaluation ignores it.
package enum PrincipalElement: Sendable, Equatable {
    case principal(PrincipalSet)
    case notPrincipal(PrincipalSet)
}

/// The value of a `Principal` element.
package enum PrincipalSet: Sendable, Equatable {
    /// `"*"`: everyone, including anonymous callers.
    case everyone
    /// `{"AWS": [...], "Service": [...], ...}` in document order.
    case entries([PrincipalEntry])
}

/// One `"<type>": value(s)` member of a `Principal` object.
package struct PrincipalEntry: Sendable, Equatable {
    /// `AWS`, `Service`, `Federated` or `CanonicalUser`.
    package var type: String
    package var values: [String]

    package init(type: String, values: [String]) {
        self.type = type
        self.values = values
    }
}

/// One condition: an operator applied to one context key with one or more policy values (OR-ed, or
/// NOR-ed for negated operators).
package struct PolicyCondition: Sendable, Equatable {
    package var conditionOperator: ConditionOperator
    /// The key as written (`aws:PrincipalTag/Team`); keys compare case-insensitively.
    package var key: String
    /// The values as text: JSON numbers keep their digits, JSON booleans become `true`/`false`.
    package var values: [String]

    package init(conditionOperator: ConditionOperator, key: String, values: [String]) {
        self.conditionOperator = conditionOperator
        self.key = key
        self.values = values
    }
}

/// A span of the policy source, as 1-based lines and columns (columns count Unicode scalars). The end
/// is inclusive: it is the position of the statement's closing `}`.
package struct SourceRange: Sendable, Hashable {
    package var startLine: Int
    package var startColumn: Int
    package var endLine: Int
    package var endColumn: Int

    package init(startLine: Int, startColumn: Int, endLine: Int, endColumn: Int) {
        self.startLine = startLine
        self.startColumn = startColumn
        self.endLine = endLine
        self.endColumn = endColumn
    }
}
