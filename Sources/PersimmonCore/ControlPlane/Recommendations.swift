import PersimmonAPIModel
import PersimmonCatalog
import PersimmonFilters

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension RuntimeService {
    package func getRecommendations(_ input: GetRecommendationsRequest, context: OperationContext) async throws
        -> GetRecommendationsResponse
    {
        try await retryingStaleLookups { try await recommendations(input, context: context) }
    }

    package func getPersonalizedRanking(_ input: GetPersonalizedRankingRequest, context: OperationContext)
        async throws -> GetPersonalizedRankingResponse
    {
        try await retryingStaleLookups { try await ranking(input, context: context) }
    }

    /// Runs a request; if it fails as invalid input, runs it once more without cached lookups, since a dataset or
    /// field created a moment ago may be missing from a cached schema.
    private func retryingStaleLookups<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ServiceError where error.code == .invalidInput {
            guard lookups.forgetAll() else { throw error }
            return try await body()
        }
    }

    private func recommendations(_ input: GetRecommendationsRequest, context: OperationContext) async throws
        -> GetRecommendationsResponse
    {
        guard input.recommenderArn == nil else {
            throw ServiceError.unsupported("GetRecommendations with a recommenderArn (domain recommenders)")
        }
        guard let campaignARN = input.campaignArn else {
            throw ServiceError(.invalidInput, "campaignArn is required.")
        }
        try Self.checkContext(input.context)
        let served = try await campaignQuery(campaignARN, userID: input.userId, itemID: input.itemId, context: context)
        var query = served.query
        let recipe = served.recipe
        let columns = try await metadataColumns(input.metadataColumns, campaign: served.campaign, query: query, context: context)
        query.metadataColumns = columns.map(\.schemaName)
        if let filterARN = input.filterArn {
            query.filter = try await queryFilter(filterARN, values: input.filterValues ?? [:], query: query, context: context)
        }
        let count = input.numResults ?? 25
        let limit = columns.isEmpty ? 500 : 50
        guard (1...limit).contains(count) else {
            throw ServiceError(
                .invalidInput,
                columns.isEmpty
                    ? "numResults must be between 1 and 500; it was \(count)."
                    : "numResults must be between 1 and 50 when metadataColumns are requested; it was \(count)."
            )
        }
        if recipe?.inputKind == .item {
            guard input.itemId != nil else {
                throw ServiceError(.invalidInput, "This campaign's recipe recommends related items: itemId is required.")
            }
        } else if recipe?.inputKind == .ranking {
            throw ServiceError(
                .invalidInput, "This campaign's recipe ranks given items: use GetPersonalizedRanking instead."
            )
        } else if input.userId == nil {
            throw ServiceError(.invalidInput, "This campaign's recipe recommends for users: userId is required.")
        }
        let promotions = input.promotions ?? []
        guard promotions.count <= 1 else {
            throw ServiceError(.invalidInput, "At most 1 promotion may be given; \(promotions.count) were.")
        }
        var items: [Recommendation]
        if let promotion = promotions.first {
            items = try await promoted(promotion, query: query, count: count, context: context)
        } else {
            var sized = query
            sized.count = count
            items = try await engine.recommend(sized, account: context.account)
        }
        return GetRecommendationsResponse(
            itemList: items.map { Self.predicted($0, columns: columns) },
            recommendationId: Self.recommendationID()
        )
    }

    private func ranking(_ input: GetPersonalizedRankingRequest, context: OperationContext)
        async throws -> GetPersonalizedRankingResponse
    {
        try Self.checkContext(input.context)
        let served = try await campaignQuery(input.campaignArn, userID: input.userId, itemID: nil, context: context)
        var query = served.query
        let columns = try await metadataColumns(input.metadataColumns, campaign: served.campaign, query: query, context: context)
        query.metadataColumns = columns.map(\.schemaName)
        if let filterARN = input.filterArn {
            query.filter = try await queryFilter(filterARN, values: input.filterValues ?? [:], query: query, context: context)
        }
        guard served.recipe?.inputKind == .ranking || served.recipe?.inputKind == .user else {
            throw ServiceError(
                .invalidInput, "This campaign's recipe cannot rank items for a user; use a personalized-ranking campaign."
            )
        }
        let limit = columns.isEmpty ? 500 : 50
        guard input.inputList.count <= limit else {
            throw ServiceError(
                .invalidInput, "inputList may hold at most \(limit) items; it held \(input.inputList.count)."
            )
        }
        let ranked = try await engine.rank(input.inputList, for: query, account: context.account)
        return GetPersonalizedRankingResponse(
            personalizedRanking: ranked.map { Self.predicted($0, columns: columns) },
            recommendationId: Self.recommendationID()
        )
    }

    // MARK: Promotions

    /// A list of `count` items of which a share comes from the promotion's filter: those carry the promotion's
    /// name, keep their order relative to each other and sit at random positions among the others. The request's
    /// own filter applies only to the items that are not promoted.
    private func promoted(_ promotion: Promotion, query: RecommendationQuery, count: Int, context: OperationContext)
        async throws -> [Recommendation]
    {
        guard let name = promotion.name, !name.isEmpty else {
            throw ServiceError(.invalidInput, "promotions[0].name is required.")
        }
        guard let percent = promotion.percentPromotedItems, (1...100).contains(percent) else {
            throw ServiceError(.invalidInput, "promotions[0].percentPromotedItems must be between 1 and 100.")
        }
        guard let filterARN = promotion.filterArn else {
            throw ServiceError(.invalidInput, "promotions[0].filterArn is required.")
        }
        var promotionQuery = query
        promotionQuery.filter = try await queryFilter(
            filterARN, values: promotion.filterValues ?? [:], query: query, context: context
        )
        promotionQuery.count = Self.promotedCount(of: count, percent: percent)
        let promotedItems = try await engine.recommend(promotionQuery, account: context.account).map {
            var item = $0
            item.promotionName = name
            return item
        }
        var rest = query
        rest.count = count - promotedItems.count
        rest.excludedItems.formUnion(promotedItems.map(\.itemID))
        let others = rest.count > 0 ? try await engine.recommend(rest, account: context.account) : []
        var generator = SystemRandomNumberGenerator()
        return Self.interleave(promoted: promotedItems, others: others, using: &generator)
    }

    /// How many of `count` items a promotion of `percent` % fills: the share rounded to the nearest item, at least
    /// one.
    static func promotedCount(of count: Int, percent: Int) -> Int {
        min(count, max(1, (count * percent + 50) / 100))
    }

    /// Places `promoted` at random positions among `others`, each list keeping its own order.
    static func interleave<G: RandomNumberGenerator>(
        promoted: [Recommendation], others: [Recommendation], using generator: inout G
    ) -> [Recommendation] {
        let total = promoted.count + others.count
        var slots = Array(0..<total)
        slots.shuffle(using: &generator)
        let promotedSlots = Set(slots.prefix(promoted.count))
        var result: [Recommendation] = []
        result.reserveCapacity(total)
        var nextPromoted = 0
        var nextOther = 0
        for slot in 0..<total {
            if promotedSlots.contains(slot) {
                result.append(promoted[nextPromoted])
                nextPromoted += 1
            } else {
                result.append(others[nextOther])
                nextOther += 1
            }
        }
        return result
    }

    // MARK: Metadata and context

    /// One requested metadata column: as the request names it, and as the Items schema spells it.
    struct MetadataColumn: Sendable {
        var requested: String
        var schemaName: String
    }

    /// Checks `metadataColumns` as AWS does: only with a campaign that enables metadata, only the `ITEMS` key, at
    /// most 10 columns, each a field of the dataset group's Items schema.
    private func metadataColumns(
        _ requested: [String: [String]]?, campaign: Campaign, query: RecommendationQuery, context: OperationContext
    ) async throws -> [MetadataColumn] {
        guard let requested, !requested.isEmpty else { return [] }
        guard campaign.campaignConfig?.enableMetadataWithRecommendations == true else {
            throw ServiceError(
                .invalidInput,
                "metadataColumns can only be used with a campaign created or updated with campaignConfig.enableMetadataWithRecommendations set to true."
            )
        }
        for key in requested.keys where key != "ITEMS" {
            throw ServiceError(.invalidInput, "metadataColumns accepts only the key ITEMS; \(key) is not a dataset type that can return metadata.")
        }
        let names = requested["ITEMS"] ?? []
        guard !names.isEmpty else { return [] }
        guard names.count <= 10 else {
            throw ServiceError(.invalidInput, "metadataColumns.ITEMS may name at most 10 columns; it named \(names.count).")
        }
        let schemas = try await groupSchemas(query.datasetGroupARN, context: context)
        guard let fields = schemas.items else {
            throw ServiceError(
                .invalidInput, "metadataColumns needs an Items dataset in the dataset group \(query.datasetGroupARN)."
            )
        }
        var columns: [MetadataColumn] = []
        for name in names {
            guard let field = fields.keys.first(where: { $0.uppercased() == name.uppercased() }) else {
                throw ServiceError(
                    .invalidInput,
                    "The column \(name) in metadataColumns.ITEMS is not a field of the Items schema (fields: \(fields.keys.sorted().joined(separator: ", ")))."
                )
            }
            if !columns.contains(where: { $0.schemaName == field }) {
                columns.append(MetadataColumn(requested: name, schemaName: field))
            }
        }
        return columns
    }

    /// `context` as AWS takes it: at most 150 entries, keys of 1–150 characters, values of at most 1,000. The
    /// models Persimmon trains do not use contextual metadata, so a valid context is accepted and does not change
    /// the result.
    static func checkContext(_ context: [String: String]?) throws {
        guard let context else { return }
        guard context.count <= 150 else {
            throw ServiceError(.invalidInput, "context may hold at most 150 entries; it held \(context.count).")
        }
        for (key, value) in context {
            guard (1...150).contains(key.count) else {
                throw ServiceError(.invalidInput, "context keys must be 1 to 150 characters long; \"\(key.prefix(40))\" is not.")
            }
            guard value.count <= 1000 else {
                throw ServiceError(.invalidInput, "The context value of \(key) is longer than 1000 characters.")
            }
        }
    }

    static func predicted(_ item: Recommendation, columns: [MetadataColumn]) -> PredictedItem {
        var metadata: [String: String]?
        if let values = item.metadata {
            var renamed: [String: String] = [:]
            for column in columns {
                if let value = values[column.schemaName] { renamed[column.requested] = value }
            }
            metadata = renamed
        }
        return PredictedItem(itemId: item.itemID, score: item.score, promotionName: item.promotionName, metadata: metadata)
    }

    // MARK: Campaign and filter lookups

    struct ServedCampaign: Sendable {
        var query: RecommendationQuery
        var recipe: RecipeEntry?
        var campaign: Campaign
    }

    /// The query a campaign answers: its current solution version, the version's dataset group, exploration.
    private func campaignQuery(_ campaignARN: String, userID: String?, itemID: String?, context: OperationContext)
        async throws -> ServedCampaign
    {
        var served = try await lookups.value("campaign|\(context.account.rawValue)|\(campaignARN)") {
            try await loadCampaign(campaignARN, context: context)
        }
        served.query.userID = userID
        served.query.itemID = itemID
        return served
    }

    private func loadCampaign(_ campaignARN: String, context: OperationContext) async throws -> ServedCampaign {
        let record = try await resources.require(campaignARN, kind: .campaign, context: context)
        guard record.status == LifecycleStatus.active else {
            throw ServiceError(
                .resourceNotFound,
                "The campaign \(record.arn) is \(record.status ?? "unavailable"); it answers once it is ACTIVE."
            )
        }
        let campaign = try ResourceManager.decode(Campaign.self, from: record)
        guard var versionARN = campaign.solutionVersionArn else {
            throw ServiceError(.internalFailure, "campaign \(record.arn) has no solution version")
        }
        // syncWithLatestSolutionVersion: the campaign follows its solution's newest ACTIVE version (manual or
        // automatic training); the switch is seen within the lookup cache's lifetime.
        if campaign.campaignConfig?.syncWithLatestSolutionVersion == true, let solutionARN = record.parentARN,
            let latest = try await resources.latestActiveVersion(of: solutionARN, account: context.account)
        {
            versionARN = latest
        }
        let versionRecord = try await resources.require(versionARN, kind: .solutionVersion, context: context)
        let version = try ResourceManager.decode(SolutionVersion.self, from: versionRecord)
        let query = RecommendationQuery(
            solutionVersionARN: versionRecord.arn, datasetGroupARN: version.datasetGroupArn ?? "", userID: nil,
            itemID: nil, count: 25, exploration: campaign.campaignConfig?.itemExplorationConfig ?? [:]
        )
        return ServedCampaign(
            query: query, recipe: version.recipeArn.flatMap(RecipeCatalog.entry(forArn:)), campaign: campaign
        )
    }

    /// The filter named in a request: it must be ACTIVE and belong to the campaign's dataset group.
    private func queryFilter(_ arn: String, values: [String: String], query: RecommendationQuery, context: OperationContext)
        async throws -> QueryFilter
    {
        var filter = try await lookups.value("filter|\(context.account.rawValue)|\(arn)|\(query.datasetGroupARN)") {
            try await loadFilter(arn, query: query, context: context)
        }
        filter.values = values
        return filter
    }

    private func loadFilter(_ arn: String, query: RecommendationQuery, context: OperationContext) async throws
        -> QueryFilter
    {
        let record = try await resources.require(arn, kind: .filter, context: context)
        guard record.status == LifecycleStatus.active else {
            throw ServiceError(.invalidInput, "The filter \(record.arn) is \(record.status ?? "unavailable"), not ACTIVE.")
        }
        let filter = try ResourceManager.decode(Filter.self, from: record)
        guard filter.datasetGroupArn == query.datasetGroupARN else {
            throw ServiceError(
                .invalidInput, "The filter \(record.arn) belongs to another dataset group than the campaign's solution."
            )
        }
        return QueryFilter(
            expression: filter.filterExpression ?? "", values: [:],
            schemas: try await groupSchemas(query.datasetGroupARN, context: context)
        )
    }

    /// The dataset group's schemas as filters see them (cached briefly).
    private func groupSchemas(_ groupARN: String, context: OperationContext) async throws -> FilterSchemas {
        try await lookups.value("schemas|\(context.account.rawValue)|\(groupARN)") {
            try await resources.filterSchemas(of: groupARN, context: context)
        }
    }

    /// A fresh `recommendationId`, as AWS returns with every response (`RID-` and a UUID).
    static func recommendationID() -> String {
        "RID-" + UUID().uuidString.lowercased()
    }
}
