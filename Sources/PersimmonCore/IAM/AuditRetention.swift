/// Keeps the audit trail to a retention period: events older than `retentionDays` are deleted, oldest first, in
/// batches of bounded size so that no transaction (and no lock on SQLite) grows with the backlog.
///
/// The server runs ``prune()`` at start-up and then periodically (`--audit-retention-days`, default 90; 0 keeps
/// everything). Pruning is idempotent, so several processes sharing one PostgreSQL may all run it.
package struct AuditRetention: Sendable {
    package static let defaultDays = 90
    private static let millisecondsPerDay: Int64 = 86_400_000

    private let store: any AuditStore
    private let clock: any WallClock
    package let retentionDays: Int
    private let batchSize: Int

    package init(store: any AuditStore, clock: any WallClock, retentionDays: Int, batchSize: Int = 5_000) {
        self.store = store
        self.clock = clock
        self.retentionDays = retentionDays
        self.batchSize = max(1, batchSize)
    }

    /// Events before this time (epoch milliseconds) are past retention; nil when everything is kept.
    package func cutoff() -> Int64? {
        guard retentionDays > 0 else { return nil }
        return clock.now().epochMilliseconds - Int64(retentionDays) * Self.millisecondsPerDay
    }

    /// Deletes every event past retention. - Returns: how many were deleted.
    @discardableResult
    package func prune() async throws -> Int {
        guard let cutoff = cutoff() else { return 0 }
        var total = 0
        while true {
            try Task.checkCancellation()
            let deleted = try await store.pruneAuditEvents(before: cutoff, limit: batchSize)
            total += deleted
            if deleted < batchSize { return total }
        }
    }
}
