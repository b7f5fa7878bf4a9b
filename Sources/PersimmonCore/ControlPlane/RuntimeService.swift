import PersimmonAPIModel
import PersimmonFilters
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Serves `personalize-runtime` (GetRecommendations, GetPersonalizedRanking, GetActionRecommendations).
package struct RuntimeService: PersonalizeRuntimeService {
    package typealias Context = OperationContext
    package let resources: ResourceManager
    package let engine: any RecommendationEngine
    /// Campaign, filter and schema lookups of the hot path, kept briefly (see ``ServingLookups``).
    let lookups = ServingLookups()

    package init(resources: ResourceManager, engine: any RecommendationEngine = NoRecommendationEngine()) {
        self.resources = resources
        self.engine = engine
    }
}

/// Serves `personalize-events` (PutEvents, PutItems, PutUsers, PutActions, PutActionInteractions).
package struct EventsService: PersonalizeEventsService {
    package typealias Context = OperationContext
    package let resources: ResourceManager
    package let sink: any EventSink
    /// Tracking ID → tracker and Interactions dataset, kept briefly (see ``ServingLookups``).
    let lookups = ServingLookups()

    package init(resources: ResourceManager, sink: any EventSink = NoEventSink()) {
        self.resources = resources
        self.sink = sink
    }
}

/// Resolved lookups the runtime and events APIs make on every request (a campaign and its solution version, a
/// filter, a dataset group's schemas, an event tracker and its dataset), kept for at most `ttl` so the hot path
/// makes no store round trip.
///
/// Changes made through this process — UpdateCampaign, DeleteCampaign, DeleteFilter, DeleteEventTracker — call
/// ``invalidateAll()`` and are seen by the next request; changes made by another server process sharing the
/// database are seen within `ttl`. Entries are keyed by account, so a cached value never answers another tenant.
package final class ServingLookups: Sendable {
    private static let epoch = Atomic<Int>(0)
    private let ttl: Duration
    private let entries = Mutex<[String: Entry]>([:])

    private struct Entry: @unchecked Sendable {
        // `@unchecked`: `value` is always one of the Sendable types stored through `value(_:)`.
        var value: Any
        var expires: ContinuousClock.Instant
        var epoch: Int
    }

    package init(ttl: Duration = .seconds(5)) {
        self.ttl = ttl
    }

    /// Drops every cached lookup in the process (a served resource changed or went away).
    package static func invalidateAll() {
        epoch.add(1, ordering: .sequentiallyConsistent)
    }

    /// Drops this cache's entries; false when it held none.
    func forgetAll() -> Bool {
        entries.withLock { entries in
            defer { entries.removeAll() }
            return !entries.isEmpty
        }
    }

    /// The cached value for `key`, or `make()`'s result (cached when it succeeds).
    func value<T: Sendable>(_ key: String, _ make: () async throws -> T) async throws -> T {
        let now = ContinuousClock.now
        let epoch = Self.epoch.load(ordering: .sequentiallyConsistent)
        if let entry = entries.withLock({ $0[key] }), entry.epoch == epoch, entry.expires > now,
            let value = entry.value as? T
        {
            return value
        }
        let made = try await make()
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[key] = Entry(value: made, expires: now + ttl, epoch: epoch)
        }
        return made
    }
}

extension RuntimeService {
    /// The generated dispatch, except that the two hot responses (GetRecommendations, GetPersonalizedRanking) are
    /// written straight to bytes by ``DirectJSON`` instead of going through `JSONEncoder`. The front door calls this
    /// on the concrete type, so it takes the place of the protocol's default.
    package func dispatch(_ operation: PersonalizeRuntimeOperation, body: Data, context: OperationContext) async throws
        -> Data
    {
        switch operation {
        case .getRecommendations:
            let input = try AWSJSONCodec.decodeRequest(GetRecommendationsRequest.self, from: body)
            try input.validate()
            let output = try await getRecommendations(input, context: context)
            return DirectJSON.predictions(output.itemList ?? [], key: "itemList", recommendationID: output.recommendationId)
        case .getPersonalizedRanking:
            let input = try AWSJSONCodec.decodeRequest(GetPersonalizedRankingRequest.self, from: body)
            try input.validate()
            let output = try await getPersonalizedRanking(input, context: context)
            return DirectJSON.predictions(
                output.personalizedRanking ?? [], key: "personalizedRanking", recommendationID: output.recommendationId
            )
        case .getActionRecommendations:
            let input = try AWSJSONCodec.decodeRequest(GetActionRecommendationsRequest.self, from: body)
            try input.validate()
            return try AWSJSONCodec.encodeResponse(try await getActionRecommendations(input, context: context))
        }
    }
}

/// Writes the runtime's list responses as JSON bytes directly: `{"<key>": [{"itemId", "score", "promotionName",
/// "metadata", "reason"}…], "recommendationId": …}`, absent members left out, as `JSONEncoder` would write them.
enum DirectJSON {
    static func predictions(_ items: [PredictedItem], key: String, recommendationID: String?) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(64 + items.count * 48)
        out.append(UInt8(ascii: "{"))
        string(key, into: &out)
        out.append(contentsOf: ":[".utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            var first = true
            func member(_ name: String) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                string(name, into: &out)
                out.append(UInt8(ascii: ":"))
            }
            out.append(UInt8(ascii: "{"))
            if let id = item.itemId {
                member("itemId")
                string(id, into: &out)
            }
            if let score = item.score, score.isFinite {
                member("score")
                out.append(contentsOf: score.description.utf8)
            }
            if let name = item.promotionName {
                member("promotionName")
                string(name, into: &out)
            }
            if let metadata = item.metadata {
                member("metadata")
                out.append(UInt8(ascii: "{"))
                for (offset, entry) in metadata.enumerated() {
                    if offset > 0 { out.append(UInt8(ascii: ",")) }
                    string(entry.key, into: &out)
                    out.append(UInt8(ascii: ":"))
                    string(entry.value, into: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
            if let reasons = item.reason {
                member("reason")
                out.append(UInt8(ascii: "["))
                for (offset, reason) in reasons.enumerated() {
                    if offset > 0 { out.append(UInt8(ascii: ",")) }
                    string(reason, into: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        if let recommendationID {
            out.append(contentsOf: #","recommendationId":"#.utf8)
            string(recommendationID, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped; everything else as UTF-8.
    static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): out.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
