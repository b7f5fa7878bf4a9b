extension RecipeCatalog {
    /// Every algorithm as an `Algorithm` wire object (the `algorithm` member of
    /// `DescribeAlgorithm`).
    ///
    /// `defaultHyperParameters` and `defaultHyperParameterRanges` hold the algorithm
    /// hyperparameters from each recipe page; featurization hyperparameters live on the
    /// feature transformation. `dockerURI` names Persimmon's built-in implementation.
    package static let algorithmsJSON: String = #"""
        [
          {
            "name": "aws-user-personalization-v2",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-user-personalization-v2",
            "algorithmImage": {
              "name": "aws-user-personalization-v2",
              "dockerURI": "builtin://persimmon/algorithms/aws-user-personalization-v2"
            },
            "defaultHyperParameters": {"apply_recency_bias": "true"},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": [
                {"name": "apply_recency_bias", "values": ["true", "false"], "isTunable": false}
              ]
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1714521600,
            "lastUpdatedDateTime": 1714521600
          },
          {
            "name": "aws-user-personalization",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-user-personalization",
            "algorithmImage": {
              "name": "aws-user-personalization",
              "dockerURI": "builtin://persimmon/algorithms/aws-user-personalization"
            },
            "defaultHyperParameters": {
              "hidden_dimension": "149",
              "bptt": "32",
              "recency_mask": "true",
              "exploration_weight": "0.3",
              "exploration_item_age_cut_off": "30.0"
            },
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [
                {"name": "hidden_dimension", "minValue": 32, "maxValue": 256, "isTunable": true},
                {"name": "bptt", "minValue": 2, "maxValue": 32, "isTunable": true}
              ],
              "continuousHyperParameterRanges": [
                {"name": "exploration_weight", "minValue": 0.0, "maxValue": 1.0, "isTunable": false},
                {"name": "exploration_item_age_cut_off", "minValue": 1.0, "maxValue": 1000000.0, "isTunable": false}
              ],
              "categoricalHyperParameterRanges": [
                {"name": "recency_mask", "values": ["true", "false"], "isTunable": true}
              ]
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1596585600,
            "lastUpdatedDateTime": 1596585600
          },
          {
            "name": "aws-personalized-ranking-v2",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-personalized-ranking-v2",
            "algorithmImage": {
              "name": "aws-personalized-ranking-v2",
              "dockerURI": "builtin://persimmon/algorithms/aws-personalized-ranking-v2"
            },
            "defaultHyperParameters": {"apply_recency_bias": "true"},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": [
                {"name": "apply_recency_bias", "values": ["true", "false"], "isTunable": false}
              ]
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1714521600,
            "lastUpdatedDateTime": 1714521600
          },
          {
            "name": "aws-personalized-ranking",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-personalized-ranking",
            "algorithmImage": {
              "name": "aws-personalized-ranking",
              "dockerURI": "builtin://persimmon/algorithms/aws-personalized-ranking"
            },
            "defaultHyperParameters": {"hidden_dimension": "149", "bptt": "32", "recency_mask": "true"},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [
                {"name": "hidden_dimension", "minValue": 32, "maxValue": 256, "isTunable": true},
                {"name": "bptt", "minValue": 2, "maxValue": 32, "isTunable": true}
              ],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": [
                {"name": "recency_mask", "values": ["true", "false"], "isTunable": true}
              ]
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1543363200,
            "lastUpdatedDateTime": 1543363200
          },
          {
            "name": "aws-popularity-count",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-popularity-count",
            "algorithmImage": {
              "name": "aws-popularity-count",
              "dockerURI": "builtin://persimmon/algorithms/aws-popularity-count"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1543363200,
            "lastUpdatedDateTime": 1543363200
          },
          {
            "name": "aws-trending-now-custom",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-trending-now-custom",
            "algorithmImage": {
              "name": "aws-trending-now-custom",
              "dockerURI": "builtin://persimmon/algorithms/aws-trending-now-custom"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1672963200,
            "lastUpdatedDateTime": 1672963200
          },
          {
            "name": "aws-sims",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-sims",
            "algorithmImage": {"name": "aws-sims", "dockerURI": "builtin://persimmon/algorithms/aws-sims"},
            "defaultHyperParameters": {"popularity_discount_factor": "0.5", "min_cointeraction_count": "3"},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [
                {"name": "min_cointeraction_count", "minValue": 0, "maxValue": 10, "isTunable": true}
              ],
              "continuousHyperParameterRanges": [
                {"name": "popularity_discount_factor", "minValue": 0.0, "maxValue": 1.0, "isTunable": true}
              ],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1543363200,
            "lastUpdatedDateTime": 1543363200
          },
          {
            "name": "aws-similar-items",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-similar-items",
            "algorithmImage": {
              "name": "aws-similar-items",
              "dockerURI": "builtin://persimmon/algorithms/aws-similar-items"
            },
            "defaultHyperParameters": {"item_id_hidden_dim": "100", "item_metadata_hidden_dim": "100"},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [
                {"name": "item_id_hidden_dim", "minValue": 30, "maxValue": 200, "isTunable": true},
                {"name": "item_metadata_hidden_dim", "minValue": 30, "maxValue": 200, "isTunable": true}
              ],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1633392000,
            "lastUpdatedDateTime": 1633392000
          },
          {
            "name": "aws-semantic-similarity",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-semantic-similarity",
            "algorithmImage": {
              "name": "aws-semantic-similarity",
              "dockerURI": "builtin://persimmon/algorithms/aws-semantic-similarity"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1764460800,
            "lastUpdatedDateTime": 1764460800
          },
          {
            "name": "aws-next-best-action",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-next-best-action",
            "algorithmImage": {
              "name": "aws-next-best-action",
              "dockerURI": "builtin://persimmon/algorithms/aws-next-best-action"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1701043200,
            "lastUpdatedDateTime": 1701043200
          },
          {
            "name": "aws-item-affinity",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-item-affinity",
            "algorithmImage": {
              "name": "aws-item-affinity",
              "dockerURI": "builtin://persimmon/algorithms/aws-item-affinity"
            },
            "defaultHyperParameters": {"hidden_dimension": "149"},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [
                {"name": "hidden_dimension", "minValue": 32, "maxValue": 256, "isTunable": false}
              ],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-item-attribute-affinity",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-item-attribute-affinity",
            "algorithmImage": {
              "name": "aws-item-attribute-affinity",
              "dockerURI": "builtin://persimmon/algorithms/aws-item-attribute-affinity"
            },
            "defaultHyperParameters": {"hidden_dimension": "149"},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [
                {"name": "hidden_dimension", "minValue": 32, "maxValue": 256, "isTunable": false}
              ],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-hrnn",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-hrnn",
            "algorithmImage": {"name": "aws-hrnn", "dockerURI": "builtin://persimmon/algorithms/aws-hrnn"},
            "defaultHyperParameters": {"hidden_dimension": "43", "bptt": "32", "recency_mask": "true"},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [
                {"name": "hidden_dimension", "minValue": 32, "maxValue": 256, "isTunable": true},
                {"name": "bptt", "minValue": 2, "maxValue": 32, "isTunable": true}
              ],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": [
                {"name": "recency_mask", "values": ["true", "false"], "isTunable": true}
              ]
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1543363200,
            "lastUpdatedDateTime": 1543363200
          },
          {
            "name": "aws-hrnn-metadata",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-hrnn-metadata",
            "algorithmImage": {
              "name": "aws-hrnn-metadata",
              "dockerURI": "builtin://persimmon/algorithms/aws-hrnn-metadata"
            },
            "defaultHyperParameters": {"hidden_dimension": "43", "bptt": "32", "recency_mask": "true"},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [
                {"name": "hidden_dimension", "minValue": 32, "maxValue": 256, "isTunable": true},
                {"name": "bptt", "minValue": 2, "maxValue": 32, "isTunable": true}
              ],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": [
                {"name": "recency_mask", "values": ["true", "false"], "isTunable": true}
              ]
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1543363200,
            "lastUpdatedDateTime": 1543363200
          },
          {
            "name": "aws-hrnn-coldstart",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-hrnn-coldstart",
            "algorithmImage": {
              "name": "aws-hrnn-coldstart",
              "dockerURI": "builtin://persimmon/algorithms/aws-hrnn-coldstart"
            },
            "defaultHyperParameters": {"hidden_dimension": "149", "bptt": "32", "recency_mask": "true"},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [
                {"name": "hidden_dimension", "minValue": 32, "maxValue": 256, "isTunable": true},
                {"name": "bptt", "minValue": 2, "maxValue": 32, "isTunable": true}
              ],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": [
                {"name": "recency_mask", "values": ["true", "false"], "isTunable": true}
              ]
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1543363200,
            "lastUpdatedDateTime": 1543363200
          },
          {
            "name": "aws-ecomm-customers-who-viewed-x-also-viewed",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-ecomm-customers-who-viewed-x-also-viewed",
            "algorithmImage": {
              "name": "aws-ecomm-customers-who-viewed-x-also-viewed",
              "dockerURI": "builtin://persimmon/algorithms/aws-ecomm-customers-who-viewed-x-also-viewed"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-ecomm-frequently-bought-together",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-ecomm-frequently-bought-together",
            "algorithmImage": {
              "name": "aws-ecomm-frequently-bought-together",
              "dockerURI": "builtin://persimmon/algorithms/aws-ecomm-frequently-bought-together"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-ecomm-popular-items-by-purchases",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-ecomm-popular-items-by-purchases",
            "algorithmImage": {
              "name": "aws-ecomm-popular-items-by-purchases",
              "dockerURI": "builtin://persimmon/algorithms/aws-ecomm-popular-items-by-purchases"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-ecomm-popular-items-by-views",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-ecomm-popular-items-by-views",
            "algorithmImage": {
              "name": "aws-ecomm-popular-items-by-views",
              "dockerURI": "builtin://persimmon/algorithms/aws-ecomm-popular-items-by-views"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-ecomm-recommended-for-you",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-ecomm-recommended-for-you",
            "algorithmImage": {
              "name": "aws-ecomm-recommended-for-you",
              "dockerURI": "builtin://persimmon/algorithms/aws-ecomm-recommended-for-you"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-vod-because-you-watched-x",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-vod-because-you-watched-x",
            "algorithmImage": {
              "name": "aws-vod-because-you-watched-x",
              "dockerURI": "builtin://persimmon/algorithms/aws-vod-because-you-watched-x"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-vod-more-like-x",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-vod-more-like-x",
            "algorithmImage": {
              "name": "aws-vod-more-like-x",
              "dockerURI": "builtin://persimmon/algorithms/aws-vod-more-like-x"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-vod-most-popular",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-vod-most-popular",
            "algorithmImage": {
              "name": "aws-vod-most-popular",
              "dockerURI": "builtin://persimmon/algorithms/aws-vod-most-popular"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-vod-top-picks",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-vod-top-picks",
            "algorithmImage": {
              "name": "aws-vod-top-picks",
              "dockerURI": "builtin://persimmon/algorithms/aws-vod-top-picks"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1638144000,
            "lastUpdatedDateTime": 1638144000
          },
          {
            "name": "aws-vod-trending-now",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-vod-trending-now",
            "algorithmImage": {
              "name": "aws-vod-trending-now",
              "dockerURI": "builtin://persimmon/algorithms/aws-vod-trending-now"
            },
            "defaultHyperParameters": {},
            "defaultHyperParameterRanges": {
              "integerHyperParameterRanges": [],
              "continuousHyperParameterRanges": [],
              "categoricalHyperParameterRanges": []
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20", "maxParallelTrainingJobs": "5"},
            "trainingInputMode": "File",
            "creationDateTime": 1660694400,
            "lastUpdatedDateTime": 1660694400
          }
        ]
        """#
}
