import PersimmonAPIModel

extension ControlPlaneService {
    /// Resource kinds that must be gone before their dataset group can be deleted.
    static let datasetGroupChildren: [ResourceKind] = [
        .dataset, .solution, .eventTracker, .filter, .recommender, .metricAttribution,
    ]

    package func createDatasetGroup(_ input: CreateDatasetGroupRequest, context: OperationContext) async throws
        -> CreateDatasetGroupResponse
    {
        try ResourceManager.checkTagLimit(input.tags)
        let arn = ResourceARN.make(.datasetGroup, input.name, in: context)
        let group = DatasetGroup(
            name: input.name, datasetGroupArn: arn, status: LifecycleStatus.createPending, roleArn: input.roleArn,
            kmsKeyArn: input.kmsKeyArn, creationDateTime: context.now, lastUpdatedDateTime: context.now,
            domain: input.domain
        )
        try await resources.create(
            kind: .datasetGroup, name: input.name, arn: arn, parentARN: nil, document: group, tags: input.tags,
            context: context
        )
        return CreateDatasetGroupResponse(datasetGroupArn: arn, domain: input.domain)
    }

    package func describeDatasetGroup(_ input: DescribeDatasetGroupRequest, context: OperationContext) async throws
        -> DescribeDatasetGroupResponse
    {
        DescribeDatasetGroupResponse(
            datasetGroup: try await resources.describe(
                DatasetGroup.self, arn: input.datasetGroupArn, kind: .datasetGroup, context: context
            )
        )
    }

    package func listDatasetGroups(_ input: ListDatasetGroupsRequest, context: OperationContext) async throws
        -> ListDatasetGroupsResponse
    {
        let page = try await resources.listSummaries(
            DatasetGroupSummary.self, kind: .datasetGroup, under: nil, maxResults: input.maxResults, nextToken: input.nextToken,
            context: context
        )
        return ListDatasetGroupsResponse(datasetGroups: page.summaries, nextToken: page.nextToken)
    }

    package func deleteDatasetGroup(_ input: DeleteDatasetGroupRequest, context: OperationContext) async throws {
        let group = try await resources.require(input.datasetGroupArn, kind: .datasetGroup, context: context)
        for kind in Self.datasetGroupChildren {
            let count = try await resources.store.count(account: context.account, kind: kind, parentARN: group.arn)
            if count > 0 {
                throw ServiceError(
                    .resourceInUse,
                    "Cannot delete dataset group \(group.arn) because it still has \(count) \(kind.displayName)(s). Delete them first."
                )
            }
        }
        try await resources.beginDelete(group, context: context)
    }
}
