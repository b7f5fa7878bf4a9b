import Testing

@testable import PersimmonRecipes

@Suite struct RecipePropertyTests {
    static let recipes: [Recipe] = Recipe.allCases

    private func hyperparameters(_ recipe: Recipe) -> [String: String] {
        switch recipe {
        case .userPersonalization, .personalizedRanking: smallFactors
        case .sims, .similarItems: ["min_cointeraction_count": "1"]
        default: [:]
        }
    }

    @Test("recommendations are sorted, finite, unique, inside the candidates and never excluded", arguments: recipes)
    func properties(recipe: Recipe) throws {
        let data = plantedData()
        let model = try train(recipe, data, hyperparameters(recipe))
        let history = UserHistory(items: [0, 1, 2, 11])
        let candidates = ItemBitset(capacity: data.itemCount, items: (0..<Int32(data.itemCount)).filter { $0 % 3 != 0 })
        let excluded: [Int32] = [4, 5, 7]
        let request = RecommendationRequest(
            history: history,
            item: recipe.recipeType == "RELATED_ITEMS" ? 1 : nil,
            count: 10,
            excluded: excluded,
            excludeHistory: true,
            candidates: candidates
        )
        let result = model.recommend(request)
        #expect(result.count == 10)
        #expect(Set(result.map(\.item)).count == result.count)
        for entry in result {
            #expect(entry.score.isFinite)
            #expect(candidates.contains(entry.item))
            #expect(!excluded.contains(entry.item))
            #expect(!history.items.contains(entry.item))
        }
        for (a, b) in zip(result, result.dropFirst()) {
            #expect(a.score > b.score || (a.score == b.score && a.item < b.item))
        }
        #expect(model.scores(for: request).allSatisfy { $0.isFinite })
    }

    @Test("training is reproducible from the seed and independent of the thread count", arguments: recipes)
    func determinism(recipe: Recipe) throws {
        let data = plantedData()
        let request = RecommendationRequest(history: UserHistory(items: [3, 12, 13]), item: 3, count: 15)
        let a = try train(recipe, data, hyperparameters(recipe), seed: 5, threads: 1)
        let b = try train(recipe, data, hyperparameters(recipe), seed: 5, threads: 2)
        #expect(a.recommend(request) == b.recommend(request))
        #expect(a.scores(for: request) == b.scores(for: request))
        #expect(a.hyperparameters == b.hyperparameters)
    }

    @Test("a request larger than the catalogue returns every allowed item once")
    func largeRequest() throws {
        let data = plantedData()
        let model = try train(.popularityCount, data)
        let result = model.recommend(RecommendationRequest(count: 500, excluded: [0]))
        #expect(result.count == data.itemCount - 1)
    }

    @Test("popularity-count ranks items by distinct users")
    func popularity() throws {
        var builder = InteractionDataBuilder()
        for (user, items) in [("a", ["x", "y"]), ("b", ["x", "x", "x"]), ("c", ["x", "z"]), ("d", ["y"])] {
            for (k, item) in items.enumerated() { builder.append(userID: user, itemID: item, timestamp: Int64(k)) }
        }
        let data = builder.build()
        let model = try train(.popularityCount, data)
        let result = model.recommend(RecommendationRequest(count: 3))
        #expect(result.map { data.itemIDs[Int($0.item)] } == ["x", "y", "z"])
        #expect(result.map(\.score) == [3, 2, 1])
    }

    @Test("trending-now puts the item whose interaction rate grows fastest first")
    func trending() throws {
        var builder = InteractionDataBuilder()
        let end: Int64 = 1_000_000
        // "steady": 10 events in each of the last two 3-hour windows; "rising": 1 then 6; "old": 50 long ago
        for k in 0..<10 {
            builder.append(userID: "s\(k)", itemID: "steady", timestamp: end - 3 * 3600 - 100)
            builder.append(userID: "t\(k)", itemID: "steady", timestamp: end - 100)
        }
        builder.append(userID: "r", itemID: "rising", timestamp: end - 3 * 3600 - 100)
        for k in 0..<6 { builder.append(userID: "q\(k)", itemID: "rising", timestamp: end - Int64(k)) }
        for k in 0..<50 { builder.append(userID: "o\(k)", itemID: "old", timestamp: end - 10 * 86_400) }
        let data = builder.build()
        let model = try train(.trendingNow, data)
        let result = model.recommend(RecommendationRequest(count: 3))
        #expect(result.map { data.itemIDs[Int($0.item)] } == ["rising", "old", "steady"])
        #expect(model.hyperparameters["trend_discovery_frequency"] == "3 hours")
    }

    @Test("invalid hyperparameters are rejected with invalidHyperparameter")
    func invalidHyperparameters() {
        let data = plantedData()
        for (recipe, values) in [
            (Recipe.sims, ["popularity_discount_factor": "1.5"]),
            (.sims, ["min_cointeraction_count": "three"]),
            (.userPersonalization, ["hidden_dimension": "0"]),
            (.userPersonalization, ["recency_mask": "maybe"]),
            (.trendingNow, ["trend_discovery_frequency": "2 hours"]),
        ] {
            let error = #expect(throws: RecipeError.self) { try train(recipe, data, values) }
            #expect(error?.code == .invalidHyperparameter)
        }
    }

    @Test("a set cancellation flag stops training")
    func cancellation() {
        let flag = CancellationFlag()
        flag.cancel()
        let error = #expect(throws: RecipeError.self) {
            try Trainer.train(
                recipe: .userPersonalization,
                data: plantedData(),
                hyperparameters: smallFactors,
                seed: 1,
                threads: 2,
                cancel: flag,
                progress: { _ in }
            )
        }
        #expect(error?.code == .cancelled)
    }

    @Test("recipe names and ARNs parse")
    func recipeNames() {
        #expect(Recipe(arnOrName: "arn:aws:personalize:::recipe/aws-user-personalization") == .userPersonalization)
        #expect(Recipe(arnOrName: "aws-sims") == .sims)
        #expect(Recipe(arnOrName: "aws-hrnn") == nil)
    }

    @Test("the evaluator returns exactly the AWS metric names, each in [0, 1]")
    func evaluator() throws {
        let data = plantedData(usersPerCluster: 40)
        let metrics = try Evaluator.evaluate(
            recipe: .sims,
            data: data,
            hyperparameters: ["min_cointeraction_count": "1"],
            seed: 42,
            threads: 2,
            cancel: CancellationFlag(),
            progress: { _ in }
        )
        #expect(Set(metrics.keys) == Set(MetricName.all))
        #expect(metrics.values.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
