/// Decides requests against one principal's compiled policies, as AWS IAM does within an account.
///
/// Order of evaluation (IAM User Guide, "Policy evaluation logic"):
/// 1. `sts:GetCallerIdentity` is always allowed (AWS needs no permission for it and it cannot be denied).
/// 2. A matching `Deny` in any policy of any type ⇒ ``AuthorizationDecision/Result/explicitlyDenied``.
/// 3. Otherwise the request is allowed only if an identity statement allows it, the request is not
///    cross-account (no resource-based policies exist to grant that), every SCP and RCP level allows it,
///    and the permissions boundary and session policies (when present) allow it. Anything else is
///    ``AuthorizationDecision/Result/implicitlyDenied``.
///
/// A statement matches when its action, resource and every condition match. `Principal` elements
/// are ignored (identity-type policies apply to their principal by attachment).
package struct PolicyEvaluator: Sendable {
    package let policies: CompiledPolicySet

    package init(policies: CompiledPolicySet) {
        self.policies = policies
    }

    /// Evaluates `request`. Never throws: malformed request values simply fail to match.
    package func evaluate(_ request: AuthorizationRequest) -> AuthorizationDecision {
        if request.lowercasedAction == Self.getCallerIdentity {
            return AuthorizationDecision(result: .allowed)
        }
        var scratch = Scratch()
        var explicitDenies: PolicyTypeSet = []
        var missingAllows: PolicyTypeSet = []

        let identity = Self.evaluate(policies.identityPolicies, type: .identity, request, &scratch)
        if identity.denied { explicitDenies.insert(.identity) }
        if !identity.allowed { missingAllows.insert(.identity) }

        if let boundaries = policies.permissionsBoundaries, !boundaries.isEmpty {
            let boundary = Self.evaluate(boundaries, type: .permissionsBoundary, request, &scratch)
            if boundary.denied { explicitDenies.insert(.permissionsBoundary) }
            if !boundary.allowed { missingAllows.insert(.permissionsBoundary) }
        }
        if let sessionPolicies = policies.sessionPolicies, !sessionPolicies.isEmpty {
            let session = Self.evaluate(sessionPolicies, type: .session, request, &scratch)
            if session.denied { explicitDenies.insert(.session) }
            if !session.allowed { missingAllows.insert(.session) }
        }
        if let levels = policies.serviceControlPolicies {
            for level in levels {
                let outcome = Self.evaluate(level, type: .serviceControl, request, &scratch)
                if outcome.denied { explicitDenies.insert(.serviceControl) }
                if !outcome.allowed { missingAllows.insert(.serviceControl) }
            }
        }
        if let levels = policies.resourceControlPolicies {
            for level in levels {
                let outcome = Self.evaluate(level, type: .resourceControl, request, &scratch)
                if outcome.denied { explicitDenies.insert(.resourceControl) }
                if !outcome.allowed { missingAllows.insert(.resourceControl) }
            }
        }
        if request.isCrossAccount { missingAllows.insert(.resource) }

        let result: AuthorizationDecision.Result
        let matched: [MatchedStatement]
        if !explicitDenies.isEmpty {
            result = .explicitlyDenied
            matched = scratch.denies
        } else if !missingAllows.isEmpty {
            result = .implicitlyDenied
            matched = []
        } else {
            result = .allowed
            matched = scratch.allows
        }
        return AuthorizationDecision(
            result: result, matchedStatements: matched, explicitDenies: explicitDenies, missingAllows: missingAllows,
            missingContextKeys: Self.deduplicated(scratch.missingKeys)
        )
    }

    private static let getCallerIdentity = Array("sts:getcalleridentity".utf8)

    /// Per-evaluation buffers; they allocate only when something is appended.
    private struct Scratch {
        var allows: [MatchedStatement] = []
        var denies: [MatchedStatement] = []
        var missingKeys: [String] = []
    }

    private struct Outcome {
        var allowed = false
        var denied = false
    }

    private static func evaluate(
        _ policies: [CompiledPolicy], type: PolicyType, _ request: AuthorizationRequest, _ scratch: inout Scratch
    ) -> Outcome {
        var outcome = Outcome()
        let context = request.preparedContext
        for policy in policies {
            for statement in policy.statements {
                guard statement.appliesToAction(request.lowercasedAction) else { continue }
                // An absent resource variable is why a templated resource does not match: report it.
                statement.collectMissingResourceKeys(context, into: &scratch.missingKeys)
                guard statement.appliesToResource(request.preparedResource, context: context) else { continue }
                if !statement.conditions.isEmpty {
                    statement.collectMissingConditionKeys(context, into: &scratch.missingKeys)
                    guard statement.conditionsHold(context) else { continue }
                }
                let matched = MatchedStatement(
                    policyType: type, policyID: policy.id, statementIndex: statement.index, sid: statement.sid,
                    effect: statement.effect, sourceRange: statement.sourceRange
                )
                switch statement.effect {
                case .allow:
                    outcome.allowed = true
                    scratch.allows.append(matched)
                case .deny:
                    outcome.denied = true
                    scratch.denies.append(matched)
                }
            }
        }
        return outcome
    }

    private static func deduplicated(_ keys: [String]) -> [String] {
        guard keys.count > 1 else { return keys }
        var seen: Set<String> = []
        var result: [String] = []
        for key in keys where seen.insert(lowercasedKey(key)).inserted {
            result.append(key)
        }
        return result
    }
}
