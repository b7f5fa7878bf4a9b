/// The training entry point (what `CreateSolutionVersion` runs on the compute pool).
///
/// Synchronous and CPU-bound: call it from a dedicated thread pool, never from the Swift cooperative pool. It fans
/// out to `threads` workers internally (`DispatchQueue.concurrentPerform`) and returns when done. The result is a
/// pure function of (data, hyperparameters, weighting, seed): every parallel kernel writes each output row from one
/// worker in a fixed order, and partial sums are reduced in a fixed block order, so the thread count does not
/// change the model either.
package enum Trainer {
    /// Trains `recipe` on `data`.
    ///
    /// - Parameters:
    ///   - hyperparameters: `algorithmHyperParameters` / `featureTransformationParameters` strings by AWS name
    ///     (see `Recipe.hyperparameterSpecs`); missing ones take their defaults, unknown ones are ignored.
    ///   - weighting: event-type weights, `eventValueThreshold` (`SolutionConfig.eventsConfig`).
    ///   - progress: called on the calling thread between phases and iterations.
    package static func train(
        recipe: Recipe,
        data: InteractionData,
        hyperparameters: [String: String],
        weighting: EventWeighting = EventWeighting(),
        seed: UInt64,
        threads: Int,
        cancel: CancellationFlag,
        previous: TrainedModel? = nil,
        progress: (String) -> Void
    ) throws(RecipeError) -> TrainedModel {
        guard data.count > 0, data.itemCount > 0 else {
            throw RecipeError(.insufficientData, "no interactions to train on")
        }
        var reader = HyperparameterReader(recipe: recipe, values: hyperparameters)
        let payload: TrainedModel.Payload
        switch recipe {
        case .popularityCount:
            let sequences = data.userSequences(weighting: weighting)
            payload = .popularity(PopularityModel(scores: sequences.itemCounts().map { Float($0) }))
        case .trendingNow:
            payload = .trending(try trainTrending(data: data, weighting: weighting, reader: &reader))
        case .sims:
            payload = .sims(
                try trainSIMS(data: data, weighting: weighting, reader: &reader, threads: threads, cancel: cancel)
            )
        case .similarItems:
            payload = .sims(
                try trainSimilarItems(
                    data: data, weighting: weighting, reader: &reader, threads: threads, cancel: cancel,
                    progress: progress
                )
            )
        case .userPersonalization, .personalizedRanking:
            payload = .factors(
                try trainFactors(
                    data: data,
                    weighting: weighting,
                    reader: &reader,
                    seed: seed,
                    threads: threads,
                    cancel: cancel,
                    previous: previous,
                    progress: progress
                )
            )
        }
        progress("trained \(recipe.rawValue)")
        return TrainedModel(
            recipe: recipe,
            hyperparameters: reader.resolved,
            seed: seed,
            itemIDs: data.itemIDs,
            itemCount: data.itemCount,
            payload: payload
        )
    }

    // MARK: trending-now

    private static func trainTrending(
        data: InteractionData,
        weighting: EventWeighting,
        reader: inout HyperparameterReader
    ) throws(RecipeError) -> PopularityModel {
        let interval: Int64 =
            switch try reader.string("trend_discovery_frequency") {
            case "30 minutes": 1800
            case "1 hour": 3600
            case "1 day": 86_400
            default: 10_800
            }
        let sequences = data.userSequences(weighting: weighting)
        let popularity = sequences.itemCounts()
        var anchor = Int64.min
        for t in data.timestamps { anchor = max(anchor, t) }
        var current = [Int32](repeating: 0, count: data.itemCount)
        var previous = [Int32](repeating: 0, count: data.itemCount)
        for event in 0..<data.count {
            let age = anchor - data.timestamps[event]
            if age < interval {
                current[Int(data.items[event])] += 1
            } else if age < 2 * interval {
                previous[Int(data.items[event])] += 1
            }
        }
        // rank: trending items (growth (cur − prev)/(prev + 1) > 0) by growth, then current count; then the rest by
        // popularity; ties by item index
        func growth(_ item: Int) -> Double {
            Double(current[item] - previous[item]) / Double(previous[item] + 1)
        }
        let order = (0..<data.itemCount).sorted { a, b in
            let ga = growth(a)
            let gb = growth(b)
            let ta = ga > 0
            let tb = gb > 0
            if ta != tb { return ta }
            if ta {
                if ga != gb { return ga > gb }
                if current[a] != current[b] { return current[a] > current[b] }
            }
            if popularity[a] != popularity[b] { return popularity[a] > popularity[b] }
            return a < b
        }
        var scores = [Float](repeating: 0, count: data.itemCount)
        for (rank, item) in order.enumerated() {
            scores[item] = Float(data.itemCount - rank) / Float(data.itemCount)
        }
        return PopularityModel(scores: scores)
    }

    // MARK: SIMS

    private static func trainSIMS(
        data: InteractionData,
        weighting: EventWeighting,
        reader: inout HyperparameterReader,
        threads: Int,
        cancel: CancellationFlag
    ) throws(RecipeError) -> SIMSModel {
        let configuration = CoOccurrence.Configuration(
            popularityDiscount: try reader.double("popularity_discount_factor"),
            minimumCount: try reader.int("min_cointeraction_count"),
            window: try reader.int("co_occurrence_window"),
            forwardOnly: try reader.string("co_occurrence_direction") == "forward",
            neighbourCount: try reader.int("neighbour_count"),
            userHistoryPercentiles: try percentileRange(
                &reader,
                "min_user_history_length_percentile",
                "max_user_history_length_percentile"
            ),
            itemCountPercentiles: try percentileRange(
                &reader,
                "min_item_interaction_count_percentile",
                "max_item_interaction_count_percentile"
            )
        )
        let sequences = data.userSequences(weighting: weighting)
        let neighbours = try CoOccurrence(configuration: configuration).neighbours(
            sequences: sequences,
            threads: threads,
            cancel: cancel
        )
        var model = SIMSModel(
            neighbours: neighbours,
            popularity: sequences.itemCounts().map { Float($0) },
            historyLength: 0,
            recencyHalfLife: 0
        )
        try model.readServing(&reader)
        return model
    }

    // MARK: similar-items

    /// SIMS-style co-occurrence blended with metadata similarity (`NeighbourIndex.blend`).
    private static func trainSimilarItems(
        data: InteractionData,
        weighting: EventWeighting,
        reader: inout HyperparameterReader,
        threads: Int,
        cancel: CancellationFlag,
        progress: (String) -> Void
    ) throws(RecipeError) -> SIMSModel {
        let neighbourCount = try reader.int("neighbour_count")
        let configuration = CoOccurrence.Configuration(
            popularityDiscount: try reader.double("popularity_discount_factor"),
            minimumCount: try reader.int("min_cointeraction_count"),
            window: try reader.int("co_occurrence_window"),
            forwardOnly: try reader.string("co_occurrence_direction") == "forward",
            neighbourCount: neighbourCount
        )
        let metadataWeight = try reader.double("metadata_weight")
        let coldItemInteractions = try reader.double("cold_item_interactions")
        let maxTermItems = try reader.int("metadata_max_term_items")
        let sequences = data.userSequences(weighting: weighting)
        let popularity = sequences.itemCounts().map { Float($0) }
        progress("co-occurrence neighbours")
        let coOccurrence = try CoOccurrence(configuration: configuration).neighbours(
            sequences: sequences,
            threads: threads,
            cancel: cancel
        )
        var neighbours = coOccurrence
        if let metadata = data.itemMetadata, !metadata.fields.isEmpty {
            progress("metadata neighbours")
            let similarity = MetadataSimilarity(metadata: metadata, itemCount: data.itemCount)
            let byMetadata = try similarity.neighbours(
                count: neighbourCount, maxTermItems: maxTermItems, threads: threads, cancel: cancel
            )
            neighbours = NeighbourIndex.blend(
                coOccurrence: coOccurrence,
                metadata: byMetadata,
                interactions: popularity,
                metadataWeight: metadataWeight,
                coldItemInteractions: coldItemInteractions,
                count: neighbourCount
            )
        }
        var model = SIMSModel(neighbours: neighbours, popularity: popularity, historyLength: 0, recencyHalfLife: 0)
        try model.readServing(&reader)
        return model
    }

    private static func percentileRange(
        _ reader: inout HyperparameterReader,
        _ low: String,
        _ high: String
    ) throws(RecipeError) -> ClosedRange<Double> {
        let lower = try reader.double(low)
        let upper = try reader.double(high)
        guard lower <= upper else { throw RecipeError(.invalidHyperparameter, "\(low) must not exceed \(high)") }
        return lower...upper
    }

    // MARK: user-personalization / personalized-ranking

    private static func trainFactors(
        data: InteractionData,
        weighting: EventWeighting,
        reader: inout HyperparameterReader,
        seed: UInt64,
        threads: Int,
        cancel: CancellationFlag,
        previous: TrainedModel?,
        progress: (String) -> Void
    ) throws(RecipeError) -> FactorModel {
        var als = WeightedALS.Configuration(
            factors: try reader.int("hidden_dimension"),
            regularization: Float(try reader.double("regularization")),
            alpha: Float(try reader.double("alpha")),
            iterations: try reader.int("iterations"),
            cgSteps: try reader.int("cg_steps")
        )
        let updateIterations = try reader.int("update_iterations")
        // trainingMode UPDATE: start from the previous model's item factors (matched by item ID; new items start
        // small and random) and run `update_iterations` instead of `iterations`.
        var initialItems: Matrix?
        if let previous, case .factors(let old) = previous.payload, old.factors == als.factors {
            var rng = Xoshiro256(seed: seed ^ 0x5550_4441_5445)
            var start = Matrix(rows: data.itemCount, columns: als.factors)
            var reused = 0
            for item in 0..<data.itemCount {
                let row = item * als.factors
                if item < data.itemIDs.count, let known = previous.itemIndex(of: data.itemIDs[item]) {
                    let source = Int(known) * als.factors
                    for d in 0..<als.factors { start.storage[row + d] = old.itemFactors.storage[source + d] }
                    reused += 1
                } else {
                    for d in 0..<als.factors { start.storage[row + d] = rng.nextFloat() * 0.01 }
                }
            }
            initialItems = start
            als.iterations = updateIterations
            progress("update: warm start from \(reused) of \(data.itemCount) items' factors")
        }
        let userPercentiles = try percentileRange(
            &reader,
            "min_user_history_length_percentile",
            "max_user_history_length_percentile"
        )
        var trainingWeighting = weighting
        trainingWeighting.recencyHalfLifeEvents = try reader.double("training_recency_half_life")
        let coOccurrence = CoOccurrence.Configuration(
            popularityDiscount: try reader.double("popularity_discount_factor"),
            minimumCount: try reader.int("min_cointeraction_count"),
            window: try reader.int("co_occurrence_window"),
            forwardOnly: try reader.string("co_occurrence_direction") == "forward",
            neighbourCount: try reader.int("neighbour_count")
        )
        let maxHistory = try reader.int("max_history_length")

        // users outside the history-length percentiles do not train the factors
        let plain = data.userSequences(weighting: weighting)
        var lengths = [Double]()
        for user in 0..<plain.userCount where plain.matrix.rowStarts[user + 1] > plain.matrix.rowStarts[user] {
            lengths.append(Double(plain.matrix.rowStarts[user + 1] - plain.matrix.rowStarts[user]))
        }
        let low = quantile(lengths, userPercentiles.lowerBound)
        let high = quantile(lengths, userPercentiles.upperBound)
        var keep = [Bool](repeating: false, count: data.userCount)
        for user in 0..<data.userCount {
            let n = Double(plain.matrix.rowStarts[user + 1] - plain.matrix.rowStarts[user])
            keep[user] = n > 0 && n >= low && n <= high
        }
        let weighted =
            trainingWeighting == weighting && !keep.contains(false)
            ? plain : data.userSequences(weighting: trainingWeighting, keep: keep)
        progress("weighted ALS on \(weighted.matrix.nonzeroCount) cells")
        let itemUsers = weighted.matrix.transposed()
        let (_, items) = try WeightedALS(configuration: als).train(
            userItems: weighted.matrix,
            itemUsers: itemUsers,
            seed: seed,
            threads: threads,
            cancel: cancel,
            initialItems: initialItems,
            progress: progress
        )
        // sequence_weight = 0 at training time means the item-to-item component is off for this model: skip it
        var neighbours = NeighbourIndex(
            starts: [Int](repeating: 0, count: data.itemCount + 1),
            neighbours: [],
            scores: []
        )
        if try reader.double("sequence_weight") > 0 {
            progress("co-occurrence neighbours")
            neighbours = try CoOccurrence(configuration: coOccurrence).neighbours(
                sequences: plain,
                threads: threads,
                cancel: cancel
            )
        }
        let popularity = plain.itemCounts().map { Float($0) }
        var created = data.itemCreationTimestamps
        if created.isEmpty { created = [Int64](repeating: .min, count: data.itemCount) }
        var firstSeen = [Int64](repeating: .max, count: data.itemCount)
        for event in 0..<data.count {
            let item = Int(data.items[event])
            firstSeen[item] = min(firstSeen[item], data.timestamps[event])
        }
        for item in 0..<data.itemCount where created[item] == .min && firstSeen[item] != .max {
            created[item] = firstSeen[item]
        }
        var model = FactorModel(
            itemFactors: items,
            gram: WeightedALS.gram(items, threads: threads).map { Float($0) },
            regularization: als.regularization,
            alpha: als.alpha,
            neighbours: neighbours,
            popularity: popularity,
            itemCreated: created,
            recencyMask: true,
            recencyHalfLife: 0,
            maxHistoryLength: maxHistory,
            sequenceWeight: 0,
            sequenceLength: 0
        )
        try model.readServing(&reader)
        return model
    }
}
