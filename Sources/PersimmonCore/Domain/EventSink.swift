#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One interaction streamed through PutEvents, ready to store.
package struct StreamedEvent: Sendable, Equatable {
    package var userID: String
    package var itemID: String
    package var timestamp: Int64
    package var eventType: String
    package var eventValue: Double?
    package var impression: [String]
    package var recommendationID: String?
    /// `properties`, decoded: extra Interactions fields by name.
    package var properties: [String: String]

    package init(
        userID: String, itemID: String, timestamp: Int64, eventType: String, eventValue: Double?,
        impression: [String], recommendationID: String?, properties: [String: String]
    ) {
        self.userID = userID
        self.itemID = itemID
        self.timestamp = timestamp
        self.eventType = eventType
        self.eventValue = eventValue
        self.impression = impression
        self.recommendationID = recommendationID
        self.properties = properties
    }
}

/// Where PutEvents delivers: durably into the dataset group's Interactions data (before the call returns), and
/// into the live view the campaigns read, so the very next recommendation sees the events.
package protocol EventSink: Sendable {
    func record(_ events: [StreamedEvent], interactionsDataset: ResourceRecord, schema: String, account: AccountID)
        async throws
    /// PutItems / PutUsers: upserts records (field name → value, names matched ignoring case and underscores) into
    /// an Items or Users dataset; the latest record per ID wins.
    func upsert(_ records: [[String: String]], dataset: ResourceRecord, schema: String, account: AccountID)
        async throws
}

/// Accepts nothing: for servers and tests without a dataset store.
package struct NoEventSink: EventSink {
    package init() {}

    package func record(_ events: [StreamedEvent], interactionsDataset: ResourceRecord, schema: String, account: AccountID)
        async throws
    {
        throw ServiceError(.resourceNotFound, "This server stores no streamed events.")
    }

    package func upsert(_ records: [[String: String]], dataset: ResourceRecord, schema: String, account: AccountID)
        async throws
    {
        throw ServiceError(.resourceNotFound, "This server stores no streamed records.")
    }
}
