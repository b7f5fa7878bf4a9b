import Testing

@testable import PersimmonRecipes

@Suite struct SIMSTests {
    /// a: 1 2 3, b: 1 2, c: 2 3, d: 1 4 (items in time order)
    private func toy() -> InteractionData {
        var builder = InteractionDataBuilder()
        for (user, items) in [("a", [1, 2, 3]), ("b", [1, 2]), ("c", [2, 3]), ("d", [1, 4])] {
            for (k, i) in items.enumerated() { builder.append(userID: user, itemID: "i\(i)", timestamp: Int64(k)) }
        }
        return builder.build()
    }

    private let untrimmed: [String: String] = [
        "min_cointeraction_count": "1", "co_occurrence_window": "0", "co_occurrence_direction": "both",
        "min_user_history_length_percentile": "0", "max_user_history_length_percentile": "1",
        "min_item_interaction_count_percentile": "0", "max_item_interaction_count_percentile": "1",
    ]

    private func neighbours(_ model: TrainedModel, _ data: InteractionData, of id: String) -> [(String, Float)] {
        model.recommend(RecommendationRequest(item: index(of: id, in: data), count: 3))
            .filter { $0.score > 0 }
            .map { (data.itemIDs[Int($0.item)], $0.score) }
    }

    @Test("without a popularity discount the similarity is P(j | i)")
    func conditionalProbability() throws {
        let data = toy()
        let model = try train(.sims, data, untrimmed.merging(["popularity_discount_factor": "0"]) { $1 })
        let result = neighbours(model, data, of: "i1")
        #expect(result.map(\.0) == ["i2", "i3", "i4"])  // 2/3, then 1/3 tied: by item index
        #expect(zip(result.map(\.1), [Float(2) / 3, 1.0 / 3, 1.0 / 3]).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test("a full popularity discount favours rare targets: C_ij / n_j")
    func fullDiscount() throws {
        let data = toy()
        let model = try train(.sims, data, untrimmed.merging(["popularity_discount_factor": "1"]) { $1 })
        let result = neighbours(model, data, of: "i1")
        #expect(result.map(\.0) == ["i4", "i2", "i3"])  // 1/1, 2/3, 1/2
    }

    @Test("min_cointeraction_count drops rare pairs and the window limits pairs to nearby events")
    func thresholdsAndWindow() throws {
        let data = toy()
        let pruned = try train(.sims, data, untrimmed.merging(["min_cointeraction_count": "2"]) { $1 })
        #expect(neighbours(pruned, data, of: "i1").map(\.0) == ["i2"])
        let windowed = try train(.sims, data, untrimmed.merging(["co_occurrence_window": "1"]) { $1 })
        // user a has 1 2 3: with a window of 1, (1, 3) is not a pair any more
        #expect(Set(neighbours(windowed, data, of: "i1").map(\.0)) == ["i2", "i4"])
    }

    @Test("the forward direction counts only items that came after the source")
    func forward() throws {
        let data = toy()
        let both = try train(.sims, data, untrimmed)
        #expect(Set(neighbours(both, data, of: "i3").map(\.0)) == ["i1", "i2"])
        let forward = try train(.sims, data, untrimmed.merging(["co_occurrence_direction": "forward"]) { $1 })
        #expect(neighbours(forward, data, of: "i3").isEmpty)  // nobody interacted with anything after i3
        #expect(neighbours(forward, data, of: "i2").map(\.0) == ["i3"])
    }

    @Test("an unknown item gets popular items; a user query scores from the newest history items")
    func fallbacks() throws {
        let data = toy()
        let model = try train(.sims, data, untrimmed)
        let unknown = model.recommend(RecommendationRequest(item: 99, count: 2))
        #expect(unknown.map { data.itemIDs[Int($0.item)] } == ["i1", "i2"])
        let user = model.recommend(
            RecommendationRequest(
                history: UserHistory(items: [index(of: "i4", in: data)]), count: 1, excludeHistory: true)
        )
        #expect(user.map { data.itemIDs[Int($0.item)] } == ["i1"])
    }
}
