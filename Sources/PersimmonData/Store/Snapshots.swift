import PersimmonCatalog

/// The values of one column across all rows of a snapshot, in contiguous arrays.
package enum ColumnValues: Sendable, Equatable {
    /// One code per row into `dictionary`; `-1` is null. (IDs, `EVENT_TYPE`.)
    case dictionary(codes: [Int32], dictionary: [String])
    /// Row `i` holds `codes[offsets[i] ..< offsets[i + 1]]`, codes into `dictionary`.
    /// (Categorical strings, `IMPRESSION`.)
    case multiValued(offsets: [Int], codes: [Int32], dictionary: [String])
    case int32([Int32])
    case int64([Int64])
    case float32([Float])
    case float64([Double])
    case boolean([Bool])
    /// Row `i` is the UTF-8 in `bytes[offsets[i] ..< offsets[i + 1]]`. (Textual and other strings.)
    case text(offsets: [Int], bytes: [UInt8])
}

/// One column of a snapshot.
package struct ColumnSnapshot: Sendable, Equatable {
    /// The field as declared by the newest segment's schema.
    package var field: SchemaField
    package var values: ColumnValues
    /// Which rows are non-null; `nil` when every row has a value. (Dictionary columns mark nulls
    /// with code `-1` instead and leave this `nil`.)
    package var validity: Bitmap?

    /// Whether row `row` is null.
    package func isNull(_ row: Int) -> Bool {
        if case .dictionary(let codes, _) = values { return codes[row] < 0 }
        guard let validity else { return false }
        return !validity[row]
    }

    /// Row `row` rendered as a string (`nil` for null): categories joined with `|`, numbers in
    /// Swift's shortest round-trip form. For tests, debugging and exports, not hot paths.
    package func string(at row: Int) -> String? {
        if isNull(row) { return nil }
        switch values {
        case .dictionary(let codes, let dictionary):
            return dictionary[Int(codes[row])]
        case .multiValued(let offsets, let codes, let dictionary):
            return codes[offsets[row]..<offsets[row + 1]].map { dictionary[Int($0)] }.joined(separator: "|")
        case .int32(let values): return String(values[row])
        case .int64(let values): return String(values[row])
        case .float32(let values): return String(values[row])
        case .float64(let values): return String(values[row])
        case .boolean(let values): return values[row] ? "true" : "false"
        case .text(let offsets, let bytes):
            return String(decoding: bytes[offsets[row]..<offsets[row + 1]], as: UTF8.self)
        }
    }
}

/// Every stored row of a dataset, oldest segment first, as columns. No upsert is applied (see
/// ``EntitySnapshot`` for that).
package struct TableSnapshot: Sendable, Equatable {
    package var kind: DatasetKind
    package var rowCount: Int
    /// In the field order of the newest segment's schema.
    package var columns: [ColumnSnapshot]

    package func column(named name: String) -> ColumnSnapshot? {
        columns.first { $0.field.name == name }
    }
}

/// Interactions (or action interactions) ready for training: one entry per event in every
/// array, in import order (oldest segment first, file order within a segment).
package struct InteractionsSnapshot: Sendable, Equatable {
    /// Index into ``users`` per event.
    package var userIndex: [Int32]
    /// Index into ``items`` per event (for action interactions: into the action IDs).
    package var itemIndex: [Int32]
    /// `TIMESTAMP`, seconds since 1970.
    package var timestamp: [Int64]
    /// Index into ``eventTypes`` per event; `-1` when the event has no type (or the schema has
    /// no `EVENT_TYPE`).
    package var eventType: [Int32]
    /// `EVENT_VALUE` per event (`NaN` when null); `nil` when the schema has no `EVENT_VALUE`.
    package var eventValue: [Float]?
    /// Distinct user IDs, in first-seen order.
    package var users: [String]
    /// Distinct item (or action) IDs, in first-seen order.
    package var items: [String]
    /// Distinct event types, in first-seen order.
    package var eventTypes: [String]
    /// The remaining columns (metadata, `IMPRESSION`, `RECOMMENDATION_ID`, ...), row-aligned.
    package var otherColumns: [ColumnSnapshot]

    /// The number of events.
    package var count: Int { userIndex.count }
}

/// Users, items or actions after upsert: one row per distinct ID, holding the latest record for
/// it (a later segment beats an earlier one; later in a file beats earlier).
package struct EntitySnapshot: Sendable, Equatable {
    package var kind: DatasetKind
    /// The ID field's name (`USER_ID`, `ITEM_ID` or `ACTION_ID`).
    package var idField: String
    /// Row `i`'s ID, in first-seen order.
    package var ids: [String]
    /// Every schema field except the ID, row-aligned with ``ids``.
    package var columns: [ColumnSnapshot]

    package var count: Int { ids.count }

    package func column(named name: String) -> ColumnSnapshot? {
        columns.first { $0.field.name == name }
    }

    /// For each of `keys`, its row in this snapshot or `-1` (e.g. to align items metadata with an
    /// ``InteractionsSnapshot/items`` dictionary).
    package func rows(for keys: [String]) -> [Int32] {
        var index: [String: Int32] = [:]
        index.reserveCapacity(ids.count)
        for (row, id) in ids.enumerated() { index[id] = Int32(row) }
        return keys.map { index[$0] ?? -1 }
    }
}

extension DatasetStore {
    /// Reads every stored row of the dataset as columns.
    package func table() throws(DatasetError) -> TableSnapshot {
        try TableReader.read(segments: liveSegments(), kind: kind)
    }

    /// Reads an Interactions (or Action_Interactions) dataset for training.
    package func interactions() throws(DatasetError) -> InteractionsSnapshot {
        guard kind == .interactions || kind == .actionInteractions else {
            throw DatasetError(.wrongDatasetType, "The dataset holds \(kind.rawValue) data, not interactions")
        }
        var table = try table()
        let itemField = kind == .interactions ? "ITEM_ID" : "ACTION_ID"
        let rows = table.rowCount

        func takeDictionary(_ name: String) -> (codes: [Int32], dictionary: [String])? {
            guard let index = table.columns.firstIndex(where: { $0.field.name == name }) else { return nil }
            guard case .dictionary(let codes, let dictionary) = table.columns[index].values else { return nil }
            table.columns.remove(at: index)
            return (codes, dictionary)
        }

        let users = takeDictionary("USER_ID") ?? ([Int32](repeating: -1, count: rows), [])
        let items = takeDictionary(itemField) ?? ([Int32](repeating: -1, count: rows), [])
        let events = takeDictionary("EVENT_TYPE") ?? ([Int32](repeating: -1, count: rows), [])
        var timestamps = [Int64](repeating: 0, count: rows)
        if let index = table.columns.firstIndex(where: { $0.field.name == "TIMESTAMP" }),
            case .int64(let values) = table.columns[index].values
        {
            timestamps = values
            table.columns.remove(at: index)
        }
        var eventValue: [Float]?
        if let index = table.columns.firstIndex(where: { $0.field.name == "EVENT_VALUE" }) {
            let column = table.columns[index]
            var values = [Float](repeating: .nan, count: rows)
            switch column.values {
            case .float32(let stored):
                for row in 0..<rows where !column.isNull(row) { values[row] = stored[row] }
            case .float64(let stored):
                for row in 0..<rows where !column.isNull(row) { values[row] = Float(stored[row]) }
            default:
                break
            }
            eventValue = values
            table.columns.remove(at: index)
        }
        return InteractionsSnapshot(
            userIndex: users.codes,
            itemIndex: items.codes,
            timestamp: timestamps,
            eventType: events.codes,
            eventValue: eventValue,
            users: users.dictionary,
            items: items.dictionary,
            eventTypes: events.dictionary,
            otherColumns: table.columns
        )
    }

    /// Reads a Users, Items or Actions dataset with the upsert applied (latest record per ID).
    package func entities() throws(DatasetError) -> EntitySnapshot {
        let idField: String
        switch kind {
        case .users: idField = "USER_ID"
        case .items: idField = "ITEM_ID"
        case .actions: idField = "ACTION_ID"
        case .interactions, .actionInteractions:
            throw DatasetError(.wrongDatasetType, "The dataset holds \(kind.rawValue) data, not entities")
        }
        var table = try table()
        guard let idIndex = table.columns.firstIndex(where: { $0.field.name == idField }),
            case .dictionary(let codes, let ids) = table.columns[idIndex].values
        else {
            return EntitySnapshot(kind: kind, idField: idField, ids: [], columns: [])
        }
        table.columns.remove(at: idIndex)
        // The latest row per ID wins: overwrite as rows go by in storage order.
        var winner = [Int](repeating: -1, count: ids.count)
        for (row, code) in codes.enumerated() where code >= 0 {
            winner[Int(code)] = row
        }
        let columns = table.columns.map { $0.gathering(rows: winner) }
        return EntitySnapshot(kind: kind, idField: idField, ids: ids, columns: columns)
    }
}

extension ColumnSnapshot {
    /// The column restricted to `rows`, in that order.
    func gathering(rows: [Int]) -> ColumnSnapshot {
        let validity = self.validity.map { old in
            var bitmap = Bitmap(count: rows.count)
            for (index, row) in rows.enumerated() where old[row] { bitmap[index] = true }
            return bitmap
        }
        let values: ColumnValues
        switch self.values {
        case .dictionary(let codes, let dictionary):
            values = .dictionary(codes: rows.map { codes[$0] }, dictionary: dictionary)
        case .multiValued(let offsets, let codes, let dictionary):
            var newOffsets = [0]
            var newCodes: [Int32] = []
            for row in rows {
                newCodes.append(contentsOf: codes[offsets[row]..<offsets[row + 1]])
                newOffsets.append(newCodes.count)
            }
            values = .multiValued(offsets: newOffsets, codes: newCodes, dictionary: dictionary)
        case .int32(let stored): values = .int32(rows.map { stored[$0] })
        case .int64(let stored): values = .int64(rows.map { stored[$0] })
        case .float32(let stored): values = .float32(rows.map { stored[$0] })
        case .float64(let stored): values = .float64(rows.map { stored[$0] })
        case .boolean(let stored): values = .boolean(rows.map { stored[$0] })
        case .text(let offsets, let bytes):
            var newOffsets = [0]
            var newBytes: [UInt8] = []
            for row in rows {
                newBytes.append(contentsOf: bytes[offsets[row]..<offsets[row + 1]])
                newOffsets.append(newBytes.count)
            }
            values = .text(offsets: newOffsets, bytes: newBytes)
        }
        return ColumnSnapshot(field: field, values: values, validity: validity)
    }
}
