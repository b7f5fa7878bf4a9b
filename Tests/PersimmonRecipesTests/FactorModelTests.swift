import Testing

@testable import PersimmonRecipes

@Suite struct FactorModelTests {
    @Test(
        "weighted ALS recovers planted clusters: a folded-in user gets items of their own cluster",
        arguments: [0, 1, 2])
    func plantedStructure(target: Int) throws {
        let data = plantedData()
        let model = try train(.userPersonalization, data, smallFactors.merging(["sequence_weight": "0"]) { $1 })
        let history = UserHistory(items: (0..<3).map { index(of: item(target * 10 + $0), in: data) })
        let result = model.recommend(RecommendationRequest(history: history, count: 5, excludeHistory: true))
        #expect(result.count == 5)
        #expect(result.allSatisfy { cluster(of: $0.item, in: data) == target })
    }

    @Test("the fold-in makes unseen users' lists personal")
    func foldInIsPersonal() throws {
        let data = plantedData()
        let model = try train(.userPersonalization, data, smallFactors)
        let first = model.recommend(
            RecommendationRequest(history: UserHistory(items: [index(of: item(1), in: data)]), count: 5)
        )
        let second = model.recommend(
            RecommendationRequest(history: UserHistory(items: [index(of: item(21), in: data)]), count: 5)
        )
        #expect(Set(first.map(\.item)).isDisjoint(with: second.map(\.item)))
        // without history the model falls back to popularity
        let anonymous = model.recommend(RecommendationRequest(count: 5))
        let popular = try train(.popularityCount, data).recommend(RecommendationRequest(count: 5))
        #expect(anonymous.map(\.item) == popular.map(\.item))
    }

    @Test("recency weighting shifts the fold-in towards the newest events")
    func recencyDominates() throws {
        let data = plantedData()
        let model = try train(
            .userPersonalization,
            data,
            smallFactors.merging(["recency_half_life": "1", "sequence_weight": "0"]) { $1 }
        )
        // six old events in cluster 0, the two newest in cluster 2
        let history = UserHistory(items: [0, 1, 2, 3, 4, 5, 20, 21].map { index(of: item($0), in: data) })
        func margin(_ model: TrainedModel) -> Float {
            let scores = model.scores(for: RecommendationRequest(history: history))
            let newest = (22..<30).map { scores[Int(index(of: item($0), in: data))] }
            let oldest = (6..<10).map { scores[Int(index(of: item($0), in: data))] }
            return newest.reduce(0, +) / Float(newest.count) - oldest.reduce(0, +) / Float(oldest.count)
        }
        let bag = try model.withServingHyperparameters(["recency_mask": "false"])
        #expect(margin(model) > 0)
        #expect(margin(model) > margin(bag) + 0.1)
        let longMemory = try model.withServingHyperparameters(["recency_half_life": "100"])
        #expect(margin(longMemory) < margin(model))
    }

    @Test("personalized ranking reorders the given list by the user's taste and appends unknown items unscored")
    func ranking() throws {
        let data = plantedData()
        let model = try train(.personalizedRanking, data, smallFactors)
        let history = UserHistory(items: [index(of: item(10), in: data), index(of: item(11), in: data)])
        let input: [Int32] = [
            index(of: item(1), in: data), 9_999, index(of: item(15), in: data), index(of: item(25), in: data),
        ]
        let ranked = model.rank(history: history, items: input)
        #expect(ranked.count == 4)
        #expect(ranked[0].item == index(of: item(15), in: data))
        #expect(ranked[3] == RankedItem(item: 9_999, score: nil))
        #expect(ranked[0..<3].allSatisfy { $0.score != nil })
    }

    @Test("exploration lifts a new item with no interactions only while it is younger than the cut-off")
    func exploration() throws {
        var builder = InteractionDataBuilder()
        let source = plantedData()
        for event in 0..<source.count {
            builder.append(
                userID: source.userIDs[Int(source.users[event])],
                itemID: source.itemIDs[Int(source.items[event])],
                timestamp: source.timestamps[event]
            )
        }
        let now: Int64 = 1_700_000_000
        builder.declareItem("fresh", creationTimestamp: now - 86_400)
        let data = builder.build()
        let fresh = index(of: "fresh", in: data)
        let model = try train(.userPersonalization, data, smallFactors)
        let history = UserHistory(items: [index(of: item(1), in: data)])
        let plain = model.recommend(RecommendationRequest(history: history, count: 5))
        #expect(!plain.contains { $0.item == fresh })
        let explored = model.recommend(
            RecommendationRequest(history: history, count: 5, exploration: Exploration(now: now, weight: 1))
        )
        #expect(explored.contains { $0.item == fresh })
        let late = model.recommend(
            RecommendationRequest(
                history: history, count: 5, exploration: Exploration(now: now + 40 * 86_400, weight: 1))
        )
        #expect(!late.contains { $0.item == fresh })
    }
}
