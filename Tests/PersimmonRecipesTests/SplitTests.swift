import Testing

@testable import PersimmonRecipes

@Suite struct SplitTests {
    /// 40 users with 1...40 events each; timestamps collide so the item tie-break matters.
    private func data() -> InteractionData {
        var builder = InteractionDataBuilder()
        for u in 0..<40 {
            for k in 0...u {
                builder.append(userID: "user\(u)", itemID: item((k * 7 + u) % 90), timestamp: Int64(1000 + k / 3))
            }
        }
        return builder.build()
    }

    @Test("the split is a function of the seed, and different seeds pick different test users")
    func determinism() {
        let data = data()
        let a = EvaluationSplit(data: data, seed: 42)
        let b = EvaluationSplit(data: data, seed: 42)
        let c = EvaluationSplit(data: data, seed: 43)
        #expect(a.testUsers == b.testUsers)
        #expect(a.queries.map(\.truth) == b.queries.map(\.truth))
        #expect(a.queries.map(\.history) == b.queries.map(\.history))
        #expect(a.testUsers != c.testUsers)
    }

    @Test("round(0.1·U) test users; disjoint from training users; training data holds training users only")
    func sizes() {
        let data = data()
        let split = EvaluationSplit(data: data, seed: 42)
        #expect(split.testUsers.count == 4)
        #expect(split.trainUsers.count == 36)
        #expect(Set(split.testUsers).isDisjoint(with: split.trainUsers))
        #expect(Set(split.trainingData.users).isSubset(of: Set(split.trainUsers)))
        // same users as numpy: default_rng(42).permutation(arange(40))[:4], sorted (user IDs sort as strings)
        var rng = NumpyPCG64(seed: 42)
        let expected = rng.permutation(Array(0..<Int32(40))).prefix(4).sorted()
        #expect(split.testUsers == expected)
    }

    @Test("each test user's input is the oldest events by (timestamp, item) and the truth the newest max(1, ⌊0.1n⌋)")
    func temporalOrder() {
        let data = data()
        let split = EvaluationSplit(data: data, seed: 42)
        for query in split.queries {
            let events = (0..<data.count).filter { data.users[$0] == query.user }
                .sorted { (data.timestamps[$0], data.items[$0]) < (data.timestamps[$1], data.items[$1]) }
            let truthCount = max(1, events.count / 10)
            let input = events.prefix(events.count - truthCount).map { data.items[$0] }
            #expect(query.history.items == input)
            let newest = Set(events.suffix(truthCount).map { data.items[$0] }).subtracting(input)
            #expect(query.truth == newest.sorted())
            #expect(!query.truth.isEmpty)
        }
        // users with a single event have no input and are skipped
        #expect(split.queries.allSatisfy { !$0.history.items.isEmpty })
    }

    @Test("the inner split draws its test users from the training users only")
    func inner() {
        let split = EvaluationSplit(data: data(), seed: 42)
        let inner = split.inner()
        #expect(inner.seed == 1042)
        #expect(Set(inner.testUsers).isSubset(of: Set(split.trainUsers)))
        #expect(inner.testUsers.count == 4)  // round(3.6)
        #expect(Set(inner.trainingData.users).isDisjoint(with: split.testUsers))
    }

    @Test("canonicalizing first-seen indices gives the builder's indices and therefore the same split")
    func canonicalized() {
        let reference = data()
        // the same events with users and items numbered in reverse order
        let reversed = InteractionData(
            userCount: reference.userCount,
            itemCount: reference.itemCount,
            users: reference.users.map { Int32(reference.userCount - 1) - $0 },
            items: reference.items.map { Int32(reference.itemCount - 1) - $0 },
            timestamps: reference.timestamps,
            userIDs: reference.userIDs.reversed(),
            itemIDs: reference.itemIDs.reversed()
        )
        let canonical = reversed.canonicalized()
        #expect(canonical.users == reference.users && canonical.items == reference.items)
        #expect(canonical.userIDs == reference.userIDs && canonical.itemIDs == reference.itemIDs)
        let a = EvaluationSplit(data: canonical, seed: 42)
        let b = EvaluationSplit(data: reference, seed: 42)
        #expect(a.testUsers == b.testUsers && a.queries.map(\.truth) == b.queries.map(\.truth))
        #expect(reference.canonicalized().users == reference.users)
    }

    @Test("the builder indexes IDs in byte order (numpy.unique's order)")
    func byteOrder() {
        var builder = InteractionDataBuilder()
        for id in ["10", "9", "100", "1"] { builder.append(userID: id, itemID: id, timestamp: 0) }
        let data = builder.build()
        #expect(data.userIDs == ["1", "10", "100", "9"])
        #expect(data.itemIDs == ["1", "10", "100", "9"])
        #expect(data.items.map { data.itemIDs[Int($0)] } == ["10", "9", "100", "1"])
    }
}
