/// Campaign-level exploration of cold items (`itemExplorationConfig`), applied at serving time.
///
/// Items whose creation time (the Items dataset's CREATION_TIMESTAMP, else their first interaction) is at most
/// `itemAgeCutOffDays` before `now` get a bonus `weight × topScore / (1 + ln(1 + interactions))`: a new item without
/// interactions is lifted to the top score at weight 1, and the lift shrinks as the item collects interactions and
/// ends at the cut-off age.
package struct Exploration: Sendable, Hashable {
    package var now: Int64
    package var weight: Double
    package var itemAgeCutOffDays: Double

    package init(now: Int64, weight: Double = 0.3, itemAgeCutOffDays: Double = 30) {
        self.now = now
        self.weight = weight
        self.itemAgeCutOffDays = itemAgeCutOffDays
    }
}

/// One `GetRecommendations` / batch-inference query against a trained model.
package struct RecommendationRequest: Sendable {
    /// The user's events, oldest first (folded in at query time; empty for an anonymous user).
    package var history: UserHistory
    /// The query item of a RELATED_ITEMS recipe; an index outside the catalogue means an unknown item.
    package var item: Int32?
    package var count: Int
    /// Items never to return.
    package var excluded: [Int32]
    /// Also exclude every item of `history` (the evaluation protocol does; AWS leaves it to filters).
    package var excludeHistory: Bool
    /// When set, only these items may be returned (a compiled filter).
    package var candidates: ItemBitset?
    package var exploration: Exploration?

    package init(
        history: UserHistory = .empty,
        item: Int32? = nil,
        count: Int = 25,
        excluded: [Int32] = [],
        excludeHistory: Bool = false,
        candidates: ItemBitset? = nil,
        exploration: Exploration? = nil
    ) {
        self.history = history
        self.item = item
        self.count = count
        self.excluded = excluded
        self.excludeHistory = excludeHistory
        self.candidates = candidates
        self.exploration = exploration
    }
}

/// An input item of `GetPersonalizedRanking` with its score; unknown items have no score and come last.
package struct RankedItem: Sendable, Hashable {
    package var item: Int32
    package var score: Float?
}

/// The fitted state of one recipe. Immutable and `Sendable`: serve it from any number of threads.
package struct TrainedModel: Sendable {
    package let recipe: Recipe
    /// Every hyperparameter the recipe read, with defaults filled in.
    package let hyperparameters: [String: String]
    package let seed: UInt64
    /// External item IDs by index (may be empty when trained from bare indices).
    package let itemIDs: [String]
    package let itemCount: Int
    let payload: Payload
    private let itemIndexByID: [String: Int32]

    enum Payload: Sendable {
        case popularity(PopularityModel)
        case trending(PopularityModel)
        case sims(SIMSModel)
        case factors(FactorModel)
    }

    init(
        recipe: Recipe,
        hyperparameters: [String: String],
        seed: UInt64,
        itemIDs: [String],
        itemCount: Int,
        payload: Payload
    ) {
        self.recipe = recipe
        self.hyperparameters = hyperparameters
        self.seed = seed
        self.itemIDs = itemIDs
        self.itemCount = itemCount
        self.payload = payload
        var index = [String: Int32](minimumCapacity: itemIDs.count)
        for (k, id) in itemIDs.enumerated() { index[id] = Int32(k) }
        self.itemIndexByID = index
    }

    /// The index of an external item ID, or nil for an item the model does not know.
    package func itemIndex(of itemID: String) -> Int32? { itemIndexByID[itemID] }

    /// A history from external item IDs (oldest first); unknown items are dropped.
    package func history(itemIDs: [String], timestamps: [Int64] = []) -> UserHistory {
        var items = [Int32]()
        var times = [Int64]()
        for (k, id) in itemIDs.enumerated() {
            guard let index = itemIndexByID[id] else { continue }
            items.append(index)
            if !timestamps.isEmpty { times.append(timestamps[k]) }
        }
        return UserHistory(items: items, timestamps: times)
    }

    /// The top `request.count` items, best first (ties by ascending item index).
    package func recommend(_ request: RecommendationRequest) -> [ScoredItem] {
        var scores = [Float](repeating: 0, count: itemCount)
        fillScores(&scores, request: request)
        var blocked = ItemBitset(capacity: itemCount, items: request.excluded)
        if request.excludeHistory {
            for item in request.history.items { blocked.insert(item) }
        }
        if recipe == .sims || recipe == .similarItems, let item = request.item, item >= 0 { blocked.insert(item) }
        var heap = TopKHeap(capacity: max(0, min(request.count, itemCount)))
        scores.withUnsafeBufferPointer { scores in
            for item in 0..<itemCount {
                let index = Int32(item)
                let score = scores[item]
                if score < heap.threshold { continue }
                if blocked.contains(index) { continue }
                if let candidates = request.candidates, !candidates.contains(index) { continue }
                heap.push(index, score)
            }
        }
        return heap.sorted()
    }

    /// `GetPersonalizedRanking`: `items` reordered by the user's scores, best first; items outside the catalogue keep
    /// their input order at the end with no score.
    package func rank(history: UserHistory, items: [Int32], exploration: Exploration? = nil) -> [RankedItem] {
        var scores = [Float](repeating: 0, count: itemCount)
        fillScores(&scores, request: RecommendationRequest(history: history, exploration: exploration))
        var known = [RankedItem]()
        var unknown = [RankedItem]()
        for item in items {
            if item >= 0 && Int(item) < itemCount {
                known.append(RankedItem(item: item, score: scores[Int(item)]))
            } else {
                unknown.append(RankedItem(item: item, score: nil))
            }
        }
        known.sort { ($0.score ?? 0) > ($1.score ?? 0) || (($0.score ?? 0) == ($1.score ?? 0) && $0.item < $1.item) }
        return known + unknown
    }

    /// Dense scores of every item for one query (higher is better; comparable within one query only).
    package func scores(for request: RecommendationRequest) -> [Float] {
        var scores = [Float](repeating: 0, count: itemCount)
        fillScores(&scores, request: request)
        return scores
    }

    private func fillScores(_ scores: inout [Float], request: RecommendationRequest) {
        switch payload {
        case .popularity(let model), .trending(let model):
            scores = model.scores
        case .sims(let model):
            model.fillScores(&scores, request: request)
        case .factors(let model):
            model.fillScores(&scores, history: request.history)
            if let exploration = request.exploration { model.explore(&scores, exploration) }
        }
    }

    /// A copy with new serving-time hyperparameters (e.g. HPO trials, campaign overrides); training-time values are
    /// ignored here.
    package func withServingHyperparameters(_ overrides: [String: String]) throws(RecipeError) -> TrainedModel {
        var merged = hyperparameters
        for spec in recipe.hyperparameterSpecs where spec.servingTime {
            if let value = overrides[spec.name] { merged[spec.name] = value }
        }
        var reader = HyperparameterReader(recipe: recipe, values: merged)
        var payload = self.payload
        switch payload {
        case .popularity, .trending:
            break
        case .sims(var model):
            try model.readServing(&reader)
            payload = .sims(model)
        case .factors(var model):
            try model.readServing(&reader)
            payload = .factors(model)
        }
        for (name, value) in reader.resolved { merged[name] = value }
        return TrainedModel(
            recipe: recipe,
            hyperparameters: merged,
            seed: seed,
            itemIDs: itemIDs,
            itemCount: itemCount,
            payload: payload
        )
    }
}

/// Popularity-count and trending-now: one fixed score per item.
struct PopularityModel: Sendable {
    var scores: [Float]
}

/// SIMS: item → item neighbours plus popularity for unknown items and filler.
struct SIMSModel: Sendable {
    var neighbours: NeighbourIndex
    /// Distinct users per item in the training data.
    var popularity: [Float]
    var historyLength: Int
    var recencyHalfLife: Double

    mutating func readServing(_ reader: inout HyperparameterReader) throws(RecipeError) {
        historyLength = try reader.int("history_length")
        recencyHalfLife = try reader.double("recency_half_life")
    }

    /// Items with co-occurrence evidence score in (0, ∞); every other item gets −1 + its popularity share, so
    /// popular items fill the list after the neighbours (AWS's fallback for unknown items).
    func fillScores(_ scores: inout [Float], request: RecommendationRequest) {
        let itemCount = scores.count
        var maximum: Float = 0
        for value in popularity { maximum = max(maximum, value) }
        let scale = 1 / (maximum + 1)
        for item in 0..<itemCount { scores[item] = -1 + popularity[item] * scale }
        var sources = [(item: Int32, weight: Float)]()
        if let item = request.item {
            sources.append((item, 1))
        } else {
            for (age, item) in request.history.newestDistinct(limit: historyLength, itemCount: itemCount).enumerated() {
                let weight = recencyHalfLife > 0 ? Float(power2(-Double(age) / recencyHalfLife)) : 1
                sources.append((item, weight))
            }
        }
        var evidence = [Float](repeating: 0, count: itemCount)
        for (source, weight) in sources where source >= 0 && Int(source) < itemCount {
            for k in neighbours.starts[Int(source)]..<neighbours.starts[Int(source) + 1] {
                evidence[Int(neighbours.neighbours[k])] += weight * neighbours.scores[k]
            }
        }
        for item in 0..<itemCount where evidence[item] > 0 { scores[item] = evidence[item] }
    }
}

/// User-personalization / personalized-ranking: weighted-ALS item factors with query-time fold-in, blended with a
/// sequence-aware item → item score over the newest events.
struct FactorModel: Sendable {
    var itemFactors: Matrix
    /// YᵀY of the item factors (f × f, without λ), for the fold-in solve.
    var gram: [Float]
    var regularization: Float
    var alpha: Float
    var neighbours: NeighbourIndex
    /// Distinct users per item in the training data.
    var popularity: [Float]
    /// Creation time per item (CREATION_TIMESTAMP, else first interaction; `Int64.min` = unknown).
    var itemCreated: [Int64]
    // serving-time settings
    var recencyMask: Bool
    var recencyHalfLife: Double
    var maxHistoryLength: Int
    var sequenceWeight: Float
    var sequenceLength: Int

    var factors: Int { itemFactors.columns }

    mutating func readServing(_ reader: inout HyperparameterReader) throws(RecipeError) {
        recencyMask = try reader.bool("recency_mask")
        recencyHalfLife = try reader.double("recency_half_life")
        sequenceWeight = Float(try reader.double("sequence_weight"))
        sequenceLength = try reader.int("bptt")
        _ = try reader.double("exploration_weight")
        _ = try reader.double("exploration_item_age_cut_off")
    }

    @inline(__always)
    private func recencyWeight(age: Int) -> Float {
        guard recencyMask, recencyHalfLife > 0 else { return 1 }
        return Float(power2(-Double(age) / recencyHalfLife))
    }

    /// The user's factor vector from their newest distinct items: one exact least-squares solve against the fixed
    /// item factors (the standard iALS fold-in). With the recency mask, an event of age a (0 = newest distinct item)
    /// has weight w = 0.5^(a / recency_half_life), preference w and confidence 1 + α·w, so old events fade into
    /// "unobserved" instead of counting as full positives with a low confidence.
    func foldIn(_ recent: [Int32]) -> [Float] {
        let f = factors
        var a = [Float](repeating: 0, count: f * f)
        var b = [Float](repeating: 0, count: f)
        itemFactors.storage.withUnsafeBufferPointer { y in
            a.withUnsafeMutableBufferPointer { a in
                b.withUnsafeMutableBufferPointer { b in
                    for (age, item) in recent.enumerated() {
                        let row = y.baseAddress! + Int(item) * f
                        let weight = recencyWeight(age: age)
                        let c = alpha * weight
                        axpy((1 + c) * weight, row, b.baseAddress!, f)
                        if c == 0 { continue }
                        for i in 0..<f where row[i] != 0 {
                            axpy(c * row[i], row, a.baseAddress! + i * f, f)
                        }
                    }
                }
            }
        }
        var system = [Double](repeating: 0, count: f * f)
        for k in 0..<(f * f) { system[k] = Double(gram[k]) + Double(a[k]) }
        for d in 0..<f { system[d * f + d] += Double(regularization) }
        var solution = b.map { Double($0) }
        guard Cholesky.solve(&system, &solution, n: f) else { return [Float](repeating: 0, count: f) }
        return solution.map { Float($0) }
    }

    /// score = A/max A + β · B/max B, A = item factors · folded-in user, B = recency-weighted sum of the neighbour
    /// similarities of the newest `bptt` items. Users without history get popularity.
    func fillScores(_ scores: inout [Float], history: UserHistory) {
        let itemCount = scores.count
        let recent = history.newestDistinct(limit: max(maxHistoryLength, sequenceLength), itemCount: itemCount)
        if recent.isEmpty {
            var maximum: Float = 0
            for value in popularity { maximum = max(maximum, value) }
            let scale = maximum > 0 ? 1 / maximum : 1
            for item in 0..<itemCount { scores[item] = popularity[item] * scale }
            return
        }
        let user = foldIn(Array(recent.prefix(maxHistoryLength)))
        let f = factors
        var maximum = -Float.infinity
        itemFactors.storage.withUnsafeBufferPointer { y in
            user.withUnsafeBufferPointer { u in
                scores.withUnsafeMutableBufferPointer { out in
                    gemv(y.baseAddress!, rows: itemCount, u.baseAddress!, f, out.baseAddress!)
                    for item in 0..<itemCount { maximum = max(maximum, out[item]) }
                }
            }
        }
        let scaleA: Float = maximum > 0 ? 1 / maximum : 1
        guard sequenceWeight > 0 else {
            for item in 0..<itemCount { scores[item] *= scaleA }
            return
        }
        var evidence = [Float](repeating: 0, count: itemCount)
        var evidenceMax: Float = 0
        for (age, source) in recent.prefix(sequenceLength).enumerated() {
            let weight = recencyWeight(age: age)
            for k in neighbours.starts[Int(source)]..<neighbours.starts[Int(source) + 1] {
                let target = Int(neighbours.neighbours[k])
                evidence[target] += weight * neighbours.scores[k]
                evidenceMax = max(evidenceMax, evidence[target])
            }
        }
        let scaleB: Float = evidenceMax > 0 ? sequenceWeight / evidenceMax : 0
        for item in 0..<itemCount { scores[item] = scores[item] * scaleA + evidence[item] * scaleB }
    }

    func explore(_ scores: inout [Float], _ exploration: Exploration) {
        guard exploration.weight > 0, exploration.itemAgeCutOffDays > 0 else { return }
        let cutOff = exploration.itemAgeCutOffDays * 86_400
        var top: Float = 0
        for score in scores { top = max(top, score) }
        if top <= 0 { top = 1 }
        for item in 0..<scores.count where itemCreated[item] != .min {
            let age = Double(exploration.now - itemCreated[item])
            guard age >= 0, age <= cutOff else { continue }
            let coldness = 1 / (1 + naturalLog(1 + Double(popularity[item])))
            scores[item] += Float(exploration.weight * coldness) * top
        }
    }
}
