import Foundation
import PersimmonCore
import PersimmonStore

extension PersimmonServer {
    /// Measures the cached authorization decision (``AuthorizationBenchmark``) over the in-memory store and over an
    /// SQLite file, and returns one line per store: `persimmon bench-authorization`.
    package static func benchmarkAuthorization(iterations: Int) async throws -> [String] {
        var lines: [String] = []
        let memory = InMemoryStorage()
        lines.append(
            "in-memory store: \(try await AuthorizationBenchmark.run(storage: memory, iterations: iterations))")
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("persimmon-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sqlite = try SQLiteStorage(path: directory + "/bench.sqlite")
        try await sqlite.migrate()
        let result = try await AuthorizationBenchmark.run(storage: sqlite, iterations: iterations)
        try await sqlite.close()
        lines.append("SQLite store (generation read per decision): \(result)")
        return lines
    }
}
