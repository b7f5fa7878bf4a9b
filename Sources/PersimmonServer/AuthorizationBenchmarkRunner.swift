import Foundation
import Logging
import PersimmonCore
import PersimmonStore

extension PersimmonServer {
    /// Measures the authorization paths (``AuthorizationBenchmark``) over the in-memory store, an SQLite file and —
    /// when `PERSIMMON_BENCH_POSTGRES_URL` names a database (a scratch one: the benchmark adds an account to it) —
    /// PostgreSQL, and returns the report's lines: `persimmon bench-authorization`.
    package static func benchmarkAuthorization(iterations: Int) async throws -> [String] {
        var lines: [String] = []
        let memory = try await AuthorizationBenchmark.run(storage: InMemoryStorage(), iterations: iterations)
        lines += report("in-memory", memory)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("persimmon-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sqlite = try SQLiteStorage(path: directory + "/bench.sqlite")
        try await sqlite.migrate()
        let sqliteReport = try await AuthorizationBenchmark.run(storage: sqlite, iterations: iterations)
        try await sqlite.close()
        lines += report("SQLite", sqliteReport)
        if let url = ProcessInfo.processInfo.environment["PERSIMMON_BENCH_POSTGRES_URL"], !url.isEmpty {
            var logger = Logger(label: "persimmon.bench")
            logger.logLevel = .error
            let postgres = try PostgresStorage(url: url, logger: logger)
            let postgresReport = try await withThrowingTaskGroup(of: AuthorizationBenchmark.Report?.self) { group in
                group.addTask {
                    try await postgres.run()
                    return nil
                }
                try await postgres.migrate()
                // A fresh account per run, so the same scratch database serves several runs.
                let account = String(format: "9%011d", Int.random(in: 0..<100_000_000_000))
                let result = try await AuthorizationBenchmark.run(
                    storage: postgres, iterations: iterations, accountID: account)
                try await postgres.close()
                group.cancelAll()
                return result
            }
            lines += report("PostgreSQL", postgresReport)
        }
        return lines
    }

    private static func report(_ store: String, _ report: AuthorizationBenchmark.Report) -> [String] {
        [
            "\(store): decision (generation read with the key): \(report.decision)",
            "\(store): key lookup + decision: \(report.lookupAndDecision)",
            "\(store): decision reading the generation itself: \(report.decisionReadingGeneration)",
            "\(store): before (key, account and generation reads + decision): \(report.threeReadsAndDecision)",
        ]
    }
}
