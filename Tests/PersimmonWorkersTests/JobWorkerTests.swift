import Logging
import PersimmonCore
import PersimmonWorkers
import Synchronization
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A handler that fails a set number of times, then succeeds, and records what happened.
final class FlakyHandler: JobHandler {
    let failures: Int
    let runs = Mutex(0)
    let gaveUp = Mutex<[String]>([])

    init(failures: Int) { self.failures = failures }

    var kinds: [String] { ["test.flaky"] }

    func run(_ job: JobRecord) async throws {
        let attempt = runs.withLock { runs in
            runs += 1
            return runs
        }
        if attempt <= failures {
            throw ServiceError(.invalidInput, "attempt \(attempt) failed")
        }
    }

    func giveUp(_ job: JobRecord, reason: String) async throws {
        gaveUp.withLock { $0.append(reason) }
    }
}

@Suite struct JobWorkerTests {
    func worker(_ storage: InMemoryStorage, _ handler: FlakyHandler, maxAttempts: Int) -> JobWorker {
        var configuration = JobWorker.Configuration(workerID: "test-worker")
        configuration.maxAttempts = maxAttempts
        return JobWorker(
            queue: storage, handlers: [handler], configuration: configuration, clock: SystemWallClock(),
            logger: Logger(label: "test")
        )
    }

    func claim(_ storage: InMemoryStorage) async throws -> JobRecord? {
        let now = Date().epochMilliseconds
        return try await storage.claimNext(
            kinds: ["test.flaky"], workerID: "test-worker", leaseUntil: now + 60_000, now: now + 120_000
        )
    }

    @Test("a failing job is released for a retry, and succeeds on a later attempt")
    func retriesThenSucceeds() async throws {
        let storage = InMemoryStorage()
        let handler = FlakyHandler(failures: 1)
        let worker = worker(storage, handler, maxAttempts: 3)
        let id = try await storage.enqueue(
            account: AccountID("111122223333"), kind: "test.flaky", resourceARN: "arn:x", payload: "{}",
            runAfter: 0, now: 0
        )
        let first = try #require(try await claim(storage))
        await worker.process(first)
        #expect(try await storage.job(id: id)?.state == .queued)
        #expect(try await storage.job(id: id)?.lastError == "attempt 1 failed")
        let second = try #require(try await claim(storage))
        await worker.process(second)
        #expect(try await storage.job(id: id)?.state == .succeeded)
        #expect(handler.gaveUp.withLock { $0 }.isEmpty)
    }

    @Test("after the last attempt the job fails for good and its handler records the failure")
    func givesUp() async throws {
        let storage = InMemoryStorage()
        let handler = FlakyHandler(failures: 10)
        let worker = worker(storage, handler, maxAttempts: 2)
        let id = try await storage.enqueue(
            account: AccountID("111122223333"), kind: "test.flaky", resourceARN: "arn:x", payload: "{}",
            runAfter: 0, now: 0
        )
        for _ in 0..<2 {
            let job = try #require(try await claim(storage))
            await worker.process(job)
        }
        #expect(try await storage.job(id: id)?.state == .failed)
        #expect(handler.gaveUp.withLock { $0 } == ["attempt 2 failed"])
        #expect(try await claim(storage) == nil)
    }
}
