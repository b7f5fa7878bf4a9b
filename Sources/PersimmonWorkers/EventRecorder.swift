import Foundation
import PersimmonCatalog
import PersimmonCore
import PersimmonData
import Logging
import ServiceLifecycle
import Synchronization

/// Stores PutEvents batches: durably in the event log (group commit: concurrent calls share one fsync) before the
/// call returns, then into the model server's live view so the next query sees them. ``EventCompactor`` moves the
/// log into columnar INCREMENTAL segments of the Interactions datasets in the background (every second, at
/// shutdown, and on start for whatever a crash left), where training and exports read them.
package struct EventRecorder: EventSink {
    private let stores: DatasetStores
    private let pool: ComputePool
    private let live: ModelServer
    private let log: EventLog
    private let compactor: EventCompactor
    private let schemas = SchemaCache()

    package init(stores: DatasetStores, pool: ComputePool, live: ModelServer, compactor: EventCompactor) {
        self.stores = stores
        self.pool = pool
        self.live = live
        self.log = compactor.log
        self.compactor = compactor
    }

    package func record(
        _ events: [StreamedEvent], interactionsDataset: ResourceRecord, schema text: String, account: AccountID
    ) async throws {
        guard !events.isEmpty else { return }
        let schema = try schemas.schema(text)
        try Self.validate(events, schema: schema)
        var rows = Self.csv(events, schema: schema)
        // The log stores rows without the header; the schema names the columns.
        if let newline = rows.firstIndex(of: UInt8(ascii: "\n")) { rows.removeSubrange(...newline) }
        try await log.append(
            EventLog.Entry(account: account.rawValue, datasetARN: interactionsDataset.arn, schema: text, rows: rows)
        )
        if let group = interactionsDataset.parentARN {
            live.observe(events, account: account, datasetGroupARN: group)
        }
        compactor.soon()
    }

    /// Checks the events against the Interactions schema before they are accepted, so the background compaction
    /// never meets a row the dataset rejects: required fields present, numbers and booleans well-formed.
    static func validate(_ events: [StreamedEvent], schema: DatasetSchema) throws {
        for (index, event) in events.enumerated() {
            let normalized = Dictionary(
                event.properties.map { (normalize($0.key), $0.value) }, uniquingKeysWith: { first, _ in first }
            )
            for field in schema.fields {
                let value: String
                switch field.name {
                case "USER_ID": value = event.userID
                case "ITEM_ID": value = event.itemID
                case "TIMESTAMP": value = String(event.timestamp)
                case "EVENT_TYPE": value = event.eventType
                case "EVENT_VALUE": value = event.eventValue.map { String($0) } ?? ""
                case "IMPRESSION": value = event.impression.joined(separator: "|")
                case "RECOMMENDATION_ID": value = event.recommendationID ?? ""
                default: value = normalized[normalize(field.name)] ?? ""
                }
                let position = "eventList.\(index + 1).member"
                if value.isEmpty {
                    guard field.nullable || field.type == .string && field.name != "USER_ID" && field.name != "ITEM_ID"
                    else {
                        throw ServiceError(
                            .invalidInput, "\(position): the Interactions schema requires \(field.name), and the event has no value for it."
                        )
                    }
                    continue
                }
                let valid: Bool
                switch field.type {
                case .string: valid = true
                case .int: valid = Int32(value) != nil
                case .long: valid = Int64(value) != nil
                case .float, .double: valid = Double(value).map { $0.isFinite } ?? false
                case .boolean: valid = ["true", "false"].contains(value.lowercased())
                }
                guard valid else {
                    throw ServiceError(
                        .invalidInput, "\(position): \(field.name) must be a \(field.type.rawValue); \"\(value.prefix(40))\" is not."
                    )
                }
            }
        }
    }

    package func upsert(_ records: [[String: String]], dataset: ResourceRecord, schema text: String, account: AccountID)
        async throws
    {
        guard !records.isEmpty else { return }
        let schema: DatasetSchema
        do {
            schema = try SchemaValidator.parse(text, domain: nil)
        } catch {
            throw ServiceError(.invalidInput, "The dataset's schema cannot be used: \(error.message)")
        }
        guard let kind = DatasetKind(datasetType: dataset.arn.split(separator: "/").last.map(String.init) ?? "") else {
            throw ServiceError(.invalidInput, "The dataset \(dataset.arn) cannot take records.")
        }
        var csv = Array(schema.fields.map(\.name).joined(separator: ",").utf8)
        csv.append(UInt8(ascii: "\n"))
        for record in records {
            let normalized = Dictionary(
                record.map { (Self.normalize($0.key), $0.value) }, uniquingKeysWith: { first, _ in first }
            )
            let values = schema.fields.map { normalized[Self.normalize($0.name)] ?? "" }
            csv.append(contentsOf: values.map(Self.quote).joined(separator: ",").utf8)
            csv.append(UInt8(ascii: "\n"))
        }
        let stores = stores
        let datasetARN = dataset.arn
        let rows = csv
        do {
            _ = try await pool.run {
                let store = try stores.store(account: account, datasetARN: datasetARN, kind: kind)
                var limits = ImportLimits()
                limits.minimumRecords = [:]
                var job = try store.beginImport(schema: schema, mode: .incremental, limits: limits)
                try job.consume(rows)
                return try job.finish()
            }
        } catch let error as DatasetError where error.code.isInputError {
            throw ServiceError(.invalidInput, "The records do not fit the dataset's schema: \(error.failureReason)")
        }
    }

    /// The events as CSV with the schema's columns; fields the events do not carry are left empty (null).
    static func csv(_ events: [StreamedEvent], schema: DatasetSchema) -> [UInt8] {
        var out = [UInt8]()
        out.append(contentsOf: schema.fields.map(\.name).joined(separator: ",").utf8)
        out.append(UInt8(ascii: "\n"))
        for event in events {
            let normalized = Dictionary(
                event.properties.map { (Self.normalize($0.key), $0.value) }, uniquingKeysWith: { first, _ in first }
            )
            let values = schema.fields.map { field -> String in
                switch field.name {
                case "USER_ID": return event.userID
                case "ITEM_ID": return event.itemID
                case "TIMESTAMP": return String(event.timestamp)
                case "EVENT_TYPE": return event.eventType
                case "EVENT_VALUE": return event.eventValue.map { String($0) } ?? ""
                case "IMPRESSION": return event.impression.joined(separator: "|")
                case "RECOMMENDATION_ID": return event.recommendationID ?? ""
                default: return normalized[Self.normalize(field.name)] ?? ""
                }
            }
            out.append(contentsOf: values.map(Self.quote).joined(separator: ",").utf8)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// `numRatings`, `NUM_RATINGS` and `num_ratings` all name the same field.
    static func normalize(_ name: String) -> String {
        String(name.lowercased().filter { $0 != "_" })
    }

    static func quote(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Parsed Interactions schemas by their text, so a PutEvents call does not parse JSON it has seen before.
final class SchemaCache: Sendable {
    private let parsed = Mutex<[String: DatasetSchema]>([:])

    func schema(_ text: String) throws -> DatasetSchema {
        if let cached = parsed.withLock({ $0[text] }) { return cached }
        let schema: DatasetSchema
        do {
            schema = try SchemaValidator.parse(text, domain: nil)
        } catch {
            throw ServiceError(.invalidInput, "The Interactions schema cannot be used: \(error.message)")
        }
        parsed.withLock { cache in
            if cache.count > 1_000 { cache.removeAll() }
            cache[text] = schema
        }
        return schema
    }
}

/// Moves the event log into the Interactions datasets' columnar INCREMENTAL segments: every `interval`, at
/// graceful shutdown, and — through ``recover()`` — on start, for whatever a crash left in the log. Entries for
/// one dataset become one segment per compaction. A sealed log file is deleted only after its entries are
/// committed to the datasets (a crash in between imports them again on the next start: duplicates, never loss).
package final class EventCompactor: Service {
    let log: EventLog
    private let stores: DatasetStores
    private let pool: ComputePool
    private let interval: Duration
    /// Under sustained load, compactions start at most this often (each makes one segment per dataset).
    private let spacing: Duration
    private let logger: Logger
    private struct Eager {
        var running = false
        var again = false
        var lastStart = ContinuousClock.now - .seconds(3600)
    }
    private let eager = Mutex(Eager())
    /// One compaction at a time.
    private let serial = AsyncSerial()
    /// Sealed log files whose import has not succeeded yet, oldest first.
    private let unimported = Mutex<[EventLog.Sealed]>([])

    /// When false, nothing is compacted while the server runs (only at start and at graceful shutdown): a test hook
    /// that proves recovery from the log alone.
    private let automatic: Bool

    package init(
        log: EventLog, stores: DatasetStores, pool: ComputePool, interval: Duration = .seconds(1),
        spacing: Duration = .milliseconds(200), automatic: Bool = true, logger: Logger
    ) {
        self.automatic = automatic
        self.log = log
        self.stores = stores
        self.pool = pool
        self.interval = interval
        self.spacing = spacing
        self.logger = logger
    }

    /// Compacts soon after an append: at once when idle, else after the running compaction (spaced by
    /// `spacing`), so streamed events reach the datasets — and training and exports — within milliseconds.
    package func soon() {
        guard automatic else { return }
        let start = eager.withLock { state -> Bool in
            if state.running {
                state.again = true
                return false
            }
            state.running = true
            return true
        }
        guard start else { return }
        Task {
            var first = true
            while true {
                // The first compaction after an idle spell starts at once; back-to-back ones are spaced.
                let wait = eager.withLock { state -> Duration in
                    let next = first ? ContinuousClock.now : state.lastStart + spacing
                    state.lastStart = max(ContinuousClock.now, next)
                    state.again = false
                    return max(.zero, next - ContinuousClock.now)
                }
                first = false
                if wait > .zero { try? await Task.sleep(for: wait) }
                await compactLogged()
                let more = eager.withLock { state -> Bool in
                    if state.again { return true }
                    state.running = false
                    return false
                }
                if !more { return }
            }
        }
    }

    /// Imports what earlier runs left in the log, then deletes those files. Runs before the server answers.
    package func recover() throws {
        for sealed in log.recover() {
            try Self.importEntries(sealed.entries, stores: stores, logger: logger)
            log.discard(sealed)
            if !sealed.entries.isEmpty {
                logger.info("recovered streamed events from the event log", metadata: ["events.batches": "\(sealed.entries.count)"])
            }
        }
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if automatic { await compactLogged() }
        }
        await compactLogged()
    }

    /// Seals the log's current file and imports its entries (after any sealed file a failed compaction left).
    package func compact() async throws {
        try await serial.run {
            if let sealed = try await self.log.rotate() {
                self.unimported.withLock { $0.append(sealed) }
            }
            let stores = self.stores
            let logger = self.logger
            while let sealed = self.unimported.withLock({ $0.first }) {
                // A failure leaves the sealed file on disk and in the list: the next compaction retries it.
                try await self.pool.run { try Self.importEntries(sealed.entries, stores: stores, logger: logger) }
                self.log.discard(sealed)
                self.unimported.withLock { _ = $0.removeFirst() }
            }
        }
    }

    private func compactLogged() async {
        do {
            try await compact()
        } catch {
            logger.error("event log compaction failed; the log keeps the events", metadata: ["error": "\(error)"])
        }
    }

    /// One INCREMENTAL import per dataset (and schema), in log order. A batch the dataset rejects as a whole is
    /// retried entry by entry, so one bad entry cannot hold back the others.
    static func importEntries(_ entries: [EventLog.Entry], stores: DatasetStores, logger: Logger) throws {
        var order: [String] = []
        var groups: [String: [EventLog.Entry]] = [:]
        for entry in entries {
            let key = entry.account + "|" + entry.datasetARN + "|" + entry.schema
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(entry)
        }
        for key in order {
            let group = groups[key]!
            do {
                try importGroup(group, stores: stores)
            } catch let error as DatasetError where error.code.isInputError && group.count > 1 {
                for entry in group {
                    do {
                        try importGroup([entry], stores: stores)
                    } catch let error as DatasetError where error.code.isInputError {
                        logger.error(
                            "streamed events rejected by the dataset", metadata: ["dataset.arn": "\(entry.datasetARN)", "error": "\(error.failureReason)"]
                        )
                    }
                }
            } catch let error as DatasetError where error.code.isInputError {
                logger.error(
                    "streamed events rejected by the dataset", metadata: ["dataset.arn": "\(group[0].datasetARN)", "error": "\(error.failureReason)"]
                )
            }
        }
    }

    private static func importGroup(_ group: [EventLog.Entry], stores: DatasetStores) throws {
        let first = group[0]
        let schema: DatasetSchema
        do {
            schema = try SchemaValidator.parse(first.schema, domain: nil)
        } catch {
            return  // a schema that never parsed never produced accepted events
        }
        var csv = Array(schema.fields.map(\.name).joined(separator: ",").utf8)
        csv.append(UInt8(ascii: "\n"))
        for entry in group { csv.append(contentsOf: entry.rows) }
        let store = try stores.store(account: AccountID(first.account), datasetARN: first.datasetARN, kind: .interactions)
        var limits = ImportLimits()
        limits.minimumRecords = [:]
        var job = try store.beginImport(schema: schema, mode: .incremental, limits: limits, origin: .put)
        try job.consume(csv)
        _ = try job.finish()
    }
}

/// Runs async work one at a time, in arrival order.
final class AsyncSerial: Sendable {
    private let tail = Mutex<Task<Void, Never>?>(nil)

    func run(_ work: @escaping @Sendable () async throws -> Void) async throws {
        let (previous, mine): (Task<Void, Never>?, Task<Result<Void, any Error>, Never>) = tail.withLock { tail in
            let previous = tail
            let mine = Task<Result<Void, any Error>, Never> {
                await previous?.value
                do {
                    try await work()
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            tail = Task { _ = await mine.value }
            return (previous, mine)
        }
        _ = previous
        try await mine.value.get()
    }
}
