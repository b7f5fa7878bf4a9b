/// A search range (`hpoConfig.algorithmHyperParameterRanges`).
package enum HyperparameterRange: Sendable, Hashable {
    case integer(ClosedRange<Int>, logScale: Bool = false)
    case continuous(ClosedRange<Double>, logScale: Bool = false)
    case categorical([String])

    func sample(_ rng: inout Xoshiro256) -> String {
        switch self {
        case .integer(let range, let logScale):
            if logScale && range.lowerBound > 0 {
                let value = sampleLog(Double(range.lowerBound), Double(range.upperBound) + 1, &rng)
                return String(min(range.upperBound, Int(value.rounded(.down))))
            }
            return String(range.lowerBound + Int(rng.next() % UInt64(range.count)))
        case .continuous(let range, let logScale):
            let value =
                logScale && range.lowerBound > 0
                ? sampleLog(range.lowerBound, range.upperBound, &rng)
                : range.lowerBound + rng.nextDouble() * (range.upperBound - range.lowerBound)
            return String(value)
        case .categorical(let values):
            return values[Int(rng.next() % UInt64(values.count))]
        }
    }

    private func sampleLog(_ low: Double, _ high: Double, _ rng: inout Xoshiro256) -> Double {
        let a = naturalLog(low)
        let b = naturalLog(high)
        return power(2.718_281_828_459_045, a + rng.nextDouble() * (b - a))
    }
}

/// How hard to search.
package struct HPOConfiguration: Sendable {
    /// Models to train (`hpoResourceConfig.maxNumberOfTrainingJobs`); the first uses the given/default values.
    package var trainingJobs: Int
    /// Settings of the serving-time hyperparameters tried on each trained model (no retraining needed).
    package var servingTrialsPerJob: Int
    /// Inner validation splits averaged per trial (seeds `seed + 1000·k`, k = 1...); more splits, less noise.
    package var innerSplits: Int
    /// Ranges to search; hyperparameters without one use the recipe's default range unless the caller fixed them.
    package var ranges: [String: HyperparameterRange]
    /// The metric to maximise.
    package var objective: String

    package init(
        trainingJobs: Int = 16,
        servingTrialsPerJob: Int = 8,
        innerSplits: Int = 1,
        ranges: [String: HyperparameterRange] = [:],
        objective: String = MetricName.ndcgAt25
    ) {
        self.trainingJobs = trainingJobs
        self.servingTrialsPerJob = servingTrialsPerJob
        self.innerSplits = innerSplits
        self.ranges = ranges
        self.objective = objective
    }
}

package struct HPOTrial: Sendable {
    package var hyperparameters: [String: String]
    package var objective: Double
}

package struct HPOResult: Sendable {
    /// The winning values of the searched hyperparameters (`SolutionVersion.tunedHPOParams.algorithmHyperParameters`).
    package var tunedHPOParams: [String: String]
    /// The full hyperparameter map to train the final model with (fixed values plus `tunedHPOParams`).
    package var hyperparameters: [String: String]
    package var bestObjective: Double
    package var trials: [HPOTrial]
}

/// Random search on inner validation splits made from the training users only (never the test users).
package enum HyperparameterTuner {
    /// Tunes `recipe` on `data` (pass the training data: the protocol's training users, or everything when there is
    /// no outer evaluation). `hyperparameters` the caller set explicitly stay fixed unless `configuration.ranges`
    /// names them.
    package static func tune(
        recipe: Recipe,
        data: InteractionData,
        hyperparameters: [String: String],
        weighting: EventWeighting = EventWeighting(),
        configuration: HPOConfiguration,
        seed: UInt64,
        threads: Int,
        cancel: CancellationFlag,
        progress: (String) -> Void
    ) throws(RecipeError) -> HPOResult {
        var searched = [(spec: HyperparameterSpec, range: HyperparameterRange)]()
        for spec in recipe.hyperparameterSpecs {
            if let range = configuration.ranges[spec.name] {
                searched.append((spec, range))
            } else if hyperparameters[spec.name] == nil, spec.isTunable, let range = defaultRange(spec) {
                searched.append((spec, range))
            }
        }
        let splits = (1...max(1, configuration.innerSplits)).map {
            EvaluationSplit(data: data, seed: seed + 1000 * UInt64($0))
        }
        guard splits.allSatisfy({ !$0.queries.isEmpty }) else {
            throw RecipeError(.insufficientData, "too few users for a validation split")
        }
        var rng = Xoshiro256(seed: seed ^ 0x4850_4F53_4541_5243)
        var trials = [HPOTrial]()
        var best: HPOTrial?
        for job in 0..<max(1, configuration.trainingJobs) {
            try cancel.check()
            var trainingValues = hyperparameters
            if job > 0 {
                for (spec, range) in searched where !spec.servingTime { trainingValues[spec.name] = range.sample(&rng) }
            }
            var servingSettings = [[String: String]]()
            for trial in 0..<max(1, configuration.servingTrialsPerJob) {
                var values = [String: String]()
                if trial > 0 {
                    for (spec, range) in searched where spec.servingTime { values[spec.name] = range.sample(&rng) }
                }
                servingSettings.append(values)
            }
            var objectives = [Double](repeating: 0, count: servingSettings.count)
            for split in splits {
                let model = try Trainer.train(
                    recipe: recipe,
                    data: split.trainingData,
                    hyperparameters: trainingValues,
                    weighting: weighting,
                    seed: seed,
                    threads: threads,
                    cancel: cancel,
                    progress: { _ in }
                )
                for (k, serving) in servingSettings.enumerated() {
                    let variant = try model.withServingHyperparameters(serving)
                    let report = Evaluator.evaluate(model: variant, split: split, threads: threads)
                    objectives[k] += (report.metrics[configuration.objective] ?? 0) / Double(splits.count)
                }
            }
            for (k, serving) in servingSettings.enumerated() {
                var values = trainingValues
                for (name, value) in serving { values[name] = value }
                let trial = HPOTrial(hyperparameters: values, objective: objectives[k])
                trials.append(trial)
                if best == nil || trial.objective > best!.objective { best = trial }
            }
            progress(
                "HPO job \(job + 1)/\(configuration.trainingJobs): best \(configuration.objective) \(best!.objective)")
        }
        let winner = best!
        var tuned = [String: String]()
        for (spec, _) in searched {
            if let value = winner.hyperparameters[spec.name] {
                tuned[spec.name] = value
            } else {
                tuned[spec.name] = spec.defaultValue
            }
        }
        var full = hyperparameters
        for (name, value) in tuned { full[name] = value }
        return HPOResult(tunedHPOParams: tuned, hyperparameters: full, bestObjective: winner.objective, trials: trials)
    }

    private static func defaultRange(_ spec: HyperparameterSpec) -> HyperparameterRange? {
        switch spec.kind {
        case .categorical(let values):
            return .categorical(values)
        case .integer:
            guard let range = spec.searchRange else { return nil }
            return .integer(Int(range.lowerBound)...Int(range.upperBound), logScale: spec.logScale)
        case .continuous:
            guard let range = spec.searchRange else { return nil }
            return .continuous(range, logScale: spec.logScale)
        }
    }
}
