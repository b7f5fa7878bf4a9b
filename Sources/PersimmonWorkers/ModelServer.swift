import Foundation
import PersimmonAPIModel
import PersimmonCatalog
import PersimmonCore
import PersimmonData
import PersimmonFilters
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
        var histories: [String: PersimmonRecipes.UserHistory]
        /// User ID → the event type of each event in `histories` (same order), for Interactions filters.
        var eventTypes: [String: [String]]
        /// Items' metadata indexed for filters, in the model's item order.
        var filterIndex: FilterIndex
        /// The Items dataset as loaded (for `metadataColumns`), and each model item's row in it (-1: no record).
        var items: EntitySnapshot?
        var itemRows: [Int32]
        /// The dataset group's Users dataset when the model was loaded (for `IF CurrentUser.F` filters).
        var usersARN: String?
        /// The Items dataset and the store generation `filterIndex` and `items` were built from.
        var itemsARN: String?
        var itemsGeneration: Int = 0

        /// The requested columns of one model item; columns without a value are left out.
        func metadata(of item: Int32, columns: [String]) -> [String: String] {
            guard let items, item >= 0, Int(item) < itemRows.count else { return [:] }
            let row = Int(itemRows[Int(item)])
            guard row >= 0 else { return [:] }
            var out: [String: String] = [:]
            for name in columns {
                guard let column = items.column(named: name), let value = column.string(at: row) else { continue }
                out[name] = value
            }
            return out
        }
    }

    private let store: any ResourceStore
    private let stores: DatasetStores
    private let models: ModelFiles
    private let pool: ComputePool
    private let loads = Mutex<[String: Task<Loaded, any Error>]>([:])
    /// Filters compiled against loaded models, by "account|version ARN|expression".
    private let compiled = Mutex<[String: (filter: CompiledFilter, schemas: FilterSchemas)]>([:])
    /// Items metadata rebuilt since a model loaded, by "account|version ARN".
    private let itemViews = Mutex<[String: (store: DatasetStore, view: ItemView)]>([:])
    /// Item sets of filters that depend on neither the user nor the item, by model, expression and values.
    private let staticMasks = Mutex<[String: ItemBitset]>([:])
    /// Users datasets' attributes for `IF CurrentUser.F` filters, by "account|dataset ARN".
    private let users = Mutex<[String: (store: DatasetStore, index: UsersIndex?)]>([:])
    /// Events streamed since start, per "account|dataset group", per user, oldest first (at most
    /// `recentLimit` each). Folded into every query on top of the history the model was loaded with.
    private let recent = Mutex<[String: [String: [(item: String, timestamp: Int64, eventType: String)]]]>([:])
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
                list.append((event.itemID, event.timestamp, event.eventType))
                if list.count > Self.recentLimit { list.removeFirst(list.count - Self.recentLimit) }
                users[event.userID] = list
            }
            recent[key] = users
        }
    }

    /// Forgets deleted users (a data deletion job): their streamed events go at once, and the account's loaded models
    /// are dropped so the next query reloads histories from the dataset store, which no longer holds those users.
    package func forget(users: Set<String>, account: AccountID, datasetGroupARN: String) {
        guard !users.isEmpty else { return }
        let key = "\(account.rawValue)|\(datasetGroupARN)"
        recent.withLock { recent in
            guard var byUser = recent[key] else { return }
            for user in users { byUser.removeValue(forKey: user) }
            recent[key] = byUser
        }
        let prefix = "\(account.rawValue)|"
        loads.withLock { loads in
            for key in loads.keys where key.hasPrefix(prefix) { loads.removeValue(forKey: key) }
        }
    }

    /// The user's history: what the model was loaded with, then the events streamed since.
    private func history(of user: String?, in loaded: Loaded, query: RecommendationQuery, account: AccountID)
        -> PersimmonRecipes.UserHistory
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
        return PersimmonRecipes.UserHistory(items: items, timestamps: timed ? timestamps : [])
    }

    /// The item mask a query's filter allows, in the model's item order; nil without a filter.
    private func candidates(_ query: RecommendationQuery, loaded: Loaded, account: AccountID, item: Int32?) throws
        -> ItemBitset?
    {
        guard let filter = query.filter else { return nil }
        let compiled: CompiledFilter
        switch compiledFilter(filter, loaded: loaded, query: query, account: account) {
        case .success(let filter): compiled = filter
        case .failure(let error): throw ServiceError(.invalidInput, error.message)
        }
        // A filter that reads neither the user nor the item gives every request the same set: keep it.
        let expression = compiled.expression
        let userIndependent = !expression.usesInteractions && !expression.usesCurrentUser && !expression.usesCurrentItem
        let maskKey = userIndependent
            ? "\(account.rawValue)|\(query.solutionVersionARN)|\(loaded.itemsGeneration)|\(filter.expression)|\(filter.values.sorted { $0.key < $1.key })"
            : nil
        if let maskKey, let cached = staticMasks.withLock({ $0[maskKey] }) { return cached }
        var interactions: [PersimmonFilters.UserHistory.Interaction] = []
        if let user = query.userID, expression.usesInteractions {
            let streamed = recent.withLock { $0["\(account.rawValue)|\(query.datasetGroupARN)"]?[user] } ?? []
            for event in streamed.reversed() {
                guard let index = loaded.itemIndex[event.item] else { continue }
                interactions.append(.init(itemIndex: Int(index), eventType: event.eventType))
            }
            if let base = loaded.histories[user], let types = loaded.eventTypes[user] {
                for (index, item) in base.items.enumerated().reversed() where item >= 0 {
                    interactions.append(.init(itemIndex: Int(item), eventType: types[index]))
                }
            }
        }
        let mask: FilterMask
        do {
            mask = try compiled.itemMask(
                filterValues: filter.values, history: PersimmonFilters.UserHistory(interactions),
                currentUser: query.currentUser, currentItem: item.flatMap { $0 >= 0 ? Int($0) : nil }
            )
        } catch {
            throw ServiceError(.invalidInput, error.message)
        }
        let bitset = Self.bitset(mask, capacity: loaded.model.itemCount)
        if let maskKey {
            staticMasks.withLock { masks in
                if masks.count > 1_024 { masks.removeAll() }
                masks[maskKey] = bitset
            }
        }
        return bitset
    }

    /// The same set as an `ItemBitset`, walking the mask's words (no index arrays).
    static func bitset(_ mask: FilterMask, capacity: Int) -> ItemBitset {
        var bitset = ItemBitset(capacity: capacity)
        for (wordIndex, word) in mask.words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                bitset.insert(Int32(wordIndex << 6 + bits.trailingZeroBitCount))
                bits &= bits - 1
            }
        }
        return bitset
    }

    /// A filter expression compiled against a loaded model's item index, once per (model, expression, schemas).
    private func compiledFilter(_ filter: QueryFilter, loaded: Loaded, query: RecommendationQuery, account: AccountID)
        -> Result<CompiledFilter, FilterError>
    {
        let key = "\(account.rawValue)|\(query.solutionVersionARN)|\(loaded.itemsGeneration)|\(filter.expression)"
        if let cached = compiled.withLock({ $0[key] }), cached.schemas == filter.schemas { return .success(cached.filter) }
        let result = Result { () throws(FilterError) -> CompiledFilter in
            try CompiledFilter.compile(
                try FilterExpression.parse(filter.expression), schemas: filter.schemas, index: loaded.filterIndex
            )
        }
        if case .success(let made) = result {
            compiled.withLock { cache in
                if cache.count > 4_096 { cache.removeAll() }
                cache[key] = (made, filter.schemas)
            }
        }
        return result
    }

    package func recommend(_ query: RecommendationQuery, account: AccountID) async throws -> [Recommendation] {
        let loaded = try await current(try await load(query, account: account), for: query, account: account)
        var query = query
        query.currentUser = try await currentUser(query, loaded: loaded, account: account)
        return try recommend(query, loaded: loaded, account: account)
    }

    /// Answers a query with a model already loaded (batch inference calls this on the compute pool).
    func recommend(_ query: RecommendationQuery, loaded: Loaded, account: AccountID) throws -> [Recommendation] {
        let history = history(of: query.userID, in: loaded, query: query, account: account)
        let item = query.itemID.map { loaded.itemIndex[$0] ?? -1 }
        let request = RecommendationRequest(
            history: history, item: item, count: query.count,
            excluded: query.excludedItems.compactMap { loaded.itemIndex[$0] },
            candidates: try candidates(query, loaded: loaded, account: account, item: item),
            exploration: Self.exploration(query.exploration)
        )
        let model = loaded.model
        let columns = query.metadataColumns
        return model.recommend(request).map {
            Recommendation(
                itemID: model.itemIDs[Int($0.item)], score: Double($0.score),
                metadata: columns.isEmpty ? nil : loaded.metadata(of: $0.item, columns: columns)
            )
        }
    }

    package func rank(_ items: [String], for query: RecommendationQuery, account: AccountID) async throws
        -> [Recommendation]
    {
        let loaded = try await current(try await load(query, account: account), for: query, account: account)
        var query = query
        query.currentUser = try await currentUser(query, loaded: loaded, account: account)
        return try rank(items, for: query, loaded: loaded, account: account)
    }

    // MARK: Items metadata that follows the Items dataset

    /// Items metadata in a model's item order, as of an Items store generation.
    struct ItemView: Sendable {
        var generation: Int
        var filterIndex: FilterIndex
        var items: EntitySnapshot? = nil
        var itemRows: [Int32] = []
    }

    /// Reads the Items dataset into a view (blocking: call on the compute pool).
    static func itemView(_ store: DatasetStore, order: [String]) throws -> ItemView {
        let generation = store.generation
        let snapshot = try store.entities()
        var attributes = ItemAttributes(ids: order)
        fill(&attributes, from: snapshot, order: order)
        return ItemView(
            generation: generation, filterIndex: FilterIndex.build(items: attributes), items: snapshot,
            itemRows: snapshot.rows(for: order)
        )
    }

    /// The loaded model with Items metadata as of the Items dataset's current generation, so filters and
    /// `metadataColumns` see items imported or put since the model loaded. Only when the query needs them.
    func current(_ loaded: Loaded, for query: RecommendationQuery, account: AccountID) async throws -> Loaded {
        guard let itemsARN = loaded.itemsARN, query.filter != nil || !query.metadataColumns.isEmpty else { return loaded }
        let key = "\(account.rawValue)|\(query.solutionVersionARN)"
        let cached = itemViews.withLock { $0[key] }
        let store: DatasetStore
        if let cached {
            store = cached.store
        } else {
            let stores = stores
            store = try await pool.run { try stores.store(account: account, datasetARN: itemsARN, kind: .items) }
        }
        let generation = store.generation
        var view: ItemView
        if generation == loaded.itemsGeneration {
            return loaded
        } else if let cachedView = cached?.view, cachedView.generation == generation {
            view = cachedView
        } else {
            let order = loaded.model.itemIDs
            view = try await pool.run { try Self.itemView(store, order: order) }
            let made = view
            itemViews.withLock { $0[key] = (store, made) }
        }
        var updated = loaded
        updated.filterIndex = view.filterIndex
        updated.items = view.items
        updated.itemRows = view.itemRows
        updated.itemsGeneration = view.generation
        return updated
    }

    // MARK: Users metadata for `IF CurrentUser.F` filters

    /// One Users dataset's attributes by user ID, as of a store generation.
    struct UsersIndex: Sendable {
        var generation: Int
        var attributes: [String: CurrentUserAttributes]
    }

    /// The query user's attributes when its filter reads `CurrentUser`; `.unknown` otherwise (or for a user the
    /// Users dataset does not hold). The index is rebuilt when the Users data changes (imports, PutUsers).
    func currentUser(_ query: RecommendationQuery, loaded: Loaded, account: AccountID) async throws
        -> CurrentUserAttributes
    {
        guard let filter = query.filter, let user = query.userID, let usersARN = loaded.usersARN,
            filter.expression.range(of: "CurrentUser", options: .caseInsensitive) != nil
        else { return query.currentUser }
        return try await usersIndex(account: account, datasetARN: usersARN).attributes[user] ?? .unknown
    }

    func usersIndex(account: AccountID, datasetARN: String) async throws -> UsersIndex {
        let key = "\(account.rawValue)|\(datasetARN)"
        let cached = users.withLock { $0[key] }
        let stores = stores
        let store: DatasetStore
        if let cached {
            store = cached.store
            if let index = cached.index, index.generation == store.generation { return index }
        } else {
            store = try await pool.run { try stores.store(account: account, datasetARN: datasetARN, kind: .users) }
        }
        let index = try await pool.run { () -> UsersIndex in
            let generation = store.generation
            return UsersIndex(generation: generation, attributes: Self.attributes(try store.entities()))
        }
        users.withLock { $0[key] = (store, index) }
        return index
    }

    /// Every user's attributes from a Users snapshot.
    static func attributes(_ snapshot: EntitySnapshot) -> [String: CurrentUserAttributes] {
        var categorical = [[String: [String]]](repeating: [:], count: snapshot.count)
        var numeric = [[String: Double]](repeating: [:], count: snapshot.count)
        for column in snapshot.columns where column.field.name != snapshot.idField {
            let field = column.field
            for row in 0..<snapshot.count {
                guard let text = column.string(at: row) else { continue }
                if field.type == .string {
                    categorical[row][field.name] = field.categorical ? text.split(separator: "|").map(String.init) : [text]
                } else if field.type.isNumeric, let value = Double(text) {
                    numeric[row][field.name] = value
                }
            }
        }
        var out: [String: CurrentUserAttributes] = [:]
        out.reserveCapacity(snapshot.count)
        for (row, id) in snapshot.ids.enumerated() {
            out[id] = CurrentUserAttributes(categorical: categorical[row], numeric: numeric[row])
        }
        return out
    }

    /// Ranks items with a model already loaded (batch inference calls this on the compute pool).
    func rank(_ items: [String], for query: RecommendationQuery, loaded: Loaded, account: AccountID) throws
        -> [Recommendation]
    {
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
        var kept = indices
        if let allowed = try candidates(query, loaded: loaded, account: account, item: nil) {
            // A filtered ranking leaves out the items the filter removes.
            kept = indices.filter { $0 < 0 || allowed.contains($0) }
        }
        let columns = query.metadataColumns
        return model.rank(history: history, items: kept, exploration: Self.exploration(query.exploration)).map {
            let metadata = columns.isEmpty ? nil : loaded.metadata(of: $0.item, columns: columns)
            if let id = unknown[$0.item] { return Recommendation(itemID: id, score: nil, metadata: metadata) }
            return Recommendation(
                itemID: model.itemIDs[Int($0.item)], score: $0.score.map(Double.init), metadata: metadata
            )
        }
    }

    /// The loaded model for a query's solution version, loading it once.
    func load(_ query: RecommendationQuery, account: AccountID) async throws -> Loaded {
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
        let datasetARN = try await dataset(of: query.datasetGroupARN, type: "INTERACTIONS", account: account)
        let itemsARN = try await dataset(of: query.datasetGroupARN, type: "ITEMS", account: account)
        let usersARN = try await dataset(of: query.datasetGroupARN, type: "USERS", account: account)
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
            var histories: [String: PersimmonRecipes.UserHistory] = [:]
            var eventTypes: [String: [String]] = [:]
            if let datasetARN {
                let snapshot = try stores.store(account: account, datasetARN: datasetARN, kind: .interactions)
                    .interactions()
                (histories, eventTypes) = Self.histories(snapshot, itemIndex: itemIndex)
            }
            var view = ItemView(generation: 0, filterIndex: FilterIndex.build(items: ItemAttributes(ids: model.itemIDs)))
            if let itemsARN {
                view = try Self.itemView(
                    try stores.store(account: account, datasetARN: itemsARN, kind: .items), order: model.itemIDs
                )
            }
            return Loaded(
                model: model, itemIndex: itemIndex, histories: histories, eventTypes: eventTypes,
                filterIndex: view.filterIndex, items: view.items, itemRows: view.itemRows,
                usersARN: usersARN, itemsARN: itemsARN, itemsGeneration: view.generation
            )
        }
    }

    /// Every user's events in model item indices, oldest first.
    static func histories(_ snapshot: InteractionsSnapshot, itemIndex: [String: Int32])
        -> ([String: PersimmonRecipes.UserHistory], [String: [String]])
    {
        let mapped = snapshot.items.map { itemIndex[$0] ?? -1 }
        var rows = [[Int]](repeating: [], count: snapshot.users.count)
        for row in 0..<snapshot.count {
            rows[Int(snapshot.userIndex[row])].append(row)
        }
        var histories: [String: PersimmonRecipes.UserHistory] = [:]
        var eventTypes: [String: [String]] = [:]
        histories.reserveCapacity(snapshot.users.count)
        for (user, events) in rows.enumerated() where !events.isEmpty {
            let ordered = events.sorted { snapshot.timestamp[$0] < snapshot.timestamp[$1] }
            histories[snapshot.users[user]] = PersimmonRecipes.UserHistory(
                items: ordered.map { mapped[Int(snapshot.itemIndex[$0])] },
                timestamps: ordered.map { snapshot.timestamp[$0] }
            )
            eventTypes[snapshot.users[user]] = ordered.map {
                let code = snapshot.eventType.isEmpty ? -1 : snapshot.eventType[$0]
                return code >= 0 ? snapshot.eventTypes[Int(code)] : ""
            }
        }
        return (histories, eventTypes)
    }

    /// Items' metadata for filters, in the model's item order (items without a record have no values).
    static func fill(_ attributes: inout ItemAttributes, from items: EntitySnapshot, order: [String]) {
        let rows = items.rows(for: order)
        for column in items.columns where column.field.name != items.idField {
            let field = column.field
            if field.type == .string {
                attributes.setCategorical(
                    field.name,
                    values: rows.map { row in
                        guard row >= 0, let text = column.string(at: Int(row)) else { return [] }
                        return field.categorical ? text.split(separator: "|").map(String.init) : [text]
                    }
                )
            } else if field.type.isNumeric {
                attributes.setNumeric(
                    field.name, values: rows.map { row in row >= 0 ? column.string(at: Int(row)).flatMap(Double.init) : nil }
                )
            }
        }
    }

    private func dataset(of groupARN: String, type: String, account: AccountID) async throws -> String? {
        let datasets = try await store.list(
            account: account, ResourceQuery(kind: .dataset, parentARN: groupARN, limit: 10)
        )
        for record in datasets where try ResourceManager.decode(Dataset.self, from: record).datasetType == type {
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
