/// Items' metadata (the Items dataset) by item index, for recipes that use it (`aws-similar-items`).
package struct ItemMetadata: Sendable {
    package enum Values: Sendable {
        /// Per item: its categories (a categorical field's `|`-separated values); empty = no value.
        case categorical([[String]])
        /// Per item: the number, or nil.
        case numerical([Double?])
        /// Per item: free text, or nil.
        case textual([String?])

        var count: Int {
            switch self {
            case .categorical(let v): v.count
            case .numerical(let v): v.count
            case .textual(let v): v.count
            }
        }
    }

    package struct Field: Sendable {
        package var name: String
        package var values: Values

        package init(name: String, values: Values) {
            self.name = name
            self.values = values
        }
    }

    package var fields: [Field]

    package init(fields: [Field]) {
        self.fields = fields
    }

    /// The metadata re-indexed: old item `k` becomes item `remap[k]`.
    func permuted(_ remap: [Int32]) -> ItemMetadata {
        func apply<T>(_ values: [T]) -> [T] {
            var result = values
            for (old, new) in remap.enumerated() where old < values.count { result[Int(new)] = values[old] }
            return result
        }
        return ItemMetadata(
            fields: fields.map { field in
                switch field.values {
                case .categorical(let v): Field(name: field.name, values: .categorical(apply(v)))
                case .numerical(let v): Field(name: field.name, values: .numerical(apply(v)))
                case .textual(let v): Field(name: field.name, values: .textual(apply(v)))
                }
            }
        )
    }
}

/// Item-to-item similarity from metadata: every item becomes one sparse, L2-normalised vector and the similarity
/// of two items is the cosine of their vectors.
///
/// - categorical fields: one term per category, weighted by its inverse document frequency (IDF);
/// - textual fields: a simple term model — lower-cased alphanumeric words of two or more characters, weighted
///   TF-IDF (1 + ln tf) · idf;
/// - numerical fields: the value's decile among the items that have one, as a term, with half weight on the two
///   adjacent deciles, so near values are similar.
///
/// Each field is normalised to unit length on its own before the fields are concatenated (and the whole vector is
/// normalised again), so a long text does not drown a one-category field. Neighbours are found through an inverted
/// index (feature → items): the cost is Σ over features of (document frequency)², spread over `threads`.
struct MetadataSimilarity {
    /// Item → (feature, weight), sorted by feature.
    let starts: [Int]
    let features: [Int32]
    let weights: [Float]
    let featureCount: Int

    init(metadata: ItemMetadata, itemCount: Int) {
        var rows = [[(Int32, Float)]](repeating: [], count: itemCount)
        var featureCount = 0
        for field in metadata.fields where field.values.count == itemCount {
            // per item: (term, raw weight before IDF) — terms local to this field
            var termIndex = [String: Int]()
            var itemTerms = [[(Int, Float)]](repeating: [], count: itemCount)
            func term(_ text: String) -> Int {
                if let known = termIndex[text] { return known }
                let index = termIndex.count
                termIndex[text] = index
                return index
            }
            var useIDF = true
            switch field.values {
            case .categorical(let values):
                for item in 0..<itemCount {
                    var seen = Set<Int>()
                    for value in values[item] {
                        let normalised = value.lowercased().trimmingWhitespace()
                        guard !normalised.isEmpty else { continue }
                        let t = term(normalised)
                        if seen.insert(t).inserted { itemTerms[item].append((t, 1)) }
                    }
                }
            case .textual(let values):
                for item in 0..<itemCount {
                    guard let text = values[item] else { continue }
                    var counts = [Int: Int]()
                    for word in Self.words(text) { counts[term(word), default: 0] += 1 }
                    for (t, n) in counts.sorted(by: { $0.key < $1.key }) {
                        itemTerms[item].append((t, 1 + Float(naturalLog(Double(n)))))
                    }
                }
            case .numerical(let values):
                useIDF = false
                let present = (0..<itemCount).compactMap { item in values[item].map { (item, $0) } }
                    .filter { $0.1.isFinite }
                guard present.count > 1 else { continue }
                let sorted = present.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
                let bins = 10
                var binOf = [Double: Int]()
                for (rank, entry) in sorted.enumerated() where binOf[entry.1] == nil {
                    binOf[entry.1] = min(bins - 1, rank * bins / sorted.count)
                }
                for (item, value) in present {
                    let b = binOf[value]!
                    itemTerms[item].append((b, 1))
                    if b > 0 { itemTerms[item].append((b - 1, 0.5)) }
                    if b < bins - 1 { itemTerms[item].append((b + 1, 0.5)) }
                }
                for b in 0..<bins { termIndex["#\(b)"] = b }
            }
            let terms = termIndex.count
            var documentFrequency = [Int](repeating: 0, count: terms)
            for item in 0..<itemCount {
                for (t, _) in itemTerms[item] { documentFrequency[t] += 1 }
            }
            let n = Double(itemCount)
            for item in 0..<itemCount where !itemTerms[item].isEmpty {
                var block = itemTerms[item].map { t, w -> (Int32, Float) in
                    let idf = useIDF ? Float(naturalLog((n + 1) / Double(documentFrequency[t] + 1)) + 1) : 1
                    return (Int32(featureCount + t), w * idf)
                }
                var norm: Float = 0
                for (_, w) in block { norm += w * w }
                guard norm > 0 else { continue }
                let scale = 1 / norm.squareRoot()
                for k in block.indices { block[k].1 *= scale }
                rows[item].append(contentsOf: block)
            }
            featureCount += terms
        }
        var starts = [Int](repeating: 0, count: itemCount + 1)
        var features = [Int32]()
        var weights = [Float]()
        for item in 0..<itemCount {
            let row = rows[item].sorted { $0.0 < $1.0 }
            var norm: Float = 0
            for (_, w) in row { norm += w * w }
            let scale = norm > 0 ? 1 / norm.squareRoot() : 0
            for (f, w) in row {
                features.append(f)
                weights.append(w * scale)
            }
            starts[item + 1] = features.count
        }
        self.starts = starts
        self.features = features
        self.weights = weights
        self.featureCount = featureCount
    }

    /// Lower-cased runs of letters and digits, at least two characters long.
    static func words(_ text: String) -> [String] {
        var result = [String]()
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else {
                if current.count >= 2 { result.append(current) }
                current = ""
            }
        }
        if current.count >= 2 { result.append(current) }
        return result
    }

    /// Whether `item` has any metadata.
    func hasFeatures(_ item: Int) -> Bool { starts[item + 1] > starts[item] }

    /// The cosine of two items' vectors.
    func similarity(_ a: Int, _ b: Int) -> Float {
        var i = starts[a]
        var j = starts[b]
        var sum: Float = 0
        while i < starts[a + 1] && j < starts[b + 1] {
            if features[i] == features[j] {
                sum += weights[i] * weights[j]
                i += 1
                j += 1
            } else if features[i] < features[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }

    /// For every item its `count` most similar other items (cosine > 0), best first; ties by item index.
    ///
    /// Terms shared by more than `maxTermItems` items are left out of the neighbour search (they still weigh in
    /// the vectors' norms): it costs Σ df² over the searched terms, and a term that common has a small IDF weight
    /// anyway. This bounds the work on large catalogues with coarse categories.
    func neighbours(
        count: Int, maxTermItems: Int = .max, threads: Int, cancel: CancellationFlag
    ) throws(RecipeError) -> NeighbourIndex {
        let itemCount = starts.count - 1
        // inverted index: feature → (item, weight)
        var postingStarts = [Int](repeating: 0, count: featureCount + 1)
        for f in features { postingStarts[Int(f) + 1] += 1 }
        for f in 0..<featureCount { postingStarts[f + 1] += postingStarts[f] }
        var fill = postingStarts
        var postingItems = [Int32](repeating: 0, count: features.count)
        var postingWeights = [Float](repeating: 0, count: features.count)
        for item in 0..<itemCount {
            for k in starts[item]..<starts[item + 1] {
                let f = Int(features[k])
                postingItems[fill[f]] = Int32(item)
                postingWeights[fill[f]] = weights[k]
                fill[f] += 1
            }
        }
        let k = max(1, count)
        let workers = max(1, threads)
        var slotCounts = [Int32](repeating: 0, count: itemCount)
        var slotItems = [Int32](repeating: 0, count: itemCount * k)
        var slotScores = [Float](repeating: 0, count: itemCount * k)
        var accumulators = [Float](repeating: 0, count: workers * itemCount)
        try cancel.check()
        let starts = starts
        let features = features
        let weights = weights
        slotCounts.withUnsafeMutableBufferPointer { slotCounts in
            slotItems.withUnsafeMutableBufferPointer { slotItems in
                slotScores.withUnsafeMutableBufferPointer { slotScores in
                    accumulators.withUnsafeMutableBufferPointer { accumulators in
                        Parallel.forEachChunk(count: itemCount, chunkSize: 16, threads: workers, cancel: cancel) {
                            worker, range in
                            let acc = accumulators.baseAddress! + worker * itemCount
                            var touched = [Int32]()
                            var heap = TopKHeap(capacity: k)
                            for source in range where starts[source + 1] > starts[source] {
                                touched.removeAll(keepingCapacity: true)
                                for s in starts[source]..<starts[source + 1] {
                                    let f = Int(features[s])
                                    let w = weights[s]
                                    if postingStarts[f + 1] - postingStarts[f] > maxTermItems { continue }
                                    for p in postingStarts[f]..<postingStarts[f + 1] {
                                        let target = Int(postingItems[p])
                                        if target == source { continue }
                                        if acc[target] == 0 { touched.append(Int32(target)) }
                                        acc[target] += w * postingWeights[p]
                                    }
                                }
                                heap.removeAll()
                                touched.sort()
                                for target in touched {
                                    let score = acc[Int(target)]
                                    acc[Int(target)] = 0
                                    if score > 0 { heap.push(target, score) }
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
        try cancel.check()
        return NeighbourIndex(slots: slotItems, scores: slotScores, counts: slotCounts, width: k)
    }
}

extension NeighbourIndex {
    /// Packs fixed-width per-item slots (`width` per item, `counts[item]` used) into CSR form.
    init(slots: [Int32], scores: [Float], counts: [Int32], width: Int) {
        let itemCount = counts.count
        var starts = [Int](repeating: 0, count: itemCount + 1)
        for item in 0..<itemCount { starts[item + 1] = starts[item] + Int(counts[item]) }
        var items = [Int32](repeating: 0, count: starts[itemCount])
        var values = [Float](repeating: 0, count: starts[itemCount])
        for item in 0..<itemCount {
            for slot in 0..<Int(counts[item]) {
                items[starts[item] + slot] = slots[item * width + slot]
                values[starts[item] + slot] = scores[item * width + slot]
            }
        }
        self.init(starts: starts, neighbours: items, scores: values)
    }

    /// Blends item → item co-occurrence with metadata similarity (the `aws-similar-items` model).
    ///
    /// Per source item i with n_i interactions: score(j) = (1 − β_i)·C(i, j)/max_j C(i, j) + β_i·M(i, j), where
    /// β_i = w + (1 − w)·k/(k + n_i), w = `metadata_weight` and k = `cold_item_interactions`. An item without
    /// interactions (n_i = 0) gets β_i = 1: its neighbours come from metadata alone; a popular item leans on
    /// co-occurrence. Each list keeps its top `count` entries.
    static func blend(
        coOccurrence: NeighbourIndex,
        metadata: NeighbourIndex,
        interactions: [Float],
        metadataWeight: Double,
        coldItemInteractions: Double,
        count: Int
    ) -> NeighbourIndex {
        let itemCount = coOccurrence.itemCount
        precondition(metadata.itemCount == itemCount && interactions.count == itemCount)
        let k = max(1, count)
        var slotCounts = [Int32](repeating: 0, count: itemCount)
        var slotItems = [Int32](repeating: 0, count: itemCount * k)
        var slotScores = [Float](repeating: 0, count: itemCount * k)
        var combined = [Int32: Float]()
        var heap = TopKHeap(capacity: k)
        for source in 0..<itemCount {
            combined.removeAll(keepingCapacity: true)
            let n = Double(interactions[source])
            let beta = Float(
                metadataWeight + (1 - metadataWeight) * (coldItemInteractions / max(coldItemInteractions + n, 1e-9))
            )
            let range = coOccurrence.starts[source]..<coOccurrence.starts[source + 1]
            var maximum: Float = 0
            for p in range { maximum = max(maximum, coOccurrence.scores[p]) }
            if maximum > 0 {
                for p in range {
                    combined[coOccurrence.neighbours[p], default: 0] += (1 - beta) * coOccurrence.scores[p] / maximum
                }
            }
            for p in metadata.starts[source]..<metadata.starts[source + 1] {
                combined[metadata.neighbours[p], default: 0] += beta * metadata.scores[p]
            }
            heap.removeAll()
            for (target, score) in combined.sorted(by: { $0.key < $1.key }) where score > 0 && target != source {
                heap.push(target, score)
            }
            let best = heap.sorted()
            slotCounts[source] = Int32(best.count)
            for (slot, entry) in best.enumerated() {
                slotItems[source * k + slot] = entry.item
                slotScores[source * k + slot] = entry.score
            }
        }
        return NeighbourIndex(slots: slotItems, scores: slotScores, counts: slotCounts, width: k)
    }
}
