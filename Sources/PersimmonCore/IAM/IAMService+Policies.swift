import PersimmonIAM

/// A managed policy as IAM reports it: a customer policy of the account, or a built-in one (`aws` account).
package struct ManagedPolicyView: Sendable {
    package var arn: String
    package var name: String
    package var path: String
    package var policyID: String
    package var description: String?
    package var defaultVersionID: String
    package var attachmentCount: Int
    package var permissionsBoundaryUsageCount: Int
    package var createdAt: Int64
    package var updatedAt: Int64
    package var tags: [IAMTag]
    package var isAWSManaged: Bool
}

package struct PolicyVersionView: Sendable {
    package var document: String
    package var versionID: String
    package var isDefault: Bool
    package var createdAt: Int64
}

/// `Scope` of ListPolicies.
package enum PolicyScope: String, Sendable {
    case all = "All"
    case aws = "AWS"
    case local = "Local"
}

extension IAMService {
    // MARK: Documents

    /// Validates a policy document as IAM does for its kind and returns the parsed document.
    /// - Parameter quota: the size quota reported when the document is too large.
    static func validateDocument(_ text: String, maximumSize: Int, quota: String) throws(IAMError) -> PolicyDocument {
        guard text.utf8.count <= 131_072 else {
            throw IAMError.validation(
                "policyDocument", "…", "Member must have length less than or equal to 131072")
        }
        do {
            return try PolicyDocument(parsing: text, options: .identityPolicy(maximumSize: maximumSize))
        } catch {
            if error.code == .limitExceeded { throw IAMError(.limitExceeded, quota) }
            throw IAMError(.malformedPolicyDocument, error.message)
        }
    }

    /// IAM's size measure: characters that are not white space.
    static func policySize(_ text: String) -> Int {
        text.unicodeScalars.count { !$0.properties.isWhitespace }
    }

    // MARK: Lookups

    /// Checks that a policy ARN is well formed.
    static func requireAttachablePolicyARN(_ arn: String) throws(IAMError) {
        guard IAMNames.parsePolicyARN(arn) != nil else {
            throw IAMError(.invalidInput, "ARN \(arn) is not valid.")
        }
    }

    /// The policy an ARN names in this account's view: a customer policy of the account or a built-in one.
    func requirePolicy(_ arn: String, in snapshot: IAMSnapshot) throws(IAMError) {
        guard snapshot.policies.contains(where: { $0.arn == arn }) || BuiltInPolicies.policy(arn: arn) != nil else {
            throw IAMError.noSuchPolicy(arn)
        }
    }

    func customerPolicy(_ arn: String, in snapshot: IAMSnapshot) throws(IAMError) -> IAMManagedPolicyRecord {
        guard let policy = snapshot.policies.first(where: { $0.arn == arn }) else {
            if BuiltInPolicies.policy(arn: arn) != nil {
                throw IAMError(.invalidInput, "Policy \(arn) is managed by Persimmon and cannot be changed.")
            }
            throw IAMError(.noSuchEntity, "Policy \(arn) was not found.")
        }
        return policy
    }

    func view(of arn: String, in snapshot: IAMSnapshot) throws(IAMError) -> ManagedPolicyView {
        let attachments = snapshot.attachments.count { $0.policyARN == arn }
        let boundaries = snapshot.users.count { $0.permissionsBoundaryARN == arn }
        if let policy = snapshot.policies.first(where: { $0.arn == arn }) {
            return ManagedPolicyView(
                arn: policy.arn, name: policy.name, path: policy.path, policyID: policy.policyID,
                description: policy.description, defaultVersionID: policy.defaultVersionID,
                attachmentCount: attachments, permissionsBoundaryUsageCount: boundaries, createdAt: policy.createdAt,
                updatedAt: policy.updatedAt, tags: policy.tags, isAWSManaged: false
            )
        }
        if let builtIn = BuiltInPolicies.policy(arn: arn) {
            return ManagedPolicyView(
                arn: builtIn.arn, name: builtIn.name, path: builtIn.path, policyID: builtIn.policyID,
                description: builtIn.description, defaultVersionID: BuiltInPolicy.versionID,
                attachmentCount: attachments, permissionsBoundaryUsageCount: boundaries,
                createdAt: BuiltInPolicy.createdAt, updatedAt: BuiltInPolicy.createdAt, tags: [], isAWSManaged: true
            )
        }
        throw IAMError(.noSuchEntity, "Policy \(arn) was not found.")
    }

    // MARK: Managed policies

    package func createPolicy(
        name: String, path: String?, document: String, description: String?, tags: [IAMTag],
        context: OperationContext
    ) async throws -> ManagedPolicyView {
        try IAMNames.validateName(name, member: "policyName", maxLength: 128)
        let path = path ?? "/"
        try IAMNames.validatePath(path)
        if let description, description.count > 1000 {
            throw IAMError.validation("description", description, "Member must have length less than or equal to 1000")
        }
        try IAMNames.validateTags(tags, limit: Self.maxTagsPerEntity)
        _ = try Self.validateDocument(
            document, maximumSize: Self.maxManagedPolicySize,
            quota: "Cannot exceed quota for PolicySize: \(Self.maxManagedPolicySize)")
        let arn = IAMNames.policyARN(account: context.account.rawValue, path: path, name: name)
        return try await mutate(context) { snapshot in
            guard !snapshot.policies.contains(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw IAMError(
                    .entityAlreadyExists, "A policy called \(name) already exists. Duplicate names are not allowed.")
            }
            guard snapshot.policies.count < Self.maxCustomerPoliciesPerAccount else {
                throw IAMError.quota("PoliciesPerAccount", Self.maxCustomerPoliciesPerAccount)
            }
            let now = context.now.epochMilliseconds
            let policy = IAMManagedPolicyRecord(
                policyID: newPolicyID(), arn: arn, name: name, path: path, description: description,
                defaultVersionID: "v1", nextVersionNumber: 2, tags: tags, createdAt: now, updatedAt: now
            )
            let version = IAMPolicyVersionRecord(policyARN: arn, versionID: "v1", document: document, createdAt: now)
            var after = snapshot
            after.policies.append(policy)
            return ([.putPolicy(policy), .putPolicyVersion(version)], try self.view(of: arn, in: after))
        }
    }

    package func getPolicy(arn: String, context: OperationContext) async throws -> ManagedPolicyView {
        try Self.requireAttachablePolicyARN(arn)
        return try view(of: arn, in: try await snapshot(context))
    }

    package func listPolicies(
        scope: PolicyScope, onlyAttached: Bool, pathPrefix: String?, usage: String?, marker: String?,
        maxItems: Int?, context: OperationContext
    ) async throws -> IAMPage<ManagedPolicyView> {
        if let pathPrefix { try IAMNames.validatePathPrefix(pathPrefix) }
        let snapshot = try await snapshot(context)
        var arns: [String] = []
        if scope != .local { arns += BuiltInPolicies.all.map(\.arn) }
        if scope != .aws { arns += snapshot.policies.map(\.arn) }
        var views = try arns.map { arn throws(IAMError) in try view(of: arn, in: snapshot) }
        let usageFilter: PolicyUsage?
        if let usage {
            guard let parsed = PolicyUsage(rawValue: usage) else {
                throw IAMError(
                    .validationError,
                    "1 validation error detected: Value '\(usage)' at 'policyUsageFilter' failed to satisfy constraint: Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]"
                )
            }
            usageFilter = parsed
        } else {
            usageFilter = nil
        }
        // Any managed policy can serve as a permissions policy or as a boundary, so the usage filter only narrows
        // the attached ones: with `OnlyAttached`, to those attached as permissions policies or to those set as a
        // permissions boundary. Without it, every policy is listed whatever the usage asked for.
        views = views.filter { view in
            guard view.path.hasPrefix(pathPrefix ?? "/") else { return false }
            guard onlyAttached else { return true }
            switch usageFilter {
            case .permissionsPolicy?: return view.attachmentCount > 0
            case .permissionsBoundary?: return view.permissionsBoundaryUsageCount > 0
            case nil: return view.attachmentCount > 0 || view.permissionsBoundaryUsageCount > 0
            }
        }
        let key: (ManagedPolicyView) -> String = { "\(Self.listingKey($0.name))\u{0}\($0.isAWSManaged ? "a" : "l")" }
        return try IAMPage.of(byteOrdered(views, by: key), key: key, marker: marker, maxItems: maxItems)
    }

    /// Deletes a customer policy once it is attached nowhere and has only its default version left.
    package func deletePolicy(arn: String, context: OperationContext) async throws {
        try Self.requireAttachablePolicyARN(arn)
        try await mutate(context) { snapshot in
            let policy = try self.customerPolicy(arn, in: snapshot)
            if snapshot.attachments.contains(where: { $0.policyARN == arn }) {
                throw IAMError(.deleteConflict, "Cannot delete a policy attached to entities.")
            }
            if snapshot.users.contains(where: { $0.permissionsBoundaryARN == arn }) {
                throw IAMError(.deleteConflict, "Cannot delete a policy used as a permissions boundary.")
            }
            if snapshot.versions.contains(where: { $0.policyARN == arn && $0.versionID != policy.defaultVersionID }) {
                throw IAMError(
                    .deleteConflict,
                    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."
                )
            }
            return ([.deletePolicy(arn: arn)], ())
        }
    }

    // MARK: Versions

    static func validateVersionID(_ id: String) throws(IAMError) {
        let bytes = Array(id.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "v"), bytes[1] != UInt8(ascii: "0"),
            bytes.dropFirst().prefix(while: { $0 != UInt8(ascii: ".") }).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else {
            throw IAMError.validation(
                "versionId", id, "Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?")
        }
    }

    package func createPolicyVersion(arn: String, document: String, setAsDefault: Bool, context: OperationContext)
        async throws -> PolicyVersionView
    {
        try Self.requireAttachablePolicyARN(arn)
        _ = try Self.validateDocument(
            document, maximumSize: Self.maxManagedPolicySize,
            quota: "Cannot exceed quota for PolicySize: \(Self.maxManagedPolicySize)")
        return try await mutate(context) { snapshot in
            var policy = try self.customerPolicy(arn, in: snapshot)
            guard snapshot.versions.count(where: { $0.policyARN == arn }) < Self.maxPolicyVersions else {
                throw IAMError(
                    .limitExceeded,
                    "A managed policy can have up to \(Self.maxPolicyVersions) versions. Before you create a new version, you must delete an existing version."
                )
            }
            let now = context.now.epochMilliseconds
            let version = IAMPolicyVersionRecord(
                policyARN: arn, versionID: "v\(policy.nextVersionNumber)", document: document, createdAt: now)
            policy.nextVersionNumber += 1
            policy.updatedAt = now
            if setAsDefault { policy.defaultVersionID = version.versionID }
            return (
                [.putPolicy(policy), .putPolicyVersion(version)],
                PolicyVersionView(
                    document: document, versionID: version.versionID, isDefault: setAsDefault, createdAt: now)
            )
        }
    }

    package func getPolicyVersion(arn: String, versionID: String, context: OperationContext) async throws
        -> PolicyVersionView
    {
        try Self.requireAttachablePolicyARN(arn)
        try Self.validateVersionID(versionID)
        let versions = try versions(of: arn, in: try await snapshot(context))
        guard let version = versions.first(where: { $0.versionID == versionID }) else {
            throw IAMError(.noSuchEntity, "Policy \(arn) version \(versionID) does not exist or is not attachable.")
        }
        return version
    }

    package func listPolicyVersions(arn: String, marker: String?, maxItems: Int?, context: OperationContext)
        async throws -> IAMPage<PolicyVersionView>
    {
        try Self.requireAttachablePolicyARN(arn)
        // Newest first, as IAM lists them.
        let versions = try versions(of: arn, in: try await snapshot(context)).sorted {
            Self.versionNumber($0.versionID) > Self.versionNumber($1.versionID)
        }
        let key: (PolicyVersionView) -> String = {
            let inverted = String(999_999_999 - Self.versionNumber($0.versionID))
            return String(repeating: "0", count: max(0, 9 - inverted.count)) + inverted
        }
        return try IAMPage.of(versions, key: key, marker: marker, maxItems: maxItems)
    }

    package func setDefaultPolicyVersion(arn: String, versionID: String, context: OperationContext) async throws {
        try Self.requireAttachablePolicyARN(arn)
        try Self.validateVersionID(versionID)
        try await mutate(context) { snapshot in
            var policy = try self.customerPolicy(arn, in: snapshot)
            guard snapshot.versions.contains(where: { $0.policyARN == arn && $0.versionID == versionID }) else {
                throw IAMError(.noSuchEntity, "Policy \(arn) version \(versionID) does not exist or is not attachable.")
            }
            guard policy.defaultVersionID != versionID else { return ([], ()) }
            policy.defaultVersionID = versionID
            policy.updatedAt = context.now.epochMilliseconds
            return ([.putPolicy(policy)], ())
        }
    }

    package func deletePolicyVersion(arn: String, versionID: String, context: OperationContext) async throws {
        try Self.requireAttachablePolicyARN(arn)
        try Self.validateVersionID(versionID)
        try await mutate(context) { snapshot in
            let policy = try self.customerPolicy(arn, in: snapshot)
            guard snapshot.versions.contains(where: { $0.policyARN == arn && $0.versionID == versionID }) else {
                throw IAMError(.noSuchEntity, "Policy \(arn) version \(versionID) does not exist or is not attachable.")
            }
            guard policy.defaultVersionID != versionID else {
                throw IAMError(.deleteConflict, "Cannot delete the default version of a policy.")
            }
            return ([.deletePolicyVersion(policyARN: arn, versionID: versionID)], ())
        }
    }

    func versions(of arn: String, in snapshot: IAMSnapshot) throws(IAMError) -> [PolicyVersionView] {
        if let policy = snapshot.policies.first(where: { $0.arn == arn }) {
            return snapshot.versions.filter { $0.policyARN == arn }.map {
                PolicyVersionView(
                    document: $0.document, versionID: $0.versionID, isDefault: $0.versionID == policy.defaultVersionID,
                    createdAt: $0.createdAt)
            }
        }
        if let builtIn = BuiltInPolicies.policy(arn: arn) {
            return [
                PolicyVersionView(
                    document: builtIn.document, versionID: BuiltInPolicy.versionID, isDefault: true,
                    createdAt: BuiltInPolicy.createdAt)
            ]
        }
        throw IAMError(.noSuchEntity, "Policy \(arn) was not found.")
    }

    static func versionNumber(_ id: String) -> Int {
        Int(id.dropFirst().prefix { $0 != "." }) ?? 0
    }

    /// The default version's document of a managed policy (customer or built-in), if it exists.
    package static func defaultDocument(of arn: String, in snapshot: IAMSnapshot) -> String? {
        if let policy = snapshot.policies.first(where: { $0.arn == arn }) {
            return snapshot.versions.first { $0.policyARN == arn && $0.versionID == policy.defaultVersionID }?.document
        }
        return BuiltInPolicies.policy(arn: arn)?.document
    }

    // MARK: Attachments

    package func attachPolicy(to entity: IAMEntityKind, name: String, policyARN: String, context: OperationContext)
        async throws
    {
        try Self.requireAttachablePolicyARN(policyARN)
        try await mutate(context) { snapshot in
            let ref = try self.entityRef(entity, named: name, in: snapshot)
            try self.requirePolicy(policyARN, in: snapshot)
            if snapshot.attachments.contains(where: { $0.entity == ref && $0.policyARN == policyARN }) {
                return ([], ())
            }
            guard snapshot.attachments.count(where: { $0.entity == ref }) < Self.maxAttachedPoliciesPerEntity else {
                let quota = entity == .user ? "PoliciesPerUser" : "PoliciesPerGroup"
                throw IAMError.quota(quota, Self.maxAttachedPoliciesPerEntity)
            }
            return (
                [
                    .attach(
                        IAMAttachmentRecord(
                            entity: ref, policyARN: policyARN, attachedAt: context.now.epochMilliseconds))
                ], ()
            )
        }
    }

    package func detachPolicy(from entity: IAMEntityKind, name: String, policyARN: String, context: OperationContext)
        async throws
    {
        try Self.requireAttachablePolicyARN(policyARN)
        try await mutate(context) { snapshot in
            let ref = try self.entityRef(entity, named: name, in: snapshot)
            guard snapshot.attachments.contains(where: { $0.entity == ref && $0.policyARN == policyARN }) else {
                throw IAMError(.noSuchEntity, "Policy \(policyARN) was not found.")
            }
            return ([.detach(entity: ref, policyARN: policyARN)], ())
        }
    }

    /// The managed policies attached to a user or group: (name, ARN), by name.
    package func listAttachedPolicies(
        of entity: IAMEntityKind, name: String, pathPrefix: String?, marker: String?, maxItems: Int?,
        context: OperationContext
    ) async throws -> IAMPage<(name: String, arn: String)> {
        if let pathPrefix { try IAMNames.validatePathPrefix(pathPrefix) }
        let snapshot = try await snapshot(context)
        let ref = try entityRef(entity, named: name, in: snapshot)
        let attached: [(name: String, arn: String)] = snapshot.attachments.filter { $0.entity == ref }.compactMap {
            guard let parsed = IAMNames.parsePolicyARN($0.policyARN), parsed.path.hasPrefix(pathPrefix ?? "/") else {
                return nil
            }
            return (parsed.name, $0.policyARN)
        }
        let key: ((name: String, arn: String)) -> String = { "\(Self.listingKey($0.name))\u{0}\($0.arn)" }
        return try IAMPage.of(byteOrdered(attached, by: key), key: key, marker: marker, maxItems: maxItems)
    }

    func entityRef(_ kind: IAMEntityKind, named name: String, in snapshot: IAMSnapshot) throws(IAMError) -> IAMEntityRef
    {
        switch kind {
        case .user: IAMEntityRef(kind: .user, id: try user(named: name, in: snapshot).userID)
        case .group: IAMEntityRef(kind: .group, id: try group(named: name, in: snapshot).groupID)
        }
    }

    // MARK: Inline policies

    package func putInlinePolicy(
        on kind: IAMEntityKind, entityName: String, policyName: String, document: String, context: OperationContext
    ) async throws {
        try IAMNames.validateName(policyName, member: "policyName", maxLength: 128)
        try await mutate(context) { snapshot in
            let ref = try self.entityRef(kind, named: entityName, in: snapshot)
            let limit = kind == .user ? Self.maxUserInlinePolicySize : Self.maxGroupInlinePolicySize
            let others = snapshot.inlinePolicies.filter { $0.entity == ref && $0.policyName != policyName }
                .reduce(0) { $0 + Self.policySize($1.document) }
            _ = try Self.validateDocument(
                document, maximumSize: max(0, limit - others),
                quota: "Maximum policy size of \(limit) bytes exceeded for \(kind.rawValue) \(entityName)")
            return (
                [.putInlinePolicy(IAMInlinePolicyRecord(entity: ref, policyName: policyName, document: document))], ()
            )
        }
    }

    package func getInlinePolicy(
        on kind: IAMEntityKind, entityName: String, policyName: String, context: OperationContext
    )
        async throws -> (entityName: String, document: String)
    {
        let snapshot = try await snapshot(context)
        let ref = try entityRef(kind, named: entityName, in: snapshot)
        guard let policy = snapshot.inlinePolicies.first(where: { $0.entity == ref && $0.policyName == policyName })
        else {
            throw IAMError(.noSuchEntity, "The \(kind.rawValue) policy with name \(policyName) cannot be found.")
        }
        let name =
            kind == .user
            ? try user(named: entityName, in: snapshot).name : try group(named: entityName, in: snapshot).name
        return (name, policy.document)
    }

    package func listInlinePolicies(
        on kind: IAMEntityKind, entityName: String, marker: String?, maxItems: Int?, context: OperationContext
    ) async throws -> IAMPage<String> {
        let snapshot = try await snapshot(context)
        let ref = try entityRef(kind, named: entityName, in: snapshot)
        let names = byteOrdered(snapshot.inlinePolicies.filter { $0.entity == ref }.map(\.policyName), by: { $0 })
        return try IAMPage.of(names, key: { $0 }, marker: marker, maxItems: maxItems)
    }

    package func deleteInlinePolicy(
        on kind: IAMEntityKind, entityName: String, policyName: String, context: OperationContext
    ) async throws {
        try await mutate(context) { snapshot in
            let ref = try self.entityRef(kind, named: entityName, in: snapshot)
            guard snapshot.inlinePolicies.contains(where: { $0.entity == ref && $0.policyName == policyName }) else {
                throw IAMError(.noSuchEntity, "The \(kind.rawValue) policy with name \(policyName) cannot be found.")
            }
            return ([.deleteInlinePolicy(entity: ref, policyName: policyName)], ())
        }
    }
}

/// `PolicyUsageFilter` of `ListPolicies`.
package enum PolicyUsage: String, Sendable {
    case permissionsPolicy = "PermissionsPolicy"
    case permissionsBoundary = "PermissionsBoundary"
}
