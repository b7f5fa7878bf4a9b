import Foundation
import PersimmonCatalog
import PersimmonCore
import PersimmonData

/// Stores PutEvents batches: durably, as a small INCREMENTAL import into the Interactions dataset (a new segment,
/// fsynced, before the call returns), then into the model server's live view so the next query sees them.
package struct EventRecorder: EventSink {
    private let stores: DatasetStores
    private let pool: ComputePool
    private let live: ModelServer

    package init(stores: DatasetStores, pool: ComputePool, live: ModelServer) {
        self.stores = stores
        self.pool = pool
        self.live = live
    }

    package func record(
        _ events: [StreamedEvent], interactionsDataset: ResourceRecord, schema text: String, account: AccountID
    ) async throws {
        guard !events.isEmpty else { return }
        let schema: DatasetSchema
        do {
            schema = try SchemaValidator.parse(text, domain: nil)
        } catch {
            throw ServiceError(.invalidInput, "The Interactions schema cannot be used: \(error.message)")
        }
        let csv = Self.csv(events, schema: schema)
        let stores = stores
        let datasetARN = interactionsDataset.arn
        do {
            _ = try await pool.run {
                let store = try stores.store(account: account, datasetARN: datasetARN, kind: .interactions)
                var limits = ImportLimits()
                limits.minimumRecords = [:]
                var job = try store.beginImport(schema: schema, mode: .incremental, limits: limits)
                try job.consume(csv)
                return try job.finish()
            }
        } catch let error as DatasetError where error.code.isInputError {
            throw ServiceError(.invalidInput, "The events do not fit the Interactions schema: \(error.failureReason)")
        }
        if let group = interactionsDataset.parentARN {
            live.observe(events, account: account, datasetGroupARN: group)
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
