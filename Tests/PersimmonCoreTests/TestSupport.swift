import Logging
import PersimmonAPIModel
import PersimmonCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A clock the test moves by hand.
final class TestClock: WallClock {
    private let current = Mutex(Date(timeIntervalSince1970: 1_780_000_000))
    func now() -> Date { current.withLock { $0 } }
    func advance(by seconds: Double) { current.withLock { $0 += seconds } }
}

/// A control plane over in-memory storage, with helpers to act as a given account and run queued jobs.
struct Harness {
    let storage = InMemoryStorage()
    let clock = TestClock()
    let box: SecretBox
    let resources: ResourceManager
    let service: ControlPlaneService
    let lifecycle: LifecycleJobHandler

    init() throws {
        box = try SecretBox(masterKey: Array(repeating: 7, count: 32))
        resources = ResourceManager(store: storage, jobs: storage, tokens: PageTokenCodec(box: box))
        service = ControlPlaneService(resources: resources)
        lifecycle = LifecycleJobHandler(resources: resources, clock: clock)
    }

    func context(_ account: String = "111122223333", operation: String = "Test") -> OperationContext {
        let id = AccountID(account)
        return OperationContext(
            account: id, principal: .root(of: id), operation: operation, requestID: "req", region: "us-east-1",
            logger: Logger(label: "test"), now: clock.now()
        )
    }

    /// Runs every due lifecycle job, as the worker would.
    func runJobs() async throws {
        let now = clock.now().epochMilliseconds
        while let job = try await storage.claimNext(
            kinds: lifecycle.kinds, workerID: "test", leaseUntil: now + 30_000, now: now
        ) {
            try await lifecycle.run(job)
            _ = try await storage.finish(jobID: job.id, workerID: "test", state: .succeeded, error: nil, now: now)
        }
    }

    static let interactionsSchema = """
        {"type": "record", "name": "Interactions", "namespace": "com.amazonaws.personalize.schema",
         "fields": [{"name": "USER_ID", "type": "string"}, {"name": "ITEM_ID", "type": "string"},
                    {"name": "TIMESTAMP", "type": "long"}, {"name": "EVENT_TYPE", "type": "string"}],
         "version": "1.0"}
        """

    static let itemsSchema = """
        {"type": "record", "name": "Items", "namespace": "com.amazonaws.personalize.schema",
         "fields": [{"name": "ITEM_ID", "type": "string"},
                    {"name": "GENRES", "type": ["null", "string"], "categorical": true}],
         "version": "1.0"}
        """
}
