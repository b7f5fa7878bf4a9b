import PersimmonCore
import PersimmonStore
import Testing

/// The cross-account scan background services use (`ResourceScan`), on every backend. PostgreSQL is shared with
/// other tests, so every check looks only at this test's own random accounts.
@Suite("Store contract: cross-account scan", .serialized)
struct ResourceScanContractTests {
    @Test("scans one kind across accounts in (account, ARN) order, by status, in pages", arguments: Backend.available)
    func scanAcrossAccounts(backend: Backend) async throws {
        try await backend.withStorage { store in
            let accounts = [randomAccount(), randomAccount(), randomAccount()].sorted { $0.rawValue < $1.rawValue }
            var expected: [ResourceRecord] = []
            for (k, account) in accounts.enumerated() {
                for name in ["b-group", "a-group", "C-group"] {
                    let record = datasetGroup(
                        account, "\(name)-\(k)", status: name == "b-group" ? "CREATE PENDING" : "ACTIVE")
                    try await store.insert(record)
                    expected.append(record)
                }
                // another kind never appears in the scan
                try await store.insert(dataset(account, group: "a-group-\(k)", type: "INTERACTIONS"))
            }
            let mine = Set(accounts)
            expected.sort { ($0.account.rawValue, $0.arn) < ($1.account.rawValue, $1.arn) }

            let all = try await store.scanAll(kind: .datasetGroup, pageSize: 2).filter { mine.contains($0.account) }
            #expect(all == expected)  // byte order: "C-group" sorts before "a-group"

            let active = try await store.scanAll(kind: .datasetGroup, statuses: ["ACTIVE"], pageSize: 3)
                .filter { mine.contains($0.account) }
            #expect(active == expected.filter { $0.status == "ACTIVE" })
            #expect(try await store.scan(kind: .datasetGroup, statuses: [], after: nil, limit: 10).isEmpty)
            #expect(try await store.scan(kind: .datasetGroup, statuses: nil, after: nil, limit: 0).isEmpty)

            // a cursor continues strictly after the given (account, ARN)
            let cursor = ScanCursor(account: expected[4].account, arn: expected[4].arn)
            let rest = try await store.scan(kind: .datasetGroup, statuses: nil, after: cursor, limit: 1000)
                .filter { mine.contains($0.account) }
            #expect(rest == Array(expected[5...]))
            let datasets = try await store.scanAll(kind: .dataset).filter { mine.contains($0.account) }
            #expect(datasets.count == 3)
        }
    }
}
