import Foundation
import PersimmonCore
import PersimmonStore
import Testing

@Suite("SQLite storage")
struct SQLiteStorageTests {
    @Test("data survives closing and reopening the file")
    func reopen() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/persimmon.sqlite"
            let account = randomAccount()
            let record = datasetGroup(account, "movies")
            let jobKind = randomJobKind()

            let first = try SQLiteStorage(path: path)
            try await closing(first) {
                try await first.migrate()
                try await first.insert(record)
                try await first.putTags(account: account, arn: record.arn, [(key: "team", value: "recs")])
                try await first.enqueue(
                    account: account, kind: jobKind, resourceARN: record.arn, payload: "{}", runAfter: 0, now: 1)
            }

            let second = try SQLiteStorage(path: path)
            try await closing(second) {
                try await second.migrate()
                #expect(try await second.get(account: account, arn: record.arn) == record)
                #expect(try await second.tags(account: account, arn: record.arn).map(\.value) == ["recs"])
                #expect(try await second.claimNext(kinds: [jobKind], workerID: "w", leaseUntil: 10, now: 2) != nil)
            }
        }
    }

    @Test("two storages migrating one new file at once both succeed")
    func concurrentMigrations() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/persimmon.sqlite"
            let one = try SQLiteStorage(path: path)
            let two = try SQLiteStorage(path: path)
            async let first: Void = one.migrate()
            async let second: Void = two.migrate()
            _ = try await (first, second)
            let versions = try await one.read("SELECT version FROM schema_migrations ORDER BY version")
            #expect(
                try versions.map { try $0.int64("version") } == Migration.all(for: .sqlite).map { Int64($0.version) })
            try await one.close()
            try await two.close()
        }
    }

    @Test("works in memory")
    func inMemory() async throws {
        let storage = try SQLiteStorage.inMemory()
        try await storage.migrate()
        let record = datasetGroup(randomAccount(), "movies")
        try await storage.insert(record)
        #expect(try await storage.get(account: record.account, arn: record.arn) == record)
        try await storage.close()
    }

    @Test("maps a driver failure to an opaque internal error")
    func driverErrorsAreOpaque() async throws {
        let storage = try SQLiteStorage.inMemory()
        // No migrate(): the tables do not exist.
        let error = try await #require(throws: ServiceError.self) {
            try await storage.get(account: randomAccount(), arn: "arn")
        }
        #expect(error.code == .internalFailure)
        #expect(error.message == "internal storage error")
        #expect(!error.description.contains("resources"))
        #expect(error.underlying != nil)
        try await storage.close()
    }
}

@Suite("PostgreSQL storage", .serialized, postgresIsConfigured)
struct PostgresStorageTests {
    @Test("concurrent migrations of a new schema apply each version once")
    func concurrentMigrations() async throws {
        let schema = "persimmon_migrate_\(UInt32.random(in: 0...UInt32.max))"
        try await withPostgresStorage { admin in
            _ = try await admin.write("CREATE SCHEMA \(raw: schema)")
            do {
                try await withPostgresStorage(searchPath: schema) { one in
                    try await withPostgresStorage(searchPath: schema) { two in
                        async let first: Void = one.migrate()
                        async let second: Void = two.migrate()
                        _ = try await (first, second)
                        try await one.migrate()
                    }
                    let versions = try await one.read("SELECT version FROM schema_migrations ORDER BY version")
                    #expect(
                        try versions.map { try $0.int64("version") }
                            == Migration.all(for: .postgres).map { Int64($0.version) })
                    let tables = try await one.read(
                        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = \(schema)"
                    )
                    // Every table the migrations create, plus schema_migrations.
                    let created = Migration.all(for: .postgres).map {
                        $0.sql.components(separatedBy: "CREATE TABLE ").count - 1
                    }.reduce(1, +)
                    #expect(try tables.first?.int64("n") == Int64(created))
                }
            } catch {
                _ = try? await admin.write("DROP SCHEMA \(raw: schema) CASCADE")
                throw error
            }
            _ = try await admin.write("DROP SCHEMA \(raw: schema) CASCADE")
        }
    }

    @Test("maps a driver failure to an opaque internal error")
    func driverErrorsAreOpaque() async throws {
        try await withPostgresStorage { storage in
            let error = try await #require(throws: ServiceError.self) {
                try await storage.mappingErrors { try await storage.read("SELECT * FROM no_such_table") }
            }
            #expect(error.code == .internalFailure)
            #expect(error.message == "internal storage error")
            #expect(!error.description.contains("no_such_table"))
        }
    }
}
