@testable import PersimmonRecipes

/// Tiny planted-structure data: `clusters` groups of `itemsPerCluster` items; every user belongs to one group and
/// interacts with `perUser` of its items (plus one item of another group every fourth user), in time order.
func plantedData(
    clusters: Int = 3,
    itemsPerCluster: Int = 10,
    usersPerCluster: Int = 20,
    perUser: Int = 7,
    seed: UInt64 = 7
) -> InteractionData {
    var rng = Xoshiro256(seed: seed)
    var builder = InteractionDataBuilder()
    var clock: Int64 = 1_600_000_000
    for cluster in 0..<clusters {
        for member in 0..<usersPerCluster {
            let user = "u\(cluster)-\(member)"
            var chosen = Set<Int>()
            while chosen.count < perUser { chosen.insert(Int(rng.next() % UInt64(itemsPerCluster))) }
            for offset in chosen.sorted() {
                clock += 60
                builder.append(userID: user, itemID: item(cluster * itemsPerCluster + offset), timestamp: clock)
            }
            if member % 4 == 3 {
                let other = (cluster + 1) % clusters
                clock += 60
                builder.append(
                    userID: user,
                    itemID: item(other * itemsPerCluster + Int(rng.next() % UInt64(itemsPerCluster))),
                    timestamp: clock
                )
            }
        }
    }
    return builder.build()
}

/// Zero-padded item IDs so byte order equals numeric order.
func item(_ k: Int) -> String {
    let digits = String(k)
    return "i" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
}

func index(of itemID: String, in data: InteractionData) -> Int32 {
    Int32(data.itemIDs.firstIndex(of: itemID)!)
}

func cluster(of item: Int32, in data: InteractionData, itemsPerCluster: Int = 10) -> Int {
    Int(data.itemIDs[Int(item)].dropFirst())! / itemsPerCluster
}

func train(
    _ recipe: Recipe,
    _ data: InteractionData,
    _ hyperparameters: [String: String] = [:],
    seed: UInt64 = 1,
    threads: Int = 1
) throws -> TrainedModel {
    try Trainer.train(
        recipe: recipe,
        data: data,
        hyperparameters: hyperparameters,
        seed: seed,
        threads: threads,
        cancel: CancellationFlag(),
        progress: { _ in }
    )
}

/// Small ALS settings so debug-build tests stay fast.
let smallFactors: [String: String] = [
    "hidden_dimension": "8", "iterations": "8", "regularization": "0.1", "alpha": "10",
    "max_user_history_length_percentile": "1.0",
]
