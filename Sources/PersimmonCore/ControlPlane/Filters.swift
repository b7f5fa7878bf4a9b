import PersimmonAPIModel
import PersimmonCatalog
import PersimmonFilters

extension ControlPlaneService {
    /// At most this many filters per dataset group, as AWS's default quota.
    static let maxFiltersPerGroup = 10

    package func createFilter(_ input: CreateFilterRequest, context: OperationContext) async throws
        -> CreateFilterResponse
    {
        try ResourceManager.checkTagLimit(input.tags)
        let group = try await resources.require(input.datasetGroupArn, kind: .datasetGroup, context: context)
        guard let status = group.status, LifecycleStatus.live.contains(status) else {
            throw ServiceError(.resourceInUse, "The dataset group \(group.arn) is \(group.status ?? "unavailable").")
        }
        let expression: FilterExpression
        do {
            expression = try FilterExpression.parse(input.filterExpression)
            try expression.check(against: try await resources.filterSchemas(of: group.arn, context: context))
        } catch let error as FilterError {
            throw ServiceError(.invalidInput, error.message)
        }
        _ = expression
        let existing = try await resources.store.count(account: context.account, kind: .filter, parentARN: group.arn)
        guard existing < Self.maxFiltersPerGroup else {
            throw ServiceError(
                .limitExceeded, "The dataset group \(group.arn) already has \(existing) filters; the limit is \(Self.maxFiltersPerGroup)."
            )
        }
        let arn = ResourceARN.make(.filter, input.name, in: context)
        let filter = Filter(
            name: input.name, filterArn: arn, creationDateTime: context.now, lastUpdatedDateTime: context.now,
            datasetGroupArn: group.arn, filterExpression: input.filterExpression, status: LifecycleStatus.createPending
        )
        try await resources.create(
            kind: .filter, name: input.name, arn: arn, parentARN: group.arn, document: filter, tags: input.tags,
            context: context
        )
        return CreateFilterResponse(filterArn: arn)
    }

    package func describeFilter(_ input: DescribeFilterRequest, context: OperationContext) async throws
        -> DescribeFilterResponse
    {
        DescribeFilterResponse(
            filter: try await resources.describe(Filter.self, arn: input.filterArn, kind: .filter, context: context)
        )
    }

    package func listFilters(_ input: ListFiltersRequest, context: OperationContext) async throws -> ListFiltersResponse {
        let page = try await resources.listSummaries(
            FilterSummary.self, kind: .filter, under: input.datasetGroupArn.map { ($0, .datasetGroup) },
            maxResults: input.maxResults, nextToken: input.nextToken, context: context
        )
        return ListFiltersResponse(Filters: page.summaries, nextToken: page.nextToken)
    }

    package func deleteFilter(_ input: DeleteFilterRequest, context: OperationContext) async throws {
        let record = try await resources.require(input.filterArn, kind: .filter, context: context)
        try await resources.beginDelete(record, context: context)
        ServingLookups.invalidateAll()
    }
}

extension ResourceManager {
    /// The dataset group's schemas as the filter language sees them.
    package func filterSchemas(of groupARN: String, context: OperationContext) async throws -> FilterSchemas {
        try await filterSchemas(of: groupARN, account: context.account)
    }

    /// The dataset group's schemas as the filter language sees them, outside a request (batch jobs).
    package func filterSchemas(of groupARN: String, account: AccountID) async throws -> FilterSchemas {
        var schemas = FilterSchemas()
        let datasets = try await store.list(
            account: account, ResourceQuery(kind: .dataset, parentARN: groupARN, limit: 10)
        )
        for record in datasets {
            let dataset = try ResourceManager.decode(Dataset.self, from: record)
            guard let schemaARN = dataset.schemaArn,
                let schemaRecord = try await store.get(account: account, arn: schemaARN),
                let text = try ResourceManager.decode(PersimmonAPIModel.DatasetSchema.self, from: schemaRecord).schema,
                let parsed = try? SchemaValidator.parse(text, domain: nil)
            else { continue }
            var fields: [String: FilterFieldType] = [:]
            for field in parsed.fields {
                fields[field.name] = FilterFieldType(
                    avroType: field.type.rawValue, categorical: field.categorical, textual: field.textual
                )
            }
            switch dataset.datasetType {
            case "ITEMS": schemas.items = fields
            case "USERS": schemas.users = fields
            case "INTERACTIONS": schemas.interactions = fields
            default: continue
            }
        }
        return schemas
    }
}
