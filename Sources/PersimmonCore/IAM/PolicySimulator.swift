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
    /// `EvalDecisionDetails`: each policy type's decision (`IAM Policy`, `Resource Policy`) for a cross-account
    /// simulation; empty for a same-account one on a named resource; nil (absent) on `*`.
    package var decisionDetails: [(key: String, value: String)]?
    /// Whether the caller named the resource (`ResourceArns`): the result then also carries a resource-specific
    /// result, where AWS reports the missing context values.
    package var namedResource: Bool
}

/// What a simulation adds to the policies: the optional resource-based policy and who calls whom.
package struct SimulationOptions: Sendable {
    /// `ResourcePolicy`: evaluated for every simulated resource.
    package var resourcePolicy: String?
    /// `ResourceOwner`: an ARN naming the account that owns the resources (and the resource policy).
    package var resourceOwner: String?
    /// `CallerArn`: the IAM user making the simulated calls.
    package var callerARN: String?
    /// `ResourceHandlingOption`: one of AWS's EC2 scenario names.
    package var resourceHandlingOption: String?

    package init(
        resourcePolicy: String? = nil, resourceOwner: String? = nil, callerARN: String? = nil,
        resourceHandlingOption: String? = nil
    ) {
        self.resourcePolicy = resourcePolicy
        self.resourceOwner = resourceOwner
        self.callerARN = callerARN
        self.resourceHandlingOption = resourceHandlingOption
    }

    /// The scenario names AWS accepts in `ResourceHandlingOption`. They only change which EC2 resources
    /// `ec2:RunInstances` is simulated on; Persimmon has no EC2, so a valid name changes nothing.
    package static let resourceHandlingOptions: Set<String> = [
        "EC2-Classic-InstanceStore", "EC2-Classic-EBS", "EC2-VPC-InstanceStore", "EC2-VPC-InstanceStore-Subnet",
        "EC2-VPC-EBS", "EC2-VPC-EBS-Subnet",
    ]
}

/// IAM's policy simulator, answering from the same evaluator and the same compiled policies that authorize real
/// requests. As in AWS, the request context holds only what the caller passes in `ContextEntries`: missing keys
/// are reported, never invented.
///
/// With a `ResourcePolicy`, its statements whose `Principal` names the caller (its user ARN, its account's root
/// ARN or ID, or `*`; `NotPrincipal` inverted) are evaluated with the identity policies, as IAM does: an explicit
/// deny in either wins; within the resource owner's account an allow from either suffices (a permissions boundary
/// caps the identity allow); across accounts both must allow, and `EvalDecisionDetails` says what each decided.
package struct PolicySimulator: Sendable {
    package let cache: IAMSnapshotCache

    package init(cache: IAMSnapshotCache) {
        self.cache = cache
    }

    /// Simulates the policies of a user or group of the caller's account, plus any extra documents.
    package func simulatePrincipalPolicy(
        sourceARN: String, extraPolicies: [String], boundaryPolicies: [String], actions: [String],
        resources: [String], context entries: [SimulationContextEntry], options: SimulationOptions = .init(),
        account: AccountID
    ) async throws -> [SimulationResult] {
        let entry = try await cache.current(account: account)
        let base: PrincipalPolicies
        let sourceUserARN: String?
        if let user = entry.snapshot.users.first(where: { $0.arn == sourceARN }) {
            base = Authorizer.policies(for: user, in: entry)
            sourceUserARN = user.arn
        } else if let group = entry.snapshot.groups.first(where: { $0.arn == sourceARN }) {
            base = Authorizer.policies(for: group, in: entry)
            sourceUserARN = nil
        } else {
            throw IAMError(.noSuchEntity, "The entity \(sourceARN) cannot be found.")
        }
        if options.resourcePolicy != nil, options.callerARN == nil, sourceUserARN == nil {
            throw IAMError(
                .invalidInput,
                "CallerArn is required with a ResourcePolicy when PolicySourceArn is not an IAM user: the resource policy's Principal needs a caller to match."
            )
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
        let caller = try Self.callerARN(options.callerARN, default: sourceUserARN ?? sourceARN)
        return try Self.simulate(
            CompiledPolicySet(identityPolicies: identity, permissionsBoundaries: boundaries), sources: sources,
            callerARN: caller, account: account, actions: actions, resources: resources, entries: entries,
            options: options)
    }

    /// Simulates documents that are not attached to anyone.
    package func simulateCustomPolicy(
        policies: [String], boundaryPolicies: [String], actions: [String], resources: [String],
        context entries: [SimulationContextEntry], options: SimulationOptions = .init(), account: AccountID
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
        if options.resourcePolicy != nil, options.callerARN == nil {
            throw IAMError(
                .invalidInput,
                "CallerArn is required with a ResourcePolicy: the resource policy's Principal needs a caller to match.")
        }
        let caller = try Self.callerARN(options.callerARN, default: "arn:aws:iam::\(account.rawValue):root")
        return try Self.simulate(
            CompiledPolicySet(identityPolicies: identity, permissionsBoundaries: boundaries), sources: sources,
            callerARN: caller, account: account, actions: actions, resources: resources, entries: entries,
            options: options)
    }

    static func parse(_ text: String, member: String) throws(IAMError) -> PolicyDocument {
        do {
            return try PolicyDocument(parsing: text, options: .identityPolicy(maximumSize: nil))
        } catch {
            throw IAMError(.invalidInput, "\(member): \(error.message)")
        }
    }

    /// `CallerArn` must be an IAM user's ARN (AWS accepts no role, federated or service principal there).
    static func callerARN(_ given: String?, default fallback: String) throws(IAMError) -> String {
        guard let given else { return fallback }
        let parts = given.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[4].count == 12,
            parts[4].allSatisfy(\.isNumber), parts[5].hasPrefix("user/"), parts[5].count > 5
        else {
            throw IAMError(.invalidInput, "Invalid CallerArn \(given): it must be the ARN of an IAM user.")
        }
        return given
    }

    /// The resource policy's statements that apply to `caller`, compiled; nil without a resource policy.
    static func resourcePolicy(_ text: String?, caller: String, callerAccount: String) throws(IAMError)
        -> CompiledPolicy?
    {
        guard let text else { return nil }
        var document: PolicyDocument
        do {
            document = try PolicyDocument(
                parsing: text,
                options: PolicyParseOptions(
                    principal: .required, resource: .optional, maximumSize: nil, requireAlphanumericUniqueSids: false,
                    restrictCharacters: true))
        } catch {
            throw IAMError(.invalidInput, "ResourcePolicy: \(error.message)")
        }
        document.statements = document.statements.filter { statement in
            switch statement.principal {
            case .principal(let set): names(set, caller: caller, account: callerAccount)
            case .notPrincipal(let set): !names(set, caller: caller, account: callerAccount)
            case nil: false
            }
        }
        return CompiledPolicy(document, id: resourcePolicyID)
    }

    static let resourcePolicyID = "ResourcePolicy"

    /// Whether a `Principal` value names the calling user: `*`, its ARN, its account's root ARN or bare ID.
    private static func names(_ set: PrincipalSet, caller: String, account: String) -> Bool {
        switch set {
        case .everyone:
            return true
        case .entries(let entries):
            return entries.contains { entry in
                entry.type == "AWS"
                    && entry.values.contains { value in
                        value == "*" || value == caller || value == account
                            || value == "arn:aws:iam::\(account):root"
                    }
            }
        }
    }

    static func simulate(
        _ set: CompiledPolicySet, sources: [String: PolicySource], callerARN: String, account: AccountID,
        actions: [String], resources: [String], entries: [SimulationContextEntry], options: SimulationOptions
    ) throws(IAMError) -> [SimulationResult] {
        guard !actions.isEmpty else {
            throw IAMError(.invalidInput, "ActionNames must contain at least one action.")
        }
        if let option = options.resourceHandlingOption,
            !SimulationOptions.resourceHandlingOptions.contains(option)
        {
            throw IAMError(
                .invalidInput,
                "ResourceHandlingOption \(option) is not a supported scenario (one of \(SimulationOptions.resourceHandlingOptions.sorted().joined(separator: ", ")))."
            )
        }
        let callerAccount = AuthorizationCheck.account(of: callerARN) ?? account.rawValue
        var owner: String?
        if let given = options.resourceOwner {
            guard let ownerAccount = AuthorizationCheck.account(of: given), ownerAccount.count == 12,
                ownerAccount.allSatisfy(\.isNumber)
            else {
                throw IAMError(
                    .invalidInput,
                    "Invalid ResourceOwner \(given): it must be an ARN naming an account, e.g. arn:aws:iam::123456789012:root."
                )
            }
            owner = ownerAccount
        }
        var sources = sources
        let resourcePolicy = try Self.resourcePolicy(
            options.resourcePolicy, caller: callerARN, callerAccount: callerAccount)
        if resourcePolicy != nil {
            sources[resourcePolicyID] = PolicySource(id: resourcePolicyID, type: "resource", label: resourcePolicyID)
        }
        var context: [String: ContextValue] = [:]
        for entry in entries {
            context[entry.key] =
                entry.type.hasSuffix("List") ? .strings(entry.values) : .string(entry.values.first ?? "")
        }
        let identityEvaluator = PolicyEvaluator(policies: set)
        let resourceEvaluator = resourcePolicy.map {
            PolicyEvaluator(policies: CompiledPolicySet(identityPolicies: [$0]))
        }
        let hasBoundary = !(set.permissionsBoundaries ?? []).isEmpty
        var results: [SimulationResult] = []
        for action in actions {
            guard action.contains(":") else {
                throw IAMError(.invalidInput, "Action \(action) is not a valid action name (service:Action).")
            }
            for resource in resources.isEmpty ? ["*"] : resources {
                let resourceAccount = owner ?? AuthorizationCheck.account(of: resource) ?? callerAccount
                let crossAccount = resourceAccount != callerAccount
                // Each side is evaluated as if within one account; how they combine is decided here.
                let request = AuthorizationRequest(
                    principalARN: callerARN, principalAccount: callerAccount, action: action, resource: resource,
                    resourceAccount: callerAccount, context: context
                )
                let identity = identityEvaluator.evaluate(request)
                let onResource = resourceEvaluator?.evaluate(request)
                let decision: AuthorizationDecision.Result
                var matched: [MatchedStatement] = []
                if identity.result == .explicitlyDenied || onResource?.result == .explicitlyDenied {
                    decision = .explicitlyDenied
                    matched =
                        identity.matchedStatements.filter { $0.effect == .deny }
                        + (onResource?.matchedStatements ?? []).filter { $0.effect == .deny }
                } else {
                    let identityAllows = identity.result == .allowed
                    let resourceAllows = onResource?.result == .allowed
                    let allowed = crossAccount ? identityAllows && resourceAllows : identityAllows || resourceAllows
                    decision = allowed ? .allowed : .implicitlyDenied
                    if allowed {
                        if identityAllows { matched += identity.matchedStatements }
                        if resourceAllows { matched += onResource?.matchedStatements ?? [] }
                    }
                }
                var missing = identity.missingContextKeys
                for key in onResource?.missingContextKeys ?? [] where !missing.contains(key) { missing.append(key) }
                var details: [(key: String, value: String)]?
                if crossAccount {
                    details = [
                        (key: "IAM Policy", value: Self.name(identity.result)),
                        (key: "Resource Policy", value: Self.name(onResource?.result ?? .implicitlyDenied)),
                    ]
                } else if resource != "*" {
                    details = []
                }
                results.append(
                    SimulationResult(
                        action: action, resource: resource, decision: Self.name(decision),
                        matchedStatements: matched.map { statement in
                            SimulatedStatement(
                                source: sources[statement.policyID]
                                    ?? PolicySource(id: statement.policyID, type: "none", label: statement.policyID),
                                range: statement.sourceRange
                            )
                        },
                        missingContextValues: missing,
                        allowedByPermissionsBoundary: hasBoundary
                            ? !identity.missingAllows.contains(.permissionsBoundary)
                                && !identity.explicitDenies.contains(.permissionsBoundary) : nil,
                        decisionDetails: details, namedResource: !resources.isEmpty
                    )
                )
            }
        }
        return results
    }

    static func name(_ result: AuthorizationDecision.Result) -> String {
        switch result {
        case .allowed: "allowed"
        case .explicitlyDenied: "explicitDeny"
        case .implicitlyDenied: "implicitDeny"
        }
    }
}
