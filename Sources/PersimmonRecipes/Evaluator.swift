/// The offline metrics of `EVALUATION.md` (`GetSolutionMetrics`).
package struct MetricReport: Sendable {
    /// The AWS metrics, by AWS name (`MetricName`).
    package var metrics: [String: Double]
    /// `recall_at_25` and `hit_rate_at_25` (reference-evaluator extras, not AWS metrics).
    package var extraMetrics: [String: Double]
    package var queryCount: Int
}

package enum Evaluator {
    /// Scores `model` on the split's test users: each query folds in the user's input, asks for the top 25 with the
    /// input items excluded, and compares with the ground truth. Queries run on `threads` workers.
    package static func evaluate(model: TrainedModel, split: EvaluationSplit, threads: Int) -> MetricReport {
        let queries = split.queries
        var lists = [Int32](repeating: -1, count: queries.count * MetricAccumulator.listLength)
        lists.withUnsafeMutableBufferPointer { lists in
            Parallel.forEachChunk(count: queries.count, chunkSize: 8, threads: threads) { _, range in
                for q in range {
                    let request = RecommendationRequest(
                        history: queries[q].history,
                        count: MetricAccumulator.listLength,
                        excludeHistory: true
                    )
                    for (slot, entry) in model.recommend(request).enumerated() {
                        lists[q * MetricAccumulator.listLength + slot] = entry.item
                    }
                }
            }
        }
        var accumulator = MetricAccumulator(catalogSize: split.catalogSize)
        for (q, query) in queries.enumerated() {
            let list = lists[(q * MetricAccumulator.listLength)..<((q + 1) * MetricAccumulator.listLength)]
            accumulator.add(recommendations: list.filter { $0 >= 0 }, truth: Set(query.truth))
        }
        return MetricReport(
            metrics: accumulator.metrics,
            extraMetrics: accumulator.extraMetrics,
            queryCount: accumulator.queryCount
        )
    }

    /// The AWS solution-version metrics: split `data` (seed), train `recipe` on the training users only, fold the
    /// test users in at query time and score them. Returns the metrics by AWS name.
    package static func evaluate(
        recipe: Recipe,
        data: InteractionData,
        hyperparameters: [String: String],
        weighting: EventWeighting = EventWeighting(),
        seed: UInt64 = 42,
        threads: Int,
        cancel: CancellationFlag,
        progress: (String) -> Void
    ) throws(RecipeError) -> [String: Double] {
        let split = EvaluationSplit(data: data, seed: seed)
        guard !split.queries.isEmpty else {
            throw RecipeError(.insufficientData, "no test user has both input and ground-truth events")
        }
        let model = try Trainer.train(
            recipe: recipe,
            data: split.trainingData,
            hyperparameters: hyperparameters,
            weighting: weighting,
            seed: seed,
            threads: threads,
            cancel: cancel,
            progress: progress
        )
        return evaluate(model: model, split: split, threads: threads).metrics
    }
}
