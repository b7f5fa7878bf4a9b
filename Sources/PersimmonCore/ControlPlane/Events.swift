import PersimmonAPIModel

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension EventsService {
    package func putEvents(_ input: PutEventsRequest, context: OperationContext) async throws {
        let target = try await lookups.value("tracker|\(context.account.rawValue)|\(input.trackingId)") {
            () async throws -> EventTarget in
            let tracker = try await eventTracker(trackingID: input.trackingId, context: context)
            guard let groupARN = tracker.datasetGroupArn else {
                throw ServiceError(.internalFailure, "event tracker without dataset group")
            }
            let (dataset, schema) = try await interactionsDataset(of: groupARN, context: context)
            return EventTarget(dataset: dataset, schema: schema)
        }
        let (dataset, schema) = (target.dataset, target.schema)
        // Anonymous sessions: the sessionId stands in for the user until a userId is known.
        let user = input.userId ?? input.sessionId
        var events: [StreamedEvent] = []
        for (index, event) in input.eventList.enumerated() {
            guard let item = event.itemId, !item.isEmpty else {
                throw ServiceError(
                    .invalidInput, "eventList.\(index + 1).member.itemId is required to record an interaction."
                )
            }
            var properties: [String: String] = [:]
            if let json = event.properties, !json.isEmpty {
                guard let object = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)),
                    case .object(let members) = object
                else {
                    throw ServiceError(
                        .invalidInput, "eventList.\(index + 1).member.properties must be a JSON object."
                    )
                }
                for (key, value) in members {
                    switch value {
                    case .string(let text): properties[key] = text
                    case .number(let number): properties[key] = number == number.rounded() ? String(Int64(number)) : String(number)
                    case .bool(let flag): properties[key] = flag ? "true" : "false"
                    default: continue
                    }
                }
            }
            events.append(
                StreamedEvent(
                    userID: user, itemID: item, timestamp: Int64(event.sentAt.timeIntervalSince1970),
                    eventType: event.eventType, eventValue: event.eventValue, impression: event.impression ?? [],
                    recommendationID: event.recommendationId, properties: properties
                )
            )
        }
        try await sink.record(events, interactionsDataset: dataset, schema: schema, account: context.account)
    }

    package func putItems(_ input: PutItemsRequest, context: OperationContext) async throws {
        let records = try input.items.enumerated().map { index, item in
            try Self.record(id: ("ITEM_ID", item.itemId), properties: item.properties, path: "items.\(index + 1).member")
        }
        try await upsert(records, into: input.datasetArn, expecting: "ITEMS", context: context)
    }

    package func putUsers(_ input: PutUsersRequest, context: OperationContext) async throws {
        let records = try input.users.enumerated().map { index, user in
            try Self.record(id: ("USER_ID", user.userId), properties: user.properties, path: "users.\(index + 1).member")
        }
        try await upsert(records, into: input.datasetArn, expecting: "USERS", context: context)
    }

    private func upsert(_ records: [[String: String]], into datasetARN: String, expecting type: String, context: OperationContext)
        async throws
    {
        let record = try await resources.require(datasetARN, kind: .dataset, context: context)
        guard record.status == LifecycleStatus.active else {
            throw ServiceError(.resourceInUse, "The dataset \(record.arn) is \(record.status ?? "unavailable").")
        }
        let dataset = try ResourceManager.decode(Dataset.self, from: record)
        guard dataset.datasetType == type else {
            throw ServiceError(
                .invalidInput, "The dataset \(record.arn) is a \(dataset.datasetType ?? "") dataset, not \(type)."
            )
        }
        guard let schemaARN = dataset.schemaArn, let schemaRecord = try await resources.store.get(account: context.account, arn: schemaARN)
        else { throw ServiceError(.resourceNotFound, "The dataset's schema no longer exists.") }
        let schema = try ResourceManager.decode(PersimmonAPIModel.DatasetSchema.self, from: schemaRecord)
        try await sink.upsert(records, dataset: record, schema: schema.schema ?? "", account: context.account)
    }

    /// One record: its ID and the `properties` JSON object's members, as text.
    static func record(id: (field: String, value: String), properties: String?, path: String) throws -> [String: String] {
        var fields = [id.field: id.value]
        guard let properties, !properties.isEmpty else { return fields }
        guard let object = try? JSONDecoder().decode(JSONValue.self, from: Data(properties.utf8)),
            case .object(let members) = object
        else {
            throw ServiceError(.invalidInput, "\(path).properties must be a JSON object.")
        }
        for (key, value) in members {
            switch value {
            case .string(let text): fields[key] = text
            case .number(let number): fields[key] = number == number.rounded() ? String(Int64(number)) : String(number)
            case .bool(let flag): fields[key] = flag ? "true" : "false"
            case .array(let values):
                fields[key] = values.compactMap { if case .string(let s) = $0 { s } else { nil } }.joined(separator: "|")
            default: continue
            }
        }
        return fields
    }

    /// The account's event tracker with this tracking ID. Tracking IDs of other accounts are not found.
    private func eventTracker(trackingID: String, context: OperationContext) async throws -> EventTracker {
        var cursor: ListCursor?
        repeat {
            let rows = try await resources.store.list(
                account: context.account, ResourceQuery(kind: .eventTracker, after: cursor, limit: 200)
            )
            for row in rows {
                let tracker = try ResourceManager.decode(EventTracker.self, from: row)
                if tracker.trackingId == trackingID {
                    guard row.status == LifecycleStatus.active else {
                        throw ServiceError(
                            .resourceInUse, "The event tracker \(row.arn) is \(row.status ?? "unavailable")."
                        )
                    }
                    return tracker
                }
            }
            cursor = rows.count == 200 ? rows.last.map { ListCursor(createdAt: $0.createdAt, arn: $0.arn) } : nil
        } while cursor != nil
        throw ServiceError(.resourceNotFound, "No event tracker has the tracking ID \(trackingID).")
    }

    /// The dataset group's Interactions dataset and its schema text.
    private func interactionsDataset(of groupARN: String, context: OperationContext) async throws
        -> (ResourceRecord, String)
    {
        let datasets = try await resources.store.list(
            account: context.account, ResourceQuery(kind: .dataset, parentARN: groupARN, limit: 10)
        )
        for record in datasets {
            let dataset = try ResourceManager.decode(Dataset.self, from: record)
            guard dataset.datasetType == "INTERACTIONS", let schemaARN = dataset.schemaArn else { continue }
            guard let schemaRecord = try await resources.store.get(account: context.account, arn: schemaARN) else {
                break
            }
            let schema = try ResourceManager.decode(PersimmonAPIModel.DatasetSchema.self, from: schemaRecord)
            return (record, schema.schema ?? "")
        }
        throw ServiceError(
            .resourceNotFound,
            "The dataset group \(groupARN) has no Interactions dataset to record events in. Create one first."
        )
    }
}

/// Where a tracking ID's events go: the dataset group's Interactions dataset and its schema text.
struct EventTarget: Sendable {
    var dataset: ResourceRecord
    var schema: String
}
