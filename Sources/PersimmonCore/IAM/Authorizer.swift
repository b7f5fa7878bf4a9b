import PersimmonIAM

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the HTTP layer knows about a request that policies may test (global condition keys).
package struct RequestEnvironment: Sendable {
    /// `aws:SourceIp`: the socket peer, or the client a trusted proxy forwarded for.
    package var sourceIP: String?
    /// `aws:SecureTransport`.
    package var secureTransport: Bool
    /// `aws:CurrentTime` / `aws:EpochTime`.
    package var time: Date
    /// `aws:RequestedRegion`: the region of the request's credential scope.
    package var requestedRegion: String
    /// `aws:UserAgent` (unsigned by botocore: never a security boundary).
    package var userAgent: String?

    package init(sourceIP: String?, secureTransport: Bool, time: Date, requestedRegion: String, userAgent: String?) {
        self.sourceIP = sourceIP
        self.secureTransport = secureTransport
        self.time = time
        self.requestedRegion = requestedRegion
        self.userAgent = userAgent
    }
}

/// One action to authorize on one resource.
package struct AuthorizationCheck: Sendable, Equatable {
    /// `service:Action`.
    package var action: String
    /// The resource ARN, or `*` for actions without a resource type.
    package var resource: String
    /// The account owning the resource, when the request names one (even for `*` actions, e.g. the ARN given to
    /// `TagResource`); another account than the caller's is always denied. Nil for AWS-owned resources.
    package var resourceAccount: String?
    /// The ARN whose stored tags become `aws:ResourceTag/…`; nil when there is none (a resource being created).
    package var taggedResource: String?
    /// Request-specific context keys: `aws:RequestTag/…`, `aws:TagKeys`, `iam:PassedToService`, …
    package var context: [String: ContextValue]

    package init(
        action: String, resource: String, resourceAccount: String?, taggedResource: String? = nil,
        context: [String: ContextValue] = [:]
    ) {
        self.action = action
        self.resource = resource
        self.resourceAccount = resourceAccount
        self.taggedResource = taggedResource
        self.context = context
    }

    /// The account of an ARN (`arn:aws:personalize:us-east-1:123456789012:…`), nil when it has none.
    package static func account(of arn: String) -> String? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[4].isEmpty else { return nil }
        return String(parts[4])
    }
}

/// The verdict on a request, with what the audit trail and the error message need.
package struct AuthorizationOutcome: Sendable, Equatable {
    package enum Decision: String, Sendable {
        case allow = "Allow"
        case explicitDeny = "ExplicitDeny"
        case implicitDeny = "ImplicitDeny"
    }
    package var decision: Decision
    /// The check that decided: the first denied one, or the primary one when allowed.
    package var action: String
    package var resource: String
    /// `<policy>#<statement index>[ (<sid>)]`, or `account-root` when the root's implicit rights decided.
    package var decidingStatement: String?
    /// AWS's AccessDenied message when denied.
    package var message: String?

    package var isAllowed: Bool { decision == .allow }
}

/// Where a compiled policy came from, for simulation results and audit records.
package struct PolicySource: Sendable, Hashable {
    /// `SourcePolicyId`: the inline policy's name or the managed policy's name.
    package var id: String
    /// `SourcePolicyType`: `user`, `group`, `aws-managed`, `user-managed`, `none`.
    package var type: String
    /// A readable, unique label: a managed policy's ARN, `user/alice/<name>`, `group/admins/<name>`.
    package var label: String
}

/// The compiled policies of one IAM user (or group), built from one snapshot.
package struct PrincipalPolicies: Sendable {
    package let policySet: CompiledPolicySet
    /// Sources by ``CompiledPolicy/id``.
    package let sources: [String: PolicySource]
    /// Whether any policy mentions `ResourceTag`: only then are the target's tags read.
    package let readsResourceTags: Bool
}

/// Decides requests the way IAM does inside an account, with each principal's compiled policies cached per IAM
/// generation (any IAM change anywhere invalidates them at the next request).
///
/// Rules: another account's resource is always denied; the account root may do everything in its account; an IAM
/// user needs an identity-policy `Allow`, no `Deny` anywhere, and — when it has one — an `Allow` from its
/// permissions boundary. `sts:GetCallerIdentity` needs no permission.
package struct Authorizer: Sendable {
    package let cache: IAMSnapshotCache

    package init(cache: IAMSnapshotCache) {
        self.cache = cache
    }

    /// Authorizes every check of a request; the first denied check decides.
    ///
    /// - Parameters:
    ///   - iamGeneration: the account's IAM generation read during authentication (``AuthenticatedCaller``); nil
    ///     reads it from the store.
    ///   - resourceTags: the stored tags of an ARN; called only when a policy could read them.
    package func authorize(
        _ principal: Principal, iamGeneration: Int64? = nil, checks: [AuthorizationCheck],
        environment: RequestEnvironment, resourceTags: (String) async throws -> [(key: String, value: String)]
    ) async throws -> AuthorizationOutcome {
        guard let account = principal.account, let primary = checks.first else {
            return AuthorizationOutcome(
                decision: .implicitDeny, action: checks.first?.action ?? "", resource: checks.first?.resource ?? "*",
                decidingStatement: nil, message: "User: \(principal.arn) is not authorized to perform this operation"
            )
        }
        if principal.kind == .accountRoot {
            for check in checks where Self.isForeign(check, account: account) {
                return Self.crossAccountDenial(principal.arn, check)
            }
            return AuthorizationOutcome(
                decision: .allow, action: primary.action, resource: primary.resource,
                decidingStatement: "account-root", message: nil
            )
        }
        let entry = try await cache.current(account: account, knownGeneration: iamGeneration)
        guard let userName = principal.userName,
            let user = entry.snapshot.users.first(where: { $0.name == userName })
        else {
            // A key whose user is gone (a rename or delete raced this request): nothing allows it.
            return Self.denial(
                principal.arn, primary, .implicitDeny,
                reason: "because no identity-based policy allows the \(primary.action) action")
        }
        let policies = Self.policies(for: user, in: entry)
        let base = Self.principalContext(user: user, account: account, environment: environment)
        var firstAllowed: AuthorizationOutcome?
        var implicit: AuthorizationOutcome?
        for check in checks {
            var context = base
            for (key, value) in check.context { context[key] = value }
            if let owner = check.resourceAccount { context["aws:ResourceAccount"] = .string(owner) }
            if policies.readsResourceTags, let tagged = check.taggedResource,
                CheckHelpers.sameAccount(tagged, account)
            {
                for tag in try await resourceTags(tagged) { context["aws:ResourceTag/\(tag.key)"] = .string(tag.value) }
            }
            let request = AuthorizationRequest(
                principalARN: user.arn, principalAccount: account.rawValue, action: check.action,
                resource: check.resource, resourceAccount: check.resourceAccount, context: context
            )
            let decision = PolicyEvaluator(policies: policies.policySet).evaluate(request)
            let deciding = decision.matchedStatements.first.map { Self.label($0, policies.sources) }
            switch decision.result {
            case .explicitlyDenied:
                return AuthorizationOutcome(
                    decision: .explicitDeny, action: check.action, resource: check.resource,
                    decidingStatement: deciding, message: decision.accessDeniedMessage(for: request)
                )
            case .implicitlyDenied:
                if implicit == nil {
                    implicit = AuthorizationOutcome(
                        decision: .implicitDeny, action: check.action, resource: check.resource,
                        decidingStatement: nil, message: decision.accessDeniedMessage(for: request)
                    )
                }
            case .allowed:
                if firstAllowed == nil {
                    firstAllowed = AuthorizationOutcome(
                        decision: .allow, action: check.action, resource: check.resource,
                        decidingStatement: deciding, message: nil
                    )
                }
            }
        }
        if let implicit { return implicit }
        return firstAllowed
            ?? AuthorizationOutcome(
                decision: .allow, action: primary.action, resource: primary.resource, decidingStatement: nil,
                message: nil)
    }

    /// The user's (and its groups') policies and boundary, compiled once per snapshot.
    package static func policies(for user: IAMUserRecord, in entry: IAMSnapshotCache.Entry) -> PrincipalPolicies {
        entry.derived("user:\(user.userID)") { compile(user: user, snapshot: entry.snapshot) }
    }

    /// A group's own policies, compiled once per snapshot (for `SimulatePrincipalPolicy` on a group).
    package static func policies(for group: IAMGroupRecord, in entry: IAMSnapshotCache.Entry) -> PrincipalPolicies {
        entry.derived("group:\(group.groupID)") {
            var builder = PolicySetBuilder()
            builder.addGroup(group, snapshot: entry.snapshot)
            return builder.build(boundary: nil, snapshot: entry.snapshot)
        }
    }

    static func compile(user: IAMUserRecord, snapshot: IAMSnapshot) -> PrincipalPolicies {
        var builder = PolicySetBuilder()
        let ref = IAMEntityRef(kind: .user, id: user.userID)
        for inline in snapshot.inlinePolicies where inline.entity == ref {
            builder.add(
                inline.document,
                source: PolicySource(
                    id: inline.policyName, type: "user", label: "user/\(user.name)/\(inline.policyName)")
            )
        }
        for attachment in snapshot.attachments where attachment.entity == ref {
            builder.addManaged(attachment.policyARN, snapshot: snapshot)
        }
        let groupIDs = Set(snapshot.memberships.filter { $0.userID == user.userID }.map(\.groupID))
        for group in snapshot.groups where groupIDs.contains(group.groupID) {
            builder.addGroup(group, snapshot: snapshot)
        }
        return builder.build(boundary: user.permissionsBoundaryARN, snapshot: snapshot)
    }

    /// The request-context keys that describe the caller and the environment.
    static func principalContext(user: IAMUserRecord, account: AccountID, environment: RequestEnvironment)
        -> [String: ContextValue]
    {
        var context = environmentContext(environment)
        context["aws:username"] = .string(user.name)
        context["aws:userid"] = .string(user.userID)
        context["aws:PrincipalArn"] = .string(user.arn)
        context["aws:PrincipalAccount"] = .string(account.rawValue)
        context["aws:PrincipalType"] = .string("User")
        for tag in user.tags { context["aws:PrincipalTag/\(tag.key)"] = .string(tag.value) }
        return context
    }

    static func environmentContext(_ environment: RequestEnvironment) -> [String: ContextValue] {
        var context: [String: ContextValue] = [:]
        context["aws:CurrentTime"] = .string(environment.time.formatted(.iso8601))
        context["aws:EpochTime"] = .string(String(Int64(environment.time.timeIntervalSince1970.rounded(.down))))
        context["aws:SecureTransport"] = .string(environment.secureTransport ? "true" : "false")
        context["aws:RequestedRegion"] = .string(environment.requestedRegion)
        if let ip = environment.sourceIP { context["aws:SourceIp"] = .string(ip) }
        if let agent = environment.userAgent { context["aws:UserAgent"] = .string(agent) }
        return context
    }

    static func isForeign(_ check: AuthorizationCheck, account: AccountID) -> Bool {
        guard let owner = check.resourceAccount, !owner.isEmpty else { return false }
        return owner != account.rawValue
    }

    static func crossAccountDenial(_ principalARN: String, _ check: AuthorizationCheck) -> AuthorizationOutcome {
        denial(
            principalARN, check, .implicitDeny,
            reason: "because no resource-based policy allows the \(check.action) action")
    }

    static func denial(
        _ principalARN: String, _ check: AuthorizationCheck, _ decision: AuthorizationOutcome.Decision, reason: String
    ) -> AuthorizationOutcome {
        AuthorizationOutcome(
            decision: decision, action: check.action, resource: check.resource, decidingStatement: nil,
            message:
                "User: \(principalARN) is not authorized to perform: \(check.action) on resource: \(check.resource) \(reason)"
        )
    }

    static func label(_ statement: MatchedStatement, _ sources: [String: PolicySource]) -> String {
        let source = sources[statement.policyID]?.label ?? statement.policyID
        let boundary = statement.policyType == .permissionsBoundary ? " (permissions boundary)" : ""
        let sid = statement.sid.map { " (\($0))" } ?? ""
        return "\(source)#\(statement.statementIndex)\(sid)\(boundary)"
    }
}

enum CheckHelpers {
    /// Whether an ARN belongs to `account` (its account field is the account ID).
    static func sameAccount(_ arn: String, _ account: AccountID) -> Bool {
        AuthorizationCheck.account(of: arn) == account.rawValue
    }
}

/// Collects documents into a compiled policy set, skipping any that no longer parse (they were validated when
/// stored, so this only guards against hand-edited rows).
struct PolicySetBuilder {
    private var identity: [CompiledPolicy] = []
    private var sources: [String: PolicySource] = [:]
    private var readsResourceTags = false
    private var seenManaged: Set<String> = []

    mutating func add(_ document: String, source: PolicySource) {
        guard let parsed = try? PolicyDocument(parsing: document, options: .permissive) else { return }
        let id = "\(source.type):\(source.label)"
        identity.append(CompiledPolicy(parsed, id: id))
        sources[id] = source
        if document.lowercased().contains("resourcetag") { readsResourceTags = true }
    }

    mutating func addManaged(_ arn: String, snapshot: IAMSnapshot) {
        guard seenManaged.insert(arn).inserted, let document = IAMService.defaultDocument(of: arn, in: snapshot),
            let parsed = IAMNames.parsePolicyARN(arn)
        else { return }
        let type = parsed.account == IAMNames.awsManagedAccount ? "aws-managed" : "user-managed"
        add(document, source: PolicySource(id: parsed.name, type: type, label: arn))
    }

    mutating func addGroup(_ group: IAMGroupRecord, snapshot: IAMSnapshot) {
        let ref = IAMEntityRef(kind: .group, id: group.groupID)
        for inline in snapshot.inlinePolicies where inline.entity == ref {
            add(
                inline.document,
                source: PolicySource(
                    id: inline.policyName, type: "group", label: "group/\(group.name)/\(inline.policyName)")
            )
        }
        for attachment in snapshot.attachments where attachment.entity == ref {
            addManaged(attachment.policyARN, snapshot: snapshot)
        }
    }

    func build(boundary: String?, snapshot: IAMSnapshot) -> PrincipalPolicies {
        var sources = self.sources
        var reads = readsResourceTags
        var boundaries: [CompiledPolicy]?
        if let boundary {
            let id = "boundary:\(boundary)"
            let name = IAMNames.parsePolicyARN(boundary)?.name ?? boundary
            let parsed = IAMService.defaultDocument(of: boundary, in: snapshot).flatMap {
                try? PolicyDocument(parsing: $0, options: .permissive)
            }
            // A boundary that cannot be read allows nothing (an empty policy), rather than nothing being capped.
            boundaries = [CompiledPolicy(parsed ?? PolicyDocument(statements: []), id: id)]
            sources[id] = PolicySource(id: name, type: "none", label: boundary)
            if IAMService.defaultDocument(of: boundary, in: snapshot)?.lowercased().contains("resourcetag") == true {
                reads = true
            }
        }
        return PrincipalPolicies(
            policySet: CompiledPolicySet(identityPolicies: identity, permissionsBoundaries: boundaries),
            sources: sources, readsResourceTags: reads
        )
    }
}
