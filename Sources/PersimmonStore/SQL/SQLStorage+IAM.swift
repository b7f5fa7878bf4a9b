import PersimmonCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The IAM and audit stores over SQL, written once for both dialects. Schema: migrations/*/0002_iam_and_audit.sql.

private let userColumns =
    "user_id, name, path, arn, permissions_boundary_arn, tags, created_at, password_last_used_at"
private let groupColumns = "group_id, name, path, arn, created_at"
private let policyColumns =
    "arn, policy_id, name, path, description, default_version_id, next_version, tags, created_at, updated_at"
private let auditColumns = """
    account_id, event_id, event_time, event_name, event_source, read_only, principal_arn, principal_type, user_name, \
    access_key_id, action, resource, decision, deciding_statement, source_ip, user_agent, request_id, region, \
    error_code, error_message
    """
private let accessKeyColumns =
    "access_key_id, account_id, user_name, principal_arn, sealed_secret, status, created_at, last_used_at"

extension SQLStorage {
    // MARK: IAMStore

    package func iamSnapshot(account: AccountID) async throws -> IAMSnapshot {
        let id = account.rawValue
        return try await self.mappingErrors {
            let results = try await self.readSnapshot([
                "SELECT generation FROM iam_accounts WHERE account_id = \(id)",
                "SELECT \(raw: userColumns) FROM iam_users WHERE account_id = \(id) ORDER BY user_id",
                "SELECT \(raw: groupColumns) FROM iam_groups WHERE account_id = \(id) ORDER BY group_id",
                "SELECT group_id, user_id FROM iam_group_members WHERE account_id = \(id) ORDER BY group_id, user_id",
                "SELECT \(raw: policyColumns) FROM iam_policies WHERE account_id = \(id) ORDER BY arn",
                """
                SELECT policy_arn, version_id, document, created_at FROM iam_policy_versions
                WHERE account_id = \(id) ORDER BY policy_arn, version_id
                """,
                """
                SELECT entity_type, entity_id, policy_arn, attached_at FROM iam_attachments
                WHERE account_id = \(id) ORDER BY entity_type, entity_id, policy_arn
                """,
                """
                SELECT entity_type, entity_id, policy_name, document FROM iam_inline_policies
                WHERE account_id = \(id) ORDER BY entity_type, entity_id, policy_name
                """,
                """
                SELECT user_id, password_hash, password_reset_required, created_at FROM iam_login_profiles
                WHERE account_id = \(id) ORDER BY user_id
                """,
                """
                SELECT \(raw: accessKeyColumns) FROM access_keys
                WHERE account_id = \(id) AND user_name IS NOT NULL ORDER BY access_key_id
                """,
            ])
            return IAMSnapshot(
                account: account,
                generation: try results[0].first?.int64("generation") ?? 0,
                users: try results[1].map(IAMUserRecord.init(row:)),
                groups: try results[2].map(IAMGroupRecord.init(row:)),
                memberships: try results[3].map {
                    IAMGroupMembershipRecord(groupID: try $0.text("group_id"), userID: try $0.text("user_id"))
                },
                policies: try results[4].map(IAMManagedPolicyRecord.init(row:)),
                versions: try results[5].map {
                    IAMPolicyVersionRecord(
                        policyARN: try $0.text("policy_arn"), versionID: try $0.text("version_id"),
                        document: try $0.text("document"), createdAt: try $0.int64("created_at")
                    )
                },
                attachments: try results[6].map {
                    IAMAttachmentRecord(
                        entity: IAMEntityRef(kind: try $0.enumeration("entity_type"), id: try $0.text("entity_id")),
                        policyARN: try $0.text("policy_arn"), attachedAt: try $0.int64("attached_at")
                    )
                },
                inlinePolicies: try results[7].map {
                    IAMInlinePolicyRecord(
                        entity: IAMEntityRef(kind: try $0.enumeration("entity_type"), id: try $0.text("entity_id")),
                        policyName: try $0.text("policy_name"), document: try $0.text("document")
                    )
                },
                loginProfiles: try results[8].map {
                    IAMLoginProfileRecord(
                        userID: try $0.text("user_id"), passwordHash: try $0.text("password_hash"),
                        passwordResetRequired: try $0.int64("password_reset_required") != 0,
                        createdAt: try $0.int64("created_at")
                    )
                },
                accessKeys: try results[9].map(Self.accessKey(row:))
            )
        }
    }

    package func iamGeneration(account: AccountID) async throws -> Int64 {
        try await self.mappingErrors {
            let rows = try await self.read(
                "SELECT generation FROM iam_accounts WHERE account_id = \(account.rawValue)"
            )
            return try rows.first?.int64("generation") ?? 0
        }
    }

    package func accessKeyLookup(id: String) async throws -> AccessKeyLookup? {
        try await self.mappingErrors {
            // One statement: SQLite and PostgreSQL both read it from one snapshot. Scalar subqueries rather than
            // joins: PostgreSQL plans them in about two thirds of the time, and planning dominates so small a read.
            let rows = try await self.read(
                """
                SELECT k.access_key_id, k.account_id, k.user_name, k.principal_arn, k.sealed_secret, k.status, \
                k.created_at, k.last_used_at, \
                (SELECT a.status FROM accounts a WHERE a.id = k.account_id) AS account_status, \
                COALESCE((SELECT g.generation FROM iam_accounts g WHERE g.account_id = k.account_id), 0) \
                AS iam_generation
                FROM access_keys k WHERE k.access_key_id = \(id)
                """
            )
            guard let row = rows.first, let status = try row.textOrNil("account_status") else { return nil }
            guard let accountStatus = AccountRecord.Status(rawValue: status) else {
                throw SQLDecodingError(column: "account_status", expected: "AccountRecord.Status")
            }
            return AccessKeyLookup(
                key: try Self.accessKey(row: row), accountStatus: accountStatus,
                iamGeneration: try row.int64("iam_generation"))
        }
    }

    package func commitIAM(account: AccountID, expectedGeneration: Int64, _ changes: [IAMChange]) async throws
        -> Int64?
    {
        let id = account.rawValue
        // Inserts generation 1 for a first commit, or moves an existing row on by one; either only from the
        // expected value, so a concurrent commit makes this one return no row and write nothing.
        let guardStatement: SQLStatement = """
            INSERT INTO iam_accounts (account_id, generation) VALUES (\(id), \(expectedGeneration + 1))
            ON CONFLICT (account_id) DO UPDATE SET generation = excluded.generation
            WHERE iam_accounts.generation = \(expectedGeneration)
            RETURNING generation
            """
        let statements = try changes.flatMap { try Self.statements(for: $0, account: id) }
        return try await self.mappingErrors(onUniqueViolation: ServiceError.alreadyExists("an IAM entity")) {
            guard let results = try await self.write(guardedBy: guardStatement, statements) else { return nil }
            return try results[0].first?.int64("generation")
        }
    }

    private static func statements(for change: IAMChange, account id: String) throws -> [SQLStatement] {
        switch change {
        case .putUser(let u):
            return [
                """
                INSERT INTO iam_users (account_id, \(raw: userColumns), name_key)
                VALUES (\(id), \(u.userID), \(u.name), \(u.path), \(u.arn), \(u.permissionsBoundaryARN), \
                \(try tagsJSON(u.tags)), \(u.createdAt), \(u.passwordLastUsedAt), \(u.name.lowercased()))
                ON CONFLICT (account_id, user_id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, \
                path = excluded.path, arn = excluded.arn, permissions_boundary_arn = excluded.permissions_boundary_arn, \
                tags = excluded.tags, password_last_used_at = excluded.password_last_used_at
                """
            ]
        case .deleteUser(let userID):
            return [
                "DELETE FROM iam_group_members WHERE account_id = \(id) AND user_id = \(userID)",
                "DELETE FROM iam_attachments WHERE account_id = \(id) AND entity_type = 'user' AND entity_id = \(userID)",
                """
                DELETE FROM iam_inline_policies WHERE account_id = \(id) AND entity_type = 'user' \
                AND entity_id = \(userID)
                """,
                "DELETE FROM iam_login_profiles WHERE account_id = \(id) AND user_id = \(userID)",
                "DELETE FROM iam_users WHERE account_id = \(id) AND user_id = \(userID)",
            ]
        case .putGroup(let g):
            return [
                """
                INSERT INTO iam_groups (account_id, \(raw: groupColumns), name_key)
                VALUES (\(id), \(g.groupID), \(g.name), \(g.path), \(g.arn), \(g.createdAt), \(g.name.lowercased()))
                ON CONFLICT (account_id, group_id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, \
                path = excluded.path, arn = excluded.arn
                """
            ]
        case .deleteGroup(let groupID):
            return [
                "DELETE FROM iam_group_members WHERE account_id = \(id) AND group_id = \(groupID)",
                """
                DELETE FROM iam_attachments WHERE account_id = \(id) AND entity_type = 'group' \
                AND entity_id = \(groupID)
                """,
                """
                DELETE FROM iam_inline_policies WHERE account_id = \(id) AND entity_type = 'group' \
                AND entity_id = \(groupID)
                """,
                "DELETE FROM iam_groups WHERE account_id = \(id) AND group_id = \(groupID)",
            ]
        case .addMembership(let m):
            return [
                """
                INSERT INTO iam_group_members (account_id, group_id, user_id) VALUES (\(id), \(m.groupID), \(m.userID))
                ON CONFLICT (account_id, group_id, user_id) DO NOTHING
                """
            ]
        case .removeMembership(let m):
            return [
                """
                DELETE FROM iam_group_members
                WHERE account_id = \(id) AND group_id = \(m.groupID) AND user_id = \(m.userID)
                """
            ]
        case .putPolicy(let p):
            return [
                """
                INSERT INTO iam_policies (account_id, \(raw: policyColumns), name_key)
                VALUES (\(id), \(p.arn), \(p.policyID), \(p.name), \(p.path), \(p.description), \
                \(p.defaultVersionID), \(p.nextVersionNumber), \(try tagsJSON(p.tags)), \(p.createdAt), \
                \(p.updatedAt), \(p.name.lowercased()))
                ON CONFLICT (account_id, arn) DO UPDATE SET description = excluded.description, \
                default_version_id = excluded.default_version_id, next_version = excluded.next_version, \
                tags = excluded.tags, updated_at = excluded.updated_at
                """
            ]
        case .deletePolicy(let arn):
            return [
                "DELETE FROM iam_policy_versions WHERE account_id = \(id) AND policy_arn = \(arn)",
                "DELETE FROM iam_policies WHERE account_id = \(id) AND arn = \(arn)",
            ]
        case .putPolicyVersion(let v):
            return [
                """
                INSERT INTO iam_policy_versions (account_id, policy_arn, version_id, document, created_at)
                VALUES (\(id), \(v.policyARN), \(v.versionID), \(v.document), \(v.createdAt))
                ON CONFLICT (account_id, policy_arn, version_id) DO UPDATE SET document = excluded.document
                """
            ]
        case .deletePolicyVersion(let arn, let versionID):
            return [
                """
                DELETE FROM iam_policy_versions
                WHERE account_id = \(id) AND policy_arn = \(arn) AND version_id = \(versionID)
                """
            ]
        case .attach(let a):
            return [
                """
                INSERT INTO iam_attachments (account_id, entity_type, entity_id, policy_arn, attached_at)
                VALUES (\(id), \(a.entity.kind.rawValue), \(a.entity.id), \(a.policyARN), \(a.attachedAt))
                ON CONFLICT (account_id, entity_type, entity_id, policy_arn) DO NOTHING
                """
            ]
        case .detach(let entity, let arn):
            return [
                """
                DELETE FROM iam_attachments WHERE account_id = \(id) AND entity_type = \(entity.kind.rawValue) \
                AND entity_id = \(entity.id) AND policy_arn = \(arn)
                """
            ]
        case .putInlinePolicy(let p):
            return [
                """
                INSERT INTO iam_inline_policies (account_id, entity_type, entity_id, policy_name, document)
                VALUES (\(id), \(p.entity.kind.rawValue), \(p.entity.id), \(p.policyName), \(p.document))
                ON CONFLICT (account_id, entity_type, entity_id, policy_name) DO UPDATE SET document = excluded.document
                """
            ]
        case .deleteInlinePolicy(let entity, let name):
            return [
                """
                DELETE FROM iam_inline_policies WHERE account_id = \(id) AND entity_type = \(entity.kind.rawValue) \
                AND entity_id = \(entity.id) AND policy_name = \(name)
                """
            ]
        case .putLoginProfile(let p):
            return [
                """
                INSERT INTO iam_login_profiles (account_id, user_id, password_hash, password_reset_required, created_at)
                VALUES (\(id), \(p.userID), \(p.passwordHash), \(p.passwordResetRequired ? 1 : 0), \(p.createdAt))
                ON CONFLICT (account_id, user_id) DO UPDATE SET password_hash = excluded.password_hash, \
                password_reset_required = excluded.password_reset_required
                """
            ]
        case .deleteLoginProfile(let userID):
            return ["DELETE FROM iam_login_profiles WHERE account_id = \(id) AND user_id = \(userID)"]
        case .insertAccessKey(let key):
            return [
                """
                INSERT INTO access_keys (\(raw: accessKeyColumns))
                VALUES (\(key.accessKeyID), \(key.account.rawValue), \(key.userName), \(key.principalARN), \
                \(key.sealedSecret), \(key.status.rawValue), \(key.createdAt), \(key.lastUsedAt))
                """
            ]
        case .setAccessKeyStatus(let keyID, let status):
            return [
                """
                UPDATE access_keys SET status = \(status.rawValue)
                WHERE account_id = \(id) AND access_key_id = \(keyID)
                """
            ]
        case .deleteAccessKey(let keyID):
            return ["DELETE FROM access_keys WHERE account_id = \(id) AND access_key_id = \(keyID)"]
        case .renameAccessKeyOwner(let oldName, let newName, let newARN):
            return [
                """
                UPDATE access_keys SET user_name = \(newName), principal_arn = \(newARN)
                WHERE account_id = \(id) AND user_name = \(oldName)
                """
            ]
        }
    }

    // MARK: AuditStore

    package func appendAuditEvents(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        // Bounded batches keep every statement well under both engines' limits on bound values. On SQLite (no round
        // trips) one row per statement is cheapest: every statement has the same text, so it is prepared once and
        // reused, while a many-row statement is prepared anew for each batch size and binds thousands of values.
        let rowsPerStatement = dialect == .sqlite ? 1 : 200
        var statements: [SQLStatement] = []
        statements.reserveCapacity(events.count / rowsPerStatement + 1)
        var start = 0
        while start < events.count {
            let batch = events[start..<min(start + rowsPerStatement, events.count)]
            var statement: SQLStatement = "INSERT INTO audit_events (\(raw: auditColumns)) VALUES "
            for (offset, e) in batch.enumerated() {
                statement.append(
                    """
                    \(raw: offset == 0 ? "" : ", ")(\(e.account.rawValue), \(e.eventID), \(e.time), \(e.eventName), \
                    \(e.eventSource), \(e.readOnly ? 1 : 0), \(e.principalARN), \(e.principalType), \(e.userName), \
                    \(e.accessKeyID), \(e.action), \(e.resource), \(e.decision), \(e.decidingStatement), \
                    \(e.sourceIP), \(e.userAgent), \(e.requestID), \(e.region), \(e.errorCode), \(e.errorMessage))
                    """
                )
            }
            statements.append(statement)
            start += rowsPerStatement
        }
        try await self.mappingErrors {
            _ = try await self.write(statements)
        }
    }

    package func pruneAuditEvents(before cutoff: Int64, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        return try await self.mappingErrors {
            // Oldest first through audit_events_by_age (migration 0003), at most `limit` rows per transaction.
            let rows = try await self.write(
                """
                DELETE FROM audit_events WHERE id IN (
                    SELECT id FROM audit_events WHERE event_time < \(cutoff) ORDER BY event_time, id LIMIT \(limit)
                ) RETURNING id
                """
            )
            return rows.count
        }
    }

    package func auditEvents(account: AccountID, _ query: AuditQuery) async throws -> [AuditEvent] {
        guard query.limit > 0 else { return [] }
        var statement: SQLStatement =
            "SELECT \(raw: auditColumns) FROM audit_events WHERE account_id = \(account.rawValue)"
        if let value = query.eventID { statement.append(" AND event_id = \(value)") }
        if let value = query.eventName { statement.append(" AND event_name = \(value)") }
        if let value = query.userName { statement.append(" AND user_name = \(value)") }
        if let value = query.accessKeyID { statement.append(" AND access_key_id = \(value)") }
        if let value = query.resource { statement.append(" AND resource = \(value)") }
        if let value = query.eventSource { statement.append(" AND event_source = \(value)") }
        if let value = query.readOnly { statement.append(" AND read_only = \(value ? 1 : 0)") }
        if let type = query.resourceType {
            let patterns = type.likePatterns
            statement.append(" AND (resource LIKE \(patterns[0]) OR resource LIKE \(patterns[1]))")
        }
        if let value = query.startTime { statement.append(" AND event_time >= \(value)") }
        if let value = query.endTime { statement.append(" AND event_time <= \(value)") }
        if let after = query.after {
            statement.append(
                " AND (event_time < \(after.time) OR (event_time = \(after.time) AND event_id > \(after.eventID)))"
            )
        }
        statement.append(" ORDER BY event_time DESC, event_id ASC LIMIT \(query.limit)")
        return try await self.mappingErrors {
            try await self.read(statement).map(AuditEvent.init(row:))
        }
    }

    // MARK: Rows

    private static func tagsJSON(_ tags: [IAMTag]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(tags), as: UTF8.self)
    }

    private static func accessKey(row: SQLRow) throws -> AccessKeyRecord {
        AccessKeyRecord(
            accessKeyID: try row.text("access_key_id"),
            account: AccountID(try row.text("account_id")),
            userName: try row.textOrNil("user_name"),
            principalARN: try row.text("principal_arn"),
            sealedSecret: try row.bytes("sealed_secret"),
            status: try row.enumeration("status"),
            createdAt: try row.int64("created_at"),
            lastUsedAt: try row.int64OrNil("last_used_at")
        )
    }
}

private func decodeTags(_ text: String) throws -> [IAMTag] {
    try JSONDecoder().decode([IAMTag].self, from: Data(text.utf8))
}

extension IAMUserRecord {
    fileprivate init(row: SQLRow) throws {
        self.init(
            userID: try row.text("user_id"), name: try row.text("name"), path: try row.text("path"),
            arn: try row.text("arn"), createdAt: try row.int64("created_at"),
            permissionsBoundaryARN: try row.textOrNil("permissions_boundary_arn"),
            tags: try decodeTags(try row.text("tags")),
            passwordLastUsedAt: try row.int64OrNil("password_last_used_at")
        )
    }
}

extension IAMGroupRecord {
    fileprivate init(row: SQLRow) throws {
        self.init(
            groupID: try row.text("group_id"), name: try row.text("name"), path: try row.text("path"),
            arn: try row.text("arn"), createdAt: try row.int64("created_at")
        )
    }
}

extension IAMManagedPolicyRecord {
    fileprivate init(row: SQLRow) throws {
        self.init(
            policyID: try row.text("policy_id"), arn: try row.text("arn"), name: try row.text("name"),
            path: try row.text("path"), description: try row.textOrNil("description"),
            defaultVersionID: try row.text("default_version_id"), nextVersionNumber: try row.int64("next_version"),
            tags: try decodeTags(try row.text("tags")), createdAt: try row.int64("created_at"),
            updatedAt: try row.int64("updated_at")
        )
    }
}

extension AuditEvent {
    fileprivate init(row: SQLRow) throws {
        self.init(
            eventID: try row.text("event_id"), account: AccountID(try row.text("account_id")),
            time: try row.int64("event_time"), eventName: try row.text("event_name"),
            eventSource: try row.text("event_source"), readOnly: try row.int64("read_only") != 0,
            principalARN: try row.text("principal_arn"), principalType: try row.text("principal_type"),
            userName: try row.textOrNil("user_name"), accessKeyID: try row.text("access_key_id"),
            action: try row.text("action"), resource: try row.text("resource"), decision: try row.text("decision"),
            decidingStatement: try row.textOrNil("deciding_statement"), sourceIP: try row.textOrNil("source_ip"),
            userAgent: try row.textOrNil("user_agent"), requestID: try row.text("request_id"),
            region: try row.text("region"), errorCode: try row.textOrNil("error_code"),
            errorMessage: try row.textOrNil("error_message")
        )
    }
}
