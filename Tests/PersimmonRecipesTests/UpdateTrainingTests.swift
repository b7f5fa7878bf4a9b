import Testing

@testable import PersimmonRecipes

/// trainingMode UPDATE: user-personalization warm-starts from the previous version's item factors.
@Suite struct UpdateTrainingTests {
    /// The planted data plus a new item "n1" that ten cluster-1 users interacted with most recently.
    private func grown(_ base: InteractionData) -> InteractionData {
        var builder = InteractionDataBuilder()
        for event in 0..<base.count {
            builder.append(
                userID: base.userIDs[Int(base.users[event])], itemID: base.itemIDs[Int(base.items[event])],
                timestamp: base.timestamps[event]
            )
        }
        for member in 0..<10 {
            builder.append(userID: "u1-\(member)", itemID: "n1", timestamp: 1_700_000_000 + Int64(member))
        }
        return builder.build()
    }

    private func itemFactors(_ model: TrainedModel) -> Matrix {
        guard case .factors(let factors) = model.payload else { preconditionFailure("not a factor model") }
        return factors.itemFactors
    }

    /// Mean cosine between the factor rows of the items both models know, matched by item ID.
    private func meanCosine(_ a: TrainedModel, _ b: TrainedModel) -> Float {
        let fa = itemFactors(a)
        let fb = itemFactors(b)
        var total: Float = 0
        var n = 0
        for (k, id) in a.itemIDs.enumerated() {
            guard let j = b.itemIndex(of: id) else { continue }
            var dot: Float = 0
            var na: Float = 0
            var nb: Float = 0
            for d in 0..<fa.columns {
                let x = fa[k, d]
                let y = fb[Int(j), d]
                dot += x * y
                na += x * x
                nb += y * y
            }
            total += dot / max((na * nb).squareRoot(), 1e-12)
            n += 1
        }
        return total / Float(n)
    }

    @Test("an update starts from the previous item factors, learns new items, and keeps the planted structure")
    func warmStart() throws {
        let base = plantedData()
        let settings = smallFactors.merging(["sequence_weight": "0"]) { $1 }
        let full = try train(.userPersonalization, base, settings)
        let data = grown(base)
        #expect(data.itemCount == base.itemCount + 1)
        let updated = try Trainer.train(
            recipe: .userPersonalization, data: data,
            hyperparameters: settings.merging(["update_iterations": "1"]) { $1 }, seed: 1, threads: 1,
            cancel: CancellationFlag(), previous: full, progress: { _ in }
        )
        #expect(updated.hyperparameters["update_iterations"] == "1")
        // one iteration from the warm start stays close to the previous factors; one from a cold start does not
        let cold = try train(.userPersonalization, data, settings.merging(["iterations": "1"]) { $1 })
        #expect(meanCosine(updated, full) > 0.8)
        #expect(meanCosine(updated, full) > meanCosine(cold, full) + 0.2)

        // structure: cluster-0 users get cluster-0 items; cluster-1 users see the new item
        let history0 = UserHistory(items: (0..<3).map { index(of: item($0), in: data) })
        let list0 = updated.recommend(RecommendationRequest(history: history0, count: 5, excludeHistory: true))
        #expect(list0.allSatisfy { data.itemIDs[Int($0.item)] != "n1" && cluster(of: $0.item, in: data) == 0 })
        let history1 = UserHistory(items: (10..<14).map { index(of: item($0), in: data) })
        let list1 = updated.recommend(RecommendationRequest(history: history1, count: 5, excludeHistory: true))
        #expect(list1.contains { data.itemIDs[Int($0.item)] == "n1" })
    }

    @Test("an update of another recipe, or with another factor count, retrains from scratch")
    func coldFallback() throws {
        let base = plantedData()
        let sims = try train(.sims, base, ["min_cointeraction_count": "1"])
        let settings = smallFactors.merging(["sequence_weight": "0"]) { $1 }
        let fresh = try train(.userPersonalization, base, settings)
        let fromSIMS = try Trainer.train(
            recipe: .userPersonalization, data: base, hyperparameters: settings, seed: 1, threads: 1,
            cancel: CancellationFlag(), previous: sims, progress: { _ in }
        )
        #expect(itemFactors(fromSIMS) == itemFactors(fresh))
        let wide = try train(.userPersonalization, base, settings.merging(["hidden_dimension": "12"]) { $1 })
        let fromWide = try Trainer.train(
            recipe: .userPersonalization, data: base, hyperparameters: settings, seed: 1, threads: 1,
            cancel: CancellationFlag(), previous: wide, progress: { _ in }
        )
        #expect(itemFactors(fromWide) == itemFactors(fresh))
    }
}
