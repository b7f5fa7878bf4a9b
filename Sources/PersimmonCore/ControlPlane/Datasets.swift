import PersimmonAPIModel
import PersimmonCatalog

extension ControlPlaneService {
    package func createDataset(_ input: CreateDatasetRequest, context: OperationContext) async throws
        -> CreateDatasetResponse
    {
        try ResourceManager.checkTagLimit(input.tags)
        let groupRecord = try await resources.require(input.datasetGroupArn, kind: .datasetGroup, context: context)
        guard let status = groupRecord.status, LifecycleStatus.live.contains(status) else {
            throw ServiceError(
                .resourceInUse, "The dataset group \(groupRecord.arn) is \(groupRecord.status ?? "unavailable")."
            )
        }
        let group = try ResourceManager.decode(DatasetGroup.self, from: groupRecord)
        let schema = try await resources.require(input.schemaArn, kind: .schema, context: context)
        try checkSchema(schema, fits: input.datasetType, groupDomain: group.domain)
        guard let kind = DatasetKind(datasetType: input.datasetType) else {
            throw ServiceError(.invalidInput, "Invalid datasetType \(input.datasetType).")
        }
        let arn = ResourceARN.make(.dataset, "\(groupRecord.name)/\(kind.arnSuffix)", in: context)
        let dataset = Dataset(
            name: input.name, datasetArn: arn, datasetGroupArn: groupRecord.arn, datasetType: kind.wireName,
            schemaArn: schema.arn, status: LifecycleStatus.createPending, creationDateTime: context.now,
            lastUpdatedDateTime: context.now
        )
        do {
            try await resources.create(
                kind: .dataset, name: input.name, arn: arn, parentARN: groupRecord.arn, document: dataset,
                tags: input.tags, context: context
            )
        } catch let error as ServiceError where error.code == .resourceAlreadyExists {
            throw ServiceError(
                .resourceAlreadyExists,
                "The dataset group \(groupRecord.arn) already has a \(kind.wireName) dataset: \(arn)"
            )
        }
        return CreateDatasetResponse(datasetArn: arn)
    }

    package func describeDataset(_ input: DescribeDatasetRequest, context: OperationContext) async throws
        -> DescribeDatasetResponse
    {
        DescribeDatasetResponse(
            dataset: try await resources.describe(Dataset.self, arn: input.datasetArn, kind: .dataset, context: context)
        )
    }

    package func listDatasets(_ input: ListDatasetsRequest, context: OperationContext) async throws
        -> ListDatasetsResponse
    {
        let page = try await resources.listSummaries(
            DatasetSummary.self, kind: .dataset, under: input.datasetGroupArn.map { ($0, .datasetGroup) },
            maxResults: input.maxResults, nextToken: input.nextToken, context: context
        )
        return ListDatasetsResponse(datasets: page.summaries, nextToken: page.nextToken)
    }

    package func updateDataset(_ input: UpdateDatasetRequest, context: OperationContext) async throws
        -> UpdateDatasetResponse
    {
        let record = try await resources.require(input.datasetArn, kind: .dataset, context: context)
        guard record.status == LifecycleStatus.active else {
            throw ServiceError(
                .resourceInUse,
                "The dataset \(record.arn) is \(record.status ?? "unavailable"); it must be ACTIVE to update."
            )
        }
        var dataset = try ResourceManager.decode(Dataset.self, from: record)
        let schema = try await resources.require(input.schemaArn, kind: .schema, context: context)
        let groupRecord = try await resources.require(
            dataset.datasetGroupArn ?? "", kind: .datasetGroup, context: context)
        let group = try ResourceManager.decode(DatasetGroup.self, from: groupRecord)
        try checkSchema(schema, fits: dataset.datasetType ?? "", groupDomain: group.domain)
        dataset.schemaArn = schema.arn
        dataset.lastUpdatedDateTime = context.now
        dataset.latestDatasetUpdate = DatasetUpdateSummary(
            schemaArn: schema.arn, status: LifecycleStatus.active, creationDateTime: context.now,
            lastUpdatedDateTime: context.now
        )
        try await resources.replaceDocument(record, with: dataset, now: context.now)
        return UpdateDatasetResponse(datasetArn: record.arn)
    }

    package func deleteDataset(_ input: DeleteDatasetRequest, context: OperationContext) async throws {
        let record = try await resources.require(input.datasetArn, kind: .dataset, context: context)
        try await resources.beginDelete(record, context: context)
    }
}

extension DatasetKind {
    /// The dataset type as the API reports it.
    var wireName: String {
        switch self {
        case .interactions: "INTERACTIONS"
        case .items: "ITEMS"
        case .users: "USERS"
        case .actions: "ACTIONS"
        case .actionInteractions: "ACTION_INTERACTIONS"
        }
    }

    /// The last part of a dataset's ARN: `dataset/<group>/INTERACTIONS`.
    var arnSuffix: String { wireName }
}

/// What a dataset holds, for `persimmon admin dataset-stats` (the admin API's `DescribeDatasetStats`). Member
/// names follow the admin API's PascalCase style.
package struct DatasetStatsReport: Codable, Sendable, Equatable {
    package struct EventTypeCount: Codable, Sendable, Equatable {
        package var EventType: String
        package var Count: Int

        package init(EventType: String, Count: Int) {
            self.EventType = EventType
            self.Count = Count
        }
    }

    package var DatasetArn: String
    package var DatasetType: String
    /// Records as training sees them: events for interactions, distinct IDs (after the upsert) otherwise.
    package var Records: Int
    /// Rows stored, before the upsert of users, items and actions.
    package var StoredRecords: Int
    /// Stored rows from import jobs and from streamed calls (PutEvents, PutUsers, PutItems).
    package var BulkRecords: Int
    package var StreamedRecords: Int
    package var DistinctUsers: Int?
    package var DistinctItems: Int?
    package var DistinctActions: Int?
    package var UsersWithAtLeastTwoInteractions: Int?
    /// The smallest and largest `TIMESTAMP` (epoch seconds).
    package var MinTimestamp: Int64?
    package var MaxTimestamp: Int64?
    /// Events per `EVENT_TYPE`, most frequent first.
    package var EventTypes: [EventTypeCount]
    package var Segments: Int
    package var BytesOnDisk: Int
    /// The store's manifest generation: +1 per committed import, streamed batch, deletion or compaction.
    package var Generation: Int

    package init(
        DatasetArn: String, DatasetType: String, Records: Int, StoredRecords: Int, BulkRecords: Int,
        StreamedRecords: Int, DistinctUsers: Int?, DistinctItems: Int?, DistinctActions: Int?,
        UsersWithAtLeastTwoInteractions: Int?, MinTimestamp: Int64?, MaxTimestamp: Int64?,
        EventTypes: [EventTypeCount], Segments: Int, BytesOnDisk: Int, Generation: Int
    ) {
        self.DatasetArn = DatasetArn
        self.DatasetType = DatasetType
        self.Records = Records
        self.StoredRecords = StoredRecords
        self.BulkRecords = BulkRecords
        self.StreamedRecords = StreamedRecords
        self.DistinctUsers = DistinctUsers
        self.DistinctItems = DistinctItems
        self.DistinctActions = DistinctActions
        self.UsersWithAtLeastTwoInteractions = UsersWithAtLeastTwoInteractions
        self.MinTimestamp = MinTimestamp
        self.MaxTimestamp = MaxTimestamp
        self.EventTypes = EventTypes
        self.Segments = Segments
        self.BytesOnDisk = BytesOnDisk
        self.Generation = Generation
    }
}

/// Computes a dataset's statistics from its stored data (the server wires the dataset store in).
package protocol DatasetStatsSource: Sendable {
    /// - Throws: `ResourceNotFoundException` when no such dataset exists.
    func stats(datasetARN: String) async throws -> DatasetStatsReport
}
