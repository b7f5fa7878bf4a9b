import Testing

@testable import PersimmonRecipes

@Suite struct TunerTests {
    @Test("random search returns tuned values for the searched hyperparameters only, deterministically")
    func randomSearch() throws {
        let data = plantedData(usersPerCluster: 40)
        func run() throws -> HPOResult {
            try HyperparameterTuner.tune(
                recipe: .userPersonalization,
                data: data,
                hyperparameters: ["hidden_dimension": "8", "iterations": "4"],
                configuration: HPOConfiguration(trainingJobs: 2, servingTrialsPerJob: 2),
                seed: 3,
                threads: 2,
                cancel: CancellationFlag(),
                progress: { _ in }
            )
        }
        let result = try run()
        #expect(result.trials.count == 4)
        #expect(result.tunedHPOParams["hidden_dimension"] == nil)  // fixed by the caller
        #expect(result.tunedHPOParams["regularization"] != nil)
        #expect(result.tunedHPOParams["sequence_weight"] != nil)
        #expect(result.hyperparameters["hidden_dimension"] == "8")
        #expect(result.bestObjective >= result.trials[0].objective)
        #expect(result.bestObjective == result.trials.map(\.objective).max())
        let again = try run()
        #expect(again.tunedHPOParams == result.tunedHPOParams)
    }

    @Test("caller ranges override the defaults")
    func ranges() throws {
        let result = try HyperparameterTuner.tune(
            recipe: .sims,
            data: plantedData(usersPerCluster: 40),
            hyperparameters: [:],
            configuration: HPOConfiguration(
                trainingJobs: 3,
                servingTrialsPerJob: 1,
                ranges: ["min_cointeraction_count": .integer(1...2)]
            ),
            seed: 1,
            threads: 1,
            cancel: CancellationFlag(),
            progress: { _ in }
        )
        let value = try #require(Int(result.tunedHPOParams["min_cointeraction_count"] ?? ""))
        #expect((1...3).contains(value))  // the first job uses the default (3)
    }
}
