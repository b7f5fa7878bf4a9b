import Foundation
import PersimmonAPIModel
import PersimmonCatalog
import Synchronization
import Testing

@testable import PersimmonCore
@testable import PersimmonWorkers

/// Serving pieces that need no server: promotion placement, the batch output writer, the lookup cache, event
/// validation.
@Suite struct ServingTests {
    func items(_ prefix: String, _ count: Int) -> [Recommendation] {
        (0..<count).map { Recommendation(itemID: "\(prefix)\($0)", score: Double(count - $0)) }
    }

    @Test func promotedItemsKeepTheirOrderAmongTheOthers() {
        var generator = SystemRandomNumberGenerator()
        var positions = Set<Int>()
        for _ in 0..<50 {
            let merged = RuntimeService.interleave(promoted: items("p", 5), others: items("o", 20), using: &generator)
            #expect(merged.count == 25)
            #expect(merged.filter { $0.itemID.hasPrefix("p") }.map(\.itemID) == items("p", 5).map(\.itemID))
            #expect(merged.filter { $0.itemID.hasPrefix("o") }.map(\.itemID) == items("o", 20).map(\.itemID))
            positions.formUnion(merged.indices.filter { merged[$0].itemID.hasPrefix("p") })
        }
        // Placed at random: over 50 lists the promoted items land in many different places.
        #expect(positions.count > 10)
    }

    @Test func promotionShareRoundsToTheNearestItemAndIsAtLeastOne() {
        #expect(RuntimeService.promotedCount(of: 25, percent: 20) == 5)
        #expect(RuntimeService.promotedCount(of: 25, percent: 10) == 3)  // 2.5 rounds up
        #expect(RuntimeService.promotedCount(of: 25, percent: 1) == 1)
        #expect(RuntimeService.promotedCount(of: 7, percent: 100) == 7)
        #expect(RuntimeService.promotedCount(of: 1, percent: 50) == 1)
    }

    @Test func contextIsCheckedAsAWSDoes() throws {
        try RuntimeService.checkContext(["DEVICE": "mobile"])
        #expect(throws: ServiceError.self) { try RuntimeService.checkContext(["": "x"]) }
        #expect(throws: ServiceError.self) { try RuntimeService.checkContext(["K": String(repeating: "v", count: 1001)]) }
        let many = Dictionary(uniqueKeysWithValues: (0..<151).map { ("K\($0)", "v") })
        #expect(throws: ServiceError.self) { try RuntimeService.checkContext(many) }
    }

    @Test func batchOutputLinesAreJSON() throws {
        var out: [UInt8] = []
        BatchInferenceJobHandler.writeLine(
            input: ["userId": "u\"1\n"], output: [Recommendation(itemID: "i\\1", score: 0.5), Recommendation(itemID: "x", score: nil)],
            error: nil, into: &out
        )
        BatchInferenceJobHandler.writeLine(input: "not json\u{1}", output: nil, error: "bad \"line\"", into: &out)
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect((first["input"] as? [String: String]) == ["userId": "u\"1\n"])
        let output = try #require(first["output"] as? [String: Any])
        #expect((output["recommendedItems"] as? [String]) == ["i\\1", "x"])
        #expect((output["scores"] as? [Any])?.count == 2)
        #expect(first["error"] is NSNull)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(second["input"] as? String == "not json\u{1}")
        #expect(second["output"] is NSNull)
        #expect(second["error"] as? String == "bad \"line\"")
    }

    @Test func batchInputLinesAndOutputLocation() {
        let lines = BatchInferenceJobHandler.lines(of: Array("{\"a\":1}\r\n\n  \n{\"b\":2}".utf8))
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":1}", "{\"b\":2}"])
        #expect(BatchInferenceJobHandler.outputLocation("s3://b/out/", input: "s3://b/in/users.json") == "s3://b/out/users.json.out")
        #expect(BatchInferenceJobHandler.outputLocation("file:///r/out", input: "file:///r/u.json") == "file:///r/out/u.json.out")
    }

    @Test func directJSONMatchesTheEncoder() throws {
        let items = [
            PredictedItem(itemId: "i\"1", score: 0.123456789, promotionName: "promo", metadata: ["GENRES": "A|B\n"]),
            PredictedItem(itemId: "x\u{2}é", score: nil, reason: ["Promoted item"]),
            PredictedItem(itemId: "big", score: 1e-7),
        ]
        let direct = DirectJSON.predictions(items, key: "itemList", recommendationID: "RID-1")
        let encoded = try AWSJSONCodec.encodeResponse(GetRecommendationsResponse(itemList: items, recommendationId: "RID-1"))
        let a = try #require(try JSONSerialization.jsonObject(with: direct) as? NSDictionary)
        let b = try #require(try JSONSerialization.jsonObject(with: encoded) as? NSDictionary)
        #expect(a == b)
        let decoded = try JSONDecoder().decode(GetRecommendationsResponse.self, from: direct)
        #expect(decoded.itemList == items)
    }

    @Test func lookupsAreCachedUntilInvalidated() async throws {
        let lookups = ServingLookups(ttl: .seconds(60))
        let calls = Counter()
        for _ in 0..<3 {
            #expect(try await lookups.value("k") { calls.increment() } == 1)
        }
        ServingLookups.invalidateAll()
        #expect(try await lookups.value("k") { calls.increment() } == 2)
        // Failures are not cached.
        await #expect(throws: ServiceError.self) {
            _ = try await lookups.value("bad") { () throws -> Int in throw ServiceError(.invalidInput, "no") }
        }
        #expect(try await lookups.value("bad") { calls.increment() } == 3)
        let short = ServingLookups(ttl: .milliseconds(10))
        #expect(try await short.value("k") { calls.increment() } == 4)
        try await Task.sleep(for: .milliseconds(30))
        #expect(try await short.value("k") { calls.increment() } == 5)
    }

    @Test func eventsAreValidatedAgainstTheSchemaBeforeTheyAreAccepted() throws {
        let schema = DatasetSchema(
            name: "Interactions",
            fields: [
                SchemaField(name: "USER_ID", type: .string), SchemaField(name: "ITEM_ID", type: .string),
                SchemaField(name: "TIMESTAMP", type: .long), SchemaField(name: "EVENT_VALUE", type: .float),
                SchemaField(name: "NUM_RATINGS", type: .int, nullable: true),
            ]
        )
        func event(value: Double?, properties: [String: String] = [:]) -> StreamedEvent {
            StreamedEvent(
                userID: "u", itemID: "i", timestamp: 1, eventType: "click", eventValue: value, impression: [],
                recommendationID: nil, properties: properties
            )
        }
        try EventRecorder.validate([event(value: 1.5, properties: ["numRatings": "3"])], schema: schema)
        #expect(throws: ServiceError.self) { try EventRecorder.validate([event(value: nil)], schema: schema) }
        #expect(throws: ServiceError.self) {
            try EventRecorder.validate([event(value: 1, properties: ["numRatings": "many"])], schema: schema)
        }
    }
}

/// A thread-safe call counter.
final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}
