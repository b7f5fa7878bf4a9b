import Foundation
import Testing

@testable import PersimmonRecipes

@Suite struct SimilarItemsTests {
    /// Interactions over items m0…m5 (two taste groups: m0–m2 and m3–m5); m6, m7 and m8 exist only in the Items
    /// dataset (no interactions). Genres: m0–m2 and m6 are "Comedy|Romance", m3–m5 and m7 "Horror"; m8 has none.
    /// Descriptions: m6 shares words with m1, m7 with m4.
    private func data() -> InteractionData {
        var builder = InteractionDataBuilder()
        for user in 0..<30 {
            let group = user % 2 == 0 ? [0, 1, 2] : [3, 4, 5]
            for (k, i) in group.enumerated() {
                builder.append(userID: "u\(user)", itemID: "m\(i)", timestamp: Int64(user * 10 + k))
            }
        }
        for i in 6...8 { builder.declareItem("m\(i)") }
        var data = builder.build()
        let genres: [String: [String]] = [
            "m0": ["Comedy", "Romance"], "m1": ["Comedy", "Romance"], "m2": ["Comedy"], "m3": ["Horror"],
            "m4": ["Horror"], "m5": ["Horror", "Thriller"], "m6": ["Comedy", "Romance"], "m7": ["Horror"],
        ]
        let text: [String: String] = [
            "m1": "A wedding in Paris goes wrong", "m4": "Zombies attack a quiet village at night",
            "m6": "Another wedding, another Paris disaster", "m7": "Night of the zombies",
        ]
        let year: [String: Double] = ["m0": 1990, "m3": 1980, "m6": 1991, "m7": 1979]
        data.itemMetadata = ItemMetadata(fields: [
            .init(name: "GENRES", values: .categorical(data.itemIDs.map { genres[$0] ?? [] })),
            .init(name: "DESCRIPTION", values: .textual(data.itemIDs.map { text[$0] })),
            .init(name: "YEAR", values: .numerical(data.itemIDs.map { year[$0] })),
        ])
        return data
    }

    private func neighbours(_ model: TrainedModel, _ data: InteractionData, of id: String, count: Int = 3)
        -> [String]
    {
        model.recommend(RecommendationRequest(item: index(of: id, in: data), count: count))
            .filter { $0.score > 0 }
            .map { data.itemIDs[Int($0.item)] }
    }

    @Test("an item without interactions gets neighbours from its metadata")
    func coldItem() throws {
        let data = data()
        #expect(data.itemCount == 9)
        let model = try train(.similarItems, data, ["min_cointeraction_count": "1"])
        let cold = neighbours(model, data, of: "m6")
        #expect(!cold.isEmpty)
        #expect(cold.first == "m1")  // same genres and shared description words
        #expect(Set(cold).isSubset(of: ["m0", "m1", "m2"]))
        let horror = neighbours(model, data, of: "m7")
        #expect(horror.first == "m4")
        #expect(Set(horror).isSubset(of: ["m3", "m4", "m5"]))
        // no metadata and no interactions: only the popularity fallback (scores ≤ 0)
        #expect(neighbours(model, data, of: "m8").isEmpty)
        #expect(model.recommend(RecommendationRequest(item: index(of: "m8", in: data), count: 3)).count == 3)
    }

    @Test("without metadata the recipe is co-occurrence only, and cold items have no neighbours")
    func withoutMetadata() throws {
        var data = data()
        data.itemMetadata = nil
        let model = try train(.similarItems, data, ["min_cointeraction_count": "1"])
        #expect(Set(neighbours(model, data, of: "m0")) == ["m1", "m2"])
        #expect(neighbours(model, data, of: "m6").isEmpty)
    }

    @Test("items with interactions keep their co-occurrence neighbours first at the default blend")
    func warmItemsKeepCoOccurrence() throws {
        let data = data()
        let model = try train(.similarItems, data, ["min_cointeraction_count": "1"])
        // m2 co-occurs with m0 and m1 in 15 histories; metadata ranks m6 (same genre, no interactions) behind them
        #expect(Array(neighbours(model, data, of: "m2", count: 2)).sorted() == ["m0", "m1"])
        // metadata_weight 1 with no cold shrinkage: metadata alone decides, so m6 (Comedy|Romance) ties m0 for m1
        let metadataOnly = try train(
            .similarItems, data,
            ["min_cointeraction_count": "1", "metadata_weight": "1", "cold_item_interactions": "0"]
        )
        #expect(neighbours(metadataOnly, data, of: "m1").contains("m6"))
    }

    @Test("metadata similarity: TF-IDF text, IDF-weighted categories and neighbouring numeric deciles")
    func similarityTerms() {
        #expect(MetadataSimilarity.words("Night-of the ZOMBIES, 2: a") == ["night", "of", "the", "zombies"])
        let metadata = ItemMetadata(fields: [
            .init(name: "G", values: .categorical([["a"], ["a"], ["b"], []])),
            .init(name: "T", values: .textual(["red fox", "red fox", "red dog", nil])),
        ])
        let similarity = MetadataSimilarity(metadata: metadata, itemCount: 4)
        #expect(abs(similarity.similarity(0, 1) - 1) < 1e-5)
        #expect(similarity.similarity(0, 2) > 0 && similarity.similarity(0, 2) < similarity.similarity(0, 1))
        #expect(similarity.similarity(0, 3) == 0)
        #expect(!similarity.hasFeatures(3))
        let numbers = MetadataSimilarity(
            metadata: ItemMetadata(fields: [.init(name: "N", values: .numerical((0..<20).map { Double($0) }))]),
            itemCount: 20
        )
        #expect(numbers.similarity(0, 1) > numbers.similarity(0, 3))  // same decile beats the adjacent one
        #expect(numbers.similarity(0, 3) > 0 && numbers.similarity(0, 19) == 0)
    }

    @Test("terms shared by more than metadata_max_term_items items are left out of the neighbour search")
    func commonTermsCapped() throws {
        // items 0-3 share the common category "all"; only 0 and 1 also share the rare "pair"
        let metadata = ItemMetadata(fields: [
            .init(name: "G", values: .categorical([["all", "pair"], ["all", "pair"], ["all"], ["all"]]))
        ])
        let similarity = MetadataSimilarity(metadata: metadata, itemCount: 4)
        let full = try similarity.neighbours(count: 5, threads: 1, cancel: CancellationFlag())
        #expect(full.neighbours(of: 2).map(\.item) == [3, 0, 1])
        let capped = try similarity.neighbours(count: 5, maxTermItems: 3, threads: 1, cancel: CancellationFlag())
        #expect(capped.neighbours(of: 2).isEmpty)
        #expect(capped.neighbours(of: 0).map(\.item) == [1])
    }

    @Test("the model round-trips through the artifact with its metadata neighbours")
    func artifact() throws {
        let data = data()
        let model = try train(.similarItems, data, ["min_cointeraction_count": "1"])
        let path = NSTemporaryDirectory() + "similar-items-\(UUID().uuidString).pmodel"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        let loaded = try TrainedModel.load(from: path)
        #expect(loaded.recipe == .similarItems)
        #expect(neighbours(loaded, data, of: "m6") == neighbours(model, data, of: "m6"))
    }

    @Test("canonicalization permutes the metadata with the items")
    func canonicalOrder() {
        var data = InteractionData(
            userCount: 1, itemCount: 2, users: [0, 0], items: [0, 1], timestamps: [0, 1], userIDs: ["u"],
            itemIDs: ["z", "a"]
        )
        data.itemMetadata = ItemMetadata(fields: [.init(name: "G", values: .categorical([["zed"], ["ay"]]))])
        let canonical = data.canonicalized()
        #expect(canonical.itemIDs == ["a", "z"])
        guard case .categorical(let values) = canonical.itemMetadata?.fields.first?.values else {
            Issue.record("metadata lost")
            return
        }
        #expect(values == [["ay"], ["zed"]])
    }
}
