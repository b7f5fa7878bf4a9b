/// A policy compiled for evaluation: actions lowercased into globs, resources split into ARN-part
/// globs, condition values parsed (numbers, dates, CIDRs, base64) and keys lowercased.
///
/// Compile once when a policy is stored or loaded, cache the result (it is immutable and `Sendable`),
/// and evaluate many times.
package struct CompiledPolicy: Sendable {
    /// The caller's name for the policy (an ARN, `user/bob/inline-name`, …); reported in
    /// ``MatchedStatement/policyID``.
    package let id: String
    let statements: [CompiledStatement]

    package init(_ document: PolicyDocument, id: String) {
        self.id = id
        let variables = document.supportsPolicyVariables
        self.statements = document.statements.enumerated().map { index, statement in
            CompiledStatement(statement, index: index, variables: variables)
        }
    }

    /// Parses (with `options`) and compiles in one step.
    package init(parsing text: String, id: String, options: PolicyParseOptions = .managedPolicy) throws(PolicyError) {
        self.init(try PolicyDocument(parsing: text, options: options), id: id)
    }

    /// Number of statements.
    package var statementCount: Int { statements.count }
}

/// A class so the evaluation loop retains one object per statement instead of copying every field.
final class CompiledStatement: Sendable {
    let index: Int
    let sid: String?
    let effect: Effect
    let sourceRange: SourceRange?
    private let actions: [Glob]
    private let actionsNegated: Bool
    private let matchesEveryAction: Bool
    /// nil when the statement has no `Resource`/`NotResource` (trust policies): every resource.
    private let resources: [ResourcePattern]?
    private let resourcesNegated: Bool
    /// Keys of the policy variables in the resources (as written, and lowercased).
    private let resourceVariableKeys: [(written: String, lowercased: String)]
    let conditions: [CompiledCondition]

    init(_ statement: PolicyStatement, index: Int, variables: Bool) {
        self.index = index
        self.sid = statement.sid
        self.effect = statement.effect
        self.sourceRange = statement.sourceRange
        self.actions = statement.action.patterns.map { Glob($0, wildcards: true, lowercase: true) }
        self.actionsNegated = statement.action.isNegated
        self.matchesEveryAction = !actionsNegated && actions.contains { $0.matchesEverything }
        let resources = statement.resource.map { element in
            element.patterns.map { ResourcePattern($0, variables: variables) }
        }
        self.resources = resources
        self.resourcesNegated = statement.resource?.isNegated ?? false
        self.resourceVariableKeys = (resources ?? []).flatMap(\.variableKeys).map { ($0, lowercasedKey($0)) }
        self.conditions = statement.conditions.map { CompiledCondition($0, variables: variables) }
    }

    /// `Action`: some pattern matches; `NotAction`: none does. Case-insensitive.
    @inline(__always)
    func appliesToAction(_ lowercasedAction: [UInt8]) -> Bool {
        if matchesEveryAction { return true }
        var matched = false
        for index in actions.indices where actions[index].matches(lowercasedAction) {
            matched = true
            break
        }
        return matched != actionsNegated
    }

    /// `Resource`: some pattern matches; `NotResource`: none does. Case-sensitive, part-wise for ARNs.
    @inline(__always)
    func appliesToResource(_ resource: PreparedARN, context: PreparedContext) -> Bool {
        guard let resources else { return true }
        var matched = false
        for index in resources.indices where resources[index].matches(resource, context: context) {
            matched = true
            break
        }
        return matched != resourcesNegated
    }

    /// Appends the keys of resource policy variables that `context` lacks (why a templated resource
    /// did not match).
    func collectMissingResourceKeys(_ context: PreparedContext, into missing: inout [String]) {
        for key in resourceVariableKeys where context.value(forLowercasedKey: key.lowercased) == nil {
            missing.append(key.written)
        }
    }

    /// Appends the condition keys and condition-variable keys that `context` lacks.
    func collectMissingConditionKeys(_ context: PreparedContext, into missing: inout [String]) {
        for index in conditions.indices {
            conditions[index].collectMissingKeys(context, into: &missing)
        }
    }

    /// Every condition holds (an empty block holds).
    @inline(__always)
    func conditionsHold(_ context: PreparedContext) -> Bool {
        for index in conditions.indices where !conditions[index].evaluate(context) { return false }
        return true
    }
}

/// Where a policy sits in the evaluation. Determines how it combines with the others.
package enum PolicyType: String, Sendable, Hashable, CaseIterable {
    /// User, group or role policies (inline or managed). Some must allow.
    case identity
    /// The principal's permissions boundary. When set, it must also allow; it never grants.
    case permissionsBoundary
    /// Session policies of a role session or federated user. When present, they must also allow.
    case session
    /// Service control policies (organisation guardrails on principals): every level must allow.
    case serviceControl
    /// Resource control policies (organisation guardrails on resources): every level must allow.
    case resourceControl
    /// Resource-based policies. Not evaluated here (Personalize has none); reported as the missing
    /// allow of a cross-account request.
    case resource
}

/// The policies that apply to one principal, compiled.
///
/// - `identityPolicies`: user inline + attached managed + groups' inline and managed (or the role's).
/// - `permissionsBoundaries`: nil or empty means no boundary. IAM allows one; several are accepted and
///   treated as one boundary (any may allow).
/// - `sessionPolicies`: nil or empty means none. The inline session policy and managed session policy
///   ARNs together form one layer.
/// - `serviceControlPolicies` / `resourceControlPolicies`: one inner array per organisation level
///   (root, each OU, account); nil means the principal is not under such policies. Each level must
///   contain an allowing statement. Real organisations attach `FullAWSAccess`/`RCPFullAWSAccess` to every
///   level by default; include it explicitly if you want that behaviour.
package struct CompiledPolicySet: Sendable {
    package var identityPolicies: [CompiledPolicy]
    package var permissionsBoundaries: [CompiledPolicy]?
    package var sessionPolicies: [CompiledPolicy]?
    package var serviceControlPolicies: [[CompiledPolicy]]?
    package var resourceControlPolicies: [[CompiledPolicy]]?

    package init(
        identityPolicies: [CompiledPolicy], permissionsBoundaries: [CompiledPolicy]? = nil,
        sessionPolicies: [CompiledPolicy]? = nil, serviceControlPolicies: [[CompiledPolicy]]? = nil,
        resourceControlPolicies: [[CompiledPolicy]]? = nil
    ) {
        self.identityPolicies = identityPolicies
        self.permissionsBoundaries = permissionsBoundaries
        self.sessionPolicies = sessionPolicies
        self.serviceControlPolicies = serviceControlPolicies
        self.resourceControlPolicies = resourceControlPolicies
    }
}
