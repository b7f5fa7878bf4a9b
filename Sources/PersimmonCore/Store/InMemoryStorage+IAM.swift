import Synchronization

// The in-memory IAM and audit stores: the same semantics as the SQL ones (see `IAMStore`, `AuditStore`).

extension InMemoryStorage {
    // MARK: IAMStore

    package func iamSnapshot(account: AccountID) async throws -> IAMSnapshot {
        self.state.withLock { state in
            var snapshot = state.iam[account] ?? IAMSnapshot(account: account)
            snapshot.accessKeys = state.accessKeys.values
                .filter { $0.account == account && $0.userName != nil }
                .sorted { Self.byteOrder($0.accessKeyID, $1.accessKeyID) }
            return snapshot.canonicallyOrdered()
        }
    }

    package func iamGeneration(account: AccountID) async throws -> Int64 {
        self.state.withLock { $0.iam[account]?.generation ?? 0 }
    }

    package func accessKeyLookup(id: String) async throws -> AccessKeyLookup? {
        self.state.withLock { state in
            guard let key = state.accessKeys[id], let account = state.accounts[key.account] else { return nil }
            return AccessKeyLookup(
                key: key, accountStatus: account.status, iamGeneration: state.iam[key.account]?.generation ?? 0)
        }
    }

    package func commitIAM(account: AccountID, expectedGeneration: Int64, _ changes: [IAMChange]) async throws
        -> Int64?
    {
        try self.state.withLock { state in
            var snapshot = state.iam[account] ?? IAMSnapshot(account: account)
            guard snapshot.generation == expectedGeneration else { return nil }
            var keys = state.accessKeys
            for change in changes {
                try Self.apply(change, to: &snapshot, keys: &keys, account: account)
            }
            snapshot.generation += 1
            snapshot.accessKeys = []
            state.iam[account] = snapshot
            state.accessKeys = keys
            return snapshot.generation
        }
    }

    private static func apply(
        _ change: IAMChange, to s: inout IAMSnapshot, keys: inout [String: AccessKeyRecord], account: AccountID
    ) throws {
        switch change {
        case .putUser(let user):
            if s.users.contains(where: { $0.userID != user.userID && $0.name.lowercased() == user.name.lowercased() }) {
                throw ServiceError.alreadyExists(user.arn)
            }
            s.users.removeAll { $0.userID == user.userID }
            s.users.append(user)
        case .deleteUser(let id):
            s.users.removeAll { $0.userID == id }
            s.memberships.removeAll { $0.userID == id }
            s.attachments.removeAll { $0.entity == IAMEntityRef(kind: .user, id: id) }
            s.inlinePolicies.removeAll { $0.entity == IAMEntityRef(kind: .user, id: id) }
            s.loginProfiles.removeAll { $0.userID == id }
        case .putGroup(let group):
            if s.groups.contains(where: {
                $0.groupID != group.groupID && $0.name.lowercased() == group.name.lowercased()
            }) {
                throw ServiceError.alreadyExists(group.arn)
            }
            s.groups.removeAll { $0.groupID == group.groupID }
            s.groups.append(group)
        case .deleteGroup(let id):
            s.groups.removeAll { $0.groupID == id }
            s.memberships.removeAll { $0.groupID == id }
            s.attachments.removeAll { $0.entity == IAMEntityRef(kind: .group, id: id) }
            s.inlinePolicies.removeAll { $0.entity == IAMEntityRef(kind: .group, id: id) }
        case .addMembership(let membership):
            if !s.memberships.contains(membership) { s.memberships.append(membership) }
        case .removeMembership(let membership):
            s.memberships.removeAll { $0 == membership }
        case .putPolicy(let policy):
            if s.policies.contains(where: { $0.arn != policy.arn && $0.name.lowercased() == policy.name.lowercased() })
            {
                throw ServiceError.alreadyExists(policy.arn)
            }
            s.policies.removeAll { $0.arn == policy.arn }
            s.policies.append(policy)
        case .deletePolicy(let arn):
            s.policies.removeAll { $0.arn == arn }
            s.versions.removeAll { $0.policyARN == arn }
        case .putPolicyVersion(let version):
            s.versions.removeAll { $0.policyARN == version.policyARN && $0.versionID == version.versionID }
            s.versions.append(version)
        case .deletePolicyVersion(let arn, let versionID):
            s.versions.removeAll { $0.policyARN == arn && $0.versionID == versionID }
        case .attach(let attachment):
            if !s.attachments.contains(where: {
                $0.entity == attachment.entity && $0.policyARN == attachment.policyARN
            }) {
                s.attachments.append(attachment)
            }
        case .detach(let entity, let arn):
            s.attachments.removeAll { $0.entity == entity && $0.policyARN == arn }
        case .putInlinePolicy(let policy):
            s.inlinePolicies.removeAll { $0.entity == policy.entity && $0.policyName == policy.policyName }
            s.inlinePolicies.append(policy)
        case .deleteInlinePolicy(let entity, let name):
            s.inlinePolicies.removeAll { $0.entity == entity && $0.policyName == name }
        case .putLoginProfile(let profile):
            s.loginProfiles.removeAll { $0.userID == profile.userID }
            s.loginProfiles.append(profile)
        case .deleteLoginProfile(let id):
            s.loginProfiles.removeAll { $0.userID == id }
        case .insertAccessKey(let key):
            guard keys[key.accessKeyID] == nil else { throw ServiceError.alreadyExists(key.accessKeyID) }
            keys[key.accessKeyID] = key
        case .setAccessKeyStatus(let id, let status):
            if keys[id]?.account == account { keys[id]?.status = status }
        case .deleteAccessKey(let id):
            if keys[id]?.account == account { keys[id] = nil }
        case .renameAccessKeyOwner(let oldName, let newName, let newARN):
            for (id, key) in keys where key.account == account && key.userName == oldName {
                keys[id]?.userName = newName
                keys[id]?.principalARN = newARN
            }
        }
    }

    // MARK: AuditStore

    package func appendAuditEvents(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        self.state.withLock { $0.audit += events }
    }

    package func pruneAuditEvents(before cutoff: Int64, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        return self.state.withLock { state in
            // Events are appended in arrival order; the oldest by time go first, as the SQL stores do.
            let audit = state.audit
            let old = audit.indices.filter { audit[$0].time < cutoff }
                .sorted { (audit[$0].time, $0) < (audit[$1].time, $1) }
                .prefix(limit)
            let doomed = Set(old)
            state.audit = state.audit.enumerated().filter { !doomed.contains($0.offset) }.map(\.element)
            return doomed.count
        }
    }

    package func auditEvents(account: AccountID, _ query: AuditQuery) async throws -> [AuditEvent] {
        guard query.limit > 0 else { return [] }
        let matches = self.state.withLock { state in
            state.audit.filter { $0.account == account && query.matches($0) }
        }
        let sorted = matches.sorted { lhs, rhs in
            lhs.time != rhs.time ? lhs.time > rhs.time : Self.byteOrder(lhs.eventID, rhs.eventID)
        }
        return Array(sorted.prefix(query.limit))
    }
}

extension AuditQuery {
    /// Whether `event` passes every filter and lies after the cursor (in newest-first order).
    package func matches(_ event: AuditEvent) -> Bool {
        if let eventID, event.eventID != eventID { return false }
        if let eventName, event.eventName != eventName { return false }
        if let userName, event.userName != userName { return false }
        if let accessKeyID, event.accessKeyID != accessKeyID { return false }
        if let resource, event.resource != resource { return false }
        if let eventSource, event.eventSource != eventSource { return false }
        if let readOnly, event.readOnly != readOnly { return false }
        if let resourceType, !resourceType.matches(event.resource) { return false }
        if let startTime, event.time < startTime { return false }
        if let endTime, event.time > endTime { return false }
        if let after {
            return event.time < after.time
                || (event.time == after.time && InMemoryStorage.byteOrder(after.eventID, event.eventID))
        }
        return true
    }
}

extension IAMSnapshot {
    /// The snapshot with every list in its store order (by primary key, byte-wise), as every backend returns it.
    package func canonicallyOrdered() -> IAMSnapshot {
        func less(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
        var s = self
        s.users.sort { less($0.userID, $1.userID) }
        s.groups.sort { less($0.groupID, $1.groupID) }
        s.memberships.sort { $0.groupID != $1.groupID ? less($0.groupID, $1.groupID) : less($0.userID, $1.userID) }
        s.policies.sort { less($0.arn, $1.arn) }
        s.versions.sort {
            $0.policyARN != $1.policyARN ? less($0.policyARN, $1.policyARN) : less($0.versionID, $1.versionID)
        }
        s.attachments.sort {
            if $0.entity.kind != $1.entity.kind { return less($0.entity.kind.rawValue, $1.entity.kind.rawValue) }
            if $0.entity.id != $1.entity.id { return less($0.entity.id, $1.entity.id) }
            return less($0.policyARN, $1.policyARN)
        }
        s.inlinePolicies.sort {
            if $0.entity.kind != $1.entity.kind { return less($0.entity.kind.rawValue, $1.entity.kind.rawValue) }
            if $0.entity.id != $1.entity.id { return less($0.entity.id, $1.entity.id) }
            return less($0.policyName, $1.policyName)
        }
        s.loginProfiles.sort { less($0.userID, $1.userID) }
        s.accessKeys.sort { less($0.accessKeyID, $1.accessKeyID) }
        return s
    }
}
