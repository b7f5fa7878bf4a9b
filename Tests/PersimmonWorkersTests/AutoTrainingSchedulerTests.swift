import Logging
import PersimmonAPIModel
import PersimmonCore
import PersimmonWorkers
import Synchronization
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A wall clock the test moves by hand.
final class ManualClock: WallClock {
    private let current = Mutex(Date(timeIntervalSince1970: 1_780_000_000))
    func now() -> Date { current.withLock { $0 } }
    func advance(by seconds: Double) { current.withLock { $0 += seconds } }
}

/// Automatic training across accounts, driven by an injected clock.
@Suite struct AutoTrainingSchedulerTests {
    let storage = InMemoryStorage()
    let clock = ManualClock()
    let resources: ResourceManager
    let service: ControlPlaneService
    let scheduler: AutoTrainingScheduler

    init() throws {
        let box = try SecretBox(masterKey: Array(repeating: 5, count: 32))
        resources = ResourceManager(store: storage, jobs: storage, tokens: PageTokenCodec(box: box))
        service = ControlPlaneService(resources: resources)
        scheduler = AutoTrainingScheduler(
            scan: storage, resources: resources, clock: clock, region: "us-east-1", logger: Logger(label: "test")
        )
    }

    static let day = 86_400.0

    func context(_ account: String) -> OperationContext {
        let id = AccountID(account)
        return OperationContext(
            account: id, principal: .root(of: id), operation: "Test", requestID: "req", region: "us-east-1",
            logger: Logger(label: "test"), now: clock.now()
        )
    }

    /// Runs the lifecycle jobs (CREATE PENDING → ACTIVE), as the worker would.
    func activate() async throws {
        let lifecycle = LifecycleJobHandler(resources: resources, clock: clock)
        let now = clock.now().epochMilliseconds
        while let job = try await storage.claimNext(
            kinds: lifecycle.kinds, workerID: "test", leaseUntil: now + 30_000, now: now
        ) {
            try await lifecycle.run(job)
            _ = try await storage.finish(jobID: job.id, workerID: "test", state: .succeeded, error: nil, now: now)
        }
    }

    func solution(_ account: String, _ name: String, auto: Bool, schedule: String? = nil) async throws -> String {
        let ctx = context(account)
        let group = try await service.createDatasetGroup(.init(name: "\(name)-group"), context: ctx).datasetGroupArn!
        try await activate()
        let config = schedule.map { SolutionConfig(autoTrainingConfig: AutoTrainingConfig(schedulingExpression: $0)) }
        let arn = try await service.createSolution(
            .init(
                name: name, performAutoTraining: auto,
                recipeArn: "arn:aws:personalize:::recipe/aws-user-personalization", datasetGroupArn: group,
                solutionConfig: config
            ),
            context: ctx
        ).solutionArn!
        try await activate()
        return arn
    }

    func versions(_ account: String, _ solution: String) async throws -> [SolutionVersionSummary] {
        try await service.listSolutionVersions(.init(solutionArn: solution), context: context(account))
            .solutionVersions ?? []
    }

    /// Training "finishes": every version being created becomes ACTIVE.
    func finishTraining(_ account: String) async throws {
        for record in try await storage.list(
            account: AccountID(account),
            ResourceQuery(kind: .solutionVersion, statuses: [LifecycleStatus.createPending])
        ) {
            _ = try await resources.setStatus(record, to: LifecycleStatus.active, now: clock.now())
        }
    }

    @Test("the first automatic version comes an hour after creation, then one every N days, in every account")
    func schedule() async throws {
        let a = try await solution("111122223333", "a", auto: true, schedule: "rate(2 days)")
        let b = try await solution("444455556666", "b", auto: true)  // default: every 7 days
        let off = try await solution("444455556666", "off", auto: false)

        #expect(try await scheduler.tick().isEmpty)  // within the first hour
        clock.advance(by: 3_601)
        let first = try await scheduler.tick()
        #expect(first.count == 2)
        #expect(Set(first.map { $0.components(separatedBy: "/").dropLast().joined(separator: "/") }) == [a, b])
        let listed = try await versions("111122223333", a)
        #expect(listed.count == 1)
        #expect(listed.first?.trainingType == "AUTOMATIC")
        #expect(listed.first?.trainingMode == "FULL")
        let described = try await service.describeSolutionVersion(
            .init(solutionVersionArn: listed[0].solutionVersionArn!), context: context("111122223333")
        ).solutionVersion
        #expect(described?.trainingType == "AUTOMATIC")
        #expect(try await versions("444455556666", off).isEmpty)

        // still training: nothing new, even when the next one is due
        clock.advance(by: 2 * Self.day)
        #expect(try await scheduler.tick().isEmpty)
        try await finishTraining("111122223333")
        try await finishTraining("444455556666")
        let second = try await scheduler.tick()
        #expect(second.count == 1 && second[0].hasPrefix(a + "/"))
        try await finishTraining("111122223333")
        #expect(try await scheduler.tick().isEmpty)
        clock.advance(by: 5 * Self.day)  // b: 7 days after its first automatic version
        let third = try await scheduler.tick()
        #expect(third.count == 2)
        #expect(third.contains { $0.hasPrefix(b + "/") })
        #expect(try await versions("444455556666", b).map(\.trainingType) == ["AUTOMATIC", "AUTOMATIC"])
        #expect(try await versions("444455556666", off).isEmpty)
    }

    @Test("a manual version in the first hour skips the first automatic training")
    func manualFirst() async throws {
        let account = "111122223333"
        let arn = try await solution(account, "m", auto: true, schedule: "rate(3 days)")
        clock.advance(by: 600)
        _ = try await service.createSolutionVersion(.init(solutionArn: arn), context: context(account))
        try await finishTraining(account)
        clock.advance(by: 3_600)
        #expect(try await scheduler.tick().isEmpty)
        #expect(try await versions(account, arn).map(\.trainingType) == ["MANUAL"])
        clock.advance(by: 3 * Self.day - 3_600 - 600)
        #expect(try await scheduler.tick().count == 1)
        #expect(try await versions(account, arn).map(\.trainingType) == ["AUTOMATIC", "MANUAL"])
    }

    @Test("turning automatic training on with UpdateSolution starts it an hour later; turning it off stops it")
    func switchedOnLater() async throws {
        let account = "111122223333"
        let arn = try await solution(account, "u", auto: false)
        clock.advance(by: 10 * Self.day)
        #expect(try await scheduler.tick().isEmpty)
        _ = try await service.updateSolution(
            .init(
                solutionArn: arn, performAutoTraining: true,
                solutionUpdateConfig: SolutionUpdateConfig(
                    autoTrainingConfig: AutoTrainingConfig(schedulingExpression: "rate(1 day)"))
            ),
            context: context(account)
        )
        let described = try await service.describeSolution(.init(solutionArn: arn), context: context(account)).solution
        #expect(described?.solutionConfig?.autoTrainingConfig?.schedulingExpression == "rate(1 day)")
        #expect(described?.latestSolutionUpdate?.performAutoTraining == true)
        clock.advance(by: 1_800)
        #expect(try await scheduler.tick().isEmpty)
        clock.advance(by: 1_801)
        #expect(try await scheduler.tick().count == 1)
        try await finishTraining(account)
        _ = try await service.updateSolution(
            .init(solutionArn: arn, performAutoTraining: false), context: context(account))
        clock.advance(by: 5 * Self.day)
        #expect(try await scheduler.tick().isEmpty)
        #expect(try await versions(account, arn).count == 1)
    }

    @Test("a due training waits until interaction data arrived after the newest version")
    func waitsForNewData() async throws {
        let account = "111122223333"
        let arn = try await solution(account, "d", auto: true, schedule: "rate(1 day)")
        let newest = Mutex<Date?>(nil)  // when the "data" last changed
        let asked = Mutex<[Date?]>([])
        let gated = AutoTrainingScheduler(
            scan: storage, resources: resources, clock: clock, region: "us-east-1",
            newData: { _, _, since in
                asked.withLock { $0.append(since) }
                guard let changed = newest.withLock({ $0 }) else { return false }
                return since.map { changed >= $0 } ?? true
            },
            logger: Logger(label: "test")
        )
        clock.advance(by: 3_601)
        #expect(try await gated.tick().isEmpty)  // no data at all
        #expect(asked.withLock { $0 } == [nil])
        newest.withLock { $0 = clock.now() }
        clock.advance(by: 60)
        #expect(try await gated.tick().count == 1)
        try await finishTraining(account)
        clock.advance(by: 2 * Self.day)
        #expect(try await gated.tick().isEmpty)  // due, but nothing new since that version
        newest.withLock { $0 = clock.now() }
        #expect(try await gated.tick().count == 1)
        #expect(try await versions(account, arn).count == 2)
    }

    @Test("new solutions train automatically every 7 days unless performAutoTraining is false")
    func awsDefault() async throws {
        let ctx = context("111122223333")
        let group = try await service.createDatasetGroup(.init(name: "g"), context: ctx).datasetGroupArn!
        try await activate()
        let arn = try await service.createSolution(
            .init(name: "s", recipeArn: "arn:aws:personalize:::recipe/aws-sims", datasetGroupArn: group), context: ctx
        ).solutionArn!
        let solution = try await service.describeSolution(.init(solutionArn: arn), context: ctx).solution
        #expect(solution?.performAutoTraining == true)
        #expect(solution?.solutionConfig?.autoTrainingConfig?.schedulingExpression == "rate(7 days)")
    }
}
