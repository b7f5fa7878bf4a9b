/// One user's events, oldest first: what a query folds in.
package struct UserHistory: Sendable, Hashable {
    package var items: [Int32]
    /// Unix epoch seconds, one per item; may be empty when only the order is known.
    package var timestamps: [Int64]

    package init(items: [Int32], timestamps: [Int64] = []) {
        precondition(timestamps.isEmpty || timestamps.count == items.count)
        self.items = items
        self.timestamps = timestamps
    }

    package static let empty = UserHistory(items: [])

    /// Distinct items, newest first (each at its newest position), at most `limit` of them; indices outside
    /// `0..<itemCount` (unknown items) are skipped.
    func newestDistinct(limit: Int, itemCount: Int) -> [Int32] {
        var result = [Int32]()
        var seen = Set<Int32>()
        var k = items.count - 1
        while k >= 0 && result.count < limit {
            let item = items[k]
            k -= 1
            guard item >= 0, Int(item) < itemCount, seen.insert(item).inserted else { continue }
            result.append(item)
        }
        return result
    }
}

/// One test user of the protocol: the input (folded in at query time) and the ground truth.
package struct EvaluationQuery: Sendable {
    package let user: Int32
    /// The oldest events, as given to the model (duplicates kept, oldest first).
    package let history: UserHistory
    /// The newest `max(1, floor(0.1·n))` events' items minus the input items, ascending.
    package let truth: [Int32]
}

/// The AWS metric split of `EVALUATION.md`, identical to `eval_protocol.py`'s `Split` for the same seed.
///
/// Users are permuted with `numpy.random.default_rng(seed).permutation` (reproduced bit for bit by
/// `NumpyPCG64`); the first `round(0.1·U)` (round half to even, as Python) are test users. The model trains on the
/// training users' events only; each test user's events, sorted by (timestamp, item index), are split into the
/// input (oldest) and the ground truth (newest `max(1, floor(0.1·n))`).
package struct EvaluationSplit: Sendable {
    package let seed: UInt64
    package let trainUsers: [Int32]
    package let testUsers: [Int32]
    /// The training users' events (same user and item indices as the full data).
    package let trainingData: InteractionData
    /// Test users with a non-empty input and ground truth, ascending by user index.
    package let queries: [EvaluationQuery]
    /// Items in the whole data set (the coverage denominator).
    package let catalogSize: Int
    private let data: InteractionData

    /// - Parameter pool: the users to split (default: every user with at least one event).
    package init(
        data: InteractionData,
        seed: UInt64,
        testFraction: Double = 0.1,
        truthFraction: Double = 0.1,
        pool: [Int32]? = nil
    ) {
        self.seed = seed
        self.data = data
        self.catalogSize = data.itemCount
        let users: [Int32]
        if let pool {
            users = pool
        } else {
            var hasEvents = [Bool](repeating: false, count: data.userCount)
            for user in data.users { hasEvents[Int(user)] = true }
            users = (0..<data.userCount).filter { hasEvents[$0] }.map { Int32($0) }
        }
        var rng = NumpyPCG64(seed: seed)
        let permuted = rng.permutation(users)
        let testCount = users.isEmpty ? 0 : max(1, Int((testFraction * Double(users.count)).rounded(.toNearestOrEven)))
        testUsers = permuted[..<testCount].sorted()
        trainUsers = permuted[testCount...].sorted()

        var isTrain = [Bool](repeating: false, count: data.userCount)
        for user in trainUsers { isTrain[Int(user)] = true }
        trainingData = data.filteringUsers(isTrain)

        var isTest = [Bool](repeating: false, count: data.userCount)
        for user in testUsers { isTest[Int(user)] = true }
        let (starts, order) = data.eventsByUser(including: isTest)
        var queries = [EvaluationQuery]()
        for user in testUsers {
            let range = starts[Int(user)]..<starts[Int(user) + 1]
            let n = range.count
            let truthCount = max(1, Int((truthFraction * Double(n)).rounded(.down)))
            if n - truthCount < 1 { continue }
            let inputEvents = order[range.lowerBound..<(range.upperBound - truthCount)]
            let inputItems = inputEvents.map { data.items[Int($0)] }
            let inputSet = Set(inputItems)
            var truth = Set<Int32>()
            for event in order[(range.upperBound - truthCount)..<range.upperBound] {
                let item = data.items[Int(event)]
                if !inputSet.contains(item) { truth.insert(item) }
            }
            if truth.isEmpty { continue }
            queries.append(
                EvaluationQuery(
                    user: user,
                    history: UserHistory(items: inputItems, timestamps: inputEvents.map { data.timestamps[Int($0)] }),
                    truth: truth.sorted()
                )
            )
        }
        self.queries = queries
    }

    /// The validation split: the same protocol applied to the training users only, seeded `seed + offset`
    /// (`eval_protocol.py --tune` uses offset 1000).
    package func inner(seedOffset: UInt64 = 1000) -> EvaluationSplit {
        EvaluationSplit(data: data, seed: seed + seedOffset, pool: trainUsers)
    }
}

/// The metric names `GetSolutionMetrics` returns, exactly as AWS spells them.
package enum MetricName {
    package static let coverage = "coverage"
    package static let meanReciprocalRankAt25 = "mean_reciprocal_rank_at_25"
    package static let ndcgAt5 = "normalized_discounted_cumulative_gain_at_5"
    package static let ndcgAt10 = "normalized_discounted_cumulative_gain_at_10"
    package static let ndcgAt25 = "normalized_discounted_cumulative_gain_at_25"
    package static let precisionAt5 = "precision_at_5"
    package static let precisionAt10 = "precision_at_10"
    package static let precisionAt25 = "precision_at_25"

    package static let all = [
        coverage, meanReciprocalRankAt25, ndcgAt5, ndcgAt10, ndcgAt25, precisionAt5, precisionAt10, precisionAt25,
    ]
}

/// Accumulates the protocol's metrics over queries (one recommendation list and ground truth each).
package struct MetricAccumulator: Sendable {
    package static let listLength = 25
    private static let cutoffs = [5, 10, 25]
    private static let discounts: [Double] = (0..<listLength).map { 1 / logarithm2(Double($0) + 2) }

    package let catalogSize: Int
    private var recommended: ItemBitset
    private var ndcg = [Double](repeating: 0, count: 3)
    private var precision = [Double](repeating: 0, count: 3)
    private var reciprocalRank = 0.0
    private var recall = 0.0
    private var hitRate = 0.0
    package private(set) var queryCount = 0

    package init(catalogSize: Int) {
        self.catalogSize = catalogSize
        recommended = ItemBitset(capacity: catalogSize)
    }

    /// Adds one query. Only the first 25 recommendations count; `truth` must be non-empty.
    package mutating func add(recommendations: some Collection<Int32>, truth: Set<Int32>) {
        precondition(!truth.isEmpty)
        var hits = [Bool]()
        hits.reserveCapacity(Self.listLength)
        for item in recommendations.prefix(Self.listLength) {
            recommended.insert(item)
            hits.append(truth.contains(item))
        }
        for (slot, cutoff) in Self.cutoffs.enumerated() {
            var dcg = 0.0
            var hitCount = 0
            for position in 0..<min(cutoff, hits.count) where hits[position] {
                dcg += Self.discounts[position]
                hitCount += 1
            }
            var ideal = 0.0
            for position in 0..<min(cutoff, truth.count) { ideal += Self.discounts[position] }
            ndcg[slot] += dcg / ideal
            precision[slot] += Double(hitCount) / Double(cutoff)
        }
        if let first = hits.firstIndex(of: true) {
            reciprocalRank += 1 / Double(first + 1)
            hitRate += 1
        }
        recall += Double(hits.count { $0 }) / Double(truth.count)
        queryCount += 1
    }

    /// The AWS metrics (names in `MetricName`), averaged over the queries.
    package var metrics: [String: Double] {
        let n = Double(max(queryCount, 1))
        return [
            MetricName.coverage: catalogSize == 0 ? 0 : Double(recommended.count) / Double(catalogSize),
            MetricName.meanReciprocalRankAt25: reciprocalRank / n,
            MetricName.ndcgAt5: ndcg[0] / n,
            MetricName.ndcgAt10: ndcg[1] / n,
            MetricName.ndcgAt25: ndcg[2] / n,
            MetricName.precisionAt5: precision[0] / n,
            MetricName.precisionAt10: precision[1] / n,
            MetricName.precisionAt25: precision[2] / n,
        ]
    }

    /// `recall_at_25` (hits / |truth|) and `hit_rate_at_25`, the reference evaluator's extras.
    package var extraMetrics: [String: Double] {
        let n = Double(max(queryCount, 1))
        return ["recall_at_25": recall / n, "hit_rate_at_25": hitRate / n]
    }
}
