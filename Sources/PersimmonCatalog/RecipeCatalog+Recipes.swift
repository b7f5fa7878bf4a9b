extension RecipeCatalog {
    /// Every recipe as a `Recipe` wire object (the `recipe` member of `DescribeRecipe`).
    ///
    /// `RecipeSummary.domain` is not part of `Recipe`; take it from ``recipeEntries``.
    package static let recipesJSON: String = #"""
        [
          {
            "name": "aws-user-personalization-v2",
            "recipeArn": "arn:aws:personalize:::recipe/aws-user-personalization-v2",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-user-personalization-v2",
            "status": "ACTIVE",
            "description": "Transformer over each user's interaction sequence; predicts the items a user engages with next.",
            "creationDateTime": 1714521600,
            "recipeType": "USER_PERSONALIZATION",
            "lastUpdatedDateTime": 1714521600
          },
          {
            "name": "aws-user-personalization",
            "recipeArn": "arn:aws:personalize:::recipe/aws-user-personalization",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-user-personalization",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/user-personalization",
            "status": "ACTIVE",
            "description": "Recurrent model of user histories that also explores new and cold items and learns from impressions.",
            "creationDateTime": 1596585600,
            "recipeType": "USER_PERSONALIZATION",
            "lastUpdatedDateTime": 1596585600
          },
          {
            "name": "aws-personalized-ranking-v2",
            "recipeArn": "arn:aws:personalize:::recipe/aws-personalized-ranking-v2",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-personalized-ranking-v2",
            "status": "ACTIVE",
            "description": "Transformer that reorders a caller-supplied item list for one user by predicted interest.",
            "creationDateTime": 1714521600,
            "recipeType": "PERSONALIZED_RANKING",
            "lastUpdatedDateTime": 1714521600
          },
          {
            "name": "aws-personalized-ranking",
            "recipeArn": "arn:aws:personalize:::recipe/aws-personalized-ranking",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-personalized-ranking",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/JSON-percentile-filtering",
            "status": "ACTIVE",
            "description": "Recurrent model that reorders a caller-supplied item list for one user by predicted interest.",
            "creationDateTime": 1543363200,
            "recipeType": "PERSONALIZED_RANKING",
            "lastUpdatedDateTime": 1543363200
          },
          {
            "name": "aws-popularity-count",
            "recipeArn": "arn:aws:personalize:::recipe/aws-popularity-count",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-popularity-count",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/sims",
            "status": "ACTIVE",
            "description": "Ranks items by how many distinct users interacted with them; a baseline for other recipes.",
            "creationDateTime": 1543363200,
            "recipeType": "POPULAR_ITEMS",
            "lastUpdatedDateTime": 1543363200
          },
          {
            "name": "aws-trending-now",
            "recipeArn": "arn:aws:personalize:::recipe/aws-trending-now",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-trending-now-custom",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/trending-now",
            "status": "ACTIVE",
            "description": "Items whose interaction counts grow fastest, re-evaluated at a configurable interval.",
            "creationDateTime": 1672963200,
            "recipeType": "POPULAR_ITEMS",
            "lastUpdatedDateTime": 1672963200
          },
          {
            "name": "aws-sims",
            "recipeArn": "arn:aws:personalize:::recipe/aws-sims",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-sims",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/sims",
            "status": "ACTIVE",
            "description": "Item-to-item collaborative filtering: items are similar when the same users chose both.",
            "creationDateTime": 1543363200,
            "recipeType": "RELATED_ITEMS",
            "lastUpdatedDateTime": 1543363200
          },
          {
            "name": "aws-similar-items",
            "recipeArn": "arn:aws:personalize:::recipe/aws-similar-items",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-similar-items",
            "status": "ACTIVE",
            "description": "Related items from co-occurrence in user histories combined with item-metadata similarity.",
            "creationDateTime": 1633392000,
            "recipeType": "RELATED_ITEMS",
            "lastUpdatedDateTime": 1633392000
          },
          {
            "name": "aws-semantic-similarity",
            "recipeArn": "arn:aws:personalize:::recipe/aws-semantic-similarity",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-semantic-similarity",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/aws-semantic-similarity",
            "status": "ACTIVE",
            "description": "Related items from text embeddings of item names and descriptions; needs no interactions.",
            "creationDateTime": 1764460800,
            "recipeType": "RELATED_ITEMS",
            "lastUpdatedDateTime": 1764460800
          },
          {
            "name": "aws-next-best-action",
            "recipeArn": "arn:aws:personalize:::recipe/aws-next-best-action",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-next-best-action",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/next-best-action",
            "status": "ACTIVE",
            "description": "Ranks the actions each user is most likely to take within an optimization period.",
            "creationDateTime": 1701043200,
            "recipeType": "PERSONALIZED_ACTIONS",
            "lastUpdatedDateTime": 1701043200
          },
          {
            "name": "aws-item-affinity",
            "recipeArn": "arn:aws:personalize:::recipe/aws-item-affinity",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-item-affinity",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/item-affinity",
            "status": "ACTIVE",
            "description": "Batch only: for each input item, the users most likely to interact with it.",
            "creationDateTime": 1638144000,
            "recipeType": "USER_SEGMENTATION",
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-item-attribute-affinity",
            "recipeArn": "arn:aws:personalize:::recipe/aws-item-attribute-affinity",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-item-attribute-affinity",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/item-attribute-affinity",
            "status": "ACTIVE",
            "description": "Batch only: for each item-attribute query, the users most likely to interact with matching items.",
            "creationDateTime": 1638144000,
            "recipeType": "USER_SEGMENTATION",
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-hrnn",
            "recipeArn": "arn:aws:personalize:::recipe/aws-hrnn",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-hrnn",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/JSON-percentile-filtering",
            "status": "ACTIVE",
            "description": "Legacy hierarchical recurrent network over ordered user histories, favouring recent interactions.",
            "creationDateTime": 1543363200,
            "recipeType": "USER_PERSONALIZATION",
            "lastUpdatedDateTime": 1543363200
          },
          {
            "name": "aws-hrnn-metadata",
            "recipeArn": "arn:aws:personalize:::recipe/aws-hrnn-metadata",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-hrnn-metadata",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/featurize_metadata",
            "status": "ACTIVE",
            "description": "Legacy hierarchical recurrent network that also uses user, item and contextual metadata.",
            "creationDateTime": 1543363200,
            "recipeType": "USER_PERSONALIZATION",
            "lastUpdatedDateTime": 1543363200
          },
          {
            "name": "aws-hrnn-coldstart",
            "recipeArn": "arn:aws:personalize:::recipe/aws-hrnn-coldstart",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-hrnn-coldstart",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/featurize_coldstart",
            "status": "ACTIVE",
            "description": "Legacy metadata-aware recurrent network trained to recommend recently added (cold) items.",
            "creationDateTime": 1543363200,
            "recipeType": "USER_PERSONALIZATION",
            "lastUpdatedDateTime": 1543363200
          },
          {
            "name": "aws-ecomm-customers-who-viewed-x-also-viewed",
            "recipeArn": "arn:aws:personalize:::recipe/aws-ecomm-customers-who-viewed-x-also-viewed",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-ecomm-customers-who-viewed-x-also-viewed",
            "status": "ACTIVE",
            "description": "E-commerce use case: items that other customers viewed after viewing the given item.",
            "creationDateTime": 1638144000,
            "recipeType": "RELATED_ITEMS",
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-ecomm-frequently-bought-together",
            "recipeArn": "arn:aws:personalize:::recipe/aws-ecomm-frequently-bought-together",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-ecomm-frequently-bought-together",
            "status": "ACTIVE",
            "description": "E-commerce use case: items that are often purchased together with the given item.",
            "creationDateTime": 1638144000,
            "recipeType": "RELATED_ITEMS",
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-ecomm-popular-items-by-purchases",
            "recipeArn": "arn:aws:personalize:::recipe/aws-ecomm-popular-items-by-purchases",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-ecomm-popular-items-by-purchases",
            "status": "ACTIVE",
            "description": "E-commerce use case: best sellers, ranked by purchase events.",
            "creationDateTime": 1638144000,
            "recipeType": "POPULAR_ITEMS",
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-ecomm-popular-items-by-views",
            "recipeArn": "arn:aws:personalize:::recipe/aws-ecomm-popular-items-by-views",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-ecomm-popular-items-by-views",
            "status": "ACTIVE",
            "description": "E-commerce use case: most viewed items, ranked by view events.",
            "creationDateTime": 1638144000,
            "recipeType": "POPULAR_ITEMS",
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-ecomm-recommended-for-you",
            "recipeArn": "arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-ecomm-recommended-for-you",
            "status": "ACTIVE",
            "description": "E-commerce use case: personalized product recommendations for a user.",
            "creationDateTime": 1638144000,
            "recipeType": "USER_PERSONALIZATION",
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-vod-because-you-watched-x",
            "recipeArn": "arn:aws:personalize:::recipe/aws-vod-because-you-watched-x",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-vod-because-you-watched-x",
            "status": "ACTIVE",
            "description": "Video-on-demand use case: titles that viewers of the given title also watched.",
            "creationDateTime": 1638144000,
            "recipeType": "RELATED_ITEMS",
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-vod-more-like-x",
            "recipeArn": "arn:aws:personalize:::recipe/aws-vod-more-like-x",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-vod-more-like-x",
            "status": "ACTIVE",
            "description": "Video-on-demand use case: titles similar to the given title.",
            "creationDateTime": 1638144000,
            "recipeType": "RELATED_ITEMS",
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-vod-most-popular",
            "recipeArn": "arn:aws:personalize:::recipe/aws-vod-most-popular",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-vod-most-popular",
            "status": "ACTIVE",
            "description": "Video-on-demand use case: the most watched titles.",
            "creationDateTime": 1638144000,
            "recipeType": "POPULAR_ITEMS",
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-vod-top-picks",
            "recipeArn": "arn:aws:personalize:::recipe/aws-vod-top-picks",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-vod-top-picks",
            "status": "ACTIVE",
            "description": "Video-on-demand use case: personalized title recommendations for a user.",
            "creationDateTime": 1638144000,
            "recipeType": "USER_PERSONALIZATION",
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-vod-trending-now",
            "recipeArn": "arn:aws:personalize:::recipe/aws-vod-trending-now",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-vod-trending-now",
            "status": "ACTIVE",
            "description": "Video-on-demand use case: titles whose viewing is growing fastest.",
            "creationDateTime": 1660694400,
            "recipeType": "POPULAR_ITEMS",
            "lastUpdatedDateTime": 1660694400
          }
        ]
        """#
}
