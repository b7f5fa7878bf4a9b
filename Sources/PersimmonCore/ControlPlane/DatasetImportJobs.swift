import PersimmonAPIModel

extension ControlPlaneService {
    package func createDatasetImportJob(_ input: CreateDatasetImportJobRequest, context: OperationContext) async throws
        -> CreateDatasetImportJobResponse
    {
        try ResourceManager.checkTagLimit(input.tags)
        let dataset = try await resources.require(input.datasetArn, kind: .dataset, context: context)
        guard dataset.status == LifecycleStatus.active else {
            throw ServiceError(
                .resourceInUse, "The dataset \(dataset.arn) is \(dataset.status ?? "unavailable"); it must be ACTIVE to import into."
            )
        }
        guard let location = input.dataSource.dataLocation, !location.isEmpty else {
            throw ServiceError(.invalidInput, "dataSource.dataLocation is required.")
        }
        try locations.checkReadable(location)
        let running = try await resources.store.list(
            account: context.account,
            ResourceQuery(
                kind: .datasetImportJob, parentARN: dataset.arn,
                statuses: [LifecycleStatus.createPending, LifecycleStatus.createInProgress], limit: 1
            )
        )
        if let busy = running.first {
            throw ServiceError(
                .resourceInUse, "The dataset \(dataset.arn) already has an import job in progress: \(busy.arn)."
            )
        }
        let arn = ResourceARN.make(.datasetImportJob, input.jobName, in: context)
        let job = DatasetImportJob(
            jobName: input.jobName, datasetImportJobArn: arn, datasetArn: dataset.arn,
            dataSource: DataSource(dataLocation: location), roleArn: input.roleArn,
            status: LifecycleStatus.createPending, creationDateTime: context.now, lastUpdatedDateTime: context.now,
            importMode: input.importMode ?? "FULL",
            publishAttributionMetricsToS3: input.publishAttributionMetricsToS3 ?? false
        )
        try await resources.create(
            kind: .datasetImportJob, name: input.jobName, arn: arn, parentARN: dataset.arn, document: job,
            tags: input.tags, context: context, jobKind: DataJobKind.datasetImport
        )
        return CreateDatasetImportJobResponse(datasetImportJobArn: arn)
    }

    package func describeDatasetImportJob(_ input: DescribeDatasetImportJobRequest, context: OperationContext)
        async throws -> DescribeDatasetImportJobResponse
    {
        DescribeDatasetImportJobResponse(
            datasetImportJob: try await resources.describe(
                DatasetImportJob.self, arn: input.datasetImportJobArn, kind: .datasetImportJob, context: context
            )
        )
    }

    package func listDatasetImportJobs(_ input: ListDatasetImportJobsRequest, context: OperationContext) async throws
        -> ListDatasetImportJobsResponse
    {
        let page = try await resources.listSummaries(
            DatasetImportJobSummary.self, kind: .datasetImportJob, under: input.datasetArn.map { ($0, .dataset) },
            maxResults: input.maxResults, nextToken: input.nextToken, context: context
        )
        return ListDatasetImportJobsResponse(datasetImportJobs: page.summaries, nextToken: page.nextToken)
    }
}
