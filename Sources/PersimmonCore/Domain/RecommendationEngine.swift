/// One recommended item as the engine returns it.
package struct Recommendation: Sendable, Equatable {
    package var itemID: String
    /// nil for an item the model cannot score (GetPersonalizedRanking puts those last, without a score).
    package var score: Double?
    /// The requested Items columns (schema field name → value) when the query asked for metadata; columns the
    /// item has no value for are left out.
    package var metadata: [String: String]?
    /// Set on items a promotion placed in the list.
    package var promotionName: String?

    package init(itemID: String, score: Double?, metadata: [String: String]? = nil, promotionName: String? = nil) {
        self.itemID = itemID
        self.score = score
        self.metadata = metadata
        self.promotionName = promotionName
    }
}

import PersimmonFilters

/// A filter to apply to one query: its expression, the request's `filterValues`, and the schemas it refers to.
package struct QueryFilter: Sendable {
    package var expression: String
    package var values: [String: String]
    package var schemas: FilterSchemas

    package init(expression: String, values: [String: String], schemas: FilterSchemas) {
        self.expression = expression
        self.values = values
        self.schemas = schemas
    }
}

/// What a campaign query asks of a trained solution version.
package struct RecommendationQuery: Sendable {
    /// The solution version whose model answers.
    package var solutionVersionARN: String
    /// The dataset group the version was trained on (its data gives users' histories).
    package var datasetGroupARN: String
    package var userID: String?
    package var itemID: String?
    package var count: Int
    /// `itemExplorationConfig` of the campaign (`explorationWeight`, `explorationItemAgeCutOff`).
    package var exploration: [String: String]
    /// Only items the filter keeps may be returned.
    package var filter: QueryFilter?
    /// Items dataset columns (schema field names) to return with each item; empty for none.
    package var metadataColumns: [String] = []
    /// Items that must not be returned (e.g. those a promotion already placed), by ID.
    package var excludedItems: Set<String> = []
    /// The user's Users-dataset attributes for `IF CurrentUser.F` clauses (the engine fills it in).
    package var currentUser: CurrentUserAttributes = .unknown

    package init(
        solutionVersionARN: String, datasetGroupARN: String, userID: String?, itemID: String?, count: Int,
        exploration: [String: String] = [:], filter: QueryFilter? = nil
    ) {
        self.filter = filter
        self.solutionVersionARN = solutionVersionARN
        self.datasetGroupARN = datasetGroupARN
        self.userID = userID
        self.itemID = itemID
        self.count = count
        self.exploration = exploration
    }
}

/// Answers campaign queries with trained models: loads artifacts, keeps them cached by solution version, folds in
/// each user's history. Implemented in the IO layer (it reads artifacts and the dataset store).
package protocol RecommendationEngine: Sendable {
    func recommend(_ query: RecommendationQuery, account: AccountID) async throws -> [Recommendation]
    /// Orders `items` for the query's user; unknown items come last without a score.
    func rank(_ items: [String], for query: RecommendationQuery, account: AccountID) async throws -> [Recommendation]
}

/// An engine with no models: every query is refused. For servers and tests without a model store.
package struct NoRecommendationEngine: RecommendationEngine {
    package init() {}

    package func recommend(_ query: RecommendationQuery, account: AccountID) async throws -> [Recommendation] {
        throw ServiceError(.resourceNotFound, "No model is available for \(query.solutionVersionARN).")
    }

    package func rank(_ items: [String], for query: RecommendationQuery, account: AccountID) async throws
        -> [Recommendation]
    {
        throw ServiceError(.resourceNotFound, "No model is available for \(query.solutionVersionARN).")
    }
}
