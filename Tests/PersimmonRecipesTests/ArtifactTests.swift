import Testing

@testable import PersimmonRecipes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite struct ArtifactTests {
    private func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.path
        return directory + "/persimmon-recipes-test-\(name)-\(UInt64.random(in: 0...UInt64.max)).model"
    }

    @Test("every recipe's model survives a write/load round trip unchanged", arguments: Recipe.allCases)
    func roundTrip(recipe: Recipe) throws {
        let data = plantedData()
        let hyperparameters = recipe == .sims ? ["min_cointeraction_count": "1"] : smallFactors
        let model = try train(recipe, data, hyperparameters)
        let path = temporaryPath(recipe.rawValue)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        let loaded = try TrainedModel.load(from: path)
        #expect(loaded.recipe == recipe)
        #expect(loaded.seed == model.seed)
        #expect(loaded.itemIDs == data.itemIDs)
        #expect(loaded.itemIndex(of: item(13)) == index(of: item(13), in: data))
        #expect(loaded.itemIndex(of: "unknown") == nil)
        #expect(
            loaded.history(itemIDs: [item(2), "unknown", item(7)]).items
                == [2, 7].map { index(of: item($0), in: data) })
        #expect(loaded.hyperparameters == model.hyperparameters)
        for request in [
            RecommendationRequest(history: UserHistory(items: [1, 2, 13]), count: 12, excludeHistory: true),
            RecommendationRequest(item: 4, count: 5),
            RecommendationRequest(count: 7),
        ] {
            #expect(loaded.recommend(request) == model.recommend(request))
            #expect(loaded.scores(for: request) == model.scores(for: request))
        }
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"))
    }

    @Test("a corrupted or truncated artifact is rejected with invalidArtifact")
    func corruption() throws {
        let model = try train(.userPersonalization, plantedData(), smallFactors)
        let path = temporaryPath("corrupt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))

        var flipped = original
        flipped[original.count / 2] ^= 0x40
        try Data(flipped).write(to: URL(fileURLWithPath: path))
        #expect(throws: RecipeError.self) { try TrainedModel.load(from: path) }
        let corrupt = #expect(throws: RecipeError.self) { try TrainedModel.load(from: path) }
        #expect(corrupt?.code == .invalidArtifact)

        try Data(original.prefix(original.count - 20)).write(to: URL(fileURLWithPath: path))
        let truncated = #expect(throws: RecipeError.self) { try TrainedModel.load(from: path) }
        #expect(truncated?.code == .invalidArtifact)

        var badMagic = original
        badMagic[0] = 0
        try Data(badMagic).write(to: URL(fileURLWithPath: path))
        let magic = #expect(throws: RecipeError.self) { try TrainedModel.load(from: path) }
        #expect(magic?.code == .invalidArtifact)

        let missing = #expect(throws: RecipeError.self) { try TrainedModel.load(from: path + ".absent") }
        #expect(missing?.code == .io)
    }

    @Test("the file starts with the magic and version and is padded to 64-byte blocks")
    func layout() throws {
        let model = try train(.popularityCount, plantedData())
        let path = temporaryPath("layout")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes[0..<8]) == Array("PSMNMODL".utf8))
        #expect(bytes[8] == 1 && bytes[9] == 0 && bytes[10] == 0 && bytes[11] == 0)
        #expect(Array(bytes.suffix(8)) == Array("PSMNEND\0".utf8))
        #expect((bytes.count - 16) % 64 == 0)
    }
}
