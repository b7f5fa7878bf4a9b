/// An access key as IAM reports it, with its secret only right after creation.
package struct IssuedAccessKey: Sendable {
    package var record: AccessKeyRecord
    /// Shown once, in the CreateAccessKey response; never stored in clear, never logged.
    package var secretAccessKey: String
}

/// When and where an access key was last used, from the audit trail.
package struct AccessKeyLastUse: Sendable {
    package var userName: String?
    package var time: Int64?
    /// `personalize`, `iam`, … or `N/A` when never used.
    package var serviceName: String
    package var region: String
}

extension IAMService {
    /// Creates a key for the named user, or for the caller when no name is given (for the account root: a root key).
    /// At most two keys per user (and per root), as AWS allows.
    package func createAccessKey(userName: String?, context: OperationContext) async throws -> IssuedAccessKey {
        let (keyID, secret) = newAccessKey()
        let sealed = try seal(secret: secret, keyID: keyID)
        let name = try targetUserName(userName, context)
        let rootKeys = name == nil ? try await credentials.accessKeys(account: context.account, userName: nil) : []
        return try await mutate(context) { snapshot in
            let record: AccessKeyRecord
            if let name {
                let user = try self.user(named: name, in: snapshot)
                guard snapshot.accessKeys.count(where: { $0.userName == user.name }) < Self.maxAccessKeysPerUser else {
                    throw IAMError.quota("AccessKeysPerUser", Self.maxAccessKeysPerUser)
                }
                record = AccessKeyRecord(
                    accessKeyID: keyID, account: context.account, userName: user.name, principalARN: user.arn,
                    sealedSecret: sealed, status: .active, createdAt: context.now.epochMilliseconds
                )
            } else {
                guard rootKeys.count < Self.maxAccessKeysPerUser else {
                    throw IAMError.quota("AccessKeysPerUser", Self.maxAccessKeysPerUser)
                }
                record = AccessKeyRecord(
                    accessKeyID: keyID, account: context.account, userName: nil,
                    principalARN: Principal.root(of: context.account).arn, sealedSecret: sealed, status: .active,
                    createdAt: context.now.epochMilliseconds
                )
            }
            return ([.insertAccessKey(record)], IssuedAccessKey(record: record, secretAccessKey: secret))
        }
    }

    package func listAccessKeys(userName: String?, marker: String?, maxItems: Int?, context: OperationContext)
        async throws -> IAMPage<AccessKeyRecord>
    {
        let keys = try await keys(of: userName, context)
        return try IAMPage.of(keys, key: { $0.accessKeyID }, marker: marker, maxItems: maxItems)
    }

    /// Activates or deactivates a key; an inactive key is refused from the very next request.
    package func updateAccessKey(
        userName: String?, accessKeyID: String, status: AccessKeyRecord.Status, context: OperationContext
    ) async throws {
        let key = try await ownedKey(accessKeyID, userName: userName, context)
        try await mutate(context) { _ in
            ([.setAccessKeyStatus(accessKeyID: key.accessKeyID, status: status)], ())
        }
    }

    package func deleteAccessKey(userName: String?, accessKeyID: String, context: OperationContext) async throws {
        let key = try await ownedKey(accessKeyID, userName: userName, context)
        try await mutate(context) { _ in ([.deleteAccessKey(accessKeyID: key.accessKeyID)], ()) }
    }

    /// The key's last use, read from the audit trail (`auditLastUse` supplies it).
    package func accessKeyLastUsed(
        accessKeyID: String, context: OperationContext,
        auditLastUse: (AccountID, String) async throws -> AuditEvent?
    ) async throws -> AccessKeyLastUse {
        guard let key = try await credentials.accessKey(id: accessKeyID), key.account == context.account else {
            throw IAMError(.noSuchEntity, "The Access Key with id \(accessKeyID) cannot be found.")
        }
        guard let event = try await auditLastUse(context.account, accessKeyID) else {
            return AccessKeyLastUse(userName: key.userName, time: nil, serviceName: "N/A", region: "N/A")
        }
        let service = event.eventSource.split(separator: ".").first.map(String.init) ?? event.eventSource
        return AccessKeyLastUse(userName: key.userName, time: event.time, serviceName: service, region: event.region)
    }

    /// The keys of the named user (or of the caller when no name is given), oldest first.
    private func keys(of userName: String?, _ context: OperationContext) async throws -> [AccessKeyRecord] {
        if let name = try targetUserName(userName, context) {
            let snapshot = try await snapshot(context)
            let user = try user(named: name, in: snapshot)
            return snapshot.accessKeys.filter { $0.userName == user.name }
                .sorted { ($0.createdAt, $0.accessKeyID) < ($1.createdAt, $1.accessKeyID) }
        }
        return try await credentials.accessKeys(account: context.account, userName: nil)
    }

    /// A key of this account that belongs to the named user (or to the caller); NoSuchEntity otherwise.
    private func ownedKey(_ accessKeyID: String, userName: String?, _ context: OperationContext) async throws
        -> AccessKeyRecord
    {
        let keys = try await keys(of: userName, context)
        guard let key = keys.first(where: { $0.accessKeyID == accessKeyID }) else {
            throw IAMError(.noSuchEntity, "The Access Key with id \(accessKeyID) cannot be found.")
        }
        return key
    }
}
