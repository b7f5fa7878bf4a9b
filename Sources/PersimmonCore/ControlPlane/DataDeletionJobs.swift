import PersimmonAPIModel

/// The statuses of a data deletion job, which differ from the other jobs' (`PENDING` > `IN_PROGRESS` >
/// `COMPLETED` or `FAILED`).
package enum DataDeletionStatus {
    package static let pending = "PENDING"
    package static let inProgress = "IN_PROGRESS"
    package static let completed = "COMPLETED"
    package static let failed = "FAILED"
}

extension ControlPlaneService {
    package func createDataDeletionJob(_ input: CreateDataDeletionJobRequest, context: OperationContext) async throws
        -> CreateDataDeletionJobResponse
    {
        try ResourceManager.checkTagLimit(input.tags)
        let group = try await resources.require(input.datasetGroupArn, kind: .datasetGroup, context: context)
        guard group.status == LifecycleStatus.active else {
            throw ServiceError(
                .resourceInUse, "The dataset group \(group.arn) is \(group.status ?? "unavailable"); it must be ACTIVE."
            )
        }
        guard let location = input.dataSource.dataLocation, !location.isEmpty else {
            throw ServiceError(.invalidInput, "dataSource.dataLocation is required.")
        }
        try locations.checkReadable(location)
        let arn = ResourceARN.make(.dataDeletionJob, input.jobName, in: context)
        let job = DataDeletionJob(
            jobName: input.jobName, dataDeletionJobArn: arn, datasetGroupArn: group.arn,
            dataSource: DataSource(dataLocation: location), roleArn: input.roleArn, status: DataDeletionStatus.pending,
            creationDateTime: context.now, lastUpdatedDateTime: context.now
        )
        try await resources.create(
            kind: .dataDeletionJob, name: input.jobName, arn: arn, parentARN: group.arn, document: job,
            tags: input.tags, context: context, jobKind: DataJobKind.dataDeletion
        )
        return CreateDataDeletionJobResponse(dataDeletionJobArn: arn)
    }

    package func describeDataDeletionJob(_ input: DescribeDataDeletionJobRequest, context: OperationContext)
        async throws -> DescribeDataDeletionJobResponse
    {
        DescribeDataDeletionJobResponse(
            dataDeletionJob: try await resources.describe(
                DataDeletionJob.self, arn: input.dataDeletionJobArn, kind: .dataDeletionJob, context: context
            )
        )
    }

    package func listDataDeletionJobs(_ input: ListDataDeletionJobsRequest, context: OperationContext) async throws
        -> ListDataDeletionJobsResponse
    {
        let page = try await resources.listSummaries(
            DataDeletionJobSummary.self, kind: .dataDeletionJob,
            under: input.datasetGroupArn.map { ($0, .datasetGroup) },
            maxResults: input.maxResults, nextToken: input.nextToken, context: context
        )
        return ListDataDeletionJobsResponse(dataDeletionJobs: page.summaries, nextToken: page.nextToken)
    }
}
