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
    ///   segment first. Memory holds one segment's columns at a time.
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
                let table = try TableReader.read(segments: [segment], kind: kind)
                try out.rows(of: table.columns, rows: 0..<table.rowCount, fields: fields, write: write)
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
