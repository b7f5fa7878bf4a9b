import PersimmonCatalog

/// Summary numbers for `persimmon admin dataset-stats` and training pre-checks. Computed from
/// segment footers and dictionaries only; no row data is read.
package struct DatasetStats: Sendable, Equatable {
    package var kind: DatasetKind
    /// The manifest generation.
    package var generation: Int
    package var segments: Int
    package var bytesOnDisk: Int
    /// Rows stored across all segments (for users/items/actions, before the upsert).
    package var storedRecords: Int
    /// Records as training sees them: events for interactions; distinct IDs for users, items and
    /// actions.
    package var records: Int
    /// Distinct `USER_ID`s, when the dataset has the field.
    package var distinctUsers: Int?
    /// Distinct `ITEM_ID`s, when the dataset has the field.
    package var distinctItems: Int?
    /// Distinct `ACTION_ID`s, when the dataset has the field.
    package var distinctActions: Int?
    /// Users with two or more interactions (interactions datasets only).
    package var usersWithAtLeastTwoInteractions: Int?
    /// The smallest and largest `TIMESTAMP`, when there is one.
    package var minTimestamp: Int64?
    package var maxTimestamp: Int64?
    /// Events per `EVENT_TYPE`, most frequent first (ties by name). Events without a type are not
    /// listed.
    package var eventTypes: [EventTypeCount]
}

/// The number of events of one type.
package struct EventTypeCount: Sendable, Equatable {
    package var eventType: String
    package var count: Int
}

extension DatasetStore {
    /// Computes ``DatasetStats`` for the live segments.
    package func stats() throws(DatasetError) -> DatasetStats {
        let segments = liveSegments()
        let generation = self.generation
        var stats = DatasetStats(
            kind: kind,
            generation: generation,
            segments: segments.count,
            bytesOnDisk: segments.reduce(0) { $0 + $1.size },
            storedRecords: segments.reduce(0) { $0 + $1.footer.rowCount },
            records: 0,
            eventTypes: []
        )
        let isEvents = kind == .interactions || kind == .actionInteractions

        func mergedCounts(_ name: String) throws(DatasetError) -> (keys: ByteInterner, counts: [Int])? {
            var keys = ByteInterner()
            var counts: [Int] = []
            var present = false
            for segment in segments {
                guard let (index, column) = segment.footer.column(named: name), column.encoding.hasDictionary else {
                    continue
                }
                present = true
                let dictionary = try segment.readDictionary(column: index)
                for code in 0..<dictionary.count {
                    let global = Int(dictionary.withKey(code) { keys.intern($0) })
                    if global == counts.count { counts.append(0) }
                    counts[global] += Int(dictionary.occurrences[code])
                }
            }
            return present ? (keys, counts) : nil
        }

        if let users = try mergedCounts("USER_ID") {
            stats.distinctUsers = users.counts.filter { $0 > 0 }.count
            if isEvents { stats.usersWithAtLeastTwoInteractions = users.counts.filter { $0 >= 2 }.count }
        }
        if let items = try mergedCounts("ITEM_ID") { stats.distinctItems = items.counts.filter { $0 > 0 }.count }
        if let actions = try mergedCounts("ACTION_ID") {
            stats.distinctActions = actions.counts.filter { $0 > 0 }.count
        }
        if let events = try mergedCounts("EVENT_TYPE") {
            stats.eventTypes = (0..<events.keys.count).filter { events.counts[$0] > 0 }.map {
                EventTypeCount(eventType: events.keys.string($0), count: events.counts[$0])
            }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.eventType < $1.eventType }
        }
        for segment in segments {
            guard let (_, column) = segment.footer.column(named: "TIMESTAMP"),
                let minimum = column.minimum, let maximum = column.maximum
            else { continue }
            stats.minTimestamp = min(stats.minTimestamp ?? minimum, minimum)
            stats.maxTimestamp = max(stats.maxTimestamp ?? maximum, maximum)
        }
        switch kind {
        case .interactions, .actionInteractions: stats.records = stats.storedRecords
        case .users: stats.records = stats.distinctUsers ?? 0
        case .items: stats.records = stats.distinctItems ?? 0
        case .actions: stats.records = stats.distinctActions ?? 0
        }
        return stats
    }
}
