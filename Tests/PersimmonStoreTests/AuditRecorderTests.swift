import Foundation
import Logging
import PersimmonCore
import Synchronization
import Testing

/// An audit store that is slow to write and counts what it was given.
private final class SlowAuditStore: AuditStore {
    let batches = Mutex<[[AuditEvent]]>([])
    let delay: Duration

    init(delay: Duration) { self.delay = delay }

    func appendAuditEvents(_ events: [AuditEvent]) async throws {
        try await Task.sleep(for: delay)
        batches.withLock { $0.append(events) }
    }
    func auditEvents(account: AccountID, _ query: AuditQuery) async throws -> [AuditEvent] { [] }
    func pruneAuditEvents(before cutoff: Int64, limit: Int) async throws -> Int { 0 }

    var written: [AuditEvent] { batches.withLock { $0.flatMap { $0 } } }
}

private func event(_ index: Int) -> AuditEvent {
    AuditEvent(
        eventID: "event-\(index)", account: AccountID("123456789012"), time: Int64(index),
        eventName: "GetRecommendations", eventSource: "personalize.amazonaws.com", readOnly: true,
        principalARN: "arn:aws:iam::123456789012:root", principalType: "Root", userName: nil,
        accessKeyID: "AKIATEST", action: "personalize:GetRecommendations", resource: "*", decision: "Allow",
        decidingStatement: nil, sourceIP: nil, userAgent: nil, requestID: "r-\(index)", region: "us-east-1",
        errorCode: nil, errorMessage: nil)
}

@Suite("Audit recorder")
struct AuditRecorderTests {
    @Test("recording never waits for the store; events are written in few batches; a clean shutdown loses none")
    func batchesAndDrainsOnShutdown() async throws {
        let store = SlowAuditStore(delay: .milliseconds(30))
        let recorder = AuditRecorder(store: store, logger: Logger(label: "test"), batchInterval: .milliseconds(20))
        let writer = Task { await recorder.run() }
        let clock = ContinuousClock()
        let started = clock.now
        for index in 0..<2_000 {
            recorder.record(event(index))
            if index % 500 == 0 { await Task.yield() }
        }
        // 2,000 records took far less than one store write (30 ms) each: none of them waited for the store.
        #expect(clock.now - started < .milliseconds(2_000 * 30 / 10))
        recorder.finish()
        await writer.value
        #expect(store.written.map(\.eventID) == (0..<2_000).map { "event-\($0)" })
        #expect(store.batches.withLock { $0.count } < 20, "events are batched, not written one by one")
    }

    @Test("flush writes what is buffered at once")
    func flush() async throws {
        let store = SlowAuditStore(delay: .milliseconds(1))
        let recorder = AuditRecorder(store: store, logger: Logger(label: "test"), batchInterval: .seconds(3600))
        let writer = Task { await recorder.run() }
        recorder.record(event(1))
        await recorder.flush()
        #expect(store.written.map(\.eventID) == ["event-1"])
        recorder.record(event(2))
        await recorder.flush()
        #expect(store.written.map(\.eventID) == ["event-1", "event-2"])
        recorder.finish()
        await writer.value
    }
}
