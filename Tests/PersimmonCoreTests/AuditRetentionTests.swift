import PersimmonCore
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("Audit retention")
struct AuditRetentionTests {
    private func event(_ id: String, daysAgo: Double, clock: TestClock) -> AuditEvent {
        let account = AccountID("123456789012")
        return AuditEvent(
            eventID: id, account: account,
            time: clock.now().addingTimeInterval(-daysAgo * 86_400).epochMilliseconds, eventName: "ListSchemas",
            eventSource: "personalize.amazonaws.com", readOnly: true, principalARN: "arn:aws:iam::123456789012:root",
            principalType: "Root", userName: "root", accessKeyID: "AKIAEXAMPLE", action: "personalize:ListSchemas",
            resource: "*", decision: "Allow", decidingStatement: "account-root", sourceIP: nil, userAgent: nil,
            requestID: id, region: "us-east-1", errorCode: nil, errorMessage: nil)
    }

    @Test("deletes exactly the events older than the retention period, in several batches")
    func prunesPastRetention() async throws {
        let storage = InMemoryStorage()
        let clock = TestClock()
        let old = (0..<7).map { event("old-\($0)", daysAgo: 31 + Double($0), clock: clock) }
        try await storage.appendAuditEvents(
            old + [event("edge", daysAgo: 29.9, clock: clock), event("new", daysAgo: 0, clock: clock)])
        let retention = AuditRetention(store: storage, clock: clock, retentionDays: 30, batchSize: 3)
        #expect(try await retention.prune() == 7)
        let left = try await storage.auditEvents(account: AccountID("123456789012"), AuditQuery(limit: 50))
        #expect(left.map(\.eventID) == ["new", "edge"])
        #expect(try await retention.prune() == 0)
        // Time passes: the edge event ages out at the next run.
        clock.advance(by: 86_400)
        #expect(try await retention.prune() == 1)
    }

    @Test("zero days keeps everything")
    func zeroKeepsEverything() async throws {
        let storage = InMemoryStorage()
        let clock = TestClock()
        try await storage.appendAuditEvents([event("ancient", daysAgo: 10_000, clock: clock)])
        let retention = AuditRetention(store: storage, clock: clock, retentionDays: 0)
        #expect(retention.cutoff() == nil)
        #expect(try await retention.prune() == 0)
        #expect(try await storage.auditEvents(account: AccountID("123456789012"), AuditQuery(limit: 5)).count == 1)
    }
}
