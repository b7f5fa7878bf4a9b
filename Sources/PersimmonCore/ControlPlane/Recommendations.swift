import PersimmonAPIModel
import PersimmonCatalog

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension RuntimeService {
    package func getRecommendations(_ input: GetRecommendationsRequest, context: OperationContext) async throws
        -> GetRecommendationsResponse
    {
        guard input.recommenderArn == nil else {
            throw ServiceError.unsupported("GetRecommendations with a recommenderArn (domain recommenders)")
        }
        guard let campaignARN = input.campaignArn else {
            throw ServiceError(.invalidInput, "campaignArn is required.")
        }
        if !(input.promotions ?? []).isEmpty {
            throw ServiceError.unsupported("GetRecommendations with promotions")
        }
        var (query, recipe) = try await campaignQuery(campaignARN, userID: input.userId, itemID: input.itemId, context: context)
        if let filterARN = input.filterArn {
            query.filter = try await queryFilter(filterARN, values: input.filterValues ?? [:], query: query, context: context)
        }
        let count = input.numResults ?? 25
        let limit = (input.metadataColumns ?? [:]).isEmpty ? 500 : 50
        guard (1...limit).contains(count) else {
            throw ServiceError(.invalidInput, "numResults must be between 1 and \(limit); it was \(count).")
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
        var sized = query
        sized.count = count
        let items = try await engine.recommend(sized, account: context.account)
        return GetRecommendationsResponse(
            itemList: items.map { PredictedItem(itemId: $0.itemID, score: $0.score) },
            recommendationId: Self.recommendationID()
        )
    }

    package func getPersonalizedRanking(_ input: GetPersonalizedRankingRequest, context: OperationContext)
        async throws -> GetPersonalizedRankingResponse
    {
        var (query, recipe) = try await campaignQuery(
            input.campaignArn, userID: input.userId, itemID: nil, context: context
        )
        if let filterARN = input.filterArn {
            query.filter = try await queryFilter(filterARN, values: input.filterValues ?? [:], query: query, context: context)
        }
        guard recipe?.inputKind == .ranking || recipe?.inputKind == .user else {
            throw ServiceError(
                .invalidInput, "This campaign's recipe cannot rank items for a user; use a personalized-ranking campaign."
            )
        }
        let ranked = try await engine.rank(input.inputList, for: query, account: context.account)
        return GetPersonalizedRankingResponse(
            personalizedRanking: ranked.map { PredictedItem(itemId: $0.itemID, score: $0.score) },
            recommendationId: Self.recommendationID()
        )
    }

    /// The query a campaign answers: its current solution version, the version's dataset group, exploration.
    private func campaignQuery(_ campaignARN: String, userID: String?, itemID: String?, context: OperationContext)
        async throws -> (RecommendationQuery, RecipeEntry?)
    {
        let record = try await resources.require(campaignARN, kind: .campaign, context: context)
        guard record.status == LifecycleStatus.active else {
            throw ServiceError(
                .resourceNotFound,
                "The campaign \(record.arn) is \(record.status ?? "unavailable"); it answers once it is ACTIVE."
            )
        }
        let campaign = try ResourceManager.decode(Campaign.self, from: record)
        guard let versionARN = campaign.solutionVersionArn else {
            throw ServiceError(.internalFailure, "campaign \(record.arn) has no solution version")
        }
        let versionRecord = try await resources.require(versionARN, kind: .solutionVersion, context: context)
        let version = try ResourceManager.decode(SolutionVersion.self, from: versionRecord)
        let query = RecommendationQuery(
            solutionVersionARN: versionRecord.arn, datasetGroupARN: version.datasetGroupArn ?? "", userID: userID,
            itemID: itemID, count: 25, exploration: campaign.campaignConfig?.itemExplorationConfig ?? [:]
        )
        return (query, version.recipeArn.flatMap(RecipeCatalog.entry(forArn:)))
    }

    /// The filter named in a request: it must be ACTIVE and belong to the campaign's dataset group.
    private func queryFilter(_ arn: String, values: [String: String], query: RecommendationQuery, context: OperationContext)
        async throws -> QueryFilter
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
            expression: filter.filterExpression ?? "", values: values,
            schemas: try await resources.filterSchemas(of: query.datasetGroupARN, context: context)
        )
    }

    /// A fresh `recommendationId`, as AWS returns with every response (`RID-` and a UUID).
    static func recommendationID() -> String {
        "RID-" + UUID().uuidString.lowercased()
    }
}
