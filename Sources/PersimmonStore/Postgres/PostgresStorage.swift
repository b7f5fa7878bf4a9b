import Logging
import PersimmonCore
import PostgresNIO
import ServiceLifecycle

/// Persimmon's storage in PostgreSQL, for many processes sharing one database (and one job queue).
///
/// It owns a `PostgresClient` (a connection pool) that only serves queries while ``run()`` runs; until then every
/// query, ``migrate()`` included, waits. **The composition root must add this storage to its `ServiceGroup`, first,
/// so that it starts before and stops after every service that uses it**, and call ``migrate()`` from a task that runs
/// alongside the group (or from the first service that needs the schema), never before `ServiceGroup.run()`.
/// ``run()`` returns on cancellation, on graceful shutdown, or once ``close()`` is called.
///
/// ```swift
/// let storage = try PostgresStorage(url: url, logger: logger)
/// let group = ServiceGroup(services: [storage, workers, http], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// ```
package final class PostgresStorage: SQLStorage, Service {
    private let client: PostgresClient
    private let logger: Logger
    private let closed: AsyncStream<Void>
    private let closeContinuation: AsyncStream<Void>.Continuation

    package var dialect: SQLDialect { .postgres }

    /// A storage for the database at `url`: `postgres://user:password@host:port/database`, see
    /// ``PostgresStorage/configuration(url:)`` for the accepted forms. Nothing connects until ``run()`` runs.
    package convenience init(url: String, logger: Logger) throws {
        self.init(configuration: try Self.configuration(url: url), logger: logger)
    }

    package init(configuration: PostgresClient.Configuration, logger: Logger) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        (self.closed, self.closeContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    // MARK: Service

    /// Runs the connection pool until cancelled, until graceful shutdown, or until ``close()``.
    package func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            group.addTask { for await _ in self.closed {} }
            // Whichever ends first (the pool on shutdown, or the close signal) ends the other.
            _ = await group.next()
            group.cancelAll()
        }
    }

    // MARK: SQLDatabase

    package func read(_ statement: SQLStatement) async throws -> [SQLRow] {
        try await Self.rows(of: self.client.query(Self.query(statement), logger: self.logger))
    }

    package func write(_ statements: [SQLStatement]) async throws -> [[SQLRow]] {
        if statements.count == 1 {
            // One statement is its own transaction.
            return [try await Self.rows(of: self.client.query(Self.query(statements[0]), logger: self.logger))]
        }
        let logger = self.logger
        return try await self.client.withTransaction(logger: logger) { connection in
            var results: [[SQLRow]] = []
            for statement in statements {
                results.append(try await Self.rows(of: connection.query(Self.query(statement), logger: logger)))
            }
            return results
        }
    }

    package func readSnapshot(_ statements: [SQLStatement]) async throws -> [[SQLRow]] {
        let logger = self.logger
        return try await self.client.withTransaction(logger: logger) { connection in
            // Every statement of a REPEATABLE READ transaction sees the snapshot taken at its first query.
            _ = try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
                .collect()
            var results: [[SQLRow]] = []
            for statement in statements {
                results.append(try await Self.rows(of: connection.query(Self.query(statement), logger: logger)))
            }
            return results
        }
    }

    package func write(guardedBy guardStatement: SQLStatement, _ statements: [SQLStatement]) async throws
        -> [[SQLRow]]?
    {
        let logger = self.logger
        do {
            return try await self.client.withTransaction(logger: logger) { connection in
                let guardRows = try await Self.rows(of: connection.query(Self.query(guardStatement), logger: logger))
                // Throwing inside the transaction rolls it back.
                if guardRows.isEmpty { throw GuardFailed() }
                var results: [[SQLRow]] = [guardRows]
                for statement in statements {
                    results.append(try await Self.rows(of: connection.query(Self.query(statement), logger: logger)))
                }
                return results
            }
        } catch let error as PostgresTransactionError where error.closureError is GuardFailed {
            return nil
        }
    }

    private struct GuardFailed: Error {}

    package func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? PostgresTransactionError, let closureError = error.closureError {
            return self.isUniqueViolation(closureError)
        }
        // 23505: unique_violation (primary keys included).
        return (error as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }

    private static func query(_ statement: SQLStatement) -> PostgresQuery {
        var binds = PostgresBindings(capacity: statement.values.count)
        for value in statement.values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let integer): binds.append(integer)
            case .text(let text): binds.append(text)
            case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
            }
        }
        return PostgresQuery(unsafeSQL: statement.sql(for: .postgres), binds: binds)
    }

    private static func rows(of sequence: PostgresRowSequence) async throws -> [SQLRow] {
        var rows: [SQLRow] = []
        var columns: [String]?
        for try await row in sequence {
            let names = columns ?? row.map(\.columnName)
            columns = names
            rows.append(SQLRow(columns: names, values: try row.map(Self.value)))
        }
        return rows
    }

    private static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard let bytes = cell.bytes else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bytea: return .blob(Array(bytes.readableBytesView))
        default: return .text(try cell.decode(String.self))
        }
    }

    // MARK: PersimmonStorage

    /// The key of the transaction-scoped advisory lock that serialises migrations across processes.
    private static let migrationLockKey: Int64 = 0x5045_5253_494D_4D47  // "PERSIMMG"

    /// Applies the pending embedded migrations, each in its own transaction.
    ///
    /// Idempotent and safe when several processes start at once: every transaction first takes an advisory lock, so
    /// migrations run one at a time and each sees the versions the others recorded.
    package func migrate() async throws {
        let logger = self.logger
        try await self.mappingErrors {
            for migration in Migration.all(for: .postgres) {
                try await self.client.withTransaction(logger: logger) { connection in
                    _ = try await connection.query(
                        "SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger
                    )
                    .collect()
                    _ = try await connection.query(PostgresQuery(unsafeSQL: Self.createMigrationsTable), logger: logger)
                        .collect()
                    let applied = try await connection.query(
                        "SELECT COUNT(*) FROM schema_migrations WHERE version = \(Int64(migration.version))",
                        logger: logger
                    ).collect()
                    if try applied.first?.decode(Int64.self) ?? 0 > 0 { return }
                    logger.info(
                        "applying migration",
                        metadata: ["migration.version": "\(migration.version)", "migration.name": "\(migration.name)"]
                    )
                    for statement in splitSQLScript(migration.sql) {
                        _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
                    }
                    _ = try await connection.query(
                        """
                        INSERT INTO schema_migrations (version, name, applied_at)
                        VALUES (\(Int64(migration.version)), \(migration.name), \
                        (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT)
                        """,
                        logger: logger
                    ).collect()
                }
            }
        }
    }

    /// Stops the connection pool: ``run()`` returns and later queries fail.
    package func close() async throws {
        self.closeContinuation.finish()
    }

    /// The bookkeeping table of the migration runner; the numbered migrations never touch it.
    static let createMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )
        """
}
