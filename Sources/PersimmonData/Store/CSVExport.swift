import PersimmonCatalog

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What an export wrote.
package struct ExportSummary: Sendable, Equatable {
    /// Data records written (the header not counted).
    package var records: Int
    /// Bytes of CSV written, header included.
    package var bytes: Int
}

extension DatasetStore {
    /// Writes the dataset as CSV (`CreateDatasetExportJob`): a header naming `fields`, then one
    /// record per row in the form an import accepts back (RFC 4180 quoting, `|`-joined categories,
    /// empty fields for nulls, numbers in their shortest round-trip form).
    ///
    /// - Interactions and action interactions: every stored row of the selected segments, oldest
    ///   segment first, read one row group at a time: memory holds a row group plus the segment's
    ///   dictionaries.
    /// - Users, items and actions: the latest record per ID among the selected segments (the
    ///   upsert applied), in first-seen ID order. The selected segments are read together.
    ///
    /// A field that a segment does not store (the schema changed) is empty for its rows.
    ///
    /// - Parameters:
    ///   - fields: The columns, in order (normally the current schema's fields).
    ///   - origins: Which segments to include: `.bulk` (import jobs), `.put` (streamed records) or
    ///     both, as `ingestionMode` `BULK`, `PUT`, `ALL`.
    ///   - write: Receives the CSV in chunks of about 1 MiB.
    package func exportCSV(
        fields: [String],
        origins: Set<DataOrigin>,
        write: (UnsafeRawBufferPointer) throws(DatasetError) -> Void
    ) throws(DatasetError) -> ExportSummary {
        let selected = liveEntries().filter {
            origins.contains($0.entry.origin.flatMap(DataOrigin.init(rawValue:)) ?? .bulk)
        }.map(\.file)
        var out = CSVOutput()
        out.header(fields)
        switch kind {
        case .interactions, .actionInteractions:
            for segment in selected {
                let reader = try RowGroupReader(segment: segment, fields: fields)
                for group in segment.footer.rowGroups {
                    let columns = try reader.columns(of: group)
                    try out.rows(of: columns, rows: 0..<group.rows, fields: fields, write: write)
                }
            }
        case .users, .items, .actions:
            guard !selected.isEmpty else { break }
            let table = try TableReader.read(segments: selected, kind: kind)
            let idField = kind == .users ? "USER_ID" : kind == .items ? "ITEM_ID" : "ACTION_ID"
            guard let idColumn = table.column(named: idField), case .dictionary(let codes, let ids) = idColumn.values
            else {
                try out.rows(of: table.columns, rows: 0..<table.rowCount, fields: fields, write: write)
                break
            }
            var winner = [Int](repeating: -1, count: ids.count)
            for (row, code) in codes.enumerated() where code >= 0 { winner[Int(code)] = row }
            try out.rows(of: table.columns, rows: winner.filter { $0 >= 0 }, fields: fields, write: write)
        }
        try out.flush(write)
        return ExportSummary(records: out.records, bytes: out.bytesWritten)
    }

    /// ``exportCSV(fields:origins:write:)`` into a local file, atomically: a temporary file in
    /// the same directory is written, synced and renamed over `path`. On failure nothing is left
    /// at `path` (and an existing file there is untouched).
    package func exportCSV(
        toFile path: String,
        fields: [String],
        origins: Set<DataOrigin>
    ) throws(DatasetError) -> ExportSummary {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        try POSIX.makeDirectories(directory.isEmpty ? "/" : directory)
        let temporary = path + ".tmp-" + POSIX.randomToken()
        let fd = try POSIX.open(temporary, O_WRONLY | O_CREAT | O_EXCL)
        do throws(DatasetError) {
            let summary = try exportCSV(fields: fields, origins: origins) { bytes throws(DatasetError) in
                try POSIX.writeAll(fd, bytes, path: temporary)
            }
            try POSIX.fsync(fd, path: temporary)
            POSIX.close(fd)
            try POSIX.rename(temporary, path)
            try POSIX.fsyncDirectory(directory.isEmpty ? "/" : directory)
            return summary
        } catch {
            POSIX.close(fd)
            try? POSIX.unlink(temporary)
            throw error
        }
    }
}

/// Reads one segment a row group at a time, as columns for ``CSVOutput`` (exports of events).
/// Dictionaries are decoded once per segment; a row group's buffers are checked before use.
private struct RowGroupReader {
    let segment: SegmentFile
    /// The export fields this segment stores: (footer column index, dictionary keys when encoded with one).
    private var sources: [(index: Int, keys: [String])] = []

    init(segment: SegmentFile, fields: [String]) throws(DatasetError) {
        self.segment = segment
        for name in fields {
            guard let (index, column) = segment.footer.column(named: name) else { continue }
            var keys: [String] = []
            if column.encoding.hasDictionary {
                let dictionary = try segment.readDictionary(column: index)
                keys.reserveCapacity(dictionary.count)
                for code in 0..<dictionary.count {
                    keys.append(dictionary.withKey(code) { String(decoding: $0, as: UTF8.self) })
                }
            }
            sources.append((index, keys))
        }
    }

    private func corrupt(_ detail: String) -> DatasetError {
        DatasetError(.corruptData, "The dataset store is damaged", underlying: "\(segment.path): \(detail)")
    }

    private func checkOffsets(_ offsets: [UInt32], rows: Int, count: Int) throws(DatasetError) -> [Int] {
        guard offsets.count == rows + 1, offsets.first == 0, Int(offsets.last ?? 0) == count,
            zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 })
        else { throw corrupt("inconsistent offsets") }
        return offsets.map(Int.init)
    }

    private func checkCodes(_ codes: [Int32], keys: Int, allowNull: Bool) throws(DatasetError) {
        let floor: Int32 = allowNull ? -1 : 0
        let limit = Int32(keys)
        var bad = false
        for code in codes where code < floor || code >= limit { bad = true }
        if bad { throw corrupt("dictionary code out of range") }
    }

    private func fixed<T: BitwiseCopyable>(_ ref: BufferRef, rows: Int, as type: T.Type) throws(DatasetError) -> [T] {
        let values = try segment.readArray(ref, as: type)
        guard values.count == rows else { throw corrupt("buffer length does not match the row count") }
        return values
    }

    func columns(of group: SegmentRowGroup) throws(DatasetError) -> [ColumnSnapshot] {
        var columns: [ColumnSnapshot] = []
        let rows = group.rows
        for source in sources {
            let column = segment.footer.columns[source.index]
            let refs = group.buffers[source.index]
            let values: ColumnValues
            var validity: Bitmap?
            switch column.encoding {
            case .dictionary:
                let codes = try fixed(refs[0], rows: rows, as: Int32.self)
                try checkCodes(codes, keys: source.keys.count, allowNull: true)
                values = .dictionary(codes: codes, dictionary: source.keys)
            case .multiValued:
                let codes = try segment.readArray(refs[1], as: Int32.self)
                try checkCodes(codes, keys: source.keys.count, allowNull: false)
                let offsets = try checkOffsets(
                    try segment.readArray(refs[0], as: UInt32.self), rows: rows, count: codes.count
                )
                values = .multiValued(offsets: offsets, codes: codes, dictionary: source.keys)
                validity = refs[2].length > 0 ? try segment.readBitmap(refs[2], rows: rows) : nil
            case .text:
                let bytes = try segment.readArray(refs[1], as: UInt8.self)
                let offsets = try checkOffsets(
                    try segment.readArray(refs[0], as: UInt32.self), rows: rows, count: bytes.count
                )
                values = .text(offsets: offsets, bytes: bytes)
                validity = refs[2].length > 0 ? try segment.readBitmap(refs[2], rows: rows) : nil
            case .int32: values = .int32(try fixed(refs[0], rows: rows, as: Int32.self))
            case .int64: values = .int64(try fixed(refs[0], rows: rows, as: Int64.self))
            case .float32: values = .float32(try fixed(refs[0], rows: rows, as: Float.self))
            case .float64: values = .float64(try fixed(refs[0], rows: rows, as: Double.self))
            case .boolean: values = .boolean(try fixed(refs[0], rows: rows, as: UInt8.self).map { $0 != 0 })
            }
            switch column.encoding {
            case .int32, .int64, .float32, .float64, .boolean:
                validity = refs[1].length > 0 ? try segment.readBitmap(refs[1], rows: rows) : nil
            default:
                break
            }
            columns.append(ColumnSnapshot(field: column.field, values: values, validity: validity))
        }
        return columns
    }
}

/// Buffers CSV text and hands it on in chunks.
private struct CSVOutput {
    static let chunkBytes = 1 << 20

    var buffer: [UInt8] = []
    var records = 0
    var bytesWritten = 0

    init() {
        buffer.reserveCapacity(Self.chunkBytes + 64 << 10)
    }

    mutating func header(_ fields: [String]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            appendQuoted(Array(field.utf8)[...])
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    mutating func rows(
        of columns: [ColumnSnapshot],
        rows: some Sequence<Int>,
        fields: [String],
        write: (UnsafeRawBufferPointer) throws(DatasetError) -> Void
    ) throws(DatasetError) {
        let sources: [ColumnSnapshot?] = fields.map { name in columns.first { $0.field.name == name } }
        for row in rows {
            for (index, source) in sources.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                if let source { append(source, row: row) }
            }
            buffer.append(UInt8(ascii: "\n"))
            records += 1
            if buffer.count >= Self.chunkBytes { try flush(write) }
        }
    }

    mutating func flush(_ write: (UnsafeRawBufferPointer) throws(DatasetError) -> Void) throws(DatasetError) {
        guard !buffer.isEmpty else { return }
        try buffer.withBytes { bytes throws(DatasetError) in try write(bytes) }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func append(_ column: ColumnSnapshot, row: Int) {
        if column.isNull(row) { return }
        switch column.values {
        case .dictionary(let codes, let dictionary):
            appendQuoted(Array(dictionary[Int(codes[row])].utf8)[...])
        case .multiValued(let offsets, let codes, let dictionary):
            var joined: [UInt8] = []
            for (position, code) in codes[offsets[row]..<offsets[row + 1]].enumerated() {
                if position > 0 { joined.append(UInt8(ascii: "|")) }
                joined.append(contentsOf: dictionary[Int(code)].utf8)
            }
            appendQuoted(joined[...])
        case .text(let offsets, let bytes):
            appendQuoted(bytes[offsets[row]..<offsets[row + 1]])
        case .int32(let values): buffer.append(contentsOf: String(values[row]).utf8)
        case .int64(let values): buffer.append(contentsOf: String(values[row]).utf8)
        case .float32(let values): buffer.append(contentsOf: String(values[row]).utf8)
        case .float64(let values): buffer.append(contentsOf: String(values[row]).utf8)
        case .boolean(let values): buffer.append(contentsOf: (values[row] ? "true" : "false").utf8)
        }
    }

    /// Appends a string field, quoted (quotes doubled) when it holds `,`, `"`, CR or LF.
    private mutating func appendQuoted(_ bytes: ArraySlice<UInt8>) {
        let needsQuotes = bytes.contains {
            $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r")
        }
        guard needsQuotes else {
            buffer.append(contentsOf: bytes)
            return
        }
        buffer.append(UInt8(ascii: "\""))
        for byte in bytes {
            buffer.append(byte)
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
