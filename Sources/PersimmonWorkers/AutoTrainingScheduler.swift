import Logging
import PersimmonAPIModel
import PersimmonCatalog
import PersimmonCore
import PersimmonData
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Automatic training (`performAutoTraining` with `autoTrainingConfig.schedulingExpression`): a background service
/// that scans every account's ACTIVE solutions and creates a solution version (`trainingType` AUTOMATIC,
/// `trainingMode` FULL) for each one that is due.
///
/// When a version is due (AWS's rules; `AutoTrainingPlan.due`):
/// - the first one `firstTrainingDelay` (one hour) after automatic training was switched on — at the solution's
///   creation, or at the `UpdateSolution` that turned it on — unless the user created a version by hand within that
///   hour, in which case the first automatic training is skipped and the next is one interval after the switch-on;
/// - then one schedule interval (`rate(N days)`, 7 days by default) after the newest automatic version.
///
/// As on AWS, a due training happens only if interaction data arrived (an import or streamed events) since the
/// solution's newest version (`newData`); otherwise it is skipped until there is some. A solution with a version
/// still being created waits for the next scan. Two schedulers over one database (two
/// server processes) do not both train a solution: each claims the solution by an optimistic write of its record
/// before creating the version. The clock is injected, so a test drives time with `tick()`.
package struct AutoTrainingScheduler: Service {
    private let scan: any ResourceScan
    private let resources: ResourceManager
    private let clock: any WallClock
    private let region: String
    private let period: Duration
    private let firstTrainingDelay: TimeInterval
    private let newData: NewDataCheck?
    private let logger: Logger

    /// Whether the dataset group holds interaction data newer than the date (any data at all when nil).
    package typealias NewDataCheck =
        @Sendable (_ account: AccountID, _ datasetGroupARN: String, _ since: Date?) async throws -> Bool

    package init(
        scan: any ResourceScan, resources: ResourceManager, clock: any WallClock, region: String,
        period: Duration = .seconds(60), firstTrainingDelay: TimeInterval = 3_600, newData: NewDataCheck? = nil,
        logger: Logger
    ) {
        self.scan = scan
        self.resources = resources
        self.clock = clock
        self.region = region
        self.period = period
        self.firstTrainingDelay = firstTrainingDelay
        self.newData = newData
        self.logger = logger
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await tick()
                } catch {
                    logger.error("automatic training scan failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: period)
            }
        }
    }

    /// One scan: creates the versions that are due now and returns their ARNs.
    @discardableResult
    package func tick() async throws -> [String] {
        let now = clock.now()
        var created: [String] = []
        let solutions = try await scan.scanAll(kind: .solution, statuses: [LifecycleStatus.active])
        for record in solutions {
            do {
                if let arn = try await trainIfDue(record, now: now) { created.append(arn) }
            } catch {
                // One tenant's problem (e.g. a concurrent delete) must not stop the others' training.
                logger.warning(
                    "automatic training skipped", metadata: ["resource.arn": .string(record.arn), "error": "\(error)"]
                )
            }
        }
        return created
    }

    private func trainIfDue(_ record: ResourceRecord, now: Date) async throws -> String? {
        let solution = try ResourceManager.decode(Solution.self, from: record)
        guard solution.performAutoTraining == true else { return nil }
        let schedule = try TrainingSchedule(
            expression: solution.solutionConfig?.autoTrainingConfig?.schedulingExpression ?? "rate(7 days)"
        )
        let versions = try await resources.store.list(
            account: record.account, ResourceQuery(kind: .solutionVersion, parentARN: record.arn, limit: 100)
        ).map { try ResourceManager.decode(SolutionVersion.self, from: $0) }
        let plan = AutoTrainingPlan(
            solution: solution, versions: versions, interval: schedule.interval,
            firstTrainingDelay: firstTrainingDelay
        )
        guard !plan.busy, let due = plan.due, due <= now else { return nil }
        if let newData, let group = solution.datasetGroupArn {
            let since = versions.compactMap(\.creationDateTime).max()
            guard try await newData(record.account, group, since) else { return nil }
        }
        // Claim the solution: a concurrent scheduler (or an UpdateSolution) that wrote it first wins.
        guard try await resources.store.update(record, expectedVersion: record.version) != nil else { return nil }
        let context = OperationContext(
            account: record.account, principal: .root(of: record.account), operation: "AutomaticTraining",
            requestID: UUID().uuidString, region: region, logger: logger, now: now
        )
        let arn = try await resources.startTraining(
            solution: record, name: nil, mode: "FULL", type: "AUTOMATIC", tags: nil, context: context
        )
        logger.info("automatic training started", metadata: ["resource.arn": .string(arn)])
        return arn
    }
}

/// When a solution's next automatic training is due (see `AutoTrainingScheduler`).
package struct AutoTrainingPlan: Sendable {
    /// A version is being created: nothing starts now.
    package var busy: Bool
    /// The time the next automatic version is due; nil when automatic training is off.
    package var due: Date?

    package init(
        solution: Solution, versions: [SolutionVersion], interval: TimeInterval, firstTrainingDelay: TimeInterval
    ) {
        busy = versions.contains {
            [LifecycleStatus.createPending, LifecycleStatus.createInProgress, "CREATE STOPPING"].contains(
                $0.status ?? "")
        }
        guard solution.performAutoTraining == true, let created = solution.creationDateTime else {
            due = nil
            return
        }
        func time(_ version: SolutionVersion) -> Date { version.creationDateTime ?? .distantPast }
        if let lastAutomatic = versions.filter({ $0.trainingType == "AUTOMATIC" }).map(time).max() {
            due = lastAutomatic.addingTimeInterval(interval)
            return
        }
        // Switched on at creation, or later by the UpdateSolution that turned it on.
        var switchedOn = created
        if let update = solution.latestSolutionUpdate, update.performAutoTraining == true,
            let updated = update.creationDateTime, updated > created
        {
            switchedOn = updated
        }
        let firstHour = switchedOn..<switchedOn.addingTimeInterval(firstTrainingDelay)
        let manualInFirstHour = versions.contains { $0.trainingType != "AUTOMATIC" && firstHour.contains(time($0)) }
        due = manualInFirstHour ? switchedOn.addingTimeInterval(interval) : firstHour.upperBound
    }
}

extension AutoTrainingScheduler {
    /// The production `NewDataCheck`: a live segment of the group's Interactions dataset (an import, streamed
    /// events, or a compaction of them) written at or after `since`.
    package static func interactionsChanged(
        resources: ResourceManager, stores: DatasetStores, pool: ComputePool
    ) -> NewDataCheck {
        { account, group, since in
            let datasets = try await resources.store.list(
                account: account, ResourceQuery(kind: .dataset, parentARN: group, limit: 10)
            )
            guard
                let interactions = try datasets.first(where: {
                    try ResourceManager.decode(Dataset.self, from: $0).datasetType?.uppercased() == "INTERACTIONS"
                })
            else { return false }
            let segments = try await pool.run {
                try stores.store(account: account, datasetARN: interactions.arn, kind: .interactions).segments
            }
            guard let since else { return !segments.isEmpty }
            let threshold = Int64(since.timeIntervalSince1970.rounded(.down))
            return segments.contains { $0.createdAt >= threshold }
        }
    }
}
