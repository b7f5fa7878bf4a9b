import Synchronization

/// Where a cross-account scan stopped: the last (account, ARN) it returned.
package struct ScanCursor: Sendable, Equatable {
    package var account: AccountID
    package var arn: String

    package init(account: AccountID, arn: String) {
        self.account = account
        self.arn = arn
    }
}

/// Resources of one kind across every account, for background services (e.g. the automatic-training scheduler)
/// that act on behalf of every tenant. Never reachable from a request: requests are always scoped to one account.
package protocol ResourceScan: Sendable {
    /// Up to `limit` resources of `kind` (optionally only those in `statuses`), ordered by account ID, then by ARN
    /// byte-wise, strictly after `after`.
    func scan(kind: ResourceKind, statuses: [String]?, after: ScanCursor?, limit: Int) async throws -> [ResourceRecord]
}

extension ResourceScan {
    /// Every resource of `kind` (in `statuses`), paging through the scan `pageSize` at a time.
    package func scanAll(kind: ResourceKind, statuses: [String]? = nil, pageSize: Int = 200) async throws
        -> [ResourceRecord]
    {
        var result: [ResourceRecord] = []
        var cursor: ScanCursor?
        while true {
            let page = try await scan(kind: kind, statuses: statuses, after: cursor, limit: pageSize)
            result += page
            guard page.count == pageSize, let last = page.last else { return result }
            cursor = ScanCursor(account: last.account, arn: last.arn)
        }
    }
}

extension InMemoryStorage {
    package func scan(kind: ResourceKind, statuses: [String]?, after: ScanCursor?, limit: Int) async throws
        -> [ResourceRecord]
    {
        guard limit > 0, statuses?.isEmpty != true else { return [] }
        func precedes(_ a: (String, String), _ b: (String, String)) -> Bool {
            if a.0 != b.0 { return a.0.utf8.lexicographicallyPrecedes(b.0.utf8) }
            return a.1.utf8.lexicographicallyPrecedes(b.1.utf8)
        }
        let matching = state.withLock { state in
            state.resources.values.filter { record in
                guard record.kind == kind else { return false }
                if let statuses, !statuses.contains(record.status ?? "") { return false }
                if let after, !precedes((after.account.rawValue, after.arn), (record.account.rawValue, record.arn)) {
                    return false
                }
                return true
            }
        }
        return Array(
            matching.sorted { precedes(($0.account.rawValue, $0.arn), ($1.account.rawValue, $1.arn)) }.prefix(limit)
        )
    }
}
