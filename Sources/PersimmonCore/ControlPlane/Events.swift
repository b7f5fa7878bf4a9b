import PersimmonAPIModel

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension EventsService {
    package func putEvents(_ input: PutEventsRequest, context: OperationContext) async throws {
        let tracker = try await eventTracker(trackingID: input.trackingId, context: context)
        guard let groupARN = tracker.datasetGroupArn else {
            throw ServiceError(.internalFailure, "event tracker without dataset group")
        }
        let (dataset, schema) = try await interactionsDataset(of: groupARN, context: context)
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
