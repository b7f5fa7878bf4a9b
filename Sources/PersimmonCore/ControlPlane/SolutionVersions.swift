import PersimmonAPIModel

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Job kinds of the training worker.
package enum TrainingJobKind {
    package static let train = "solution.train"
}

/// The part of a stored solution version document that is not in the wire shape: its offline metrics.
package struct StoredMetrics: Codable, Sendable {
    package var metrics: [String: Double]?
}

extension ControlPlaneService {
    package func createSolutionVersion(_ input: CreateSolutionVersionRequest, context: OperationContext) async throws
        -> CreateSolutionVersionResponse
    {
        try ResourceManager.checkTagLimit(input.tags)
        let record = try await resources.require(input.solutionArn, kind: .solution, context: context)
        guard record.status == LifecycleStatus.active else {
            throw ServiceError(
                .resourceInUse,
                "The solution \(record.arn) is \(record.status ?? "unavailable"); it must be ACTIVE to train."
            )
        }
        let arn = try await resources.startTraining(
            solution: record, name: input.name, mode: input.trainingMode ?? "FULL", type: "MANUAL", tags: input.tags,
            context: context
        )
        return CreateSolutionVersionResponse(solutionVersionArn: arn)
    }

    package func describeSolutionVersion(_ input: DescribeSolutionVersionRequest, context: OperationContext)
        async throws -> DescribeSolutionVersionResponse
    {
        DescribeSolutionVersionResponse(
            solutionVersion: try await resources.describe(
                SolutionVersion.self, arn: input.solutionVersionArn, kind: .solutionVersion, context: context
            )
        )
    }

    package func listSolutionVersions(_ input: ListSolutionVersionsRequest, context: OperationContext) async throws
        -> ListSolutionVersionsResponse
    {
        let page = try await resources.listSummaries(
            SolutionVersionSummary.self, kind: .solutionVersion, under: input.solutionArn.map { ($0, .solution) },
            maxResults: input.maxResults, nextToken: input.nextToken, context: context
        )
        return ListSolutionVersionsResponse(solutionVersions: page.summaries, nextToken: page.nextToken)
    }

    package func stopSolutionVersionCreation(_ input: StopSolutionVersionCreationRequest, context: OperationContext)
        async throws
    {
        let record = try await resources.require(input.solutionVersionArn, kind: .solutionVersion, context: context)
        guard record.status == LifecycleStatus.createPending || record.status == LifecycleStatus.createInProgress else {
            throw ServiceError(
                .resourceInUse,
                "The solution version \(record.arn) is \(record.status ?? "unavailable"); only a version being created can be stopped."
            )
        }
        guard try await resources.setStatus(record, to: "CREATE STOPPING", now: context.now) != nil else {
            throw ServiceError(.resourceInUse, "The solution version \(record.arn) changed meanwhile; try again.")
        }
    }

    package func getSolutionMetrics(_ input: GetSolutionMetricsRequest, context: OperationContext) async throws
        -> GetSolutionMetricsResponse
    {
        let record = try await resources.require(input.solutionVersionArn, kind: .solutionVersion, context: context)
        guard record.status == LifecycleStatus.active else {
            throw ServiceError(
                .resourceInUse,
                "The solution version \(record.arn) is \(record.status ?? "unavailable"); metrics exist once it is ACTIVE."
            )
        }
        let stored = try ResourceManager.decode(StoredMetrics.self, from: record)
        return GetSolutionMetricsResponse(solutionVersionArn: record.arn, metrics: stored.metrics ?? [:])
    }

    /// An 8-character lower-case hexadecimal version id, as AWS's solution version ARNs end with.
    static func versionID() -> String {
        var rng = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef")
        return String((0..<8).map { _ in hex[Int.random(in: 0..<16, using: &rng)] })
    }
}

extension ResourceManager {
    /// Creates a version of the ACTIVE solution `record` and queues its training job: the path of both
    /// `CreateSolutionVersion` (`trainingType` MANUAL) and the automatic-training scheduler (AUTOMATIC).
    ///
    /// Refuses with `ResourceInUseException` while another version of the solution is being created, and with
    /// `InvalidInputException` an UPDATE without an ACTIVE version to update. Returns the new version's ARN.
    package func startTraining(
        solution record: ResourceRecord, name: String?, mode: String, type: String, tags: [Tag]?,
        context: OperationContext
    ) async throws -> String {
        let solution = try ResourceManager.decode(Solution.self, from: record)
        let busy = try await store.list(
            account: context.account,
            ResourceQuery(
                kind: .solutionVersion, parentARN: record.arn,
                statuses: [LifecycleStatus.createPending, LifecycleStatus.createInProgress, "CREATE STOPPING"],
                limit: 1
            )
        )
        if let running = busy.first {
            throw ServiceError(.resourceInUse, "The solution version \(running.arn) is still being created.")
        }
        if mode == "UPDATE" {
            // As on AWS: an incremental update exists for user-personalization models only.
            guard solution.recipeArn?.hasSuffix("recipe/aws-user-personalization") == true else {
                throw ServiceError(
                    .invalidInput,
                    "trainingMode UPDATE is only supported for solutions that use the aws-user-personalization recipe; "
                        + "\(solution.recipeArn ?? "this solution's recipe") trains with trainingMode FULL."
                )
            }
            let active = try await store.list(
                account: context.account,
                ResourceQuery(kind: .solutionVersion, parentARN: record.arn, statuses: [LifecycleStatus.active], limit: 1)
            )
            guard !active.isEmpty else {
                throw ServiceError(
                    .invalidInput, "trainingMode UPDATE needs an ACTIVE solution version of \(record.arn) to update."
                )
            }
        }
        let versionID = ControlPlaneService.versionID()
        let arn = "\(record.arn)/\(versionID)"
        let version = SolutionVersion(
            name: name, solutionVersionArn: arn, solutionArn: record.arn, performHPO: solution.performHPO,
            performAutoML: false, performIncrementalUpdate: solution.performIncrementalUpdate,
            recipeArn: solution.recipeArn, eventType: solution.eventType, datasetGroupArn: solution.datasetGroupArn,
            solutionConfig: solution.solutionConfig, trainingMode: mode, status: LifecycleStatus.createPending,
            creationDateTime: context.now, lastUpdatedDateTime: context.now, trainingType: type
        )
        try await create(
            kind: .solutionVersion, name: versionID, arn: arn, parentARN: record.arn, document: version,
            tags: tags, context: context, jobKind: TrainingJobKind.train
        )
        return arn
    }
}
