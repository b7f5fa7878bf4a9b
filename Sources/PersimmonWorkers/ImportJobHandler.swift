import Logging
import NIOCore
import PersimmonAPIModel
import PersimmonCatalog
import PersimmonCore
import PersimmonData
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs dataset import jobs: streams the CSV objects at the job's data location into the dataset's store.
///
/// Bytes arrive on the async side (file reads, S3 bodies) and are parsed on the compute pool, chunk by chunk, so
/// memory stays bounded by the chunk size and the row groups, whatever the file size. A job is all-or-nothing:
/// the dataset keeps its previous data unless the whole input is valid. Bad input fails the job with
/// `CREATE FAILED` and a `failureReason` naming lines and columns; it is not retried. Transport and storage
/// failures are thrown, so the worker retries them; a crash mid-import loses the lease and the job runs again
/// from the start (the store discards the abandoned staging file when it reopens).
package struct ImportJobHandler: JobHandler {
    private let resources: ResourceManager
    private let stores: DatasetStores
    private let sources: DataSources
    private let pool: ComputePool
    private let clock: any WallClock
    private let logger: Logger

    package init(
        resources: ResourceManager, stores: DatasetStores, sources: DataSources, pool: ComputePool,
        clock: any WallClock, logger: Logger
    ) {
        self.resources = resources
        self.stores = stores
        self.sources = sources
        self.pool = pool
        self.clock = clock
        self.logger = logger
    }

    package var kinds: [String] { [DataJobKind.datasetImport] }

    package func run(_ job: JobRecord) async throws {
        let store = resources.store
        guard let record = try await store.get(account: job.account, arn: job.resourceARN) else { return }
        guard let record = try await resources.begin(record, now: clock.now()) else { return }
        let importJob = try ResourceManager.decode(DatasetImportJob.self, from: record)
        do {
            let summary = try await importData(importJob, account: job.account)
            logger.info(
                "dataset import finished",
                metadata: [
                    "resource.arn": .string(record.arn), "import.records": .stringConvertible(summary.records),
                    "import.bytes": .stringConvertible(summary.bytesRead),
                ]
            )
            try await resources.setStatus(record, to: LifecycleStatus.active, now: clock.now())
            try await touchDataset(importJob.datasetArn, account: job.account, resources: resources, now: clock.now())
        } catch {
            guard try await resources.failIfBadInput(record, error, now: clock.now()) else { throw error }
        }
    }

    package func giveUp(_ job: JobRecord, reason: String) async throws {
        guard let record = try await resources.store.get(account: job.account, arn: job.resourceARN) else { return }
        try await resources.setStatus(
            record, to: LifecycleStatus.createFailed, failureReason: "The import failed: \(reason)", now: clock.now()
        )
    }

    private func importData(_ job: DatasetImportJob, account: AccountID) async throws -> ImportSummary {
        guard let datasetARN = job.datasetArn, let location = job.dataSource?.dataLocation else {
            throw ServiceError(.invalidInput, "The import job has no dataset or data location.")
        }
        let target = try await DatasetTarget.load(datasetARN, account: account, resources: resources)
        let schema = target.schema
        let kind = target.kind
        let mode = PersimmonData.ImportMode(rawValue: job.importMode ?? "FULL") ?? PersimmonData.ImportMode.full
        let objects = try await sources.objects(at: location)
        guard !objects.isEmpty else {
            throw ServiceError(.invalidInput, "No CSV file was found at \(location).")
        }
        let stores = stores
        let datasetStore = try await pool.run { try stores.store(account: account, datasetARN: datasetARN, kind: kind) }
        if objects.count == 1, case .file(let path) = objects[0] {
            // One local file: the store reads it straight into the parser's buffer, with no copy per chunk and no
            // hop between the reader and the compute pool.
            return try await pool.run { try datasetStore.importCSV(path: path, schema: schema, mode: mode) }
        }
        let session = try await pool.run {
            ImportSession(try datasetStore.beginImport(schema: schema, mode: mode, origin: .bulk))
        }
        var firstHeader: [UInt8]?
        for (index, object) in objects.enumerated() {
            var header = HeaderSkipper(expected: index == 0 ? nil : firstHeader, name: object.displayName)
            try await sources.read(object) { chunk in
                var bytes = Array(chunk.readableBytesView)
                if index == 0, firstHeader == nil {
                    firstHeader = HeaderSkipper.firstLine(of: bytes)
                } else if index > 0 {
                    bytes = try header.strip(bytes)
                }
                guard !bytes.isEmpty else { return }
                let parsed = bytes
                try await pool.run { try session.consume(parsed) }
            }
            if index > 0 { try header.finish() }
        }
        return try await pool.run { try session.finish() }
    }
}

/// A dataset with its parsed schema and type, as the data jobs need it.
struct DatasetTarget {
    var record: ResourceRecord
    var dataset: Dataset
    var schema: PersimmonCatalog.DatasetSchema
    var kind: DatasetKind

    /// Loads a dataset and its schema; a dataset or schema that is gone or unusable is `InvalidInput` (the job
    /// fails with that reason rather than being retried).
    static func load(_ datasetARN: String, account: AccountID, resources: ResourceManager) async throws
        -> DatasetTarget
    {
        guard let datasetRecord = try await resources.store.get(account: account, arn: datasetARN) else {
            throw ServiceError(.invalidInput, "The dataset \(datasetARN) no longer exists.")
        }
        let dataset = try ResourceManager.decode(Dataset.self, from: datasetRecord)
        guard let schemaARN = dataset.schemaArn,
            let schemaRecord = try await resources.store.get(account: account, arn: schemaARN)
        else { throw ServiceError(.invalidInput, "The dataset's schema no longer exists.") }
        let schemaText =
            try ResourceManager.decode(PersimmonAPIModel.DatasetSchema.self, from: schemaRecord).schema ?? ""
        do {
            let schema = try SchemaValidator.parse(schemaText, domain: nil)
            guard let kind = DatasetKind(datasetType: dataset.datasetType ?? "") else {
                throw SchemaError("unknown dataset type \(dataset.datasetType ?? "")")
            }
            return DatasetTarget(record: datasetRecord, dataset: dataset, schema: schema, kind: kind)
        } catch {
            throw ServiceError(
                .invalidInput, "The dataset's schema cannot be used: \((error as? SchemaError)?.message ?? "\(error)")"
            )
        }
    }
}

/// Records on a dataset that its data changed (import, deletion).
func touchDataset(_ arn: String?, account: AccountID, resources: ResourceManager, now: Date) async throws {
    guard let arn, let record = try await resources.store.get(account: account, arn: arn) else { return }
    var dataset = try ResourceManager.decode(Dataset.self, from: record)
    dataset.lastUpdatedDateTime = now
    _ = try? await resources.replaceDocument(record, with: dataset, now: now)
}

/// One import in progress, handed between the async reader and the compute pool.
///
/// `@unchecked Sendable` invariant: the parser state (`importer`, not copyable and not `Sendable`) is only read or
/// written while `lock` is held, so the pool threads that take turns parsing chunks never touch it concurrently.
final class ImportSession: @unchecked Sendable {
    private let lock = Mutex(())
    private var importer: DatasetImport?

    init(_ importer: consuming DatasetImport) {
        self.importer = consume importer
    }

    func consume(_ bytes: [UInt8]) throws {
        try lock.withLock { _ throws(DatasetError) in
            guard var current = importer.take() else {
                throw DatasetError(.importFinished, "The import already finished")
            }
            do throws(DatasetError) {
                try current.consume(bytes)
            } catch {
                importer = consume current
                throw error
            }
            importer = consume current
        }
    }

    func finish() throws -> ImportSummary {
        try lock.withLock { _ throws(DatasetError) -> ImportSummary in
            guard let current = importer.take() else {
                throw DatasetError(.importFinished, "The import already finished")
            }
            return try current.finish()
        }
    }
}

/// Drops the header line of the second and later files of a prefix import, after checking it matches the first
/// file's: the store parses one CSV stream with one header.
struct HeaderSkipper {
    let expected: [UInt8]?
    let name: String
    private var pending: [UInt8] = []
    private var done = false

    init(expected: [UInt8]?, name: String) {
        self.expected = expected
        self.name = name
    }

    static func firstLine(of bytes: [UInt8]) -> [UInt8]? {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        var line = Array(bytes[..<newline])
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line
    }

    mutating func strip(_ chunk: [UInt8]) throws -> [UInt8] {
        if done { return chunk }
        pending += chunk
        guard let newline = pending.firstIndex(of: UInt8(ascii: "\n")) else {
            guard pending.count < 1 << 20 else {
                throw ServiceError(.invalidInput, "The file \(name) has no header line.")
            }
            return []
        }
        var line = Array(pending[..<newline])
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if let expected, line != expected {
            throw ServiceError(
                .invalidInput,
                "The file \(name) has a different header than the first file of the import: every file must name the same columns."
            )
        }
        done = true
        let rest = Array(pending[(newline + 1)...])
        pending = []
        return rest
    }

    mutating func finish() throws {
        if !done && !pending.isEmpty {
            throw ServiceError(.invalidInput, "The file \(name) has no complete header line.")
        }
    }
}
