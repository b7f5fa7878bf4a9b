/// Interaction events as dictionary-encoded columns: one array per field, one entry per event.
///
/// User and item indices are dense (`0..<userCount`, `0..<itemCount`). `InteractionDataBuilder` assigns them in
/// byte-wise order of the external IDs, which is the order `numpy.unique` gives the reference evaluator, so the
/// protocol split and the tie-breaks by item index match `eval_protocol.py` exactly.
package struct InteractionData: Sendable {
    /// External user IDs by index (empty when the caller only has indices).
    package var userIDs: [String]
    /// External item IDs by index (empty when the caller only has indices); stored in model artifacts.
    package var itemIDs: [String]
    package var userCount: Int
    /// Every item of the Interactions and Items datasets (the denominator of `coverage`).
    package var itemCount: Int
    package var users: [Int32]
    package var items: [Int32]
    /// Unix epoch seconds.
    package var timestamps: [Int64]
    /// Empty, or one entry per event: an index into `eventTypeNames`, or -1 for no event type.
    package var eventTypes: [Int32]
    package var eventTypeNames: [String]
    /// Empty, or one entry per event; `.nan` when the event has no value.
    package var eventValues: [Float]
    /// Empty, or one entry per item: the Items dataset's CREATION_TIMESTAMP, `Int64.min` when unknown.
    package var itemCreationTimestamps: [Int64]
    /// The Items dataset's metadata by item index (`aws-similar-items`); nil when there is none.
    package var itemMetadata: ItemMetadata?

    package var count: Int { users.count }

    package init(
        userCount: Int,
        itemCount: Int,
        users: [Int32],
        items: [Int32],
        timestamps: [Int64],
        userIDs: [String] = [],
        itemIDs: [String] = [],
        eventTypes: [Int32] = [],
        eventTypeNames: [String] = [],
        eventValues: [Float] = [],
        itemCreationTimestamps: [Int64] = []
    ) {
        precondition(users.count == items.count && users.count == timestamps.count)
        precondition(eventTypes.isEmpty || eventTypes.count == users.count)
        precondition(eventValues.isEmpty || eventValues.count == users.count)
        precondition(itemCreationTimestamps.isEmpty || itemCreationTimestamps.count == itemCount)
        precondition(userIDs.isEmpty || userIDs.count == userCount)
        precondition(itemIDs.isEmpty || itemIDs.count == itemCount)
        self.userCount = userCount
        self.itemCount = itemCount
        self.users = users
        self.items = items
        self.timestamps = timestamps
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.eventTypes = eventTypes
        self.eventTypeNames = eventTypeNames
        self.eventValues = eventValues
        self.itemCreationTimestamps = itemCreationTimestamps
    }

    /// The events of the users for which `keep[user]` is true; indices and dictionaries are unchanged.
    package func filteringUsers(_ keep: [Bool]) -> InteractionData {
        precondition(keep.count == userCount)
        var selected = [Int]()
        selected.reserveCapacity(count)
        for event in 0..<count where keep[Int(users[event])] { selected.append(event) }
        var result = self
        result.users = selected.map { users[$0] }
        result.items = selected.map { items[$0] }
        result.timestamps = selected.map { timestamps[$0] }
        result.eventTypes = eventTypes.isEmpty ? [] : selected.map { eventTypes[$0] }
        result.eventValues = eventValues.isEmpty ? [] : selected.map { eventValues[$0] }
        return result
    }

    /// The same data with users and items re-indexed in byte order of their IDs (`InteractionDataBuilder`'s and
    /// `numpy.unique`'s order). Data from a dictionary-encoded store (first-seen order) must be canonicalized for
    /// `EvaluationSplit` to pick the same test users as `eval_protocol.py` and for ties to break the same way.
    /// Returns `self` when it is already canonical or has no IDs.
    package func canonicalized() -> InteractionData {
        func byteOrder(_ names: [String]) -> [Int32]? {
            let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
            if order.elementsEqual(names.indices) { return nil }
            var remap = [Int32](repeating: 0, count: names.count)
            for (new, old) in order.enumerated() { remap[old] = Int32(new) }
            return remap
        }
        var result = self
        if userIDs.count == userCount, let remap = byteOrder(userIDs) {
            result.users = users.map { remap[Int($0)] }
            for (old, new) in remap.enumerated() { result.userIDs[Int(new)] = userIDs[old] }
        }
        if itemIDs.count == itemCount, let remap = byteOrder(itemIDs) {
            result.items = items.map { remap[Int($0)] }
            for (old, new) in remap.enumerated() { result.itemIDs[Int(new)] = itemIDs[old] }
            if !itemCreationTimestamps.isEmpty {
                for (old, new) in remap.enumerated() {
                    result.itemCreationTimestamps[Int(new)] = itemCreationTimestamps[old]
                }
            }
            result.itemMetadata = itemMetadata?.permuted(remap)
        }
        return result
    }

    /// Event indices grouped by user (counting sort), each user's events ordered by (timestamp, item index).
    func eventsByUser(including keep: [Bool]? = nil) -> (starts: [Int], events: [Int32]) {
        var starts = [Int](repeating: 0, count: userCount + 1)
        for event in 0..<count {
            let user = Int(users[event])
            if let keep, !keep[user] { continue }
            starts[user + 1] += 1
        }
        for user in 0..<userCount { starts[user + 1] += starts[user] }
        var fill = starts
        var order = [Int32](repeating: 0, count: starts[userCount])
        for event in 0..<count {
            let user = Int(users[event])
            if let keep, !keep[user] { continue }
            order[fill[user]] = Int32(event)
            fill[user] += 1
        }
        timestamps.withUnsafeBufferPointer { ts in
            items.withUnsafeBufferPointer { it in
                order.withUnsafeMutableBufferPointer { order in
                    for user in 0..<userCount where starts[user + 1] - starts[user] > 1 {
                        var slice = UnsafeMutableBufferPointer(rebasing: order[starts[user]..<starts[user + 1]])
                        slice.sort { a, b in
                            let ta = ts[Int(a)]
                            let tb = ts[Int(b)]
                            return ta < tb
                                || (ta == tb && (it[Int(a)] < it[Int(b)] || (it[Int(a)] == it[Int(b)] && a < b)))
                        }
                    }
                }
            }
        }
        return (starts, order)
    }
}

/// Builds `InteractionData` from external string IDs.
package struct InteractionDataBuilder: Sendable {
    private var userIndex: [String: Int32] = [:]
    private var itemIndex: [String: Int32] = [:]
    private var userNames: [String] = []
    private var itemNames: [String] = []
    private var typeIndex: [String: Int32] = [:]
    private var typeNames: [String] = []
    private var users: [Int32] = []
    private var items: [Int32] = []
    private var timestamps: [Int64] = []
    private var eventTypes: [Int32] = []
    private var eventValues: [Float] = []
    private var hasTypes = false
    private var hasValues = false
    private var creation: [Int32: Int64] = [:]

    package init() {}

    package mutating func reserveCapacity(_ events: Int) {
        users.reserveCapacity(events)
        items.reserveCapacity(events)
        timestamps.reserveCapacity(events)
    }

    private mutating func itemNumber(_ itemID: String) -> Int32 {
        if let known = itemIndex[itemID] { return known }
        let index = Int32(itemNames.count)
        itemIndex[itemID] = index
        itemNames.append(itemID)
        return index
    }

    /// Appends one interaction event.
    package mutating func append(
        userID: String,
        itemID: String,
        timestamp: Int64,
        eventType: String? = nil,
        eventValue: Float? = nil
    ) {
        let user: Int32
        if let known = userIndex[userID] {
            user = known
        } else {
            user = Int32(userNames.count)
            userIndex[userID] = user
            userNames.append(userID)
        }
        users.append(user)
        items.append(itemNumber(itemID))
        timestamps.append(timestamp)
        var type: Int32 = -1
        if let eventType {
            if let known = typeIndex[eventType] {
                type = known
            } else {
                type = Int32(typeNames.count)
                typeIndex[eventType] = type
                typeNames.append(eventType)
            }
            if !hasTypes {
                hasTypes = true
                eventTypes = [Int32](repeating: -1, count: users.count - 1)
            }
        }
        if hasTypes { eventTypes.append(type) }
        if eventValue != nil, !hasValues {
            hasValues = true
            eventValues = [Float](repeating: .nan, count: users.count - 1)
        }
        if hasValues { eventValues.append(eventValue ?? .nan) }
    }

    /// Declares an item of the Items dataset (it counts for `coverage` and can be explored even without events).
    package mutating func declareItem(_ itemID: String, creationTimestamp: Int64? = nil) {
        let item = itemNumber(itemID)
        if let creationTimestamp { creation[item] = creationTimestamp }
    }

    /// The data, indexed in byte order of the IDs (see `InteractionData.canonicalized()`).
    package func build() -> InteractionData {
        var creationColumn = [Int64]()
        if !creation.isEmpty {
            creationColumn = [Int64](repeating: .min, count: itemNames.count)
            for (item, time) in creation { creationColumn[Int(item)] = time }
        }
        return InteractionData(
            userCount: userNames.count,
            itemCount: itemNames.count,
            users: users,
            items: items,
            timestamps: timestamps,
            userIDs: userNames,
            itemIDs: itemNames,
            eventTypes: hasTypes ? eventTypes : [],
            eventTypeNames: typeNames,
            eventValues: hasValues ? eventValues : [],
            itemCreationTimestamps: creationColumn
        ).canonicalized()
    }
}

/// How events become confidence weights of (user, item) cells.
package struct EventWeighting: Sendable, Hashable {
    /// Per-event-type weights (`eventsConfig.eventParametersList`); types not listed get `defaultWeight`.
    package var eventTypeWeights: [String: Float]
    package var defaultWeight: Float
    /// Events whose value is below this are dropped (`eventValueThreshold`); events without a value are kept.
    package var eventValueThreshold: Float?
    /// Weight multiplier 0.5^(age / halfLife), age = position from the user's newest distinct item (0 = newest);
    /// 0 disables.
    package var recencyHalfLifeEvents: Double
    /// Lower bound of the recency multiplier.
    package var recencyFloor: Float

    package init(
        eventTypeWeights: [String: Float] = [:],
        defaultWeight: Float = 1,
        eventValueThreshold: Float? = nil,
        recencyHalfLifeEvents: Double = 0,
        recencyFloor: Float = 0
    ) {
        self.eventTypeWeights = eventTypeWeights
        self.defaultWeight = defaultWeight
        self.eventValueThreshold = eventValueThreshold
        self.recencyHalfLifeEvents = recencyHalfLifeEvents
        self.recencyFloor = recencyFloor
    }
}

/// A compressed sparse row matrix. `rowStarts` has `rowCount + 1` entries.
package struct CSRMatrix: Sendable, Equatable {
    package let rowCount: Int
    package let columnCount: Int
    package var rowStarts: [Int]
    package var columns: [Int32]
    package var values: [Float]

    package init(rowCount: Int, columnCount: Int, rowStarts: [Int], columns: [Int32], values: [Float]) {
        precondition(rowStarts.count == rowCount + 1 && columns.count == values.count)
        precondition(rowStarts.last == columns.count)
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowStarts = rowStarts
        self.columns = columns
        self.values = values
    }

    package var nonzeroCount: Int { columns.count }

    /// The transpose, with each row's columns in ascending order.
    package func transposed() -> CSRMatrix {
        var starts = [Int](repeating: 0, count: columnCount + 1)
        for column in columns { starts[Int(column) + 1] += 1 }
        for c in 0..<columnCount { starts[c + 1] += starts[c] }
        var fill = starts
        var newColumns = [Int32](repeating: 0, count: columns.count)
        var newValues = [Float](repeating: 0, count: columns.count)
        for row in 0..<rowCount {
            for k in rowStarts[row]..<rowStarts[row + 1] {
                let c = Int(columns[k])
                newColumns[fill[c]] = Int32(row)
                newValues[fill[c]] = values[k]
                fill[c] += 1
            }
        }
        return CSRMatrix(
            rowCount: columnCount,
            columnCount: rowCount,
            rowStarts: starts,
            columns: newColumns,
            values: newValues
        )
    }
}

/// Per-user histories of distinct items, oldest first, each item at the position of its newest event, with the
/// confidence weight of the (user, item) cell. As a CSR matrix it is the user × item confidence matrix.
package struct UserSequences: Sendable {
    package var matrix: CSRMatrix

    package var userCount: Int { matrix.rowCount }
    package var itemCount: Int { matrix.columnCount }

    /// Number of distinct users per item.
    package func itemCounts() -> [Int32] {
        var counts = [Int32](repeating: 0, count: itemCount)
        for item in matrix.columns { counts[Int(item)] += 1 }
        return counts
    }
}

extension InteractionData {
    /// Deduplicated, time-ordered user histories with confidence weights (the max over a cell's events, times the
    /// recency multiplier). Users with `keep[user] == false` get empty rows.
    package func userSequences(weighting: EventWeighting = EventWeighting(), keep: [Bool]? = nil) -> UserSequences {
        let typeWeight: [Float] = eventTypeNames.map { weighting.eventTypeWeights[$0] ?? weighting.defaultWeight }
        let (starts, order) = eventsByUser(including: keep)
        var rowStarts = [Int](repeating: 0, count: userCount + 1)
        var columns = [Int32]()
        var values = [Float]()
        columns.reserveCapacity(order.count)
        values.reserveCapacity(order.count)
        var lastUser = [Int32](repeating: -1, count: itemCount)
        var position = [Int32](repeating: 0, count: itemCount)
        var scratchItems = [Int32]()
        var scratchWeights = [Float]()
        for user in 0..<userCount {
            scratchItems.removeAll(keepingCapacity: true)
            scratchWeights.removeAll(keepingCapacity: true)
            // newest first, so the first occurrence of an item is its newest event
            var k = starts[user + 1] - 1
            while k >= starts[user] {
                let event = Int(order[k])
                k -= 1
                var weight = weighting.defaultWeight
                if !eventTypes.isEmpty {
                    let type = Int(eventTypes[event])
                    if type >= 0 { weight = typeWeight[type] }
                }
                if let threshold = weighting.eventValueThreshold, !eventValues.isEmpty {
                    let value = eventValues[event]
                    if !value.isNaN && value < threshold { continue }
                }
                if weight <= 0 { continue }
                let item = Int(items[event])
                if lastUser[item] == Int32(user) {
                    let p = Int(position[item])
                    scratchWeights[p] = max(scratchWeights[p], weight)
                    continue
                }
                lastUser[item] = Int32(user)
                position[item] = Int32(scratchItems.count)
                scratchItems.append(Int32(item))
                scratchWeights.append(weight)
            }
            let n = scratchItems.count
            let halfLife = weighting.recencyHalfLifeEvents
            for p in stride(from: n - 1, through: 0, by: -1) {
                var weight = scratchWeights[p]
                if halfLife > 0 {
                    let decay = Float(power2(-Double(p) / halfLife))
                    weight *= max(weighting.recencyFloor, decay)
                }
                columns.append(scratchItems[p])
                values.append(weight)
            }
            rowStarts[user + 1] = columns.count
        }
        return UserSequences(
            matrix: CSRMatrix(
                rowCount: userCount,
                columnCount: itemCount,
                rowStarts: rowStarts,
                columns: columns,
                values: values
            )
        )
    }
}
