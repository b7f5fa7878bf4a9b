import PersimmonCatalog

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension DatasetStore {
    /// Rewrites the live segments as one and makes it live, for datasets that grew by many
    /// INCREMENTAL imports or streamed batches.
    ///
    /// Users, items and actions keep only the latest record per ID (the upsert is applied);
    /// interactions keep every row in order. Reads before and after return the same snapshots.
    /// Segments committed while the compaction runs stay live after it. If a FULL import replaced
    /// the input meanwhile, the compaction is discarded and throws.
    ///
    /// Memory: the whole dataset is read into memory once (as for a training read).
    ///
    /// - Parameter rowGroupRows: Rows per row group of the new segment.
    /// - Returns: The new generation, or `nil` when there was nothing to compact (at most one segment).
    @discardableResult
    package func compact(rowGroupRows: Int = 1 << 20) throws(DatasetError) -> Int? {
        let entries = liveEntries()
        let segments = entries.map(\.file)
        guard segments.count > 1 else { return nil }
        let origins = Set(entries.map { $0.entry.origin ?? DataOrigin.bulk.rawValue })
        let table = try TableReader.read(segments: segments, kind: kind)
        var columns = table.columns
        var rowCount = table.rowCount
        if kind == .users || kind == .items || kind == .actions {
            let idField = kind == .users ? "USER_ID" : kind == .items ? "ITEM_ID" : "ACTION_ID"
            if let idIndex = columns.firstIndex(where: { $0.field.name == idField }),
                case .dictionary(let codes, let ids) = columns[idIndex].values
            {
                var winner = [Int](repeating: -1, count: ids.count)
                for (row, code) in codes.enumerated() where code >= 0 { winner[Int(code)] = row }
                let rows = winner.filter { $0 >= 0 }
                columns = columns.map { $0.gathering(rows: rows) }
                rowCount = rows.count
            }
        }
        let writer = try makeStagingWriter()
        let size = try SnapshotSegmentWriter.write(
            columns: columns,
            rowCount: rowCount,
            kind: kind,
            rowGroupRows: max(1, rowGroupRows),
            writer: writer
        )
        let committed = try commit(
            writer,
            rows: rowCount,
            bytes: size,
            mode: "COMPACTION",
            origin: origins.count == 1 ? origins.first.flatMap(DataOrigin.init(rawValue:)) : nil,
            action: .replacePrefix(segments.map(\.name))
        )
        return committed.generation
    }
}

/// Writes in-memory columns (a snapshot) as a segment: the inverse of ``TableReader``.
enum SnapshotSegmentWriter {
    /// Text and multi-valued data per row group stays well below the `UInt32` offset range.
    static let maxVariableBytesPerGroup = 256 << 20

    static func write(
        columns: [ColumnSnapshot],
        rowCount: Int,
        kind: DatasetKind,
        rowGroupRows: Int,
        writer: SegmentWriter
    ) throws(DatasetError) -> Int {
        var groups: [SegmentRowGroup] = []
        var start = 0
        while start < rowCount {
            let end = groupEnd(columns: columns, start: start, rowCount: rowCount, rowGroupRows: rowGroupRows)
            var buffers: [[BufferRef]] = []
            for column in columns {
                buffers.append(try writeGroup(column, start, end, writer))
            }
            groups.append(SegmentRowGroup(rows: end - start, buffers: buffers))
            start = end
        }
        var footerColumns: [SegmentColumn] = []
        for column in columns {
            footerColumns.append(try describe(column, rowCount: rowCount, writer: writer))
        }
        let footer = SegmentFooter(
            kind: kind,
            rowCount: rowCount,
            createdAt: Int64(Date().timeIntervalSince1970),
            columns: footerColumns,
            rowGroups: groups
        )
        return try writer.finish(footer: footer)
    }

    /// The end of the row group starting at `start`: at most `rowGroupRows` rows and
    /// ``maxVariableBytesPerGroup`` bytes of text or codes in any column (at least one row).
    private static func groupEnd(columns: [ColumnSnapshot], start: Int, rowCount: Int, rowGroupRows: Int) -> Int {
        var end = min(rowCount, start + rowGroupRows)
        for column in columns {
            let offsets: [Int]
            let scale: Int
            switch column.values {
            case .text(let textOffsets, _):
                offsets = textOffsets
                scale = 1
            case .multiValued(let codeOffsets, _, _):
                offsets = codeOffsets
                scale = 4
            default:
                continue
            }
            while end > start + 1 && (offsets[end] - offsets[start]) * scale > maxVariableBytesPerGroup {
                end = start + (end - start) / 2
            }
        }
        return end
    }

    private static func validityWords(_ column: ColumnSnapshot, _ start: Int, _ end: Int) -> [UInt64]? {
        let nullable = column.field.nullable
        guard nullable, let validity = column.validity else { return nil }
        var bitmap = Bitmap()
        var anyNull = false
        for row in start..<end {
            let valid = validity[row]
            bitmap.append(valid)
            anyNull = anyNull || !valid
        }
        return anyNull ? bitmap.words : nil
    }

    private static func writeGroup(
        _ column: ColumnSnapshot,
        _ start: Int,
        _ end: Int,
        _ writer: SegmentWriter
    ) throws(DatasetError) -> [BufferRef] {
        let validity: BufferRef
        if let words = validityWords(column, start, end) {
            validity = try writer.write(words)
        } else {
            validity = .empty
        }
        switch column.values {
        case .dictionary(let codes, _):
            return [try writer.write(Array(codes[start..<end]))]
        case .multiValued(let offsets, let codes, _):
            let base = offsets[start]
            let groupOffsets = offsets[start...end].map { UInt32($0 - base) }
            return [
                try writer.write(groupOffsets), try writer.write(Array(codes[base..<offsets[end]])), validity,
            ]
        case .text(let offsets, let bytes):
            let base = offsets[start]
            let groupOffsets = offsets[start...end].map { UInt32($0 - base) }
            return [
                try writer.write(groupOffsets), try writer.write(Array(bytes[base..<offsets[end]])), validity,
            ]
        case .int32(let values):
            return [try writer.write(Array(values[start..<end])), validity]
        case .int64(let values):
            return [try writer.write(Array(values[start..<end])), validity]
        case .float32(let values):
            return [try writer.write(Array(values[start..<end])), validity]
        case .float64(let values):
            return [try writer.write(Array(values[start..<end])), validity]
        case .boolean(let values):
            return [try writer.write(values[start..<end].map { UInt8($0 ? 1 : 0) }), validity]
        }
    }

    /// The footer entry for a column, writing its dictionary when it has one.
    private static func describe(
        _ column: ColumnSnapshot,
        rowCount: Int,
        writer: SegmentWriter
    ) throws(DatasetError) -> SegmentColumn {
        var nullCount = 0
        if case .dictionary(let codes, _) = column.values {
            nullCount = codes.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
        } else if let validity = column.validity {
            nullCount = rowCount - validity.nonzeroBitCount
        }
        var minimum: Int64?
        var maximum: Int64?
        var dictionary: SegmentDictionary?
        let encoding: ColumnEncoding
        switch column.values {
        case .dictionary(let codes, let keys):
            encoding = .dictionary
            dictionary = try writeDictionary(keys, codes: codes, writer: writer)
        case .multiValued(_, let codes, let keys):
            encoding = .multiValued
            dictionary = try writeDictionary(keys, codes: codes, writer: writer)
        case .int32(let values):
            encoding = .int32
            (minimum, maximum) = range(values.indices.lazy.filter { !column.isNull($0) }.map { Int64(values[$0]) })
        case .int64(let values):
            encoding = .int64
            (minimum, maximum) = range(values.indices.lazy.filter { !column.isNull($0) }.map { values[$0] })
        case .float32: encoding = .float32
        case .float64: encoding = .float64
        case .boolean: encoding = .boolean
        case .text: encoding = .text
        }
        return SegmentColumn(
            field: column.field,
            encoding: encoding,
            nullCount: nullCount,
            minimum: minimum,
            maximum: maximum,
            dictionary: dictionary
        )
    }

    private static func range(_ values: some Sequence<Int64>) -> (Int64?, Int64?) {
        var minimum: Int64?
        var maximum: Int64?
        for value in values {
            minimum = min(minimum ?? value, value)
            maximum = max(maximum ?? value, value)
        }
        return (minimum, maximum)
    }

    /// Writes a dictionary with per-key occurrence counts. Keys that no row uses any more
    /// (superseded records) keep their place with zero occurrences, so codes need no renumbering.
    private static func writeDictionary(
        _ keys: [String],
        codes: [Int32],
        writer: SegmentWriter
    ) throws(DatasetError) -> SegmentDictionary {
        var starts: [Int] = [0]
        var arena: [UInt8] = []
        for key in keys {
            arena.append(contentsOf: key.utf8)
            starts.append(arena.count)
        }
        var occurrences = [UInt32](repeating: 0, count: keys.count)
        for code in codes where code >= 0 { occurrences[Int(code)] &+= 1 }
        return SegmentDictionary(
            count: keys.count,
            offsets: try writer.write(starts),
            bytes: try writer.write(arena),
            occurrences: try writer.write(occurrences)
        )
    }
}
