import Foundation
import PersimmonCatalog
import PersimmonCore
import PersimmonData
import Synchronization

/// The open dataset stores, one per dataset, under `<data-dir>/datasets/<account>/<group>/<TYPE>`.
///
/// A `DatasetStore` holds an exclusive lock on its directory, so each is opened once and shared. Opening and
/// every store operation block on file IO: call them on the compute pool.
package final class DatasetStores: Sendable {
    private let root: String
    private let shared: SharedDatasetStore?
    /// How long a store's view of the shared manifest is trusted before the next read checks it again.
    private let refreshInterval: Duration
    private let open = Mutex<[String: DatasetStore]>([:])
    private let refreshed = Mutex<[String: ContinuousClock.Instant]>([:])

    /// Also clears `<root>/.scratch`, where an export interrupted by a crash may have left its staging file.
    ///
    /// - Parameters:
    ///   - shared: The S3 prefix the datasets live in when several nodes share them (`--dataset-store`); the
    ///     local directories are then caches of it. `nil` keeps the data local.
    ///   - refreshInterval: With `shared`, a store is checked against the shared manifest when it is first opened
    ///     and then at most this often, before a read hands it out; every commit checks it anyway.
    package init(root: String, shared: SharedDatasetStore? = nil, refreshInterval: Duration = .seconds(1)) {
        self.root = root
        self.shared = shared
        self.refreshInterval = refreshInterval
        try? FileManager.default.removeItem(atPath: root + "/.scratch")
    }

    /// A fresh path for a temporary file (an export staged before its upload), under
    /// `<datasets>/.scratch/`. The caller removes it. Blocking.
    package func scratchFile(suffix: String) throws -> String {
        let directory = root + "/.scratch"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + "/" + UUID().uuidString + suffix
    }

    /// The directory of a dataset, from its ARN (`...:dataset/<group>/<TYPE>`).
    package func directory(account: AccountID, datasetARN: String) throws -> String {
        guard let arn = ResourceARN(parsing: datasetARN) else {
            throw ServiceError(.internalFailure, "not a dataset ARN: \(datasetARN)")
        }
        let parts = arn.resource.split(separator: "/")
        guard parts.count == 3, parts[0] == "dataset" else {
            throw ServiceError(.internalFailure, "not a dataset ARN: \(datasetARN)")
        }
        return [root, account.rawValue, String(parts[1]), String(parts[2])].joined(separator: "/")
    }

    /// The store of a dataset, opened (and created) on first use. Blocking.
    ///
    /// With a shared store, the local cache is first brought up to the shared manifest when that is newer (on first
    /// open, then at most once per `refreshInterval`), so training, exports, stats and serving loads see what
    /// other nodes committed.
    package func store(account: AccountID, datasetARN: String, kind: DatasetKind) throws -> DatasetStore {
        let directory = try directory(account: account, datasetARN: datasetARN)
        let store = try openStore(directory: directory, kind: kind)
        guard shared != nil else { return store }
        let now = ContinuousClock.now
        let due = refreshed.withLock { times in
            if let last = times[directory], now - last < refreshInterval { return false }
            times[directory] = now
            return true
        }
        if due {
            do {
                try store.refresh()
            } catch {
                refreshed.withLock { _ = $0.removeValue(forKey: directory) }
                throw ServiceError(
                    .internalFailure, "could not refresh the dataset from the shared store", underlying: error)
            }
        }
        return store
    }

    private func openStore(directory: String, kind: DatasetKind) throws -> DatasetStore {
        if let existing = open.withLock({ $0[directory] }) { return existing }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            let relative = String(directory.dropFirst(root.count + 1))
            let store = try DatasetStore(
                directory: directory, kind: kind, replica: shared?.replica(relativePath: relative))
            return open.withLock { stores in
                if let raced = stores[directory] { return raced }
                stores[directory] = store
                return store
            }
        } catch {
            throw ServiceError(.internalFailure, "could not open the dataset store", underlying: error)
        }
    }

    /// Forgets and deletes a dataset's data (when the dataset is deleted). Blocking.
    package func remove(account: AccountID, datasetARN: String) throws {
        let directory = try directory(account: account, datasetARN: datasetARN)
        if shared != nil, let kind = DatasetKind(datasetType: String(datasetARN.split(separator: "/").last ?? "")) {
            // The shared copy outlives this node's cache: publish an empty manifest (a new generation), so a
            // dataset created again under the same ARN starts empty on every node. The old segment objects stay
            // (garbage collection of unlisted objects is not implemented).
            do {
                try openStore(directory: directory, kind: kind).removeAllData()
            } catch {
                throw ServiceError(.internalFailure, "could not delete the dataset's shared data", underlying: error)
            }
        }
        _ = open.withLock { $0.removeValue(forKey: directory) }
        refreshed.withLock { _ = $0.removeValue(forKey: directory) }
        do {
            try DatasetStore.removeDirectory(directory)
        } catch {
            throw ServiceError(.internalFailure, "could not delete the dataset's data", underlying: error)
        }
    }
}

/// Dataset statistics from the dataset stores, for the admin API's `DescribeDatasetStats`.
package struct DatasetStatsService: DatasetStatsSource {
    private let resources: any ResourceStore
    private let stores: DatasetStores
    private let pool: ComputePool
    private let flushStreamed: @Sendable () async throws -> Void

    /// - Parameter flushStreamed: Moves accepted streamed records still in the event log into the dataset stores,
    ///   so the numbers count everything the API accepted.
    package init(
        resources: any ResourceStore, stores: DatasetStores, pool: ComputePool,
        flushStreamed: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.resources = resources
        self.stores = stores
        self.pool = pool
        self.flushStreamed = flushStreamed
    }

    package func stats(datasetARN: String) async throws -> DatasetStatsReport {
        guard let arn = ResourceARN(parsing: datasetARN), AccountID.isWellFormed(arn.account),
            arn.resource.hasPrefix("dataset/"),
            let record = try await resources.get(account: AccountID(arn.account), arn: datasetARN),
            record.kind == .dataset
        else { throw ServiceError.notFound("dataset", datasetARN) }
        guard let kind = DatasetKind(datasetType: String(datasetARN.split(separator: "/").last ?? "")) else {
            throw ServiceError.notFound("dataset", datasetARN)
        }
        try await flushStreamed()
        let account = AccountID(arn.account)
        let stores = stores
        let (stats, segments) = try await pool.run {
            let store = try stores.store(account: account, datasetARN: datasetARN, kind: kind)
            return (try store.stats(), store.segments)
        }
        return DatasetStatsReport(
            DatasetArn: datasetARN,
            DatasetType: String(datasetARN.split(separator: "/").last ?? ""),
            Records: stats.records,
            StoredRecords: stats.storedRecords,
            BulkRecords: segments.filter { $0.origin == .bulk }.reduce(0) { $0 + $1.rows },
            StreamedRecords: segments.filter { $0.origin == .put }.reduce(0) { $0 + $1.rows },
            DistinctUsers: stats.distinctUsers,
            DistinctItems: stats.distinctItems,
            DistinctActions: stats.distinctActions,
            UsersWithAtLeastTwoInteractions: stats.usersWithAtLeastTwoInteractions,
            MinTimestamp: stats.minTimestamp,
            MaxTimestamp: stats.maxTimestamp,
            EventTypes: stats.eventTypes.map { .init(EventType: $0.eventType, Count: $0.count) },
            Segments: stats.segments,
            BytesOnDisk: stats.bytesOnDisk,
            Generation: stats.generation
        )
    }
}
