/// A set of ``PolicyType``s.
package struct PolicyTypeSet: OptionSet, Sendable, Hashable {
    package let rawValue: UInt8

    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    package init(_ type: PolicyType) {
        switch type {
        case .identity: self = .identity
        case .permissionsBoundary: self = .permissionsBoundary
        case .session: self = .session
        case .serviceControl: self = .serviceControl
        case .resourceControl: self = .resourceControl
        case .resource: self = .resource
        }
    }

    package static let identity = PolicyTypeSet(rawValue: 1 << 0)
    package static let permissionsBoundary = PolicyTypeSet(rawValue: 1 << 1)
    package static let session = PolicyTypeSet(rawValue: 1 << 2)
    package static let serviceControl = PolicyTypeSet(rawValue: 1 << 3)
    package static let resourceControl = PolicyTypeSet(rawValue: 1 << 4)
    package static let resource = PolicyTypeSet(rawValue: 1 << 5)

    package func contains(_ type: PolicyType) -> Bool { contains(PolicyTypeSet(type)) }
}

/// A statement that took part in a decision.
package struct MatchedStatement: Sendable, Hashable {
    package var policyType: PolicyType
    /// ``CompiledPolicy/id`` of the policy.
    package var policyID: String
    /// Zero-based position of the statement in its policy.
    package var statementIndex: Int
    package var sid: String?
    package var effect: Effect
    /// Where the statement is in the policy text (for `SimulatePrincipalPolicy`'s positions).
    package var sourceRange: SourceRange?
}

/// The answer to an ``AuthorizationRequest``.
package struct AuthorizationDecision: Sendable, Hashable {
    package enum Result: String, Sendable, Hashable {
        case allowed = "Allowed"
        case explicitlyDenied = "ExplicitlyDenied"
        case implicitlyDenied = "ImplicitlyDenied"
    }

    package var result: Result
    /// The deciding statements: every matching `Deny` when explicitly denied; every matching `Allow`
    /// (of every policy type that had to allow) when allowed; empty when implicitly denied.
    package var matchedStatements: [MatchedStatement]
    /// Policy types with a matching `Deny` statement.
    package var explicitDenies: PolicyTypeSet
    /// Policy types that had to allow and did not: `.identity` (no identity statement allows),
    /// `.permissionsBoundary`, `.session`, `.serviceControl`, `.resourceControl` (some level has no allow),
    /// `.resource` (cross-account request: no resource-based policy grants access).
    package var missingAllows: PolicyTypeSet
    /// Condition keys (and policy-variable keys) read by statements whose action and resource matched,
    /// but absent from the request context: `SimulatePrincipalPolicy`'s `MissingContextValues`.
    /// As first written in the policies; deduplicated case-insensitively.
    package var missingContextKeys: [String]

    package var isAllowed: Bool { result == .allowed }

    package init(
        result: Result, matchedStatements: [MatchedStatement] = [], explicitDenies: PolicyTypeSet = [],
        missingAllows: PolicyTypeSet = [], missingContextKeys: [String] = []
    ) {
        self.result = result
        self.matchedStatements = matchedStatements
        self.explicitDenies = explicitDenies
        self.missingAllows = missingAllows
        self.missingContextKeys = missingContextKeys
    }

    /// The policy type named in the denial message, or nil when allowed.
    ///
    /// Explicit denies are reported in the order identity, permissions boundary, session, SCP, RCP;
    /// missing allows in evaluation order: SCP, RCP, resource (cross-account), identity, boundary, session.
    package var denyingPolicyType: PolicyType? {
        switch result {
        case .allowed:
            return nil
        case .explicitlyDenied:
            let order: [PolicyType] = [.identity, .permissionsBoundary, .session, .serviceControl, .resourceControl]
            return order.first { explicitDenies.contains($0) } ?? .identity
        case .implicitlyDenied:
            let order: [PolicyType] = [
                .serviceControl, .resourceControl, .resource, .identity, .permissionsBoundary, .session,
            ]
            return order.first { missingAllows.contains($0) } ?? .identity
        }
    }

    /// AWS's `AccessDenied` message for this decision, e.g. `User: arn:aws:iam::111122223333:user/bob
    /// is not authorized to perform: personalize:CreateCampaign on resource: arn:…:campaign/x because no
    /// identity-based policy allows the personalize:CreateCampaign action`. Nil when allowed.
    package func accessDeniedMessage(for request: AuthorizationRequest) -> String? {
        guard let type = denyingPolicyType else { return nil }
        let prefix =
            "User: \(request.principalARN) is not authorized to perform: \(request.action) on resource: \(request.resource)"
        let typeName: String
        switch type {
        case .identity: typeName = "identity-based policy"
        case .permissionsBoundary: typeName = "permissions boundary"
        case .session: typeName = "session policy"
        case .serviceControl: typeName = "service control policy"
        case .resourceControl: typeName = "resource control policy"
        case .resource: typeName = "resource-based policy"
        }
        if result == .explicitlyDenied {
            let article = type == .identity ? "an" : "a"
            return "\(prefix) with an explicit deny in \(article) \(typeName)"
        }
        return "\(prefix) because no \(typeName) allows the \(request.action) action"
    }
}
