/// Item → item neighbour lists: for every item its top-K most similar items, best first, in CSR layout.
package struct NeighbourIndex: Sendable, Equatable {
    package var starts: [Int]
    package var neighbours: [Int32]
    package var scores: [Float]

    package var itemCount: Int { starts.count - 1 }

    package init(starts: [Int], neighbours: [Int32], scores: [Float]) {
        precondition(!starts.isEmpty && neighbours.count == scores.count && starts.last == neighbours.count)
        self.starts = starts
        self.neighbours = neighbours
        self.scores = scores
    }

    /// The neighbours of `item`, best first.
    package func neighbours(of item: Int32) -> [ScoredItem] {
        guard item >= 0, Int(item) < itemCount else { return [] }
        return (starts[Int(item)]..<starts[Int(item) + 1]).map {
            ScoredItem(item: neighbours[$0], score: scores[$0])
        }
    }
}

/// Item co-occurrence in user histories (the SIMS family).
///
/// C_ij counts the users whose history holds both i and j — or, with a window D > 0, holds them at most D positions
/// apart in the user's time-ordered history (a sequence-aware variant: what users do next is closest to what they
/// did just before); with `forwardOnly`, only users who had j after i count (the directed "next items" relation). The similarity of target j for source i is C_ij / (n_i^(1−d) · n_j^d), d =
/// `popularity_discount_factor`: d = 0 gives P(j | i) (popular targets win), d = 0.5 the cosine, d = 1 discounts
/// popular targets hardest. Pairs with C_ij below `min_cointeraction_count` are dropped.
struct CoOccurrence {
    struct Configuration: Sendable {
        var popularityDiscount: Double
        var minimumCount: Int
        var window: Int
        /// Count only pairs where the target comes after the source (what users do next), not both orders.
        var forwardOnly: Bool = false
        var neighbourCount: Int
        var userHistoryPercentiles: ClosedRange<Double> = 0...1
        var itemCountPercentiles: ClosedRange<Double> = 0...1
    }

    let configuration: Configuration

    func neighbours(
        sequences: UserSequences,
        threads: Int,
        cancel: CancellationFlag
    ) throws(RecipeError) -> NeighbourIndex {
        let matrix = sequences.matrix
        let itemCount = matrix.columnCount
        // 1. users inside the history-length percentiles
        var lengths = [Double]()
        for user in 0..<matrix.rowCount where matrix.rowStarts[user + 1] > matrix.rowStarts[user] {
            lengths.append(Double(matrix.rowStarts[user + 1] - matrix.rowStarts[user]))
        }
        let userLow = quantile(lengths, configuration.userHistoryPercentiles.lowerBound)
        let userHigh = quantile(lengths, configuration.userHistoryPercentiles.upperBound)
        var keepUser = [Bool](repeating: false, count: matrix.rowCount)
        for user in 0..<matrix.rowCount {
            let n = Double(matrix.rowStarts[user + 1] - matrix.rowStarts[user])
            keepUser[user] = n > 0 && n >= userLow && n <= userHigh
        }
        // 2. items inside the interaction-count percentiles (counted over the kept users)
        var counts = [Int32](repeating: 0, count: itemCount)
        for user in 0..<matrix.rowCount where keepUser[user] {
            for k in matrix.rowStarts[user]..<matrix.rowStarts[user + 1] { counts[Int(matrix.columns[k])] += 1 }
        }
        let positive = counts.filter { $0 > 0 }.map { Double($0) }
        let itemLow = quantile(positive, configuration.itemCountPercentiles.lowerBound)
        let itemHigh = quantile(positive, configuration.itemCountPercentiles.upperBound)
        var keepItem = [Bool](repeating: false, count: itemCount)
        for item in 0..<itemCount {
            let n = Double(counts[item])
            keepItem[item] = n > 0 && n >= itemLow && n <= itemHigh
        }
        // 3. the filtered sequences, and for every item its occurrences (positions into them)
        var starts = [Int](repeating: 0, count: matrix.rowCount + 1)
        var sequence = [Int32]()
        sequence.reserveCapacity(matrix.nonzeroCount)
        var owner = [Int32]()
        owner.reserveCapacity(matrix.nonzeroCount)
        for user in 0..<matrix.rowCount {
            if keepUser[user] {
                for k in matrix.rowStarts[user]..<matrix.rowStarts[user + 1] where keepItem[Int(matrix.columns[k])] {
                    sequence.append(matrix.columns[k])
                    owner.append(Int32(user))
                }
            }
            starts[user + 1] = sequence.count
        }
        var occurrenceStarts = [Int](repeating: 0, count: itemCount + 1)
        for item in sequence { occurrenceStarts[Int(item) + 1] += 1 }
        for item in 0..<itemCount { occurrenceStarts[item + 1] += occurrenceStarts[item] }
        var fill = occurrenceStarts
        var occurrences = [Int](repeating: 0, count: sequence.count)
        for (position, item) in sequence.enumerated() {
            occurrences[fill[Int(item)]] = position
            fill[Int(item)] += 1
        }
        // 4. normalisers n^-(1-d) for sources and n^-d for targets
        let d = configuration.popularityDiscount
        var sourceScale = [Float](repeating: 0, count: itemCount)
        var targetScale = [Float](repeating: 0, count: itemCount)
        for item in 0..<itemCount where counts[item] > 0 {
            sourceScale[item] = Float(power(Double(counts[item]), -(1 - d)))
            targetScale[item] = Float(power(Double(counts[item]), -d))
        }
        // 5. per source item: accumulate co-counts, keep the top K
        let k = max(1, configuration.neighbourCount)
        let window = configuration.window
        let forwardOnly = configuration.forwardOnly
        let minimum = Float(max(1, configuration.minimumCount))
        var slotCounts = [Int32](repeating: 0, count: itemCount)
        var slotItems = [Int32](repeating: 0, count: itemCount * k)
        var slotScores = [Float](repeating: 0, count: itemCount * k)
        let workers = max(1, threads)
        try cancel.check()
        sequence.withUnsafeBufferPointer { sequence in
            owner.withUnsafeBufferPointer { owner in
                occurrences.withUnsafeBufferPointer { occurrences in
                    slotCounts.withUnsafeMutableBufferPointer { slotCounts in
                        slotItems.withUnsafeMutableBufferPointer { slotItems in
                            slotScores.withUnsafeMutableBufferPointer { slotScores in
                                var accumulators = [Float](repeating: 0, count: workers * itemCount)
                                accumulators.withUnsafeMutableBufferPointer { accumulators in
                                    Parallel.forEachChunk(
                                        count: itemCount,
                                        chunkSize: 16,
                                        threads: workers,
                                        cancel: cancel
                                    ) { worker, range in
                                        let acc = accumulators.baseAddress! + worker * itemCount
                                        var touched = [Int32]()
                                        var heap = TopKHeap(capacity: k)
                                        for source in range where keepItem[source] {
                                            touched.removeAll(keepingCapacity: true)
                                            for o in occurrenceStarts[source]..<occurrenceStarts[source + 1] {
                                                let position = occurrences[o]
                                                let user = Int(owner[position])
                                                var low = forwardOnly ? position + 1 : starts[user]
                                                var high = starts[user + 1]
                                                if window > 0 {
                                                    low = max(low, position - window)
                                                    high = min(high, position + window + 1)
                                                }
                                                for q in low..<high where q != position {
                                                    let target = Int(sequence[q])
                                                    if acc[target] == 0 { touched.append(Int32(target)) }
                                                    acc[target] += 1
                                                }
                                            }
                                            heap.removeAll()
                                            let scale = sourceScale[source]
                                            for target in touched {
                                                let c = acc[Int(target)]
                                                acc[Int(target)] = 0
                                                if c >= minimum {
                                                    heap.push(target, c * scale * targetScale[Int(target)])
                                                }
                                            }
                                            let best = heap.sorted()
                                            slotCounts[source] = Int32(best.count)
                                            for (slot, entry) in best.enumerated() {
                                                slotItems[source * k + slot] = entry.item
                                                slotScores[source * k + slot] = entry.score
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        try cancel.check()
        var resultStarts = [Int](repeating: 0, count: itemCount + 1)
        for item in 0..<itemCount { resultStarts[item + 1] = resultStarts[item] + Int(slotCounts[item]) }
        var resultItems = [Int32](repeating: 0, count: resultStarts[itemCount])
        var resultScores = [Float](repeating: 0, count: resultStarts[itemCount])
        for item in 0..<itemCount {
            for slot in 0..<Int(slotCounts[item]) {
                resultItems[resultStarts[item] + slot] = slotItems[item * k + slot]
                resultScores[resultStarts[item] + slot] = slotScores[item * k + slot]
            }
        }
        return NeighbourIndex(starts: resultStarts, neighbours: resultItems, scores: resultScores)
    }
}

/// `numpy.quantile(values, q)` with linear interpolation; −∞/+∞ for q ≤ 0 / q ≥ 1 (no trimming) and for no data.
func quantile(_ values: [Double], _ q: Double) -> Double {
    if q <= 0 || values.isEmpty { return -.infinity }
    if q >= 1 { return .infinity }
    let sorted = values.sorted()
    let h = Double(sorted.count - 1) * q
    let low = Int(h.rounded(.down))
    let high = min(low + 1, sorted.count - 1)
    return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
}
