import Foundation
import GRDB
import PersimmonCore
import Synchronization

/// Persimmon's storage in one SQLite file, through GRDB: the embedded, single-process default.
///
/// Every access goes through GRDB's async APIs, which run SQLite on GRDB's own dispatch queues, never on the Swift
/// cooperative pool. A file database is a `DatabasePool` in WAL mode (concurrent readers, one writer); writes use
/// `BEGIN IMMEDIATE`, so a job claim (`UPDATE … RETURNING`) excludes every other writer.
package final class SQLiteStorage: SQLStorage, StoreChangeSignal {
    private let writer: any DatabaseWriter
    /// A connection of its own that only reads `PRAGMA data_version`, for ``changeToken()`` (file databases only: a
    /// private in-memory database has no other connection that could write to it).
    private let watcher: DatabaseQueue?
    /// Commits made through this object, for ``changeToken()``.
    private let localCommits = Atomic<Int64>(0)

    package var dialect: SQLDialect { .sqlite }

    /// Opens (creating if needed) the database file at `path`, whose directory must exist. Call ``migrate()`` before
    /// use.
    ///
    /// Opening reads the file header synchronously: call this at start-up, not on a request path.
    package init(path: String) throws {
        do {
            self.writer = try DatabasePool(path: path, configuration: Self.configuration())
            var watcherConfiguration = Configuration()
            watcherConfiguration.label = "persimmon.change-watch"
            watcherConfiguration.readonly = true
            watcherConfiguration.busyMode = .timeout(10)
            self.watcher = try DatabaseQueue(path: path, configuration: watcherConfiguration)
        } catch {
            throw ServiceError(.internalFailure, "cannot open the SQLite database", underlying: error)
        }
    }

    /// A private in-memory database, for tests. It disappears when the storage is released.
    package static func inMemory() throws -> SQLiteStorage {
        do {
            return SQLiteStorage(writer: try DatabaseQueue(configuration: Self.configuration()))
        } catch {
            throw ServiceError(.internalFailure, "cannot open an in-memory SQLite database", underlying: error)
        }
    }

    private init(writer: any DatabaseWriter) {
        self.writer = writer
        self.watcher = nil
    }

    // MARK: StoreChangeSignal

    /// This object's commit count and SQLite's `PRAGMA data_version` on a dedicated connection, which changes
    /// whenever any other connection — this process's pool or another process — commits to the file. One
    /// synchronous pragma on an idle connection (no thread hop, no table read): cheap enough for every request.
    package func changeToken() -> StoreChangeToken? {
        let local = localCommits.load(ordering: .acquiring)
        guard let watcher else { return StoreChangeToken(local: local, external: 0) }
        do {
            let version = try watcher.inDatabase { db in
                try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version"))
            }
            guard let version else { return nil }
            return StoreChangeToken(local: local, external: version)
        } catch {
            return nil
        }
    }

    /// Counts a commit (or an attempt: a failed write may still have committed nothing, and a spurious change only
    /// costs a cache refresh). Called after the write returns, before its caller can answer anyone.
    private func noteCommit() {
        localCommits.add(1, ordering: .releasing)
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "persimmon"
        configuration.foreignKeysEnabled = true
        // Another process holding the write lock (e.g. `persimmon migrate` next to `serve`) makes us wait, not fail.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // With WAL, NORMAL keeps the database consistent across crashes and only syncs at checkpoints.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return configuration
    }

    // MARK: SQLDatabase

    package func read(_ statement: SQLStatement) async throws -> [SQLRow] {
        let sql = statement.sql(for: .sqlite)
        let arguments = Self.arguments(statement.values)
        return try await self.writer.read { db in
            try Self.fetch(db, sql: sql, arguments: arguments)
        }
    }

    package func write(_ statements: [SQLStatement]) async throws -> [[SQLRow]] {
        let prepared = statements.map { (sql: $0.sql(for: .sqlite), arguments: Self.arguments($0.values)) }
        defer { noteCommit() }
        return try await self.writer.write { db in
            try prepared.map { try Self.fetch(db, sql: $0.sql, arguments: $0.arguments) }
        }
    }

    package func readSnapshot(_ statements: [SQLStatement]) async throws -> [[SQLRow]] {
        let prepared = statements.map { (sql: $0.sql(for: .sqlite), arguments: Self.arguments($0.values)) }
        // GRDB runs a `read` in one deferred transaction: every statement sees the same snapshot.
        return try await self.writer.read { db in
            try prepared.map { try Self.fetch(db, sql: $0.sql, arguments: $0.arguments) }
        }
    }

    package func write(guardedBy guardStatement: SQLStatement, _ statements: [SQLStatement]) async throws
        -> [[SQLRow]]?
    {
        let prepared = ([guardStatement] + statements).map {
            (sql: $0.sql(for: .sqlite), arguments: Self.arguments($0.values))
        }
        defer { noteCommit() }
        do {
            return try await self.writer.write { db in
                var results: [[SQLRow]] = []
                for (offset, statement) in prepared.enumerated() {
                    let rows = try Self.fetch(db, sql: statement.sql, arguments: statement.arguments)
                    // Throwing inside `write` rolls the transaction back.
                    if offset == 0 && rows.isEmpty { throw GuardFailed() }
                    results.append(rows)
                }
                return results
            }
        } catch is GuardFailed {
            return nil
        }
    }

    private struct GuardFailed: Error {}

    package func isUniqueViolation(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
    }

    private static func fetch(_ db: Database, sql: String, arguments: StatementArguments) throws -> [SQLRow] {
        let statement = try db.cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        var rows: [SQLRow] = []
        var columns: [String]?
        while let row = try cursor.next() {
            let names = columns ?? Array(row.columnNames)
            columns = names
            rows.append(SQLRow(columns: names, values: row.databaseValues.map(Self.value)))
        }
        return rows
    }

    private static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(
            values.map { value -> DatabaseValue in
                switch value {
                case .null: .null
                case .integer(let integer): integer.databaseValue
                case .text(let text): text.databaseValue
                case .blob(let bytes): Data(bytes).databaseValue
                }
            }
        )
    }

    private static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        // We never store reals; a REAL here means a hand-edited row. Keep the integer part rather than fail.
        case .double(let double): .integer(Int64(double))
        case .string(let text): .text(text)
        case .blob(let data): .blob(Array(data))
        }
    }

    // MARK: PersimmonStorage

    /// Applies the pending embedded migrations, each in its own `BEGIN IMMEDIATE` transaction.
    ///
    /// Idempotent. Two processes migrating the same file at once are serialised by SQLite's write lock; the second
    /// sees the versions the first recorded and skips them.
    package func migrate() async throws {
        defer { noteCommit() }
        try await self.mappingErrors {
            for migration in Migration.all(for: .sqlite) {
                try await self.writer.write { db in
                    try db.execute(sql: Self.createMigrationsTable)
                    let applied = try Bool.fetchOne(
                        db,
                        sql: "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?)",
                        arguments: [migration.version]
                    )
                    guard applied != true else { return }
                    try db.execute(sql: migration.sql)
                    try db.execute(
                        sql: "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        arguments: [migration.version, migration.name, Self.nowMilliseconds()]
                    )
                }
            }
        }
    }

    /// Closes the database connections. Later calls fail with an internal error.
    package func close() async throws {
        try await self.mappingErrors {
            // Let queued work drain through the writer queue first, then close synchronously (a few microseconds).
            try await self.writer.writeWithoutTransaction { _ in }
            try self.writer.close()
            try self.watcher?.close()
        }
    }

    /// The bookkeeping table of the migration runner; the numbered migrations never touch it.
    static let createMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )
        """

    private static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
