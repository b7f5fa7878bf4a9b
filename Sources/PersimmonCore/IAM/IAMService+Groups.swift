extension IAMService {
    package func createGroup(name: String, path: String?, context: OperationContext) async throws -> IAMGroupRecord {
        try IAMNames.validateName(name, member: "groupName", maxLength: 128)
        let path = path ?? "/"
        try IAMNames.validatePath(path)
        return try await mutate(context) { snapshot in
            guard !snapshot.groups.contains(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw IAMError(.entityAlreadyExists, "Group with name \(name) already exists.")
            }
            guard snapshot.groups.count < Self.maxGroupsPerAccount else {
                throw IAMError.quota("GroupsPerAccount", Self.maxGroupsPerAccount)
            }
            let group = IAMGroupRecord(
                groupID: newGroupID(), name: name, path: path,
                arn: IAMNames.groupARN(account: context.account, path: path, name: name),
                createdAt: context.now.epochMilliseconds
            )
            return ([.putGroup(group)], group)
        }
    }

    /// A group and one page of its members.
    package func getGroup(name: String, marker: String?, maxItems: Int?, context: OperationContext) async throws
        -> (group: IAMGroupRecord, users: IAMPage<IAMUserRecord>)
    {
        let snapshot = try await snapshot(context)
        let group = try group(named: name, in: snapshot)
        let members = Set(snapshot.memberships.filter { $0.groupID == group.groupID }.map(\.userID))
        let users = byteOrdered(snapshot.users.filter { members.contains($0.userID) }, by: { Self.listingKey($0.name) })
        return (group, try IAMPage.of(users, key: { Self.listingKey($0.name) }, marker: marker, maxItems: maxItems))
    }

    package func listGroups(pathPrefix: String?, marker: String?, maxItems: Int?, context: OperationContext)
        async throws -> IAMPage<IAMGroupRecord>
    {
        if let pathPrefix { try IAMNames.validatePathPrefix(pathPrefix) }
        let snapshot = try await snapshot(context)
        let groups = byteOrdered(
            snapshot.groups.filter { $0.path.hasPrefix(pathPrefix ?? "/") }, by: { Self.listingKey($0.name) })
        return try IAMPage.of(groups, key: { Self.listingKey($0.name) }, marker: marker, maxItems: maxItems)
    }

    package func listGroupsForUser(userName: String, marker: String?, maxItems: Int?, context: OperationContext)
        async throws -> IAMPage<IAMGroupRecord>
    {
        let snapshot = try await snapshot(context)
        let user = try user(named: userName, in: snapshot)
        let groupIDs = Set(snapshot.memberships.filter { $0.userID == user.userID }.map(\.groupID))
        let groups = byteOrdered(
            snapshot.groups.filter { groupIDs.contains($0.groupID) }, by: { Self.listingKey($0.name) })
        return try IAMPage.of(groups, key: { Self.listingKey($0.name) }, marker: marker, maxItems: maxItems)
    }

    package func deleteGroup(name: String, context: OperationContext) async throws {
        try await mutate(context) { snapshot in
            let group = try self.group(named: name, in: snapshot)
            let ref = IAMEntityRef(kind: .group, id: group.groupID)
            if snapshot.memberships.contains(where: { $0.groupID == group.groupID }) {
                throw IAMError(.deleteConflict, "Cannot delete entity, must remove users from group first.")
            }
            if snapshot.inlinePolicies.contains(where: { $0.entity == ref }) {
                throw IAMError(.deleteConflict, "Cannot delete entity, must delete policies first.")
            }
            if snapshot.attachments.contains(where: { $0.entity == ref }) {
                throw IAMError(.deleteConflict, "Cannot delete entity, must detach all policies first.")
            }
            return ([.deleteGroup(groupID: group.groupID)], ())
        }
    }

    package func addUserToGroup(groupName: String, userName: String, context: OperationContext) async throws {
        try await mutate(context) { snapshot in
            let group = try self.group(named: groupName, in: snapshot)
            let user = try self.user(named: userName, in: snapshot)
            let membership = IAMGroupMembershipRecord(groupID: group.groupID, userID: user.userID)
            if snapshot.memberships.contains(membership) { return ([], ()) }
            guard snapshot.memberships.count(where: { $0.userID == user.userID }) < Self.maxGroupsPerUser else {
                throw IAMError.quota("GroupsPerUser", Self.maxGroupsPerUser)
            }
            return ([.addMembership(membership)], ())
        }
    }

    package func removeUserFromGroup(groupName: String, userName: String, context: OperationContext) async throws {
        try await mutate(context) { snapshot in
            let group = try self.group(named: groupName, in: snapshot)
            let user = try self.user(named: userName, in: snapshot)
            let membership = IAMGroupMembershipRecord(groupID: group.groupID, userID: user.userID)
            guard snapshot.memberships.contains(membership) else {
                throw IAMError(
                    .noSuchEntity, "The user with name \(user.name) is not a member of the group \(group.name).")
            }
            return ([.removeMembership(membership)], ())
        }
    }
}
