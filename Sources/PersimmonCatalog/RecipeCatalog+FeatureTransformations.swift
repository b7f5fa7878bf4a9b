extension RecipeCatalog {
    /// Every feature transformation as a `FeatureTransformation` wire object (the
    /// `featureTransformation` member of `DescribeFeatureTransformation`).
    ///
    /// `defaultParameters` holds each recipe page's featurization hyperparameters.
    /// `user-personalization`, `trending-now` and `next-best-action` are Persimmon's names:
    /// the guide documents those recipes' featurization parameters but not an ARN.
    package static let featureTransformationsJSON: String = #"""
        [
          {
            "name": "JSON-percentile-filtering",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/JSON-percentile-filtering",
            "defaultParameters": {
              "min_user_history_length_percentile": "0.0",
              "max_user_history_length_percentile": "0.99"
            },
            "creationDateTime": 1543363200,
            "lastUpdatedDateTime": 1543363200,
            "status": "ACTIVE"
          },
          {
            "name": "featurize_metadata",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/featurize_metadata",
            "defaultParameters": {
              "min_user_history_length_percentile": "0.0",
              "max_user_history_length_percentile": "0.99"
            },
            "creationDateTime": 1543363200,
            "lastUpdatedDateTime": 1543363200,
            "status": "ACTIVE"
          },
          {
            "name": "featurize_coldstart",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/featurize_coldstart",
            "defaultParameters": {
              "cold_start_max_interactions": "15",
              "cold_start_max_duration": "5.0",
              "cold_start_relative_from": "latestItem",
              "min_user_history_length_percentile": "0.0",
              "max_user_history_length_percentile": "0.99"
            },
            "creationDateTime": 1543363200,
            "lastUpdatedDateTime": 1543363200,
            "status": "ACTIVE"
          },
          {
            "name": "sims",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/sims",
            "defaultParameters": {
              "min_user_history_length_percentile": "0.005",
              "max_user_history_length_percentile": "0.995",
              "min_item_interaction_count_percentile": "0.01",
              "max_item_interaction_count_percentile": "0.9"
            },
            "creationDateTime": 1543363200,
            "lastUpdatedDateTime": 1543363200,
            "status": "ACTIVE"
          },
          {
            "name": "user-personalization",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/user-personalization",
            "defaultParameters": {
              "min_user_history_length_percentile": "0.0",
              "max_user_history_length_percentile": "0.99"
            },
            "creationDateTime": 1596585600,
            "lastUpdatedDateTime": 1596585600,
            "status": "ACTIVE"
          },
          {
            "name": "trending-now",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/trending-now",
            "defaultParameters": {"trend_discovery_frequency": "2 hours"},
            "creationDateTime": 1672963200,
            "lastUpdatedDateTime": 1672963200,
            "status": "ACTIVE"
          },
          {
            "name": "next-best-action",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/next-best-action",
            "defaultParameters": {"action_optimization_period": "14"},
            "creationDateTime": 1701043200,
            "lastUpdatedDateTime": 1701043200,
            "status": "ACTIVE"
          },
          {
            "name": "item-affinity",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/item-affinity",
            "defaultParameters": {},
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000,
            "status": "ACTIVE"
          },
          {
            "name": "item-attribute-affinity",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/item-attribute-affinity",
            "defaultParameters": {},
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000,
            "status": "ACTIVE"
          },
          {
            "name": "aws-semantic-similarity",
            "featureTransformationArn": "arn:aws:personalize:::feature-transformation/aws-semantic-similarity",
            "defaultParameters": {},
            "creationDateTime": 1764460800,
            "lastUpdatedDateTime": 1764460800,
            "status": "ACTIVE"
          }
        ]
        """#
}
