import Logging
import PersimmonAPIModel
import PersimmonCatalog
import PersimmonCore
import PersimmonData
import PersimmonRecipes
import Synchronization

import Foundation

/// Trains solution versions: reads the dataset group's interactions from the dataset store, applies the
/// solution's event type and event weights, optionally tunes hyperparameters (random search on an inner split of
/// the training users), computes AWS's offline metrics with the evaluation protocol, trains the final model on all
/// the data and writes its artifact. All of it runs on the compute pool.
///
/// Data that breaks Personalize's minimums fails the version with `CREATE FAILED` and AWS-style wording; it is not
/// retried. `StopSolutionVersionCreation` moves the version to `CREATE STOPPING`; the run notices between
/// iterations and ends in `CREATE STOPPED`.
package struct TrainingJobHandler: JobHandler {
    private let resources: ResourceManager
    private let stores: DatasetStores
    private let models: ModelFiles
    private let pool: ComputePool
    private let threads: Int
    private let clock: any WallClock
    private let logger: Logger
    private let flushStreamed: @Sendable () async throws -> Void

    /// - Parameter flushStreamed: Moves streamed events that are accepted but not yet in the dataset stores (the
    ///   event log) into them; called before training reads the interactions, so every accepted event is trained on.
    package init(
        resources: ResourceManager, stores: DatasetStores, models: ModelFiles, pool: ComputePool, threads: Int,
        clock: any WallClock, logger: Logger, flushStreamed: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.flushStreamed = flushStreamed
        self.resources = resources
        self.stores = stores
        self.models = models
        self.pool = pool
        self.threads = max(1, threads)
        self.clock = clock
        self.logger = logger
        Self.selectKernels(logger: logger)
    }

    /// Training uses the AVX2 + FMA build of the weighted-ALS inner loop when `/proc/cpuinfo` shows the CPU has it
    /// (`KernelDispatch`); elsewhere, or when the file cannot be read, the baseline build.
    static func selectKernels(logger: Logger) {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let wide = KernelDispatch.cpuInfoSupportsWideVectors(cpuInfo)
        KernelDispatch.useWideVectors(wide)
        logger.debug("training kernels", metadata: ["kernels": .string(wide ? "avx2+fma" : "baseline")])
    }

    package var kinds: [String] { [TrainingJobKind.train] }

    static let stopping = "CREATE STOPPING"
    static let stopped = "CREATE STOPPED"

    package func run(_ job: JobRecord) async throws {
        guard let record = try await resources.store.get(account: job.account, arn: job.resourceARN) else { return }
        if record.status == Self.stopping {
            try await resources.setStatus(record, to: Self.stopped, now: clock.now())
            return
        }
        guard let record = try await resources.begin(record, now: clock.now()) else { return }
        let version = try ResourceManager.decode(SolutionVersion.self, from: record)
        let started = ContinuousClock.now
        let cancel = CancellationFlag()
        var jobLogger = logger
        jobLogger[metadataKey: "resource.arn"] = .string(record.arn)
        let logger = jobLogger
        do {
            let outcome = try await withThrowingTaskGroup(of: TrainingOutcome?.self) { group in
                group.addTask { try await self.train(version, account: job.account, cancel: cancel, logger: logger) }
                group.addTask {
                    // Watch for StopSolutionVersionCreation while training runs.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(500))
                        if Task.isCancelled { break }
                        // A failed look-up (or cancellation once training is done) just ends the watch.
                        guard let current = try? await resources.store.get(account: job.account, arn: job.resourceARN)
                        else { break }
                        if current.status == Self.stopping {
                            cancel.cancel()
                            break
                        }
                    }
                    return nil
                }
                var result: TrainingOutcome?
                for try await value in group {
                    if let value {
                        result = value
                        group.cancelAll()
                    } else if cancel.isCancelled {
                        // Keep waiting for the training task to notice the flag and end.
                        continue
                    }
                }
                return result
            }
            guard let outcome, let latest = try await resources.store.get(account: job.account, arn: job.resourceARN)
            else { return }
            let elapsed = ContinuousClock.now - started
            let hours = (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) / 3600
            var finished = try ResourceManager.decode(SolutionVersion.self, from: latest)
            finished.status = LifecycleStatus.active
            finished.trainingHours = hours
            finished.lastUpdatedDateTime = clock.now()
            if let tuned = outcome.tuned { finished.tunedHPOParams = TunedHPOParams(algorithmHyperParameters: tuned) }
            try await store(finished, metrics: outcome.metrics, over: latest)
            logger.info("solution version trained", metadata: ["training.seconds": .stringConvertible(hours * 3600)])
        } catch let error as RecipeError where error.code == .cancelled {
            if let latest = try await resources.store.get(account: job.account, arn: job.resourceARN) {
                try await resources.setStatus(latest, to: Self.stopped, now: clock.now())
            }
        } catch let error as RecipeError where error.code != .io {
            try await fail(job, reason: error.message)
        } catch let error as ServiceError where error.code == .invalidInput {
            try await fail(job, reason: error.message)
        }
    }

    package func giveUp(_ job: JobRecord, reason: String) async throws {
        try await fail(job, reason: "Training failed: \(reason)")
    }

    private func fail(_ job: JobRecord, reason: String) async throws {
        guard let record = try await resources.store.get(account: job.account, arn: job.resourceARN) else { return }
        try await resources.setStatus(record, to: LifecycleStatus.createFailed, failureReason: reason, now: clock.now())
    }

    /// Writes the finished version document with its metrics beside the wire shape.
    private func store(_ version: SolutionVersion, metrics: [String: Double], over record: ResourceRecord) async throws {
        var updated = record
        let document = try ResourceManager.encode(version)
        updated.document = try JSONValue.patch(
            document, setting: ["metrics": .object(metrics.mapValues { JSONValue.number($0) })]
        )
        updated.status = LifecycleStatus.active
        updated.updatedAt = clock.now().epochMilliseconds
        guard try await resources.store.update(updated, expectedVersion: record.version) != nil else {
            throw ServiceError(.resourceInUse, "concurrent change to \(record.arn)")
        }
    }

    struct TrainingOutcome: Sendable {
        var metrics: [String: Double]
        var tuned: [String: String]?
    }

    private func train(_ version: SolutionVersion, account: AccountID, cancel: CancellationFlag, logger: Logger)
        async throws -> TrainingOutcome
    {
        guard let recipeARN = version.recipeArn, let recipe = Recipe(arnOrName: recipeARN) else {
            throw ServiceError(.invalidInput, "The recipe \(version.recipeArn ?? "") is not supported by Persimmon yet.")
        }
        guard let groupARN = version.datasetGroupArn else {
            throw ServiceError(.invalidInput, "The solution has no dataset group.")
        }
        let datasetARN = try await interactionsDataset(of: groupARN, account: account)
        try await flushStreamed()
        let stores = stores
        let snapshot = try await pool.run {
            try stores.store(account: account, datasetARN: datasetARN, kind: .interactions).interactions()
        }
        let config = version.solutionConfig
        var raw = try Self.trainingData(snapshot, eventType: version.eventType)
        if [.similarItems, .userPersonalization, .personalizedRanking].contains(recipe),
            let itemsARN = try await itemsDataset(of: groupARN, account: account)
        {
            // every item of the Items dataset joins the catalogue with its CREATION_TIMESTAMP (exploration of new
            // items) and metadata (similar-items)
            let items = try await pool.run {
                try stores.store(account: account, datasetARN: itemsARN, kind: .items).entities()
            }
            raw = Self.withItems(raw, items, metadata: recipe == .similarItems)
        }
        // Byte-ordered IDs, as the evaluation protocol (numpy.unique) indexes them, so metrics match eval_protocol.py.
        let data = raw.canonicalized()
        try Self.checkMinimums(data)
        var hyperparameters = config?.algorithmHyperParameters ?? [:]
        for (key, value) in config?.featureTransformationParameters ?? [:] { hyperparameters[key] = value }
        let weighting = Self.weighting(config)
        let threads = threads
        // trainingMode UPDATE: continue from the newest ACTIVE version (see `Self.previousVersion`)
        let update = version.trainingMode == "UPDATE" ? try await previousVersion(of: version, account: account) : nil
        if let update {
            // the update keeps the previous model's resolved (possibly tuned) hyperparameters
            for (key, value) in update.model.hyperparameters { hyperparameters[key] = value }
        }
        let performHPO = version.performHPO == true && update == nil
        let jobs = config?.hpoConfig?.hpoResourceConfig?.maxNumberOfTrainingJobs.flatMap(Int.init) ?? 8
        let artifact = try models.path(account: account, solutionVersionARN: version.solutionVersionArn ?? "")
        let progress: @Sendable (String) -> Void = { message in logger.debug("training progress: \(message)") }
        let evaluationSeed = try Self.evaluationSeed(hyperparameters)
        let given = hyperparameters
        return try await pool.run {
            var hyperparameters = given
            var tuned: [String: String]?
            if performHPO {
                // HPO sees only the training users of the metrics' split: the test users stay unseen
                let training = EvaluationSplit(data: data, seed: evaluationSeed).trainingData
                let result = try HyperparameterTuner.tune(
                    recipe: recipe, data: training, hyperparameters: hyperparameters, weighting: weighting,
                    configuration: HPOConfiguration(trainingJobs: max(1, min(jobs, 32))), seed: evaluationSeed,
                    threads: threads, cancel: cancel, progress: progress
                )
                tuned = result.tunedHPOParams
                hyperparameters = result.hyperparameters
            }
            let metrics =
                try update?.metrics
                ?? Evaluator.evaluate(
                    recipe: recipe, data: data, hyperparameters: hyperparameters, weighting: weighting,
                    seed: evaluationSeed,
                    threads: threads, cancel: cancel, progress: progress
                )
            let model = try Trainer.train(
                recipe: recipe, data: data, hyperparameters: hyperparameters, weighting: weighting, seed: 42,
                threads: threads, cancel: cancel, previous: update?.model, progress: progress
            )
            try FileManager.default.createDirectory(
                atPath: (artifact as NSString).deletingLastPathComponent, withIntermediateDirectories: true
            )
            try model.write(to: artifact)
            return TrainingOutcome(metrics: metrics, tuned: tuned)
        }
    }

    /// The seed of the offline metrics' 90/10 user split (EVALUATION.md; 42 by default). Persimmon reads it from the
    /// `evaluation_split_seed` algorithm hyperparameter, so a benchmark can average `GetSolutionMetrics` over
    /// several splits; CreateSolution has already checked that it is an integer.
    static let evaluationSeedKey = "evaluation_split_seed"

    static func evaluationSeed(_ hyperparameters: [String: String]) throws -> UInt64 {
        guard let text = hyperparameters[evaluationSeedKey] else { return 42 }
        guard let seed = UInt64(text.filter { $0 != " " }) else {
            throw ServiceError(.invalidInput, "evaluation_split_seed must be a non-negative integer, not \(text).")
        }
        return seed
    }

    /// What a trainingMode UPDATE continues from: the solution's newest ACTIVE version's model and metrics.
    struct PreviousVersion: Sendable {
        var model: TrainedModel
        var metrics: [String: Double]?
    }

    /// The newest ACTIVE version of the solution, loaded. User-personalization and personalized-ranking warm-start
    /// from its item factors; the other recipes retrain from scratch with its hyperparameters. The offline metrics
    /// are the previous version's: the warm start saw every user, so an honest held-out score would need a full
    /// retraining on the split, which UPDATE exists to avoid.
    private func previousVersion(of version: SolutionVersion, account: AccountID) async throws -> PreviousVersion {
        guard let solution = version.solutionArn else {
            throw ServiceError(.invalidInput, "The solution version has no solution.")
        }
        let active = try await resources.store.list(
            account: account,
            ResourceQuery(kind: .solutionVersion, parentARN: solution, statuses: [LifecycleStatus.active], limit: 1)
        )
        guard let record = active.first else {
            throw ServiceError(
                .invalidInput, "trainingMode UPDATE needs an ACTIVE solution version of \(solution) to update."
            )
        }
        let path = try models.path(account: account, solutionVersionARN: record.arn)
        let model = try await pool.run { try TrainedModel.load(from: path) }
        return PreviousVersion(model: model, metrics: try ResourceManager.decode(StoredMetrics.self, from: record).metrics)
    }

    /// The ARN of the dataset group's Interactions dataset.
    private func interactionsDataset(of groupARN: String, account: AccountID) async throws -> String {
        let datasets = try await resources.store.list(
            account: account, ResourceQuery(kind: .dataset, parentARN: groupARN, limit: 10)
        )
        for record in datasets {
            let dataset = try ResourceManager.decode(Dataset.self, from: record)
            if dataset.datasetType?.uppercased() == "INTERACTIONS" { return record.arn }
        }
        throw ServiceError(
            .invalidInput,
            "The dataset group \(groupARN) has no Interactions dataset. Create one and import interactions before training."
        )
    }

    /// The dataset group's Items dataset, if it has one.
    private func itemsDataset(of groupARN: String, account: AccountID) async throws -> String? {
        let datasets = try await resources.store.list(
            account: account, ResourceQuery(kind: .dataset, parentARN: groupARN, limit: 10)
        )
        for record in datasets {
            let dataset = try ResourceManager.decode(Dataset.self, from: record)
            if dataset.datasetType?.uppercased() == "ITEMS" { return record.arn }
        }
        return nil
    }

    /// `data` with the Items dataset joined in: items that have no interactions are appended to the catalogue (AWS
    /// counts them in `coverage` too), CREATION_TIMESTAMP becomes `itemCreationTimestamps` (seconds; exploration
    /// of new items), and every other field except the ID becomes `itemMetadata` (categorical strings split on `|`,
    /// textual fields as text, numbers as numbers, other strings and booleans as one category).
    static func withItems(_ data: InteractionData, _ items: EntitySnapshot, metadata: Bool = true) -> InteractionData {
        var result = data
        var known = Set(data.itemIDs)
        for id in items.ids where known.insert(id).inserted { result.itemIDs.append(id) }
        result.itemCount = result.itemIDs.count
        let rows = items.rows(for: result.itemIDs)
        var created = result.itemCreationTimestamps
        created += [Int64](repeating: .min, count: result.itemCount - created.count)
        if let column = items.columns.first(where: { $0.field.name.uppercased() == "CREATION_TIMESTAMP" }) {
            for (item, row) in rows.enumerated() where row >= 0 {
                if let text = column.string(at: Int(row)), let value = Double(text), value.isFinite {
                    created[item] = Int64(value)
                }
            }
        }
        result.itemCreationTimestamps = created.contains(where: { $0 != .min }) ? created : []
        guard metadata else { return result }
        var fields: [ItemMetadata.Field] = []
        for column in items.columns {
            let field = column.field
            guard field.name != items.idField, field.name.uppercased() != "CREATION_TIMESTAMP" else { continue }
            func text(_ row: Int32) -> String? { row >= 0 ? column.string(at: Int(row)) : nil }
            if field.type.isNumeric {
                fields.append(.init(name: field.name, values: .numerical(rows.map { text($0).flatMap(Double.init) })))
            } else if field.textual {
                fields.append(.init(name: field.name, values: .textual(rows.map(text))))
            } else {
                fields.append(
                    .init(
                        name: field.name,
                        values: .categorical(
                            rows.map { row in
                                guard let value = text(row) else { return [] }
                                return field.categorical ? value.split(separator: "|").map(String.init) : [value]
                            }
                        )
                    )
                )
            }
        }
        result.itemMetadata = fields.isEmpty ? nil : ItemMetadata(fields: fields)
        return result
    }

    /// The interactions to train on, keeping only `eventType` when the solution names one.
    static func trainingData(_ snapshot: InteractionsSnapshot, eventType: String?) throws -> InteractionData {
        var keep: [Bool]?
        if let eventType {
            let wanted = snapshot.eventTypes.indices.filter {
                snapshot.eventTypes[$0].caseInsensitiveCompare(eventType) == .orderedSame
            }
            let wantedSet = Set(wanted.map(Int32.init))
            keep = snapshot.eventType.map { wantedSet.contains($0) }
        }
        var users: [Int32] = []
        var items: [Int32] = []
        var timestamps: [Int64] = []
        var types: [Int32] = []
        var values: [Float] = []
        users.reserveCapacity(snapshot.count)
        items.reserveCapacity(snapshot.count)
        timestamps.reserveCapacity(snapshot.count)
        for row in 0..<snapshot.count where keep?[row] ?? true {
            users.append(snapshot.userIndex[row])
            items.append(snapshot.itemIndex[row])
            timestamps.append(snapshot.timestamp[row])
            if !snapshot.eventType.isEmpty { types.append(snapshot.eventType[row]) }
            if let eventValue = snapshot.eventValue { values.append(eventValue[row]) }
        }
        // Rows without an event type (-1) or value (NaN) would confuse the weighting: use types and values only
        // when every row has one.
        let typed = types.count == users.count && !types.contains(-1)
        let valued = values.count == users.count && !values.contains(where: \.isNaN)
        return InteractionData(
            userCount: snapshot.users.count, itemCount: snapshot.items.count, users: users, items: items,
            timestamps: timestamps, userIDs: snapshot.users, itemIDs: snapshot.items,
            eventTypes: typed ? types : [], eventTypeNames: typed ? snapshot.eventTypes : [],
            eventValues: valued ? values : []
        )
    }

    /// Personalize's minimum data to train: 1,000 interactions and 25 users with at least two each.
    static func checkMinimums(_ data: InteractionData) throws {
        guard data.count >= 1_000 else {
            throw ServiceError(
                .invalidInput,
                "Insufficient data for training: there must be at least 1000 interactions after filtering by eventType and eventValueThreshold; found \(data.count)."
            )
        }
        var perUser = [Int32](repeating: 0, count: data.userCount)
        for user in data.users { perUser[Int(user)] &+= 1 }
        let active = perUser.lazy.filter { $0 >= 2 }.count
        guard active >= 25 else {
            throw ServiceError(
                .invalidInput,
                "Insufficient data for training: there must be at least 25 unique users with at least 2 interactions each; found \(active)."
            )
        }
    }

    /// Event weights and the value threshold from `solutionConfig`.
    static func weighting(_ config: SolutionConfig?) -> EventWeighting {
        var weighting = EventWeighting()
        if let threshold = config?.eventValueThreshold.flatMap(Float.init) {
            weighting.eventValueThreshold = threshold
        }
        if let parameters = config?.eventsConfig?.eventParametersList, !parameters.isEmpty {
            var weights: [String: Float] = [:]
            for parameter in parameters {
                guard let type = parameter.eventType else { continue }
                weights[type] = Float(parameter.weight ?? 1)
            }
            weighting.eventTypeWeights = weights
        }
        return weighting
    }
}

/// Where trained model artifacts live: `<data-dir>/models/<account>/<solution>/<version>.pmodel`.
package struct ModelFiles: Sendable {
    private let root: String

    package init(root: String) { self.root = root }

    package func path(account: AccountID, solutionVersionARN: String) throws -> String {
        guard let arn = ResourceARN(parsing: solutionVersionARN) else {
            throw ServiceError(.internalFailure, "not a solution version ARN: \(solutionVersionARN)")
        }
        let parts = arn.resource.split(separator: "/")
        guard parts.count == 3, parts[0] == "solution" else {
            throw ServiceError(.internalFailure, "not a solution version ARN: \(solutionVersionARN)")
        }
        return [root, account.rawValue, String(parts[1]), "\(parts[2]).pmodel"].joined(separator: "/")
    }
}
