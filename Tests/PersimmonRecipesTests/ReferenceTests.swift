import Testing

@testable import PersimmonRecipes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Cross-checks against `../shared/tools/eval_protocol.py` on MovieLens latest-small (read at test time; the data set
/// never enters the repository). Expected values were produced by the reference evaluator.
private let movieLensRatings: String? = {
    let root =
        ProcessInfo.processInfo.environment["PERSIMMON_SHARED"]
        ?? FileManager.default.currentDirectoryPath + "/../shared"
    let path = root + "/datasets/ml-latest-small/ratings.csv"
    return FileManager.default.fileExists(atPath: path) ? path : nil
}()

@Suite(.enabled(if: movieLensRatings != nil, "../shared/datasets/ml-latest-small is absent"))
struct ReferenceTests {
    private static func load() throws -> InteractionData {
        let text = try String(contentsOfFile: movieLensRatings!, encoding: .utf8)
        var builder = InteractionDataBuilder()
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: ",")
            builder.append(
                userID: String(fields[0]),
                itemID: String(fields[1]),
                timestamp: Int64(String(fields[3].filter(\.isNumber)))!
            )
        }
        return builder.build()
    }

    @Test("the seed-42 split equals eval_protocol.py's: test users, inputs and ground truth")
    func split() throws {
        let data = try Self.load()
        #expect(data.count == 100_836 && data.userCount == 610 && data.itemCount == 9_724)
        let split = EvaluationSplit(data: data, seed: 42)
        #expect(split.testUsers.count == 61 && split.queries.count == 61)
        #expect(
            split.testUsers.prefix(8).map { data.userIDs[Int($0)] } == [
                "104", "117", "125", "131", "145", "149", "154", "163",
            ]
        )
        #expect(split.queries.map(\.truth.count).reduce(0, +) == 789)
        #expect(split.queries.map { Set($0.history.items).count }.reduce(0, +) == 7_346)
        let inner = split.inner()
        #expect(inner.testUsers.count == 55)
        #expect(inner.testUsers.prefix(5).map { data.userIDs[Int($0)] } == ["105", "108", "114", "12", "129"])
        #expect(inner.queries.map(\.truth.count).reduce(0, +) == 683)
    }

    @Test("popularity-count metrics equal eval_protocol.py --algo pop --seed 42")
    func popularityMetrics() throws {
        let data = try Self.load()
        let split = EvaluationSplit(data: data, seed: 42)
        let model = try train(.popularityCount, split.trainingData)
        let metrics = Evaluator.evaluate(model: model, split: split, threads: 2).metrics
        let expected: [String: Double] = [
            "coverage": 0.009255, "mean_reciprocal_rank_at_25": 0.072727,
            "normalized_discounted_cumulative_gain_at_5": 0.02761,
            "normalized_discounted_cumulative_gain_at_10": 0.034724,
            "normalized_discounted_cumulative_gain_at_25": 0.049324, "precision_at_5": 0.02623,
            "precision_at_10": 0.027869, "precision_at_25": 0.028852,
        ]
        for (name, value) in expected { #expect(abs(metrics[name]! - value) < 1e-6, "\(name)") }
    }
}
