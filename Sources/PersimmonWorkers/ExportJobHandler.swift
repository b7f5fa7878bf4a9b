import Logging
import PersimmonAPIModel
import PersimmonCatalog
import PersimmonCore
import PersimmonData

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs dataset export jobs: writes a dataset's rows as CSV (a header naming the schema's fields) to
/// `<path>/<jobName>/part-00000.csv`, on S3 or under the import root.
///
/// `ingestionMode` picks the rows: `BULK` (import jobs), `PUT` (PutEvents, PutUsers, PutItems) or `ALL`. The CSV
/// is produced on the compute pool, a segment at a time. A local destination is written atomically (temporary
/// file, fsync, rename); an S3 destination is staged in the data directory and uploaded streaming (multipart
/// past 16 MiB), so neither the dataset nor the file is held in memory. A destination that cannot be written
/// (a missing bucket, a refused path) fails the job with `CREATE FAILED`; transport failures are retried.
package struct ExportJobHandler: JobHandler {
    private let resources: ResourceManager
    private let stores: DatasetStores
    private let sources: DataSources
    private let pool: ComputePool
    private let clock: any WallClock
    private let logger: Logger
    private let flushStreamed: @Sendable () async throws -> Void

    /// - Parameter flushStreamed: Moves streamed records that are accepted but not yet in the dataset stores (the
    ///   event log) into them; called before the job reads the data.
    package init(
        resources: ResourceManager, stores: DatasetStores, sources: DataSources, pool: ComputePool,
        clock: any WallClock, logger: Logger, flushStreamed: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.flushStreamed = flushStreamed
        self.resources = resources
        self.stores = stores
        self.sources = sources
        self.pool = pool
        self.clock = clock
        self.logger = logger
    }

    package var kinds: [String] { [DataJobKind.datasetExport] }

    /// The object an export writes under its destination path.
    package static func outputLocation(path: String, jobName: String) -> String {
        var base = path
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/" + jobName + "/part-00000.csv"
    }

    package func run(_ job: JobRecord) async throws {
        guard let record = try await resources.store.get(account: job.account, arn: job.resourceARN) else { return }
        guard let record = try await resources.begin(record, now: clock.now()) else { return }
        let exportJob = try ResourceManager.decode(DatasetExportJob.self, from: record)
        do {
            let summary = try await export(exportJob, account: job.account)
            logger.info(
                "dataset export finished",
                metadata: [
                    "resource.arn": .string(record.arn), "export.records": .stringConvertible(summary.records),
                    "export.bytes": .stringConvertible(summary.bytes),
                ]
            )
            try await resources.setStatus(record, to: LifecycleStatus.active, now: clock.now())
        } catch {
            guard try await resources.failIfBadInput(record, error, now: clock.now()) else { throw error }
        }
    }

    package func giveUp(_ job: JobRecord, reason: String) async throws {
        guard let record = try await resources.store.get(account: job.account, arn: job.resourceARN) else { return }
        try await resources.setStatus(
            record, to: LifecycleStatus.createFailed, failureReason: "The export failed: \(reason)", now: clock.now()
        )
    }

    private func export(_ job: DatasetExportJob, account: AccountID) async throws -> ExportSummary {
        guard let datasetARN = job.datasetArn, let path = job.jobOutput?.s3DataDestination.path,
            let jobName = job.jobName
        else { throw ServiceError(.invalidInput, "The export job has no dataset or output path.") }
        let target = try await DatasetTarget.load(datasetARN, account: account, resources: resources)
        let fields = target.schema.fields.map(\.name)
        let kind = target.kind
        let origins: Set<DataOrigin> =
            switch job.ingestionMode ?? ExportIngestionMode.defaultMode {
            case "BULK": [.bulk]
            case "ALL": [.bulk, .put]
            default: [.put]
            }
        // PutEvents batches still in the event log belong to the PUT data.
        if origins.contains(.put) { try await flushStreamed() }
        let output = Self.outputLocation(path: path, jobName: jobName)
        let destination = try sources.destination(output)
        let stores = stores
        switch destination {
        case .file(let file):
            return try await pool.run {
                let store = try stores.store(account: account, datasetARN: datasetARN, kind: kind)
                return try store.exportCSV(toFile: file, fields: fields, origins: origins)
            }
        case .s3(let location):
            let scratch = try await pool.run { try stores.scratchFile(suffix: ".csv") }
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let summary = try await pool.run {
                let store = try stores.store(account: account, datasetARN: datasetARN, kind: kind)
                return try store.exportCSV(toFile: scratch, fields: fields, origins: origins)
            }
            try await sources.upload(file: scratch, to: location)
            return summary
        }
    }
}
