import Logging
import NIOCore
import PersimmonAPIModel
import PersimmonCatalog
import PersimmonCore
import PersimmonData

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs data deletion jobs: reads a CSV with one `USER_ID` column (S3 or under the import root) and removes those
/// users' rows from every dataset of the group that has a `USER_ID` field (interactions, bulk and streamed; users;
/// action interactions).
///
/// Each dataset is rewritten atomically (new segments, one manifest swap); a crash before a dataset's swap leaves
/// it as it was, and the retried job deletes again (deleting is idempotent). `numDeleted` is the number of listed
/// users that had data in the group. A bad file fails the job (`FAILED`, with the reason).
package struct DataDeletionJobHandler: JobHandler {
    /// At most this many bytes of user IDs are read (about 4 M IDs of 256 characters).
    package static let maximumInputBytes = 1 << 30

    private let resources: ResourceManager
    private let stores: DatasetStores
    private let sources: DataSources
    private let pool: ComputePool
    private let clock: any WallClock
    private let logger: Logger
    private let flushStreamed: @Sendable () async throws -> Void
    private let onDeleted: @Sendable (_ account: AccountID, _ datasetGroupARN: String, _ users: Set<String>) async -> Void

    /// - Parameter flushStreamed: Moves streamed records that are accepted but not yet in the dataset stores (the
    ///   event log) into them; called before the job reads the data.
    package init(
        resources: ResourceManager, stores: DatasetStores, sources: DataSources, pool: ComputePool,
        clock: any WallClock, logger: Logger, flushStreamed: @escaping @Sendable () async throws -> Void = {},
        onDeleted: @escaping @Sendable (_ account: AccountID, _ datasetGroupARN: String, _ users: Set<String>) async
            -> Void = { _, _, _ in }
    ) {
        self.flushStreamed = flushStreamed
        self.onDeleted = onDeleted
        self.resources = resources
        self.stores = stores
        self.sources = sources
        self.pool = pool
        self.clock = clock
        self.logger = logger
    }

    package var kinds: [String] { [DataJobKind.dataDeletion] }

    package func run(_ job: JobRecord) async throws {
        guard let record = try await resources.store.get(account: job.account, arn: job.resourceARN) else { return }
        guard
            let record = try await resources.begin(
                record, waiting: [LifecycleStatus.createPending, DataDeletionStatus.pending], running: DataDeletionStatus.inProgress,
                now: clock.now())
        else { return }
        let deletion = try ResourceManager.decode(DataDeletionJob.self, from: record)
        let deleted: Int
        do {
            deleted = try await delete(deletion, account: job.account)
        } catch let error as ServiceError where error.code == .invalidInput {
            try await resources.setStatus(
                record, to: DataDeletionStatus.failed, failureReason: error.message, now: clock.now()
            )
            return
        }
        logger.info(
            "data deletion finished",
            metadata: ["resource.arn": .string(record.arn), "deletion.users": .stringConvertible(deleted)]
        )
        var document = deletion
        document.numDeleted = deleted
        let stored = try await resources.replaceDocument(record, with: document, now: clock.now())
        try await resources.setStatus(stored, to: DataDeletionStatus.completed, now: clock.now())
    }

    package func giveUp(_ job: JobRecord, reason: String) async throws {
        guard let record = try await resources.store.get(account: job.account, arn: job.resourceARN) else { return }
        try await resources.setStatus(
            record, to: DataDeletionStatus.failed, failureReason: "The deletion failed: \(reason)", now: clock.now()
        )
    }

    private func delete(_ job: DataDeletionJob, account: AccountID) async throws -> Int {
        guard let groupARN = job.datasetGroupArn, let location = job.dataSource?.dataLocation else {
            throw ServiceError(.invalidInput, "The data deletion job has no dataset group or data location.")
        }
        let userIDs = try await readUserIDs(location)
        // Events accepted before the job started must not come back from the event log after the deletion.
        try await flushStreamed()
        var matched = Set<String>()
        let datasets = try await resources.store.list(
            account: account, ResourceQuery(kind: .dataset, parentARN: groupARN, limit: 100)
        )
        let stores = stores
        for datasetRecord in datasets {
            let target: DatasetTarget
            do {
                target = try await DatasetTarget.load(datasetRecord.arn, account: account, resources: resources)
            } catch let error as ServiceError where error.code == .invalidInput {
                continue
            }
            guard target.schema.fields.contains(where: { $0.name == "USER_ID" }) else { continue }
            let kind = target.kind
            let arn = datasetRecord.arn
            let summary = try await pool.run {
                let store = try stores.store(account: account, datasetARN: arn, kind: kind)
                return try store.deleteUsers(userIDs)
            }
            matched.formUnion(summary.matchedUsers)
            if summary.deletedRows > 0 {
                try await touchDataset(arn, account: account, resources: resources, now: clock.now())
            }
        }
        // Serving forgets them too: no recommendation is made from a deleted user's history.
        await onDeleted(account, groupARN, userIDs)
        return matched.count
    }

    /// The user IDs listed in the CSV files at `location`: a header naming `USER_ID`, then one ID a line.
    private func readUserIDs(_ location: String) async throws -> Set<String> {
        let objects = try await sources.objects(at: location)
        guard !objects.isEmpty else {
            throw ServiceError(.invalidInput, "No CSV file was found at \(location).")
        }
        var ids = Set<String>()
        var total = 0
        for object in objects {
            var bytes: [UInt8] = []
            try await sources.read(object) { chunk in
                total += chunk.readableBytes
                guard total <= Self.maximumInputBytes else {
                    throw ServiceError(.invalidInput, "The list of users is larger than 1 GiB.")
                }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
            ids.formUnion(try UserIDList.parse(bytes, name: object.displayName))
        }
        return ids
    }
}

/// Parses a data deletion file: CSV with a header whose one column is `USER_ID` (any case), records of one field,
/// RFC 4180 quoting, LF or CRLF line ends, UTF-8.
enum UserIDList {
    static func parse(_ bytes: [UInt8], name: String) throws -> Set<String> {
        var records = try CSVRecords.split(bytes, name: name)
        while let first = records.first, first == [""] { records.removeFirst() }
        guard let header = records.first else {
            throw ServiceError(
                .invalidInput, "The file \(name) is empty: it must have a USER_ID header and one user ID per line.")
        }
        guard header.count == 1, header[0].uppercased() == "USER_ID" else {
            throw ServiceError(
                .invalidInput,
                "The file \(name) must have a header with the single column USER_ID, not \(header.joined(separator: ","))."
            )
        }
        var ids = Set<String>()
        for (index, record) in records.dropFirst().enumerated() {
            if record.count == 1 && record[0].isEmpty { continue }
            guard record.count == 1 else {
                throw ServiceError(
                    .invalidInput,
                    "The file \(name) has \(record.count) fields on record \(index + 1); expected one USER_ID.")
            }
            guard record[0].unicodeScalars.count <= 256 else {
                throw ServiceError(
                    .invalidInput, "The file \(name) has a USER_ID longer than 256 characters on record \(index + 1).")
            }
            ids.insert(record[0])
        }
        return ids
    }
}

/// A small RFC 4180 splitter for short control files (not the import path, which streams).
enum CSVRecords {
    static func split(_ bytes: [UInt8], name: String) throws -> [[String]] {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        guard String(validating: bytes[start...], as: UTF8.self) != nil else {
            throw ServiceError(.invalidInput, "The file \(name) is not valid UTF-8.")
        }
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var index = start
        var sawAny = false
        while index < bytes.count {
            let byte = bytes[index]
            sawAny = true
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") && field.isEmpty {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                record.append(String(decoding: field, as: UTF8.self))
                field = []
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") {
                    index += 1
                }
                record.append(String(decoding: field, as: UTF8.self))
                records.append(record)
                record = []
                field = []
            } else {
                field.append(byte)
            }
            index += 1
        }
        if quoted { throw ServiceError(.invalidInput, "The file \(name) has an unterminated quoted field.") }
        if sawAny && (!field.isEmpty || !record.isEmpty) {
            record.append(String(decoding: field, as: UTF8.self))
            records.append(record)
        }
        return records
    }
}
