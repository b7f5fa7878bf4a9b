import Testing

@testable import PersimmonRecipes

@Suite struct MetricTests {
    private func filler(_ count: Int) -> [Int32] { (0..<Int32(count)).map { 100 + $0 } }

    @Test("MRR@25 reproduces AWS's worked example: first hits at ranks 4, 2 and 6 give 0.3056")
    func meanReciprocalRank() {
        var accumulator = MetricAccumulator(catalogSize: 1000)
        for first in [4, 2, 6] {
            var list = filler(25)
            list[first - 1] = 1
            accumulator.add(recommendations: list, truth: [1])
        }
        let value = accumulator.metrics[MetricName.meanReciprocalRankAt25]!
        #expect(abs(value - (1.0 / 4 + 1.0 / 2 + 1.0 / 6) / 3) < 1e-12)
        #expect(abs(value - 0.3056) < 1e-4)
    }

    @Test("NDCG@5 and precision@5 reproduce AWS's example: hits at positions 2 and 5 give 0.6241 and 0.4")
    func ndcgAndPrecision() {
        var accumulator = MetricAccumulator(catalogSize: 1000)
        accumulator.add(recommendations: [10, 1, 11, 12, 2] + filler(20), truth: [1, 2])
        let metrics = accumulator.metrics
        #expect(abs(metrics[MetricName.ndcgAt5]! - 0.6241) < 1e-4)
        #expect(abs(metrics[MetricName.precisionAt5]! - 0.4) < 1e-12)
        #expect(abs(metrics[MetricName.precisionAt10]! - 0.2) < 1e-12)
        #expect(abs(metrics[MetricName.meanReciprocalRankAt25]! - 0.5) < 1e-12)
        #expect(abs(accumulator.extraMetrics["recall_at_25"]! - 1) < 1e-12)
    }

    @Test("the ideal DCG covers min(K, |truth|) items and coverage counts distinct recommended items")
    func idealAndCoverage() {
        var accumulator = MetricAccumulator(catalogSize: 50)
        // 30 relevant items, all 25 recommended are relevant: NDCG@K = 1 for every K
        let truth = Set((0..<30).map { Int32($0) })
        accumulator.add(recommendations: (0..<25).map { Int32($0) }, truth: truth)
        accumulator.add(recommendations: (0..<25).map { Int32($0 + 5) }, truth: truth)
        let metrics = accumulator.metrics
        #expect(abs(metrics[MetricName.ndcgAt25]! - 1) < 1e-12)
        #expect(abs(metrics[MetricName.precisionAt25]! - 1) < 1e-12)
        #expect(abs(metrics[MetricName.coverage]! - 30.0 / 50.0) < 1e-12)
        #expect(Set(metrics.keys) == Set(MetricName.all))
    }

    @Test("a list without hits scores zero everywhere except coverage")
    func noHits() {
        var accumulator = MetricAccumulator(catalogSize: 100)
        accumulator.add(recommendations: filler(25).map { $0 - 100 + 50 }, truth: [1])
        let metrics = accumulator.metrics
        for name in MetricName.all where name != MetricName.coverage { #expect(metrics[name] == 0) }
    }
}
