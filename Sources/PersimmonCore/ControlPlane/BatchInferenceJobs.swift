import PersimmonAPIModel
import PersimmonCatalog

/// Job kinds of the serving track.
package enum ServingJobKind {
    /// Runs a batch inference job (`BatchInferenceJobHandler`).
    package static let batchInference = "batch.inference"
}

extension ControlPlaneService {
    package func createBatchInferenceJob(_ input: CreateBatchInferenceJobRequest, context: OperationContext) async throws
        -> CreateBatchInferenceJobResponse
    {
        try ResourceManager.checkTagLimit(input.tags)
        if let mode = input.batchInferenceJobMode, mode != "BATCH_INFERENCE" {
            throw ServiceError(
                .invalidInput,
                "batchInferenceJobMode \(mode) is not supported by Persimmon: theme generation needs a language model; use BATCH_INFERENCE."
            )
        }
        let version = try await resources.requireActive(input.solutionVersionArn, kind: .solutionVersion, context: context)
        let solutionVersion = try ResourceManager.decode(SolutionVersion.self, from: version)
        let recipe = solutionVersion.recipeArn.flatMap(RecipeCatalog.entry(forArn:))
        if let recipe {
            guard [.user, .item, .ranking].contains(recipe.inputKind), !recipe.name.contains("trending-now") else {
                throw ServiceError(
                    .invalidInput,
                    "Batch inference is not supported for solution versions of the recipe \(recipe.name); use CreateBatchSegmentJob for user segmentation recipes."
                )
            }
        }
        if let count = input.numResults, !(1...500).contains(count) {
            throw ServiceError(.invalidInput, "numResults must be between 1 and 500; it was \(count).")
        }
        if let filterARN = input.filterArn {
            let filter = try await resources.requireActive(filterARN, kind: .filter, context: context)
            guard filter.parentARN == solutionVersion.datasetGroupArn else {
                throw ServiceError(
                    .invalidInput,
                    "The filter \(filter.arn) belongs to another dataset group than the solution version \(version.arn)."
                )
            }
        }
        let inputPath = input.jobInput.s3DataSource.path
        let outputPath = input.jobOutput.s3DataDestination.path
        guard !inputPath.hasSuffix("/") else {
            throw ServiceError(
                .invalidInput,
                "jobInput.s3DataSource.path must name one JSON Lines file, not a folder: \(inputPath)."
            )
        }
        try locations.checkReadable(inputPath)
        try locations.checkWritable(outputPath)
        let arn = ResourceARN.make(.batchInferenceJob, input.jobName, in: context)
        let job = BatchInferenceJob(
            jobName: input.jobName, batchInferenceJobArn: arn, filterArn: input.filterArn,
            solutionVersionArn: version.arn, numResults: input.numResults ?? 25, jobInput: input.jobInput,
            jobOutput: input.jobOutput, batchInferenceJobConfig: input.batchInferenceJobConfig, roleArn: input.roleArn,
            batchInferenceJobMode: input.batchInferenceJobMode ?? "BATCH_INFERENCE", status: LifecycleStatus.createPending,
            creationDateTime: context.now, lastUpdatedDateTime: context.now
        )
        try await resources.create(
            kind: .batchInferenceJob, name: input.jobName, arn: arn, parentARN: version.arn, document: job,
            tags: input.tags, context: context, jobKind: ServingJobKind.batchInference
        )
        return CreateBatchInferenceJobResponse(batchInferenceJobArn: arn)
    }

    package func describeBatchInferenceJob(_ input: DescribeBatchInferenceJobRequest, context: OperationContext)
        async throws -> DescribeBatchInferenceJobResponse
    {
        DescribeBatchInferenceJobResponse(
            batchInferenceJob: try await resources.describe(
                BatchInferenceJob.self, arn: input.batchInferenceJobArn, kind: .batchInferenceJob, context: context
            )
        )
    }

    package func listBatchInferenceJobs(_ input: ListBatchInferenceJobsRequest, context: OperationContext) async throws
        -> ListBatchInferenceJobsResponse
    {
        let page = try await resources.listSummaries(
            BatchInferenceJobSummary.self, kind: .batchInferenceJob,
            under: input.solutionVersionArn.map { ($0, .solutionVersion) }, maxResults: input.maxResults,
            nextToken: input.nextToken, context: context
        )
        return ListBatchInferenceJobsResponse(batchInferenceJobs: page.summaries, nextToken: page.nextToken)
    }
}
