import PersimmonAPIModel

/// The `ingestionMode` values of an export, and the default when it is omitted.
package enum ExportIngestionMode {
    package static let all: Set<String> = ["BULK", "PUT", "ALL"]
    package static let defaultMode = "PUT"
}

extension ControlPlaneService {
    package func createDatasetExportJob(_ input: CreateDatasetExportJobRequest, context: OperationContext) async throws
        -> CreateDatasetExportJobResponse
    {
        try ResourceManager.checkTagLimit(input.tags)
        let dataset = try await resources.require(input.datasetArn, kind: .dataset, context: context)
        guard dataset.status == LifecycleStatus.active else {
            throw ServiceError(
                .resourceInUse,
                "The dataset \(dataset.arn) is \(dataset.status ?? "unavailable"); it must be ACTIVE to export."
            )
        }
        let mode = input.ingestionMode ?? ExportIngestionMode.defaultMode
        guard ExportIngestionMode.all.contains(mode) else {
            throw ServiceError(.invalidInput, "Invalid ingestionMode \(mode): use BULK, PUT or ALL.")
        }
        let path = input.jobOutput.s3DataDestination.path
        guard !path.isEmpty else {
            throw ServiceError(.invalidInput, "jobOutput.s3DataDestination.path is required.")
        }
        try locations.checkWritable(path)
        let arn = ResourceARN.make(.datasetExportJob, input.jobName, in: context)
        let job = DatasetExportJob(
            jobName: input.jobName, datasetExportJobArn: arn, datasetArn: dataset.arn, ingestionMode: mode,
            roleArn: input.roleArn, status: LifecycleStatus.createPending, jobOutput: input.jobOutput,
            creationDateTime: context.now, lastUpdatedDateTime: context.now
        )
        try await resources.create(
            kind: .datasetExportJob, name: input.jobName, arn: arn, parentARN: dataset.arn, document: job,
            tags: input.tags, context: context, jobKind: DataJobKind.datasetExport
        )
        return CreateDatasetExportJobResponse(datasetExportJobArn: arn)
    }

    package func describeDatasetExportJob(_ input: DescribeDatasetExportJobRequest, context: OperationContext)
        async throws -> DescribeDatasetExportJobResponse
    {
        DescribeDatasetExportJobResponse(
            datasetExportJob: try await resources.describe(
                DatasetExportJob.self, arn: input.datasetExportJobArn, kind: .datasetExportJob, context: context
            )
        )
    }

    package func listDatasetExportJobs(_ input: ListDatasetExportJobsRequest, context: OperationContext) async throws
        -> ListDatasetExportJobsResponse
    {
        let page = try await resources.listSummaries(
            DatasetExportJobSummary.self, kind: .datasetExportJob, under: input.datasetArn.map { ($0, .dataset) },
            maxResults: input.maxResults, nextToken: input.nextToken, context: context
        )
        return ListDatasetExportJobsResponse(datasetExportJobs: page.summaries, nextToken: page.nextToken)
    }
}
