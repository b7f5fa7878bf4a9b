import Foundation
import PersimmonAPIModel
import PersimmonCatalog
import PersimmonCore
import PersimmonData
import PersimmonRecipes
import Synchronization

/// Serves campaign queries from trained artifacts.
///
/// A solution version's model is loaded once (artifact plus each user's history from the dataset group's
/// interactions), on the compute pool, and cached by version ARN; concurrent first queries share one load. A
/// campaign that switches versions simply starts asking for the new ARN, so the switch is atomic for callers.
/// Scoring one query is a dot product per item and a bounded top-K heap: it runs inline.
package final class ModelServer: RecommendationEngine {
    /// A model ready to answer queries.
    struct Loaded: Sendable {
        var model: TrainedModel
        /// Item ID → the model's item index.
        var itemIndex: [String: Int32]
        /// User ID → the user's events (model item indices, oldest first) from the bulk data.
        var histories: [String: UserHistory]
    }

    private let store: any ResourceStore
    private let stores: DatasetStores
    private let models: ModelFiles
    private let pool: ComputePool
    private let loads = Mutex<[String: Task<Loaded, any Error>]>([:])
    /// Events streamed since start, per "account|dataset group", per user, oldest first (at most
    /// `recentLimit` each). Folded into every query on top of the history the model was loaded with.
    private let recent = Mutex<[String: [String: [(item: String, timestamp: Int64)]]]>([:])
    private static let recentLimit = 200

    package init(store: any ResourceStore, stores: DatasetStores, models: ModelFiles, pool: ComputePool) {
        self.store = store
        self.stores = stores
        self.models = models
        self.pool = pool
    }

    /// Makes streamed events visible to the next query of every campaign on that dataset group.
    package func observe(_ events: [StreamedEvent], account: AccountID, datasetGroupARN: String) {
        let key = "\(account.rawValue)|\(datasetGroupARN)"
        recent.withLock { recent in
            var users = recent[key] ?? [:]
            for event in events {
                var list = users[event.userID] ?? []
                list.append((event.itemID, event.timestamp))
                if list.count > Self.recentLimit { list.removeFirst(list.count - Self.recentLimit) }
                users[event.userID] = list
            }
            recent[key] = users
        }
    }

    /// The user's history: what the model was loaded with, then the events streamed since.
    private func history(of user: String?, in loaded: Loaded, query: RecommendationQuery, account: AccountID)
        -> UserHistory
    {
        guard let user else { return .empty }
        let base = loaded.histories[user] ?? .empty
        let streamed = recent.withLock { $0["\(account.rawValue)|\(query.datasetGroupARN)"]?[user] } ?? []
        guard !streamed.isEmpty else { return base }
        var items = base.items
        var timestamps = base.timestamps
        let timed = timestamps.count == items.count
        for event in streamed {
            guard let index = loaded.itemIndex[event.item] else { continue }
            items.append(index)
            timestamps.append(event.timestamp)
        }
        return UserHistory(items: items, timestamps: timed ? timestamps : [])
    }

    package func recommend(_ query: RecommendationQuery, account: AccountID) async throws -> [Recommendation] {
        let loaded = try await load(query, account: account)
        let history = history(of: query.userID, in: loaded, query: query, account: account)
        let item = query.itemID.map { loaded.itemIndex[$0] ?? -1 }
        let request = RecommendationRequest(
            history: history, item: item, count: query.count, exploration: Self.exploration(query.exploration)
        )
        let model = loaded.model
        return model.recommend(request).map {
            Recommendation(itemID: model.itemIDs[Int($0.item)], score: Double($0.score))
        }
    }

    package func rank(_ items: [String], for query: RecommendationQuery, account: AccountID) async throws
        -> [Recommendation]
    {
        let loaded = try await load(query, account: account)
        let history = history(of: query.userID, in: loaded, query: query, account: account)
        // Unknown items get distinct negative indices so each keeps its place among the unscored.
        var unknown: [Int32: String] = [:]
        let indices = items.enumerated().map { offset, id -> Int32 in
            if let index = loaded.itemIndex[id] { return index }
            let placeholder = Int32(-1 - offset)
            unknown[placeholder] = id
            return placeholder
        }
        let model = loaded.model
        return model.rank(history: history, items: indices, exploration: Self.exploration(query.exploration)).map {
            if let id = unknown[$0.item] { return Recommendation(itemID: id, score: nil) }
            return Recommendation(itemID: model.itemIDs[Int($0.item)], score: $0.score.map(Double.init))
        }
    }

    /// The loaded model for a query's solution version, loading it once.
    private func load(_ query: RecommendationQuery, account: AccountID) async throws -> Loaded {
        let key = "\(account.rawValue)|\(query.solutionVersionARN)"
        let task = loads.withLock { loads -> Task<Loaded, any Error> in
            if let existing = loads[key] { return existing }
            let created = Task { try await self.loadModel(query, account: account) }
            loads[key] = created
            return created
        }
        do {
            return try await task.value
        } catch {
            // A failed load is not cached: the next query tries again.
            _ = loads.withLock { $0.removeValue(forKey: key) }
            throw error
        }
    }

    private func loadModel(_ query: RecommendationQuery, account: AccountID) async throws -> Loaded {
        let path = try models.path(account: account, solutionVersionARN: query.solutionVersionARN)
        let datasetARN = try await interactionsDataset(of: query.datasetGroupARN, account: account)
        let stores = stores
        return try await pool.run {
            let model: TrainedModel
            do {
                model = try TrainedModel.load(from: path)
            } catch {
                throw ServiceError(
                    .resourceNotFound, "The model of \(query.solutionVersionARN) is not available.", underlying: error
                )
            }
            var itemIndex: [String: Int32] = [:]
            itemIndex.reserveCapacity(model.itemIDs.count)
            for (index, id) in model.itemIDs.enumerated() { itemIndex[id] = Int32(index) }
            var histories: [String: UserHistory] = [:]
            if let datasetARN {
                let snapshot = try stores.store(account: account, datasetARN: datasetARN, kind: .interactions)
                    .interactions()
                histories = Self.histories(snapshot, itemIndex: itemIndex)
            }
            return Loaded(model: model, itemIndex: itemIndex, histories: histories)
        }
    }

    /// Every user's events in model item indices, oldest first.
    static func histories(_ snapshot: InteractionsSnapshot, itemIndex: [String: Int32]) -> [String: UserHistory] {
        let mapped = snapshot.items.map { itemIndex[$0] ?? -1 }
        var rows = [[Int]](repeating: [], count: snapshot.users.count)
        for row in 0..<snapshot.count {
            rows[Int(snapshot.userIndex[row])].append(row)
        }
        var histories: [String: UserHistory] = [:]
        histories.reserveCapacity(snapshot.users.count)
        for (user, events) in rows.enumerated() where !events.isEmpty {
            let ordered = events.sorted { snapshot.timestamp[$0] < snapshot.timestamp[$1] }
            histories[snapshot.users[user]] = UserHistory(
                items: ordered.map { mapped[Int(snapshot.itemIndex[$0])] },
                timestamps: ordered.map { snapshot.timestamp[$0] }
            )
        }
        return histories
    }

    private func interactionsDataset(of groupARN: String, account: AccountID) async throws -> String? {
        let datasets = try await store.list(
            account: account, ResourceQuery(kind: .dataset, parentARN: groupARN, limit: 10)
        )
        for record in datasets where try ResourceManager.decode(Dataset.self, from: record).datasetType == "INTERACTIONS" {
            return record.arn
        }
        return nil
    }

    /// Exploration settings from a campaign's `itemExplorationConfig`.
    static func exploration(_ config: [String: String]) -> Exploration? {
        guard let weight = config["explorationWeight"].flatMap(Double.init) else { return nil }
        let cutOff = config["explorationItemAgeCutOff"].flatMap(Double.init) ?? 30
        return Exploration(now: Int64(Date().timeIntervalSince1970), weight: weight, itemAgeCutOffDays: cutOff)
    }
}
