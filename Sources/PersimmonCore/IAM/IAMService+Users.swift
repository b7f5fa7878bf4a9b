extension IAMService {
    /// The listing key of users, groups and policies: names are unique case-insensitively.
    static func listingKey(_ name: String) -> String { name.lowercased() }

    package func createUser(
        name: String, path: String?, permissionsBoundary: String?, tags: [IAMTag], context: OperationContext
    ) async throws -> IAMUserRecord {
        try IAMNames.validateName(name, member: "userName", maxLength: 64)
        let path = path ?? "/"
        try IAMNames.validatePath(path)
        try IAMNames.validateTags(tags, limit: Self.maxTagsPerEntity)
        if let permissionsBoundary { try Self.requireAttachablePolicyARN(permissionsBoundary) }
        return try await mutate(context) { snapshot in
            guard !snapshot.users.contains(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw IAMError(.entityAlreadyExists, "User with name \(name) already exists.")
            }
            guard snapshot.users.count < Self.maxUsersPerAccount else {
                throw IAMError.quota("UsersPerAccount", Self.maxUsersPerAccount)
            }
            if let permissionsBoundary { try self.requirePolicy(permissionsBoundary, in: snapshot) }
            let user = IAMUserRecord(
                userID: newUserID(), name: name, path: path,
                arn: IAMNames.userARN(account: context.account, path: path, name: name),
                createdAt: context.now.epochMilliseconds, permissionsBoundaryARN: permissionsBoundary, tags: tags
            )
            return ([.putUser(user)], user)
        }
    }

    /// The named user, or the caller when no name is given (the root's own pseudo-user for the account root).
    package func getUser(name: String?, context: OperationContext) async throws -> IAMUserRecord {
        let snapshot = try await snapshot(context)
        guard let name = try targetUserName(name, context) else {
            let created = try await credentials.account(context.account)?.createdAt ?? 0
            return IAMUserRecord(
                userID: context.account.rawValue, name: "", path: "/", arn: Principal.root(of: context.account).arn,
                createdAt: created
            )
        }
        return try user(named: name, in: snapshot)
    }

    package func listUsers(pathPrefix: String?, marker: String?, maxItems: Int?, context: OperationContext)
        async throws -> IAMPage<IAMUserRecord>
    {
        if let pathPrefix { try IAMNames.validatePathPrefix(pathPrefix) }
        let snapshot = try await snapshot(context)
        let users = byteOrdered(
            snapshot.users.filter { $0.path.hasPrefix(pathPrefix ?? "/") }, by: { Self.listingKey($0.name) })
        return try IAMPage.of(users, key: { Self.listingKey($0.name) }, marker: marker, maxItems: maxItems)
    }

    package func updateUser(name: String, newName: String?, newPath: String?, context: OperationContext) async throws {
        if let newName { try IAMNames.validateName(newName, member: "newUserName", maxLength: 64) }
        if let newPath { try IAMNames.validatePath(newPath, member: "newPath") }
        try await mutate(context) { snapshot in
            var user = try self.user(named: name, in: snapshot)
            let oldName = user.name
            if let newName, newName.lowercased() != oldName.lowercased(),
                snapshot.users.contains(where: { $0.name.lowercased() == newName.lowercased() })
            {
                throw IAMError(.entityAlreadyExists, "User with name \(newName) already exists.")
            }
            user.name = newName ?? user.name
            user.path = newPath ?? user.path
            user.arn = IAMNames.userARN(account: context.account, path: user.path, name: user.name)
            return (
                [
                    .putUser(user),
                    .renameAccessKeyOwner(oldUserName: oldName, newUserName: user.name, newPrincipalARN: user.arn),
                ], ()
            )
        }
    }

    /// Deletes a user that has nothing left: AWS refuses while keys, policies, memberships or a password remain.
    package func deleteUser(name: String, context: OperationContext) async throws {
        try await mutate(context) { snapshot in
            let user = try self.user(named: name, in: snapshot)
            let ref = IAMEntityRef(kind: .user, id: user.userID)
            if snapshot.accessKeys.contains(where: { $0.userName == user.name }) {
                throw IAMError(.deleteConflict, "Cannot delete entity, must delete access keys first.")
            }
            if snapshot.loginProfiles.contains(where: { $0.userID == user.userID }) {
                throw IAMError(.deleteConflict, "Cannot delete entity, must delete login profile first.")
            }
            if snapshot.inlinePolicies.contains(where: { $0.entity == ref }) {
                throw IAMError(.deleteConflict, "Cannot delete entity, must delete policies first.")
            }
            if snapshot.attachments.contains(where: { $0.entity == ref }) {
                throw IAMError(.deleteConflict, "Cannot delete entity, must detach all policies first.")
            }
            if snapshot.memberships.contains(where: { $0.userID == user.userID }) {
                throw IAMError(.deleteConflict, "Cannot delete entity, must remove users from group first.")
            }
            return ([.deleteUser(userID: user.userID)], ())
        }
    }

    package func tagUser(name: String, tags: [IAMTag], context: OperationContext) async throws {
        try IAMNames.validateTags(tags, limit: Self.maxTagsPerEntity)
        try await mutate(context) { snapshot in
            var user = try self.user(named: name, in: snapshot)
            for tag in tags {
                if let index = user.tags.firstIndex(where: { $0.key.lowercased() == tag.key.lowercased() }) {
                    user.tags[index] = tag
                } else {
                    user.tags.append(tag)
                }
            }
            guard user.tags.count <= Self.maxTagsPerEntity else {
                throw IAMError.quota("TagsPerUser", Self.maxTagsPerEntity)
            }
            return ([.putUser(user)], ())
        }
    }

    package func untagUser(name: String, keys: [String], context: OperationContext) async throws {
        try await mutate(context) { snapshot in
            var user = try self.user(named: name, in: snapshot)
            let removed = Set(keys.map { $0.lowercased() })
            user.tags.removeAll { removed.contains($0.key.lowercased()) }
            return ([.putUser(user)], ())
        }
    }

    package func listUserTags(name: String, marker: String?, maxItems: Int?, context: OperationContext) async throws
        -> IAMPage<IAMTag>
    {
        let user = try user(named: name, in: try await snapshot(context))
        return try IAMPage.of(user.tags, key: { $0.key }, marker: marker, maxItems: maxItems)
    }

    // MARK: Permissions boundaries

    package func putUserPermissionsBoundary(name: String, policyARN: String, context: OperationContext) async throws {
        try Self.requireAttachablePolicyARN(policyARN)
        try await mutate(context) { snapshot in
            var user = try self.user(named: name, in: snapshot)
            try self.requirePolicy(policyARN, in: snapshot)
            user.permissionsBoundaryARN = policyARN
            return ([.putUser(user)], ())
        }
    }

    package func deleteUserPermissionsBoundary(name: String, context: OperationContext) async throws {
        try await mutate(context) { snapshot in
            var user = try self.user(named: name, in: snapshot)
            guard user.permissionsBoundaryARN != nil else { return ([], ()) }
            user.permissionsBoundaryARN = nil
            return ([.putUser(user)], ())
        }
    }
}
