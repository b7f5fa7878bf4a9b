/// One hyperparameter of a recipe: its AWS name where AWS documents one, its default, its valid range and the
/// range random search draws from.
package struct HyperparameterSpec: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        case integer
        case continuous
        case categorical([String])
    }

    package let name: String
    package let kind: Kind
    package let defaultValue: String
    /// Inclusive validity bounds for numeric kinds.
    package let bounds: ClosedRange<Double>?
    /// The default HPO search range (numeric kinds); `nil` means not tuned by default.
    package let searchRange: ClosedRange<Double>?
    /// Sample the search range on a log scale.
    package let logScale: Bool
    /// The value only changes query-time scoring, so HPO evaluates it on an already trained model.
    package let servingTime: Bool

    package init(
        _ name: String,
        _ kind: Kind,
        default defaultValue: String,
        bounds: ClosedRange<Double>? = nil,
        search: ClosedRange<Double>? = nil,
        log: Bool = false,
        servingTime: Bool = false
    ) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.bounds = bounds
        self.searchRange = search
        self.logScale = log
        self.servingTime = servingTime
    }

    /// Whether HPO searches this parameter by default (for categorical kinds, any `searchRange` means "all values").
    package var isTunable: Bool {
        switch kind {
        case .categorical(let values): values.count > 1 && searchRange != nil
        case .integer, .continuous: searchRange != nil
        }
    }
}

extension Recipe {
    /// The hyperparameters this recipe reads, with defaults (`DescribeRecipe`/`DescribeAlgorithm` material).
    package var hyperparameterSpecs: [HyperparameterSpec] {
        switch self {
        case .popularityCount:
            []
        case .trendingNow:
            [
                HyperparameterSpec(
                    "trend_discovery_frequency",
                    .categorical(["30 minutes", "1 hour", "3 hours", "1 day"]),
                    default: "3 hours"
                )
            ]
        case .sims:
            [
                HyperparameterSpec(
                    "popularity_discount_factor", .continuous, default: "0.5", bounds: 0...1, search: 0...1),
                HyperparameterSpec(
                    "min_cointeraction_count", .integer, default: "3", bounds: 0...10, search: 0...10),
                HyperparameterSpec(
                    "min_user_history_length_percentile", .continuous, default: "0.005", bounds: 0...1),
                HyperparameterSpec(
                    "max_user_history_length_percentile", .continuous, default: "0.995", bounds: 0...1),
                HyperparameterSpec(
                    "min_item_interaction_count_percentile", .continuous, default: "0.01", bounds: 0...1),
                HyperparameterSpec(
                    "max_item_interaction_count_percentile", .continuous, default: "1.0", bounds: 0...1,
                    search: 0.9...1),
                // Persimmon extensions
                HyperparameterSpec(
                    "co_occurrence_window", .integer, default: "20", bounds: 0...100_000, search: 0...50),
                HyperparameterSpec(
                    "co_occurrence_direction", .categorical(["both", "forward"]), default: "forward",
                    search: 0...1),
                HyperparameterSpec("neighbour_count", .integer, default: "100", bounds: 1...2000),
                HyperparameterSpec(
                    "history_length", .integer, default: "20", bounds: 1...1000, search: 1...50, log: true,
                    servingTime: true),
                HyperparameterSpec(
                    "recency_half_life", .continuous, default: "5", bounds: 0...10_000, search: 1...50, log: true,
                    servingTime: true),
            ]
        case .similarItems:
            [
                // Persimmon's similar-items: co-occurrence (as SIMS) blended with metadata similarity
                HyperparameterSpec(
                    "metadata_weight", .continuous, default: "0.2", bounds: 0...1, search: 0...1),
                HyperparameterSpec(
                    "cold_item_interactions", .continuous, default: "5", bounds: 0...100_000, search: 0...50),
                HyperparameterSpec(
                    "metadata_max_term_items", .integer, default: "20000", bounds: 2...100_000_000),
                HyperparameterSpec(
                    "popularity_discount_factor", .continuous, default: "0.5", bounds: 0...1, search: 0...1),
                HyperparameterSpec(
                    "min_cointeraction_count", .integer, default: "2", bounds: 0...10, search: 0...10),
                HyperparameterSpec(
                    "co_occurrence_window", .integer, default: "20", bounds: 0...100_000, search: 0...50),
                HyperparameterSpec(
                    "co_occurrence_direction", .categorical(["both", "forward"]), default: "forward",
                    search: 0...1),
                HyperparameterSpec("neighbour_count", .integer, default: "100", bounds: 1...2000),
                HyperparameterSpec(
                    "history_length", .integer, default: "20", bounds: 1...1000, search: 1...50, log: true,
                    servingTime: true),
                HyperparameterSpec(
                    "recency_half_life", .continuous, default: "5", bounds: 0...10_000, search: 1...50, log: true,
                    servingTime: true),
            ]
        case .userPersonalization, .personalizedRanking:
            [
                HyperparameterSpec(
                    "hidden_dimension", .integer, default: "64", bounds: 1...1024, search: 32...128, log: true),
                HyperparameterSpec(
                    "bptt", .integer, default: "32", bounds: 1...1000, search: 2...64, log: true, servingTime: true),
                HyperparameterSpec(
                    "recency_mask", .categorical(["true", "false"]), default: "true", servingTime: true),
                HyperparameterSpec(
                    "min_user_history_length_percentile", .continuous, default: "0.0", bounds: 0...1),
                HyperparameterSpec(
                    "max_user_history_length_percentile", .continuous, default: "0.99", bounds: 0...1),
                HyperparameterSpec(
                    "exploration_weight", .continuous, default: "0.3", bounds: 0...1, servingTime: true),
                HyperparameterSpec(
                    "exploration_item_age_cut_off", .continuous, default: "30", bounds: 0...100_000,
                    servingTime: true),
                // Persimmon extensions: weighted ALS
                HyperparameterSpec(
                    "regularization", .continuous, default: "0.1", bounds: 0...100_000, search: 0.01...10, log: true),
                HyperparameterSpec(
                    "alpha", .continuous, default: "10", bounds: 0...100_000, search: 2...40, log: true),
                HyperparameterSpec("iterations", .integer, default: "15", bounds: 1...500),
                HyperparameterSpec("cg_steps", .integer, default: "3", bounds: 1...64),
                // trainingMode UPDATE: ALS iterations after the warm start from the previous version
                HyperparameterSpec("update_iterations", .integer, default: "3", bounds: 1...500),
                HyperparameterSpec(
                    "training_recency_half_life", .continuous, default: "0", bounds: 0...1_000_000),
                // query-time fold-in and the sequence-aware item-to-item component
                HyperparameterSpec(
                    "recency_half_life", .continuous, default: "10", bounds: 0...1_000_000, search: 2...40, log: true,
                    servingTime: true),
                HyperparameterSpec("max_history_length", .integer, default: "500", bounds: 1...100_000),
                HyperparameterSpec(
                    "sequence_weight", .continuous, default: "1", bounds: 0...1000, search: 0.25...2.5,
                    servingTime: true),
                HyperparameterSpec(
                    "co_occurrence_window", .integer, default: "20", bounds: 0...100_000, search: 5...50),
                HyperparameterSpec(
                    "co_occurrence_direction", .categorical(["both", "forward"]), default: "forward"),
                HyperparameterSpec(
                    "popularity_discount_factor", .continuous, default: "0.4", bounds: 0...1, search: 0.2...0.6),
                HyperparameterSpec(
                    "min_cointeraction_count", .integer, default: "2", bounds: 0...100, search: 1...4),
                HyperparameterSpec("neighbour_count", .integer, default: "300", bounds: 1...2000),
            ]
        }
    }
}

/// Resolves a recipe's hyperparameters from the caller's string map: validates each value against its spec and
/// fills in defaults. Unknown keys are ignored (AWS passes recipe-independent keys through the same map).
struct HyperparameterReader {
    let recipe: Recipe
    private(set) var resolved: [String: String] = [:]
    private let specs: [String: HyperparameterSpec]
    private let given: [String: String]

    init(recipe: Recipe, values: [String: String]) {
        self.recipe = recipe
        self.given = values
        var specs = [String: HyperparameterSpec]()
        for spec in recipe.hyperparameterSpecs { specs[spec.name] = spec }
        self.specs = specs
    }

    private mutating func raw(_ name: String) -> (String, HyperparameterSpec) {
        guard let spec = specs[name] else { preconditionFailure("no hyperparameter \(name) for \(recipe)") }
        let value = (given[name] ?? spec.defaultValue).trimmingWhitespace()
        resolved[name] = value
        return (value, spec)
    }

    mutating func double(_ name: String) throws(RecipeError) -> Double {
        let (text, spec) = raw(name)
        guard let value = Double(text), value.isFinite else {
            throw RecipeError(.invalidHyperparameter, "\(name) must be a number")
        }
        if let bounds = spec.bounds, !bounds.contains(value) {
            throw RecipeError(
                .invalidHyperparameter,
                "\(name) must be between \(bounds.lowerBound) and \(bounds.upperBound)"
            )
        }
        return value
    }

    mutating func int(_ name: String) throws(RecipeError) -> Int {
        let (text, spec) = raw(name)
        guard let value = Int(text) ?? Double(text).flatMap({ $0.rounded() == $0 ? Int(exactly: $0) : nil }) else {
            throw RecipeError(.invalidHyperparameter, "\(name) must be an integer")
        }
        if let bounds = spec.bounds, !bounds.contains(Double(value)) {
            throw RecipeError(
                .invalidHyperparameter,
                "\(name) must be between \(Int(bounds.lowerBound)) and \(Int(bounds.upperBound))"
            )
        }
        return value
    }

    mutating func string(_ name: String) throws(RecipeError) -> String {
        var (text, spec) = raw(name)
        if case .categorical(let values) = spec.kind, !values.contains(text),
            let match = values.first(where: { $0.lowercased() == text.lowercased() })
        {
            text = match  // "True" -> "true"
            resolved[name] = text
        }
        if case .categorical(let values) = spec.kind, !values.contains(text) {
            throw RecipeError(.invalidHyperparameter, "\(name) must be one of \(values.joined(separator: ", "))")
        }
        return text
    }

    mutating func bool(_ name: String) throws(RecipeError) -> Bool {
        let text = try string(name)
        return text == "true"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
