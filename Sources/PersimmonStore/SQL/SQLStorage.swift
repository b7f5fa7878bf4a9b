import PersimmonCore

/// A ``PersimmonStorage`` whose every query is written once, here, over a ``SQLDatabase``.
///
/// ``SQLiteStorage`` and ``PostgresStorage`` conform by providing the database primitives and `migrate`/`close`;
/// this extension supplies the stores. The schema is in `migrations/`.
package protocol SQLStorage: PersimmonStorage, SQLDatabase {}

// MARK: - Columns

private let resourceColumns =
    "account_id, arn, kind, name, parent_arn, status, document, created_at, updated_at, version"
private let accountColumns = "id, name, email, status, created_at, closed_at"
private let accessKeyColumns =
    "access_key_id, account_id, user_name, principal_arn, sealed_secret, status, created_at, last_used_at"
private let jobColumns =
    "id, account_id, kind, resource_arn, payload, state, attempts, lease_owner, lease_until, run_after, last_error, created_at, updated_at"

extension ResourceRecord {
    fileprivate init(row: SQLRow) throws {
        self.init(
            account: AccountID(try row.text("account_id")),
            arn: try row.text("arn"),
            kind: try row.enumeration("kind"),
            name: try row.text("name"),
            parentARN: try row.textOrNil("parent_arn"),
            status: try row.textOrNil("status"),
            document: try row.text("document"),
            createdAt: try row.int64("created_at"),
            updatedAt: try row.int64("updated_at"),
            version: try row.int64("version")
        )
    }
}

extension AccountRecord {
    fileprivate init(row: SQLRow) throws {
        self.init(
            id: AccountID(try row.text("id")),
            name: try row.text("name"),
            email: try row.textOrNil("email"),
            status: try row.enumeration("status"),
            createdAt: try row.int64("created_at"),
            closedAt: try row.int64OrNil("closed_at")
        )
    }
}

extension AccessKeyRecord {
    fileprivate init(row: SQLRow) throws {
        self.init(
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

extension JobRecord {
    fileprivate init(row: SQLRow) throws {
        self.init(
            id: try row.int64("id"),
            account: AccountID(try row.text("account_id")),
            kind: try row.text("kind"),
            resourceARN: try row.text("resource_arn"),
            payload: try row.text("payload"),
            state: try row.enumeration("state"),
            attempts: Int(try row.int64("attempts")),
            leaseOwner: try row.textOrNil("lease_owner"),
            leaseUntil: try row.int64OrNil("lease_until"),
            runAfter: try row.int64("run_after"),
            lastError: try row.textOrNil("last_error"),
            createdAt: try row.int64("created_at"),
            updatedAt: try row.int64("updated_at")
        )
    }
}

// MARK: - ResourceStore

extension SQLStorage {
    package func insert(_ record: ResourceRecord) async throws {
        try await self.mappingErrors(onUniqueViolation: .alreadyExists(record.arn)) {
            _ = try await self.write(
                """
                INSERT INTO resources (\(raw: resourceColumns))
                VALUES (\(record.account.rawValue), \(record.arn), \(record.kind.rawValue), \(record.name), \
                \(record.parentARN), \(record.status), \(record.document), \(record.createdAt), \(record.updatedAt), \
                \(record.version))
                """
            )
        }
    }

    package func get(account: AccountID, arn: String) async throws -> ResourceRecord? {
        try await self.mappingErrors {
            let rows = try await self.read(
                "SELECT \(raw: resourceColumns) FROM resources WHERE account_id = \(account.rawValue) AND arn = \(arn)"
            )
            return try rows.first.map(ResourceRecord.init(row:))
        }
    }

    package func update(_ record: ResourceRecord, expectedVersion: Int64) async throws -> ResourceRecord? {
        try await self.mappingErrors {
            let rows = try await self.write(
                """
                UPDATE resources
                SET name = \(record.name), parent_arn = \(record.parentARN), status = \(record.status), \
                document = \(record.document), updated_at = \(record.updatedAt), version = version + 1
                WHERE account_id = \(record.account.rawValue) AND arn = \(record.arn) AND version = \(expectedVersion)
                RETURNING \(raw: resourceColumns)
                """
            )
            return try rows.first.map(ResourceRecord.init(row:))
        }
    }

    @discardableResult
    package func delete(account: AccountID, arn: String) async throws -> Bool {
        try await self.mappingErrors {
            let results = try await self.write([
                "DELETE FROM resource_tags WHERE account_id = \(account.rawValue) AND arn = \(arn)",
                "DELETE FROM resources WHERE account_id = \(account.rawValue) AND arn = \(arn) RETURNING arn",
            ])
            return !results[1].isEmpty
        }
    }

    package func list(account: AccountID, _ query: ResourceQuery) async throws -> [ResourceRecord] {
        guard query.limit > 0, query.statuses?.isEmpty != true else { return [] }
        var statement: SQLStatement = """
            SELECT \(raw: resourceColumns) FROM resources
            WHERE account_id = \(account.rawValue) AND kind = \(query.kind.rawValue)
            """
        statement.append(Self.filters(parentARN: query.parentARN, statuses: query.statuses))
        if let after = query.after {
            statement.append(
                " AND (created_at < \(after.createdAt) OR (created_at = \(after.createdAt) AND arn > \(after.arn)))"
            )
        }
        statement.append(" ORDER BY created_at DESC, arn ASC LIMIT \(query.limit)")
        return try await self.mappingErrors {
            try await self.read(statement).map(ResourceRecord.init(row:))
        }
    }

    package func count(account: AccountID, kind: ResourceKind, parentARN: String?) async throws -> Int {
        var statement: SQLStatement = """
            SELECT COUNT(*) AS n FROM resources WHERE account_id = \(account.rawValue) AND kind = \(kind.rawValue)
            """
        statement.append(Self.filters(parentARN: parentARN, statuses: nil))
        return try await self.mappingErrors {
            let rows = try await self.read(statement)
            return Int(try rows.first?.int64("n") ?? 0)
        }
    }

    private static func filters(parentARN: String?, statuses: [String]?) -> SQLStatement {
        var statement: SQLStatement = ""
        if let parentARN {
            statement.append(" AND parent_arn = \(parentARN)")
        }
        if let statuses {
            statement.append(" AND status IN (\(list: statuses))")
        }
        return statement
    }

    package func tags(account: AccountID, arn: String) async throws -> [(key: String, value: String)] {
        try await self.mappingErrors {
            let rows = try await self.read(
                """
                SELECT key, value FROM resource_tags WHERE account_id = \(account.rawValue) AND arn = \(arn)
                ORDER BY key
                """
            )
            return try rows.map { (key: try $0.text("key"), value: try $0.text("value")) }
        }
    }

    package func putTags(account: AccountID, arn: String, _ tags: [(key: String, value: String)]) async throws {
        // One row per key, the last value winning: PostgreSQL refuses to upsert one row twice in a statement.
        var seen: Set<String> = []
        let unique = tags.reversed().filter { seen.insert($0.key).inserted }.reversed()
        guard !unique.isEmpty else { return }
        var statement: SQLStatement = "INSERT INTO resource_tags (account_id, arn, key, value) VALUES "
        for (offset, tag) in unique.enumerated() {
            statement.append("\(raw: offset == 0 ? "" : ", ")(\(account.rawValue), \(arn), \(tag.key), \(tag.value))")
        }
        statement.append(" ON CONFLICT (account_id, arn, key) DO UPDATE SET value = excluded.value")
        try await self.mappingErrors {
            _ = try await self.write(statement)
        }
    }

    package func removeTags(account: AccountID, arn: String, keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        try await self.mappingErrors {
            _ = try await self.write(
                """
                DELETE FROM resource_tags
                WHERE account_id = \(account.rawValue) AND arn = \(arn) AND key IN (\(list: keys))
                """
            )
        }
    }
}

// MARK: - CredentialStore

extension SQLStorage {
    package func insertAccount(_ account: AccountRecord) async throws {
        try await self.mappingErrors(onUniqueViolation: .alreadyExists(account.id.rawValue)) {
            _ = try await self.write(
                """
                INSERT INTO accounts (\(raw: accountColumns))
                VALUES (\(account.id.rawValue), \(account.name), \(account.email), \(account.status.rawValue), \
                \(account.createdAt), \(account.closedAt))
                """
            )
        }
    }

    package func account(_ id: AccountID) async throws -> AccountRecord? {
        try await self.mappingErrors {
            let rows = try await self.read("SELECT \(raw: accountColumns) FROM accounts WHERE id = \(id.rawValue)")
            return try rows.first.map(AccountRecord.init(row:))
        }
    }

    package func accounts(after: AccountID?, limit: Int) async throws -> [AccountRecord] {
        guard limit > 0 else { return [] }
        var statement: SQLStatement = "SELECT \(raw: accountColumns) FROM accounts"
        if let after {
            statement.append(" WHERE id > \(after.rawValue)")
        }
        statement.append(" ORDER BY id LIMIT \(limit)")
        return try await self.mappingErrors {
            try await self.read(statement).map(AccountRecord.init(row:))
        }
    }

    package func updateAccount(_ account: AccountRecord) async throws {
        try await self.mappingErrors {
            _ = try await self.write(
                """
                UPDATE accounts
                SET name = \(account.name), email = \(account.email), status = \(account.status.rawValue), \
                closed_at = \(account.closedAt)
                WHERE id = \(account.id.rawValue)
                """
            )
        }
    }

    package func insertAccessKey(_ key: AccessKeyRecord) async throws {
        try await self.mappingErrors(onUniqueViolation: .alreadyExists(key.accessKeyID)) {
            _ = try await self.write(
                """
                INSERT INTO access_keys (\(raw: accessKeyColumns))
                VALUES (\(key.accessKeyID), \(key.account.rawValue), \(key.userName), \(key.principalARN), \
                \(key.sealedSecret), \(key.status.rawValue), \(key.createdAt), \(key.lastUsedAt))
                """
            )
        }
    }

    package func accessKey(id: String) async throws -> AccessKeyRecord? {
        try await self.mappingErrors {
            let rows = try await self.read(
                "SELECT \(raw: accessKeyColumns) FROM access_keys WHERE access_key_id = \(id)"
            )
            return try rows.first.map(AccessKeyRecord.init(row:))
        }
    }

    package func accessKeys(account: AccountID, userName: String?) async throws -> [AccessKeyRecord] {
        var statement: SQLStatement =
            "SELECT \(raw: accessKeyColumns) FROM access_keys WHERE account_id = \(account.rawValue)"
        if let userName {
            statement.append(" AND user_name = \(userName)")
        } else {
            statement.append(" AND user_name IS NULL")
        }
        statement.append(" ORDER BY created_at, access_key_id")
        return try await self.mappingErrors {
            try await self.read(statement).map(AccessKeyRecord.init(row:))
        }
    }

    package func updateAccessKeyStatus(id: String, status: AccessKeyRecord.Status) async throws {
        try await self.mappingErrors {
            _ = try await self.write("UPDATE access_keys SET status = \(status.rawValue) WHERE access_key_id = \(id)")
        }
    }

    package func deleteAccessKey(id: String) async throws {
        try await self.mappingErrors {
            _ = try await self.write("DELETE FROM access_keys WHERE access_key_id = \(id)")
        }
    }

    package func recordAccessKeyUse(id: String, at time: Int64) async throws {
        try await self.mappingErrors {
            _ = try await self.write(
                """
                UPDATE access_keys SET last_used_at = \(time)
                WHERE access_key_id = \(id) AND (last_used_at IS NULL OR last_used_at < \(time))
                """
            )
        }
    }
}

// MARK: - JobQueue

extension SQLStorage {
    @discardableResult
    package func enqueue(
        account: AccountID, kind: String, resourceARN: String, payload: String, runAfter: Int64, now: Int64
    ) async throws -> Int64 {
        try await self.mappingErrors {
            let rows = try await self.write(
                """
                INSERT INTO jobs (account_id, kind, resource_arn, payload, state, attempts, run_after, created_at, updated_at)
                VALUES (\(account.rawValue), \(kind), \(resourceARN), \(payload), 'queued', 0, \(runAfter), \(now), \(now))
                RETURNING id
                """
            )
            guard let row = rows.first else { throw SQLDecodingError(column: "id", expected: "a returned row") }
            return try row.int64("id")
        }
    }

    package func claimNext(kinds: [String], workerID: String, leaseUntil: Int64, now: Int64) async throws -> JobRecord?
    {
        guard !kinds.isEmpty else { return nil }
        // One statement: pick the oldest runnable row and lease it, so two workers can never both get it.
        let statement: SQLStatement = """
            UPDATE jobs
            SET state = 'running', attempts = attempts + 1, lease_owner = \(workerID), lease_until = \(leaseUntil), \
            updated_at = \(now)
            WHERE id = (
                SELECT id FROM jobs
                WHERE kind IN (\(list: kinds))
                  AND ((state = 'queued' AND run_after <= \(now)) OR (state = 'running' AND lease_until < \(now)))
                ORDER BY id
                LIMIT 1\(SQLStatement.claimLocking)
            )
            RETURNING \(raw: jobColumns)
            """
        return try await self.mappingErrors {
            try await self.write(statement).first.map(JobRecord.init(row:))
        }
    }

    package func heartbeat(jobID: Int64, workerID: String, leaseUntil: Int64, now: Int64) async throws -> Bool {
        try await self.mappingErrors {
            let rows = try await self.write(
                """
                UPDATE jobs SET lease_until = \(leaseUntil), updated_at = \(now)
                WHERE id = \(jobID) AND state = 'running' AND lease_owner = \(workerID)
                RETURNING id
                """
            )
            return !rows.isEmpty
        }
    }

    package func finish(jobID: Int64, workerID: String, state: JobRecord.State, error: String?, now: Int64) async throws
        -> Bool
    {
        guard state == .succeeded || state == .failed else {
            throw ServiceError(.internalFailure, "a job can only finish as succeeded or failed")
        }
        return try await self.mappingErrors {
            let rows = try await self.write(
                """
                UPDATE jobs SET state = \(state.rawValue), last_error = \(error), lease_owner = NULL, lease_until = NULL, \
                updated_at = \(now)
                WHERE id = \(jobID) AND state = 'running' AND lease_owner = \(workerID)
                RETURNING id
                """
            )
            return !rows.isEmpty
        }
    }

    package func release(jobID: Int64, workerID: String, runAfter: Int64, error: String?, now: Int64) async throws
        -> Bool
    {
        try await self.mappingErrors {
            let rows = try await self.write(
                """
                UPDATE jobs SET state = 'queued', run_after = \(runAfter), last_error = \(error), lease_owner = NULL, \
                lease_until = NULL, updated_at = \(now)
                WHERE id = \(jobID) AND state = 'running' AND lease_owner = \(workerID)
                RETURNING id
                """
            )
            return !rows.isEmpty
        }
    }

    package func job(id: Int64) async throws -> JobRecord? {
        try await self.mappingErrors {
            try await self.read("SELECT \(raw: jobColumns) FROM jobs WHERE id = \(id)").first.map(JobRecord.init(row:))
        }
    }

    package func jobs(account: AccountID, resourceARN: String) async throws -> [JobRecord] {
        try await self.mappingErrors {
            try await self.read(
                """
                SELECT \(raw: jobColumns) FROM jobs WHERE account_id = \(account.rawValue) AND resource_arn = \(resourceARN)
                ORDER BY id DESC
                """
            ).map(JobRecord.init(row:))
        }
    }
}
