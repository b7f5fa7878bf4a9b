import PersimmonAPIModel
import PersimmonCatalog

extension ControlPlaneService {
    package func createSchema(_ input: CreateSchemaRequest, context: OperationContext) async throws
        -> CreateSchemaResponse
    {
        do {
            _ = try SchemaValidator.parse(input.schema, domain: input.domain)
        } catch {
            throw ServiceError(.invalidInput, error.message)
        }
        let arn = ResourceARN.make(.schema, input.name, in: context)
        let schema = PersimmonAPIModel.DatasetSchema(
            name: input.name, schemaArn: arn, schema: input.schema, creationDateTime: context.now,
            lastUpdatedDateTime: context.now, domain: input.domain
        )
        try await resources.create(
            kind: .schema, name: input.name, arn: arn, parentARN: nil, document: schema, tags: nil, context: context,
            hasLifecycle: false
        )
        return CreateSchemaResponse(schemaArn: arn)
    }

    package func describeSchema(_ input: DescribeSchemaRequest, context: OperationContext) async throws
        -> DescribeSchemaResponse
    {
        DescribeSchemaResponse(
            schema: try await resources.describe(
                PersimmonAPIModel.DatasetSchema.self, arn: input.schemaArn, kind: .schema, context: context
            )
        )
    }

    package func listSchemas(_ input: ListSchemasRequest, context: OperationContext) async throws -> ListSchemasResponse
    {
        let page = try await resources.listSummaries(
            DatasetSchemaSummary.self, kind: .schema, under: nil, maxResults: input.maxResults, nextToken: input.nextToken,
            context: context
        )
        return ListSchemasResponse(schemas: page.summaries, nextToken: page.nextToken)
    }

    package func deleteSchema(_ input: DeleteSchemaRequest, context: OperationContext) async throws {
        let schema = try await resources.require(input.schemaArn, kind: .schema, context: context)
        if let user = try await datasets(usingSchema: schema.arn, context: context).first {
            throw ServiceError(
                .resourceInUse, "Cannot delete schema \(schema.arn) because the dataset \(user) uses it."
            )
        }
        try await resources.store.delete(account: context.account, arn: schema.arn)
    }

    /// ARNs of the account's datasets whose current schema is `schemaARN`.
    func datasets(usingSchema schemaARN: String, context: OperationContext) async throws -> [String] {
        var users: [String] = []
        var cursor: ListCursor?
        repeat {
            let rows = try await resources.store.list(
                account: context.account, ResourceQuery(kind: .dataset, after: cursor, limit: 500)
            )
            for row in rows where try ResourceManager.decode(Dataset.self, from: row).schemaArn == schemaARN {
                users.append(row.arn)
            }
            cursor = rows.count == 500 ? rows.last.map { ListCursor(createdAt: $0.createdAt, arn: $0.arn) } : nil
        } while cursor != nil
        return users
    }

    /// Parses a stored schema and checks that it fits a dataset type; a misfit is `InvalidInputException`.
    func checkSchema(_ schema: ResourceRecord, fits datasetType: String, groupDomain: String?) throws {
        let stored = try ResourceManager.decode(PersimmonAPIModel.DatasetSchema.self, from: schema)
        guard let kind = DatasetKind(datasetType: datasetType) else {
            throw ServiceError(
                .invalidInput,
                "Invalid datasetType \(datasetType). Valid values: Interactions, Items, Users, Actions, Action_Interactions."
            )
        }
        if let groupDomain, stored.domain != groupDomain {
            throw ServiceError(
                .invalidInput,
                "The schema \(schema.arn) is not a \(groupDomain) domain schema, but the dataset group is in the \(groupDomain) domain."
            )
        }
        if groupDomain == nil, let domain = stored.domain {
            throw ServiceError(
                .invalidInput,
                "The schema \(schema.arn) is a \(domain) domain schema; it can only be used in a \(domain) dataset group."
            )
        }
        do {
            let parsed = try SchemaValidator.parse(stored.schema ?? "", domain: stored.domain)
            try SchemaValidator.validate(parsed, for: kind, domain: groupDomain)
        } catch {
            throw ServiceError(.invalidInput, error.message)
        }
    }
}
