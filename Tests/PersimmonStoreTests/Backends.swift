import Foundation
import Logging
import PersimmonCore
import PersimmonStore
import Testing

/// The environment variable that points the contract suite at a PostgreSQL database, e.g.
/// `postgres://postgres@127.0.0.1:5432/persimmon_test`. `ops/lib/postgres.sh` starts a throwaway one.
let postgresURLVariable = "PERSIMMON_TEST_POSTGRES_URL"

var postgresTestURL: String? {
    ProcessInfo.processInfo.environment[postgresURLVariable].flatMap { $0.isEmpty ? nil : $0 }
}

/// Skips a PostgreSQL test, with the reason, when no database is configured.
let postgresIsConfigured = ConditionTrait.enabled(
    if: postgresTestURL != nil,
    "\(postgresURLVariable) is not set: PostgreSQL cases are skipped (ops/lib/postgres.sh starts a database)"
)

/// A storage implementation the contract suite runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case sqlite
    case postgres

    /// The backends to run: PostgreSQL only when `PERSIMMON_TEST_POSTGRES_URL` is set. When it is not, the
    /// `postgresIsSkipped` trait on a sentinel test reports the skip, so a missing database never looks like a pass.
    static var available: [Backend] {
        postgresTestURL == nil ? [.memory, .sqlite] : [.memory, .sqlite, .postgres]
    }

    var testDescription: String {
        switch self {
        case .memory: "in-memory"
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// Runs `body` against a migrated storage and closes it afterwards.
    ///
    /// The in-memory and SQLite storages are fresh for every call. PostgreSQL is one shared database, so tests keep
    /// apart by using random account IDs and job kinds.
    func withStorage(_ body: (any PersimmonStorage) async throws -> Void) async throws {
        switch self {
        case .memory:
            let storage = InMemoryStorage()
            try await storage.migrate()
            try await body(storage)
            try await storage.close()
        case .sqlite:
            try await withTemporaryDirectory { directory in
                let storage = try SQLiteStorage(path: directory + "/persimmon.sqlite")
                try await closing(storage) {
                    try await storage.migrate()
                    try await body(storage)
                }
            }
        case .postgres:
            try await withPostgresStorage { storage in
                try await storage.migrate()
                try await body(storage)
            }
        }
    }
}

/// Runs `body` with a `PostgresStorage` whose `run()` is running, then closes it and waits for `run()` to return.
///
/// `searchPath` puts the tables in another schema (through the URL's `options` parameter).
func withPostgresStorage(searchPath: String? = nil, _ body: (PostgresStorage) async throws -> Void) async throws {
    guard var url = postgresTestURL else {
        try Test.cancel(
            "\(postgresURLVariable) is not set: PostgreSQL contract cases are skipped (see ops/lib/postgres.sh)")
    }
    if let searchPath {
        url += (url.contains("?") ? "&" : "?") + "options=-c%20search_path%3D\(searchPath)"
    }
    var logger = Logger(label: "persimmon.store.tests")
    // PostgresNIO warns when a query races the first moment of run(); the query just waits, so keep tests quiet.
    logger.logLevel = .error
    let storage = try PostgresStorage(url: url, logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await storage.run() }
        try await closing(storage) {
            try await body(storage)
        }
        try await group.waitForAll()
    }
}

/// Runs `body`, then closes `storage` whether or not `body` threw.
func closing(_ storage: some PersimmonStorage, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        try? await storage.close()
        throw error
    }
    try await storage.close()
}

func withTemporaryDirectory(_ body: (String) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("persimmon-store-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try await body(directory)
}

// MARK: - Test data

/// A fresh 12-digit account, so that tests sharing one PostgreSQL database never see each other's rows.
func randomAccount() -> AccountID {
    AccountID(String((0..<12).map { _ in "0123456789".randomElement()! }))
}

/// A job kind no other test uses: claims are not scoped to an account.
func randomJobKind() -> String {
    "test-\(UInt64.random(in: 0...UInt64.max))"
}

let baseTime: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z

func datasetGroupARN(_ account: AccountID, _ name: String) -> String {
    "arn:aws:personalize:us-east-1:\(account):dataset-group/\(name)"
}

func datasetGroup(_ account: AccountID, _ name: String, createdAt: Int64 = baseTime, status: String? = "ACTIVE")
    -> ResourceRecord
{
    let arn = datasetGroupARN(account, name)
    return ResourceRecord(
        account: account, arn: arn, kind: .datasetGroup, name: name, parentARN: nil, status: status,
        document: #"{"datasetGroupArn":"\#(arn)","name":"\#(name)","status":"\#(status ?? "")"}"#,
        createdAt: createdAt, updatedAt: createdAt
    )
}

func dataset(_ account: AccountID, group: String, type: String, createdAt: Int64 = baseTime, status: String? = "ACTIVE")
    -> ResourceRecord
{
    let arn = "arn:aws:personalize:us-east-1:\(account):dataset/\(group)/\(type)"
    return ResourceRecord(
        account: account, arn: arn, kind: .dataset, name: type, parentARN: datasetGroupARN(account, group),
        status: status, document: #"{"datasetArn":"\#(arn)"}"#, createdAt: createdAt, updatedAt: createdAt
    )
}
