import Foundation
import PersimmonStore
import PostgresNIO
import Testing

@Suite("Embedded migrations")
struct EmbeddedMigrationTests {
    /// The repository's `migrations/` folder, found from this file's path (Tests/PersimmonStoreTests/…).
    static let migrationsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("migrations")

    @Test("match the files in migrations/ byte for byte", arguments: SQLDialect.allCases)
    func embeddedCopyMatchesFolder(dialect: SQLDialect) throws {
        let folder = Self.migrationsFolder.appendingPathComponent(dialect.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
            .sorted()
        let onDisk = try names.map { name in
            let parts = name.dropLast(4).split(separator: "_", maxSplits: 1)
            let version = try #require(Int(parts[0]), "\(name) does not start with a version number")
            let sql = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            return Migration(version: version, name: String(parts[1]), sql: sql)
        }
        #expect(!onDisk.isEmpty)
        let embedded = Migration.all(for: dialect)
        #expect(
            embedded == onDisk,
            "Sources/PersimmonStore/Generated/Migrations.swift is out of date: run python3 ops/embed_migrations.py"
        )
        #expect(embedded.map(\.version) == Array(1...embedded.count))
    }

    @Test("have the same versions and names in both dialects")
    func dialectsAgree() {
        let sqlite = Migration.all(for: .sqlite).map { "\($0.version) \($0.name)" }
        let postgres = Migration.all(for: .postgres).map { "\($0.version) \($0.name)" }
        #expect(sqlite == postgres)
    }

    @Test("split into statements at top-level semicolons only")
    func splitting() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE t (a TEXT DEFAULT 'x;y', "we;ird" INTEGER); /* block; comment */
            INSERT INTO t VALUES ('it''s; fine', 1);
            CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN RETURN NULL; END; $body$ LANGUAGE plpgsql;
            -- trailing comment only
            """
        let statements = splitSQLScript(script)
        #expect(statements.count == 3)
        #expect(statements[0].hasSuffix(#"CREATE TABLE t (a TEXT DEFAULT 'x;y', "we;ird" INTEGER)"#))
        #expect(statements[1].hasPrefix("/* block; comment */"))
        #expect(statements[2].hasSuffix("$body$ LANGUAGE plpgsql"))
        #expect(splitSQLScript(Migration.all(for: .postgres)[0].sql).count == 10)
    }
}

@Suite("SQL statements")
struct SQLStatementTests {
    @Test("render numbered placeholders per dialect and keep values in order")
    func placeholders() {
        let account = "123456789012"
        let statuses = ["ACTIVE", "CREATE PENDING"]
        var statement: SQLStatement =
            "SELECT arn FROM resources WHERE account_id = \(account) AND status IN (\(list: statuses))"
        statement.append(" AND created_at < \(Int64(5)) LIMIT \(10)")
        #expect(
            statement.sql(for: .postgres)
                == "SELECT arn FROM resources WHERE account_id = $1 AND status IN ($2, $3) AND created_at < $4 LIMIT $5"
        )
        #expect(
            statement.sql(for: .sqlite)
                == "SELECT arn FROM resources WHERE account_id = ?1 AND status IN (?2, ?3) AND created_at < ?4 LIMIT ?5"
        )
        #expect(
            statement.values == [.text(account), .text("ACTIVE"), .text("CREATE PENDING"), .integer(5), .integer(10)])
    }

    @Test("interpolated text is bound, never spliced into the SQL")
    func injection() {
        let hostile = "x'; DROP TABLE resources; --"
        let statement: SQLStatement =
            "SELECT 1 FROM resources WHERE arn = \(hostile) AND parent_arn = \(nil as String?)"
        #expect(statement.sql(for: .postgres) == "SELECT 1 FROM resources WHERE arn = $1 AND parent_arn = $2")
        #expect(statement.values == [.text(hostile), .null])
    }

    @Test("names the dialect differences")
    func dialectFragments() {
        let statement: SQLStatement = "SELECT id FROM jobs WHERE kind = \("k") LIMIT 1\(SQLStatement.claimLocking)"
        #expect(statement.sql(for: .postgres) == "SELECT id FROM jobs WHERE kind = $1 LIMIT 1 FOR UPDATE SKIP LOCKED")
        #expect(statement.sql(for: .sqlite) == "SELECT id FROM jobs WHERE kind = ?1 LIMIT 1")
    }
}

@Suite("PostgreSQL URLs")
struct PostgresURLTests {
    @Test("parses a TCP URL with credentials, port and database")
    func tcp() throws {
        let configuration = try PostgresStorage.configuration(
            url: "postgres://alice:s%40cret@db.example.com:6543/persimmon")
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.unixSocketPath == nil)
        #expect(configuration.username == "alice")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "persimmon")
    }

    @Test("accepts postgresql://, defaults and sslmode")
    func defaults() throws {
        let configuration = try PostgresStorage.configuration(url: "postgresql://bob@localhost/app?sslmode=disable")
        #expect(configuration.host == "localhost")
        #expect(configuration.port == 5432)
        #expect(configuration.password == nil)
        #expect(configuration.database == "app")
        #expect(try PostgresStorage.configuration(url: "postgres://bob@[::1]:5433").host == "::1")
        #expect(try PostgresStorage.configuration(url: "postgres://bob@[::1]:5433").database == nil)
        for mode in ["prefer", "require", "verify-ca", "verify-full"] {
            #expect(
                try PostgresStorage.configuration(url: "postgres://bob@localhost/app?sslmode=\(mode)").host
                    == "localhost")
        }
    }

    @Test("parses the Unix-socket forms")
    func unixSocket() throws {
        let query = try PostgresStorage.configuration(url: "postgres://carol@/persimmon_test?host=/tmp/pg&port=5499")
        #expect(query.unixSocketPath == "/tmp/pg/.s.PGSQL.5499")
        #expect(query.host == nil)
        #expect(query.database == "persimmon_test")
        let encoded = try PostgresStorage.configuration(url: "postgres://carol@%2Fvar%2Frun%2Fpostgresql/db")
        #expect(encoded.unixSocketPath == "/var/run/postgresql/.s.PGSQL.5432")
    }

    @Test("passes start-up options through")
    func options() throws {
        let configuration = try PostgresStorage.configuration(url: "postgres://u@h/d?options=-c%20search_path%3Dtenant")
        #expect(configuration.options.additionalStartupParameters.map(\.0) == ["options"])
        #expect(configuration.options.additionalStartupParameters.map(\.1) == ["-c search_path=tenant"])
    }

    @Test(
        "refuses malformed URLs without echoing the password",
        arguments: [
            "mysql://u:hunter2@h/d", "postgres://h/d", "postgres://u:hunter2@/d", "postgres://u:hunter2@h:99999/d",
            "postgres://u:hunter2@h/d?sslmode=sometimes", "postgres://u:hunter2@h/d?colour=red",
            "postgres://u:hunter2@[::1/d",
            "postgres://u:hunter2@h/d%zz",
        ]
    )
    func malformed(url: String) {
        let error = #expect(throws: PostgresURLError.self) { try PostgresStorage.configuration(url: url) }
        #expect(error?.description.contains("hunter2") == false)
    }
}
