import PersimmonAPIModel
import PersimmonCatalog

extension ControlPlaneService {
    package func createSolution(_ input: CreateSolutionRequest, context: OperationContext) async throws
        -> CreateSolutionResponse
    {
        try ResourceManager.checkTagLimit(input.tags)
        let group = try await resources.require(input.datasetGroupArn, kind: .datasetGroup, context: context)
        guard let status = group.status, LifecycleStatus.live.contains(status) else {
            throw ServiceError(.resourceInUse, "The dataset group \(group.arn) is \(group.status ?? "unavailable").")
        }
        guard let recipeARN = input.recipeArn else {
            throw ServiceError(
                .invalidInput,
                "recipeArn is required: Persimmon does not choose recipes automatically (performAutoML is retired by AWS)."
            )
        }
        guard let entry = RecipeCatalog.entry(forArn: recipeARN), entry.domain == nil else {
            throw ServiceError(.invalidInput, "Unknown recipe \(recipeARN). ListRecipes shows the available recipes.")
        }
        guard entry.supported else {
            throw ServiceError(
                .invalidInput,
                "The recipe \(entry.name) is not supported by Persimmon yet. Supported recipes: \(Self.supportedRecipeNames)."
            )
        }
        if input.performAutoML == true {
            throw ServiceError(.invalidInput, "performAutoML is not supported; choose a recipe with recipeArn.")
        }
        if let expression = input.solutionConfig?.autoTrainingConfig?.schedulingExpression {
            _ = try TrainingSchedule(expression: expression)
        }
        if let seed = input.solutionConfig?.algorithmHyperParameters?["evaluation_split_seed"],
            UInt64(seed.filter { $0 != " " }) == nil
        {
            throw ServiceError(
                .invalidInput,
                "The algorithm hyperparameter evaluation_split_seed (Persimmon: the seed of the metrics' user split) must be a non-negative integer, not \(seed)."
            )
        }
        let arn = ResourceARN.make(.solution, input.name, in: context)
        // As on AWS, automatic training is on unless the caller turns it off (every 7 days by default; see
        // AutoTrainingScheduler for when versions are created).
        let autoTraining = input.performAutoTraining ?? true
        var config = input.solutionConfig
        if autoTraining, config?.autoTrainingConfig?.schedulingExpression == nil {
            var filled = config ?? SolutionConfig()
            filled.autoTrainingConfig = AutoTrainingConfig(schedulingExpression: "rate(7 days)")
            config = filled
        }
        let solution = Solution(
            name: input.name, solutionArn: arn, performHPO: input.performHPO ?? false, performAutoML: false,
            performAutoTraining: autoTraining,
            performIncrementalUpdate: input.performIncrementalUpdate, recipeArn: recipeARN,
            datasetGroupArn: group.arn, eventType: input.eventType, solutionConfig: config,
            status: LifecycleStatus.createPending, creationDateTime: context.now, lastUpdatedDateTime: context.now
        )
        try await resources.create(
            kind: .solution, name: input.name, arn: arn, parentARN: group.arn, document: solution, tags: input.tags,
            context: context
        )
        return CreateSolutionResponse(solutionArn: arn)
    }

    package func describeSolution(_ input: DescribeSolutionRequest, context: OperationContext) async throws
        -> DescribeSolutionResponse
    {
        let record = try await resources.require(input.solutionArn, kind: .solution, context: context)
        var solution = try ResourceManager.decode(Solution.self, from: record)
        let newest = try await resources.store.list(
            account: context.account, ResourceQuery(kind: .solutionVersion, parentARN: record.arn, limit: 1)
        )
        if let latest = newest.first {
            solution.latestSolutionVersion = try ResourceManager.decode(SolutionVersionSummary.self, from: latest)
        }
        return DescribeSolutionResponse(solution: solution)
    }

    package func listSolutions(_ input: ListSolutionsRequest, context: OperationContext) async throws
        -> ListSolutionsResponse
    {
        let page = try await resources.listSummaries(
            SolutionSummary.self, kind: .solution, under: input.datasetGroupArn.map { ($0, .datasetGroup) },
            maxResults: input.maxResults, nextToken: input.nextToken, context: context
        )
        return ListSolutionsResponse(solutions: page.summaries, nextToken: page.nextToken)
    }

    package func updateSolution(_ input: UpdateSolutionRequest, context: OperationContext) async throws
        -> UpdateSolutionResponse
    {
        let record = try await resources.require(input.solutionArn, kind: .solution, context: context)
        guard record.status == LifecycleStatus.active else {
            throw ServiceError(
                .resourceInUse, "The solution \(record.arn) is \(record.status ?? "unavailable"); it must be ACTIVE to update."
            )
        }
        var solution = try ResourceManager.decode(Solution.self, from: record)
        if let expression = input.solutionUpdateConfig?.autoTrainingConfig?.schedulingExpression {
            _ = try TrainingSchedule(expression: expression)
        }
        if let performAutoTraining = input.performAutoTraining { solution.performAutoTraining = performAutoTraining }
        if let incremental = input.performIncrementalUpdate { solution.performIncrementalUpdate = incremental }
        var config = solution.solutionConfig ?? SolutionConfig()
        if let autoTraining = input.solutionUpdateConfig?.autoTrainingConfig { config.autoTrainingConfig = autoTraining }
        if let events = input.solutionUpdateConfig?.eventsConfig { config.eventsConfig = events }
        solution.solutionConfig = config
        solution.lastUpdatedDateTime = context.now
        solution.latestSolutionUpdate = SolutionUpdateSummary(
            solutionUpdateConfig: input.solutionUpdateConfig, status: LifecycleStatus.active,
            performAutoTraining: solution.performAutoTraining,
            performIncrementalUpdate: solution.performIncrementalUpdate, creationDateTime: context.now,
            lastUpdatedDateTime: context.now
        )
        try await resources.replaceDocument(record, with: solution, now: context.now)
        return UpdateSolutionResponse(solutionArn: record.arn)
    }

    package func deleteSolution(_ input: DeleteSolutionRequest, context: OperationContext) async throws {
        let record = try await resources.require(input.solutionArn, kind: .solution, context: context)
        let campaigns = try await resources.store.count(account: context.account, kind: .campaign, parentARN: record.arn)
        if campaigns > 0 {
            throw ServiceError(
                .resourceInUse,
                "Cannot delete solution \(record.arn) because \(campaigns) campaign(s) use its versions. Delete them first."
            )
        }
        let training = try await resources.store.list(
            account: context.account,
            ResourceQuery(
                kind: .solutionVersion, parentARN: record.arn,
                statuses: [LifecycleStatus.createPending, LifecycleStatus.createInProgress], limit: 1
            )
        )
        if let busy = training.first {
            throw ServiceError(
                .resourceInUse, "Cannot delete solution \(record.arn) while the solution version \(busy.arn) is training."
            )
        }
        try await resources.beginDelete(record, context: context)
    }

    static var supportedRecipeNames: String {
        RecipeCatalog.recipeEntries.filter(\.supported).map(\.name).joined(separator: ", ")
    }
}

/// A `rate(N days)` / `rate(N hours)` training schedule, as `autoTrainingConfig.schedulingExpression` gives it.
package struct TrainingSchedule: Sendable, Equatable {
    /// The interval between automatic trainings, in seconds.
    package var interval: Double

    package init(expression: String) throws {
        let trimmed = String(expression.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
        guard trimmed.hasPrefix("rate("), trimmed.hasSuffix(")") else {
            throw Self.invalid(expression)
        }
        let inner = trimmed.dropFirst(5).dropLast().split(separator: " ")
        guard inner.count == 2, let count = Int(inner[0]), count >= 1 else { throw Self.invalid(expression) }
        switch inner[1] {
        case "day", "days": interval = Double(count) * 86_400
        case "hour", "hours": interval = Double(count) * 3_600
        default: throw Self.invalid(expression)
        }
        guard interval >= 86_400, interval <= 30 * 86_400 else {
            throw ServiceError(
                .invalidInput, "The schedulingExpression \(expression) must be between rate(1 day) and rate(30 days)."
            )
        }
    }

    static func invalid(_ expression: String) -> ServiceError {
        ServiceError(
            .invalidInput,
            "The schedulingExpression \(expression) is not valid: use rate(N days), with N from 1 to 30."
        )
    }
}
