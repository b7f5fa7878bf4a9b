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
