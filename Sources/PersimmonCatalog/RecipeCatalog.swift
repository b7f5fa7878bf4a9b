/// What a recipe's model is asked for at inference time.
package enum RecipeInputKind: String, Sendable, Hashable, CaseIterable {
    /// `GetRecommendations` with a `userId` (personalized or popular items).
    case user
    /// `GetRecommendations` with an `itemId` (related items).
    case item
    /// `GetPersonalizedRanking` with a `userId` and an `inputList`.
    case ranking
    /// `CreateBatchSegmentJob` only: items in, users out.
    case segment
    /// `GetActionRecommendations` with a `userId`.
    case action
}

/// A typed summary of one catalogue recipe, for code that needs to branch on it.
///
/// The wire objects live in ``RecipeCatalog/recipesJSON``; a test keeps the two in step.
package struct RecipeEntry: Sendable, Equatable {
    /// The recipe name, e.g. `aws-sims`.
    package var name: String
    /// `arn:aws:personalize:::recipe/<name>`.
    package var arn: String
    /// `USER_PERSONALIZATION`, `PERSONALIZED_RANKING`, `RELATED_ITEMS`, `POPULAR_ITEMS`,
    /// `USER_SEGMENTATION` or `PERSONALIZED_ACTIONS`.
    package var recipeType: String
    /// `ECOMMERCE` or `VIDEO_ON_DEMAND` for a domain use case (recommender recipe); `nil` for a
    /// custom recipe. This is `RecipeSummary.domain` and the `ListRecipes` domain filter.
    package var domain: String?
    /// The algorithm the recipe trains, an entry of ``RecipeCatalog/algorithmsJSON``.
    package var algorithmArn: String
    /// The feature transformation, an entry of ``RecipeCatalog/featureTransformationsJSON``.
    package var featureTransformationArn: String?
    /// Whether Persimmon can train this recipe yet.
    package var supported: Bool
    /// How the trained model is queried.
    package var inputKind: RecipeInputKind
    /// One of the retired HRNN recipes, which AWS keeps documented but no longer offers.
    package var legacy: Bool

    package init(
        name: String,
        recipeType: String,
        domain: String? = nil,
        algorithm: String,
        featureTransformation: String? = nil,
        supported: Bool,
        inputKind: RecipeInputKind,
        legacy: Bool = false
    ) {
        self.name = name
        self.arn = RecipeCatalog.recipeArnPrefix + name
        self.recipeType = recipeType
        self.domain = domain
        self.algorithmArn = RecipeCatalog.algorithmArnPrefix + algorithm
        self.featureTransformationArn = featureTransformation.map { RecipeCatalog.featureTransformationArnPrefix + $0 }
        self.supported = supported
        self.inputKind = inputKind
        self.legacy = legacy
    }
}

/// Amazon Personalize's public catalogue of recipes, algorithms and feature transformations.
///
/// The JSON strings are exactly the objects that `DescribeRecipe` (`recipe`),
/// `DescribeAlgorithm` (`algorithm`) and `DescribeFeatureTransformation`
/// (`featureTransformation`) return, with timestamps as epoch-second numbers, so they decode
/// straight into the generated shapes. Hyperparameter names, defaults and ranges follow the
/// Amazon Personalize Developer Guide's recipe pages; image URIs, resource configs and the
/// dates are Persimmon's own.
package enum RecipeCatalog {
    package static let recipeArnPrefix = "arn:aws:personalize:::recipe/"
    package static let algorithmArnPrefix = "arn:aws:personalize:::algorithm/"
    package static let featureTransformationArnPrefix = "arn:aws:personalize:::feature-transformation/"

    /// Every recipe, in the order of ``recipesJSON``.
    package static let recipeEntries: [RecipeEntry] = [
        // Custom recipes.
        RecipeEntry(
            name: "aws-user-personalization-v2",
            recipeType: "USER_PERSONALIZATION",
            algorithm: "aws-user-personalization-v2",
            supported: false,
            inputKind: .user
        ),
        RecipeEntry(
            name: "aws-user-personalization",
            recipeType: "USER_PERSONALIZATION",
            algorithm: "aws-user-personalization",
            featureTransformation: "user-personalization",
            supported: true,
            inputKind: .user
        ),
        RecipeEntry(
            name: "aws-personalized-ranking-v2",
            recipeType: "PERSONALIZED_RANKING",
            algorithm: "aws-personalized-ranking-v2",
            supported: false,
            inputKind: .ranking
        ),
        RecipeEntry(
            name: "aws-personalized-ranking",
            recipeType: "PERSONALIZED_RANKING",
            algorithm: "aws-personalized-ranking",
            featureTransformation: "JSON-percentile-filtering",
            supported: true,
            inputKind: .ranking
        ),
        RecipeEntry(
            name: "aws-popularity-count",
            recipeType: "POPULAR_ITEMS",
            algorithm: "aws-popularity-count",
            featureTransformation: "sims",
            supported: true,
            inputKind: .user
        ),
        RecipeEntry(
            name: "aws-trending-now",
            recipeType: "POPULAR_ITEMS",
            algorithm: "aws-trending-now-custom",
            featureTransformation: "trending-now",
            supported: true,
            inputKind: .user
        ),
        RecipeEntry(
            name: "aws-sims",
            recipeType: "RELATED_ITEMS",
            algorithm: "aws-sims",
            featureTransformation: "sims",
            supported: true,
            inputKind: .item
        ),
        RecipeEntry(
            name: "aws-similar-items",
            recipeType: "RELATED_ITEMS",
            algorithm: "aws-similar-items",
            supported: true,
            inputKind: .item
        ),
        RecipeEntry(
            name: "aws-semantic-similarity",
            recipeType: "RELATED_ITEMS",
            algorithm: "aws-semantic-similarity",
            featureTransformation: "aws-semantic-similarity",
            supported: false,
            inputKind: .item
        ),
        RecipeEntry(
            name: "aws-next-best-action",
            recipeType: "PERSONALIZED_ACTIONS",
            algorithm: "aws-next-best-action",
            featureTransformation: "next-best-action",
            supported: false,
            inputKind: .action
        ),
        RecipeEntry(
            name: "aws-item-affinity",
            recipeType: "USER_SEGMENTATION",
            algorithm: "aws-item-affinity",
            featureTransformation: "item-affinity",
            supported: false,
            inputKind: .segment
        ),
        RecipeEntry(
            name: "aws-item-attribute-affinity",
            recipeType: "USER_SEGMENTATION",
            algorithm: "aws-item-attribute-affinity",
            featureTransformation: "item-attribute-affinity",
            supported: false,
            inputKind: .segment
        ),
        // Legacy HRNN recipes.
        RecipeEntry(
            name: "aws-hrnn",
            recipeType: "USER_PERSONALIZATION",
            algorithm: "aws-hrnn",
            featureTransformation: "JSON-percentile-filtering",
            supported: false,
            inputKind: .user,
            legacy: true
        ),
        RecipeEntry(
            name: "aws-hrnn-metadata",
            recipeType: "USER_PERSONALIZATION",
            algorithm: "aws-hrnn-metadata",
            featureTransformation: "featurize_metadata",
            supported: false,
            inputKind: .user,
            legacy: true
        ),
        RecipeEntry(
            name: "aws-hrnn-coldstart",
            recipeType: "USER_PERSONALIZATION",
            algorithm: "aws-hrnn-coldstart",
            featureTransformation: "featurize_coldstart",
            supported: false,
            inputKind: .user,
            legacy: true
        ),
        // ECOMMERCE use cases.
        domainEntry("aws-ecomm-customers-who-viewed-x-also-viewed", "RELATED_ITEMS", "ECOMMERCE", .item),
        domainEntry("aws-ecomm-frequently-bought-together", "RELATED_ITEMS", "ECOMMERCE", .item),
        domainEntry("aws-ecomm-popular-items-by-purchases", "POPULAR_ITEMS", "ECOMMERCE", .user),
        domainEntry("aws-ecomm-popular-items-by-views", "POPULAR_ITEMS", "ECOMMERCE", .user),
        domainEntry("aws-ecomm-recommended-for-you", "USER_PERSONALIZATION", "ECOMMERCE", .user),
        // VIDEO_ON_DEMAND use cases.
        domainEntry("aws-vod-because-you-watched-x", "RELATED_ITEMS", "VIDEO_ON_DEMAND", .item),
        domainEntry("aws-vod-more-like-x", "RELATED_ITEMS", "VIDEO_ON_DEMAND", .item),
        domainEntry("aws-vod-most-popular", "POPULAR_ITEMS", "VIDEO_ON_DEMAND", .user),
        domainEntry("aws-vod-top-picks", "USER_PERSONALIZATION", "VIDEO_ON_DEMAND", .user),
        domainEntry("aws-vod-trending-now", "POPULAR_ITEMS", "VIDEO_ON_DEMAND", .user),
    ]

    /// Domain use cases train an algorithm of the same name and have no public feature
    /// transformation.
    private static func domainEntry(
        _ name: String,
        _ recipeType: String,
        _ domain: String,
        _ inputKind: RecipeInputKind
    ) -> RecipeEntry {
        RecipeEntry(
            name: name,
            recipeType: recipeType,
            domain: domain,
            algorithm: name,
            supported: false,
            inputKind: inputKind
        )
    }

    private static let entriesByArn: [String: RecipeEntry] = Dictionary(
        uniqueKeysWithValues: recipeEntries.map { ($0.arn, $0) }
    )

    /// The recipe with this ARN, if it is in the catalogue.
    package static func entry(forArn arn: String) -> RecipeEntry? {
        entriesByArn[arn]
    }

    /// The recipe with this name (`aws-sims`), if it is in the catalogue.
    package static func entry(named name: String) -> RecipeEntry? {
        entriesByArn[recipeArnPrefix + name]
    }
}
