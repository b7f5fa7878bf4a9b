import PersimmonIAM

/// One context entry of a simulation (`ContextEntries.member.N`).
package struct SimulationContextEntry: Sendable {
    package var key: String
    package var values: [String]
    /// `string`, `stringList`, `numeric`, `numericList`, … (a `…List` type makes the key multivalued).
    package var type: String

    package init(key: String, values: [String], type: String) {
        self.key = key
        self.values = values
        self.type = type
    }
}

/// A statement that decided a simulated request.
package struct SimulatedStatement: Sendable {
    package var source: PolicySource
    package var range: SourceRange?
}

/// One result of `SimulatePrincipalPolicy` / `SimulateCustomPolicy`.
package struct SimulationResult: Sendable {
    package var action: String
    package var resource: String
    /// `allowed`, `explicitDeny` or `implicitDeny`.
    package var decision: String
    package var matchedStatements: [SimulatedStatement]
    package var missingContextValues: [String]
    /// Whether the permissions boundary allowed the request; nil when there is no boundary.
    package var allowedByPermissionsBoundary: Bool?
}

/// IAM's policy simulator, answering from the same evaluator and the same compiled policies that authorize real
/// requests. As in AWS, the request context holds only what the caller passes in `ContextEntries`: missing keys
/// are reported, never invented.
package struct PolicySimulator: Sendable {
    package let cache: IAMSnapshotCache

    package init(cache: IAMSnapshotCache) {
        self.cache = cache
    }

    /// Simulates the policies of a user or group of the caller's account, plus any extra documents.
    package func simulatePrincipalPolicy(
        sourceARN: String, extraPolicies: [String], boundaryPolicies: [String], actions: [String],
        resources: [String], context entries: [SimulationContextEntry], account: AccountID
    ) async throws -> [SimulationResult] {
        let entry = try await cache.current(account: account)
        let base: PrincipalPolicies
        let principalARN: String
        if let user = entry.snapshot.users.first(where: { $0.arn == sourceARN }) {
            base = Authorizer.policies(for: user, in: entry)
            principalARN = user.arn
        } else if let group = entry.snapshot.groups.first(where: { $0.arn == sourceARN }) {
            base = Authorizer.policies(for: group, in: entry)
            principalARN = group.arn
        } else {
            throw IAMError(.noSuchEntity, "The entity \(sourceARN) cannot be found.")
        }
        var identity = base.policySet.identityPolicies
        var sources = base.sources
        for (index, text) in extraPolicies.enumerated() {
            let id = "PolicyInputList.\(index + 1)"
            identity.append(CompiledPolicy(try Self.parse(text, member: "PolicyInputList"), id: id))
            sources[id] = PolicySource(id: id, type: "none", label: id)
        }
        var boundaries = base.policySet.permissionsBoundaries
        if !boundaryPolicies.isEmpty {
            boundaries = []
            for (index, text) in boundaryPolicies.enumerated() {
                let id = "PermissionsBoundaryPolicyInputList.\(index + 1)"
                boundaries?.append(
                    CompiledPolicy(try Self.parse(text, member: "PermissionsBoundaryPolicyInputList"), id: id))
                sources[id] = PolicySource(id: id, type: "none", label: id)
            }
        }
        let set = CompiledPolicySet(identityPolicies: identity, permissionsBoundaries: boundaries)
        return try Self.simulate(
            set, sources: sources, principalARN: principalARN, account: account, actions: actions,
            resources: resources, entries: entries
        )
    }

    /// Simulates documents that are not attached to anyone.
    package func simulateCustomPolicy(
        policies: [String], boundaryPolicies: [String], actions: [String], resources: [String],
        context entries: [SimulationContextEntry], account: AccountID
    ) throws -> [SimulationResult] {
        var identity: [CompiledPolicy] = []
        var sources: [String: PolicySource] = [:]
        for (index, text) in policies.enumerated() {
            let id = "PolicyInputList.\(index + 1)"
            identity.append(CompiledPolicy(try Self.parse(text, member: "PolicyInputList"), id: id))
            sources[id] = PolicySource(id: id, type: "none", label: id)
        }
        var boundaries: [CompiledPolicy]?
        for (index, text) in boundaryPolicies.enumerated() {
            let id = "PermissionsBoundaryPolicyInputList.\(index + 1)"
            boundaries =
                (boundaries ?? [])
                + [CompiledPolicy(try Self.parse(text, member: "PermissionsBoundaryPolicyInputList"), id: id)]
            sources[id] = PolicySource(id: id, type: "none", label: id)
        }
        return try Self.simulate(
            CompiledPolicySet(identityPolicies: identity, permissionsBoundaries: boundaries), sources: sources,
            principalARN: "arn:aws:iam::\(account.rawValue):root", account: account, actions: actions,
            resources: resources, entries: entries
        )
    }

    static func parse(_ text: String, member: String) throws(IAMError) -> PolicyDocument {
        do {
            return try PolicyDocument(parsing: text, options: .identityPolicy(maximumSize: nil))
        } catch {
            throw IAMError(.invalidInput, "\(member): \(error.message)")
        }
    }

    static func simulate(
        _ set: CompiledPolicySet, sources: [String: PolicySource], principalARN: String, account: AccountID,
        actions: [String], resources: [String], entries: [SimulationContextEntry]
    ) throws(IAMError) -> [SimulationResult] {
        guard !actions.isEmpty else {
            throw IAMError(.invalidInput, "ActionNames must contain at least one action.")
        }
        var context: [String: ContextValue] = [:]
        for entry in entries {
            context[entry.key] =
                entry.type.hasSuffix("List") ? .strings(entry.values) : .string(entry.values.first ?? "")
        }
        let evaluator = PolicyEvaluator(policies: set)
        let hasBoundary = !(set.permissionsBoundaries ?? []).isEmpty
        var results: [SimulationResult] = []
        for action in actions {
            guard action.contains(":") else {
                throw IAMError(.invalidInput, "Action \(action) is not a valid action name (service:Action).")
            }
            for resource in resources.isEmpty ? ["*"] : resources {
                let request = AuthorizationRequest(
                    principalARN: principalARN, principalAccount: account.rawValue, action: action,
                    resource: resource, resourceAccount: AuthorizationCheck.account(of: resource), context: context
                )
                let decision = evaluator.evaluate(request)
                let name: String
                switch decision.result {
                case .allowed: name = "allowed"
                case .explicitlyDenied: name = "explicitDeny"
                case .implicitlyDenied: name = "implicitDeny"
                }
                let matched = decision.matchedStatements.map { statement in
                    SimulatedStatement(
                        source: sources[statement.policyID]
                            ?? PolicySource(id: statement.policyID, type: "none", label: statement.policyID),
                        range: statement.sourceRange
                    )
                }
                results.append(
                    SimulationResult(
                        action: action, resource: resource, decision: name, matchedStatements: matched,
                        missingContextValues: decision.missingContextKeys,
                        allowedByPermissionsBoundary: hasBoundary
                            ? !decision.missingAllows.contains(.permissionsBoundary)
                                && !decision.explicitDenies.contains(.permissionsBoundary) : nil
                    )
                )
            }
        }
        return results
    }
}
