import PersimmonCatalog
import Testing

@Suite struct RecipeCatalogTests {
    // Member names of the botocore shapes (personalize 2018-05-22).
    static let recipeMembers: Set<String> = [
        "name", "recipeArn", "algorithmArn", "featureTransformationArn", "status", "description",
        "creationDateTime", "recipeType", "lastUpdatedDateTime",
    ]
    static let algorithmMembers: Set<String> = [
        "name", "algorithmArn", "algorithmImage", "defaultHyperParameters", "defaultHyperParameterRanges",
        "defaultResourceConfig", "trainingInputMode", "roleArn", "creationDateTime", "lastUpdatedDateTime",
    ]
    static let featureTransformationMembers: Set<String> = [
        "name", "featureTransformationArn", "defaultParameters", "creationDateTime", "lastUpdatedDateTime", "status",
    ]
    static let recipeTypes: Set<String> = [
        "USER_PERSONALIZATION", "PERSONALIZED_RANKING", "RELATED_ITEMS", "POPULAR_ITEMS", "USER_SEGMENTATION",
        "PERSONALIZED_ACTIONS",
    ]

    static let expectedRecipes = [
        "aws-user-personalization", "aws-user-personalization-v2", "aws-personalized-ranking",
        "aws-personalized-ranking-v2", "aws-popularity-count", "aws-trending-now", "aws-sims", "aws-similar-items",
        "aws-semantic-similarity", "aws-hrnn", "aws-hrnn-metadata", "aws-hrnn-coldstart", "aws-item-affinity",
        "aws-item-attribute-affinity", "aws-next-best-action",
        "aws-ecomm-customers-who-viewed-x-also-viewed", "aws-ecomm-frequently-bought-together",
        "aws-ecomm-popular-items-by-purchases", "aws-ecomm-popular-items-by-views", "aws-ecomm-recommended-for-you",
        "aws-vod-because-you-watched-x", "aws-vod-more-like-x", "aws-vod-most-popular", "aws-vod-top-picks",
        "aws-vod-trending-now",
    ]

    func recipes() throws -> [RecipeMirror] {
        try decodeCatalog([RecipeMirror].self, from: RecipeCatalog.recipesJSON)
    }

    func algorithms() throws -> [AlgorithmMirror] {
        try decodeCatalog([AlgorithmMirror].self, from: RecipeCatalog.algorithmsJSON)
    }

    func featureTransformations() throws -> [FeatureTransformationMirror] {
        try decodeCatalog([FeatureTransformationMirror].self, from: RecipeCatalog.featureTransformationsJSON)
    }

    func isValidResourceName(_ name: String) -> Bool {
        // botocore `Name`: ^[a-zA-Z0-9][a-zA-Z0-9\-_]*, 1...63 characters.
        guard let first = name.unicodeScalars.first, (1...63).contains(name.count) else { return false }
        let alphanumerics = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".unicodeScalars)
        guard alphanumerics.contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { alphanumerics.contains($0) || $0 == "-" || $0 == "_" }
    }

    @Test("every catalogue string decodes into the wire shapes")
    func decodes() throws {
        #expect(try recipes().count == 25)
        #expect(try algorithms().count == 25)
        #expect(try featureTransformations().count == 10)
    }

    @Test("catalogue objects carry only members of the botocore shapes")
    func onlyModelMembers() throws {
        let recipeObjects = try decodeCatalog([AnyJSON].self, from: RecipeCatalog.recipesJSON)
        for object in recipeObjects {
            #expect(object.objectKeys.isSubset(of: Self.recipeMembers), "\(object.objectKeys)")
        }
        let algorithmObjects = try decodeCatalog([AnyJSON].self, from: RecipeCatalog.algorithmsJSON)
        for object in algorithmObjects {
            #expect(object.objectKeys.isSubset(of: Self.algorithmMembers), "\(object.objectKeys)")
            #expect(object["algorithmImage"]?.objectKeys.isSubset(of: ["name", "dockerURI"]) == true)
            #expect(
                object["defaultHyperParameterRanges"]?.objectKeys.isSubset(of: [
                    "integerHyperParameterRanges", "continuousHyperParameterRanges", "categoricalHyperParameterRanges",
                ]) == true
            )
        }
        let transformationObjects = try decodeCatalog([AnyJSON].self, from: RecipeCatalog.featureTransformationsJSON)
        for object in transformationObjects {
            #expect(object.objectKeys.isSubset(of: Self.featureTransformationMembers), "\(object.objectKeys)")
        }
    }

    @Test("the catalogue covers Personalize's public recipes", arguments: expectedRecipes)
    func covers(recipe name: String) throws {
        let recipe = try #require(try recipes().first { $0.name == name })
        #expect(recipe.recipeArn == "arn:aws:personalize:::recipe/\(name)")
        #expect(RecipeCatalog.entry(named: name)?.arn == recipe.recipeArn)
    }

    @Test("names and ARNs are unique and ARNs are built from names")
    func uniqueArns() throws {
        let recipes = try recipes()
        let algorithms = try algorithms()
        let transformations = try featureTransformations()
        #expect(Set(recipes.map(\.recipeArn)).count == recipes.count)
        #expect(Set(algorithms.map(\.algorithmArn)).count == algorithms.count)
        #expect(Set(transformations.map(\.featureTransformationArn)).count == transformations.count)
        for recipe in recipes {
            #expect(recipe.recipeArn == RecipeCatalog.recipeArnPrefix + recipe.name)
            #expect(isValidResourceName(recipe.name), "\(recipe.name)")
        }
        for algorithm in algorithms {
            #expect(algorithm.algorithmArn == RecipeCatalog.algorithmArnPrefix + algorithm.name)
            #expect(algorithm.name.hasPrefix("aws-"))
            #expect(isValidResourceName(algorithm.name), "\(algorithm.name)")
            #expect(isValidResourceName(algorithm.algorithmImage.name), "\(algorithm.algorithmImage.name)")
        }
        for transformation in transformations {
            #expect(
                transformation.featureTransformationArn == RecipeCatalog.featureTransformationArnPrefix
                    + transformation.name)
            #expect(isValidResourceName(transformation.name), "\(transformation.name)")
        }
    }

    @Test("every recipe refers to an algorithm and feature transformation that exist, and nothing is orphaned")
    func referencesResolve() throws {
        let recipes = try recipes()
        let algorithmArns = Set(try algorithms().map(\.algorithmArn))
        let transformationArns = Set(try featureTransformations().map(\.featureTransformationArn))
        for recipe in recipes {
            #expect(algorithmArns.contains(recipe.algorithmArn), "\(recipe.name)")
            if let arn = recipe.featureTransformationArn {
                #expect(transformationArns.contains(arn), "\(recipe.name)")
            }
        }
        #expect(Set(recipes.map(\.algorithmArn)) == algorithmArns)
        #expect(Set(recipes.compactMap(\.featureTransformationArn)) == transformationArns)
    }

    @Test("recipe, algorithm and feature transformation fields hold valid wire values")
    func fieldValues() throws {
        for recipe in try recipes() {
            #expect(Self.recipeTypes.contains(recipe.recipeType), "\(recipe.name)")
            #expect(recipe.status == "ACTIVE")
            #expect(!recipe.description.isEmpty)
            #expect(recipe.creationDateTime > 1_500_000_000 && recipe.creationDateTime <= recipe.lastUpdatedDateTime)
        }
        for algorithm in try algorithms() {
            #expect(algorithm.trainingInputMode == "File")
            #expect(!algorithm.algorithmImage.dockerURI.isEmpty && algorithm.algorithmImage.dockerURI.count <= 256)
            #expect(algorithm.defaultResourceConfig["maxNumberOfTrainingJobs"] != nil)
            #expect(algorithm.defaultResourceConfig["maxParallelTrainingJobs"] != nil)
            #expect(
                algorithm.creationDateTime > 1_500_000_000
                    && algorithm.creationDateTime <= algorithm.lastUpdatedDateTime)
        }
        for transformation in try featureTransformations() {
            #expect(transformation.status == "ACTIVE")
            #expect(transformation.creationDateTime <= transformation.lastUpdatedDateTime)
        }
    }

    @Test("every hyperparameter range has a default inside it, and every default has a range")
    func defaultsWithinRanges() throws {
        for algorithm in try algorithms() {
            let defaults = algorithm.defaultHyperParameters
            let ranges = algorithm.defaultHyperParameterRanges
            var ranged: Set<String> = []
            for range in ranges.integerHyperParameterRanges {
                ranged.insert(range.name)
                let value = try #require(defaults[range.name].flatMap { Int($0) }, "\(algorithm.name).\(range.name)")
                #expect(range.minValue <= value && value <= range.maxValue, "\(algorithm.name).\(range.name)")
            }
            for range in ranges.continuousHyperParameterRanges {
                ranged.insert(range.name)
                let value = try #require(defaults[range.name].flatMap { Double($0) }, "\(algorithm.name).\(range.name)")
                #expect(range.minValue <= value && value <= range.maxValue, "\(algorithm.name).\(range.name)")
            }
            for range in ranges.categoricalHyperParameterRanges {
                ranged.insert(range.name)
                let value = try #require(defaults[range.name], "\(algorithm.name).\(range.name)")
                #expect(range.values.contains(value), "\(algorithm.name).\(range.name)")
            }
            #expect(Set(defaults.keys) == ranged, "\(algorithm.name)")
        }
    }

    struct DocumentedDefault: Sendable, CustomTestStringConvertible {
        var algorithm: String
        var parameter: String
        var value: String
        var testDescription: String { "\(algorithm) \(parameter)=\(value)" }
    }

    @Test(
        "algorithms carry the documented hyperparameter defaults",
        arguments: [
            DocumentedDefault(algorithm: "aws-sims", parameter: "popularity_discount_factor", value: "0.5"),
            DocumentedDefault(algorithm: "aws-sims", parameter: "min_cointeraction_count", value: "3"),
            DocumentedDefault(algorithm: "aws-user-personalization", parameter: "hidden_dimension", value: "149"),
            DocumentedDefault(algorithm: "aws-user-personalization", parameter: "bptt", value: "32"),
            DocumentedDefault(algorithm: "aws-user-personalization", parameter: "recency_mask", value: "true"),
            DocumentedDefault(algorithm: "aws-user-personalization", parameter: "exploration_weight", value: "0.3"),
            DocumentedDefault(
                algorithm: "aws-user-personalization", parameter: "exploration_item_age_cut_off", value: "30.0"),
            DocumentedDefault(algorithm: "aws-hrnn", parameter: "hidden_dimension", value: "43"),
            DocumentedDefault(algorithm: "aws-similar-items", parameter: "item_id_hidden_dim", value: "100"),
            DocumentedDefault(algorithm: "aws-user-personalization-v2", parameter: "apply_recency_bias", value: "true"),
        ]
    )
    func documentedDefaults(_ expected: DocumentedDefault) throws {
        let algorithm = try #require(try algorithms().first { $0.name == expected.algorithm })
        #expect(algorithm.defaultHyperParameters[expected.parameter] == expected.value)
    }

    @Test("feature transformations carry the documented featurization defaults")
    func featurizationDefaults() throws {
        let byName = Dictionary(
            uniqueKeysWithValues: try featureTransformations().map { ($0.name, $0.defaultParameters) })
        #expect(byName["sims"]?["min_user_history_length_percentile"] == "0.005")
        #expect(byName["sims"]?["max_user_history_length_percentile"] == "0.995")
        #expect(byName["sims"]?["min_item_interaction_count_percentile"] == "0.01")
        #expect(byName["sims"]?["max_item_interaction_count_percentile"] == "0.9")
        #expect(byName["JSON-percentile-filtering"]?["max_user_history_length_percentile"] == "0.99")
        #expect(byName["featurize_coldstart"]?["cold_start_relative_from"] == "latestItem")
        #expect(byName["trending-now"]?["trend_discovery_frequency"] == "2 hours")
        #expect(byName["next-best-action"]?["action_optimization_period"] == "14")
    }

    @Test("typed entries agree with the wire recipes, in order")
    func entriesMatchJSON() throws {
        let recipes = try recipes()
        let entries = RecipeCatalog.recipeEntries
        try #require(entries.count == recipes.count)
        for (entry, recipe) in zip(entries, recipes) {
            #expect(entry.name == recipe.name)
            #expect(entry.arn == recipe.recipeArn)
            #expect(entry.recipeType == recipe.recipeType)
            #expect(entry.algorithmArn == recipe.algorithmArn)
            #expect(entry.featureTransformationArn == recipe.featureTransformationArn)
        }
    }

    @Test("domain recipes are exactly the ecomm and vod use cases")
    func domains() {
        for entry in RecipeCatalog.recipeEntries {
            switch entry.domain {
            case "ECOMMERCE": #expect(entry.name.hasPrefix("aws-ecomm-"))
            case "VIDEO_ON_DEMAND": #expect(entry.name.hasPrefix("aws-vod-"))
            case nil: #expect(!entry.name.hasPrefix("aws-ecomm-") && !entry.name.hasPrefix("aws-vod-"))
            default: Issue.record("unexpected domain \(String(describing: entry.domain)) on \(entry.name)")
            }
        }
        #expect(RecipeCatalog.recipeEntries.filter { $0.domain == "ECOMMERCE" }.count == 5)
        #expect(RecipeCatalog.recipeEntries.filter { $0.domain == "VIDEO_ON_DEMAND" }.count == 5)
    }

    @Test("input kinds follow the recipe types")
    func inputKinds() {
        for entry in RecipeCatalog.recipeEntries {
            switch entry.recipeType {
            case "PERSONALIZED_RANKING": #expect(entry.inputKind == .ranking, "\(entry.name)")
            case "RELATED_ITEMS": #expect(entry.inputKind == .item, "\(entry.name)")
            case "USER_SEGMENTATION": #expect(entry.inputKind == .segment, "\(entry.name)")
            case "PERSONALIZED_ACTIONS": #expect(entry.inputKind == .action, "\(entry.name)")
            default: #expect(entry.inputKind == .user, "\(entry.name)")
            }
        }
        #expect(
            RecipeCatalog.recipeEntries.filter(\.legacy).map(\.name) == [
                "aws-hrnn", "aws-hrnn-metadata", "aws-hrnn-coldstart",
            ])
    }

    @Test("looks recipes up by ARN and by name")
    func lookups() {
        let sims = RecipeCatalog.entry(forArn: "arn:aws:personalize:::recipe/aws-sims")
        #expect(sims?.name == "aws-sims")
        #expect(sims?.featureTransformationArn == "arn:aws:personalize:::feature-transformation/sims")
        #expect(
            RecipeCatalog.entry(named: "aws-trending-now")?.algorithmArn
                == "arn:aws:personalize:::algorithm/aws-trending-now-custom")
        #expect(RecipeCatalog.entry(forArn: "arn:aws:personalize:::recipe/aws-nope") == nil)
        #expect(RecipeCatalog.entry(named: "sims") == nil)
    }
}
