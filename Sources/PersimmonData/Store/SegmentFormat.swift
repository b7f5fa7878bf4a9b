import PersimmonCatalog

/// Where a buffer lives in a segment file.
struct BufferRef: Sendable, Equatable {
    var offset: Int
    var length: Int

    static let empty = BufferRef(offset: 0, length: 0)
}

/// A column's dictionary in a segment: `count` UTF-8 keys (`UInt64` end offsets into `bytes`,
/// with a leading 0) and how many times each key occurs in the segment (`UInt32`; for
/// multi-valued columns, the number of rows containing it).
struct SegmentDictionary: Sendable, Equatable {
    var count: Int
    var offsets: BufferRef
    var bytes: BufferRef
    var occurrences: BufferRef
}

/// One column's description in a segment footer.
struct SegmentColumn: Sendable, Equatable {
    var field: SchemaField
    var encoding: ColumnEncoding
    var nullCount: Int
    /// For integer columns (`int`, `long`) with at least one value: the smallest and largest.
    var minimum: Int64?
    var maximum: Int64?
    var dictionary: SegmentDictionary?
}

/// A run of rows whose columns are stored contiguously.
struct SegmentRowGroup: Sendable, Equatable {
    var rows: Int
    /// Per column (footer order), ``ColumnEncoding/bufferCount`` buffers:
    /// - dictionary: codes (`Int32`)
    /// - int32/int64/float32/float64/boolean: values, validity
    /// - multiValued: offsets (`UInt32`, rows + 1), codes (`Int32`), validity
    /// - text: offsets (`UInt32`, rows + 1), bytes, validity
    ///
    /// An empty validity buffer means every row is non-null.
    var buffers: [[BufferRef]]
}

/// The metadata at the end of a segment file. See `docs/dataset-store.md` for the byte layout.
struct SegmentFooter: Sendable, Equatable {
    static let formatVersion: UInt32 = 1
    /// `0x89 "PSEG" CR LF 0x1A`: the first and last eight bytes of every segment file.
    static let magic: [UInt8] = [0x89, 0x50, 0x53, 0x45, 0x47, 0x0D, 0x0A, 0x1A]
    static let trailerSize = 32

    var kind: DatasetKind
    var rowCount: Int
    /// Seconds since 1970 when the segment was written.
    var createdAt: Int64
    var columns: [SegmentColumn]
    var rowGroups: [SegmentRowGroup]

    func column(named name: String) -> (index: Int, column: SegmentColumn)? {
        guard let index = columns.firstIndex(where: { $0.field.name == name }) else { return nil }
        return (index, columns[index])
    }

    func encoded() -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(Self.formatVersion)
        writer.write(kind.rawValue)
        writer.write(UInt64(rowCount))
        writer.write(createdAt)
        writer.write(UInt32(columns.count))
        for column in columns {
            writer.write(column.field.name)
            writer.write(column.field.type.storageCode)
            var flags: UInt8 = 0
            if column.field.nullable { flags |= 1 }
            if column.field.categorical { flags |= 2 }
            if column.field.textual { flags |= 4 }
            writer.write(flags)
            writer.write(UInt8(column.field.itemName.map { $0 ? 2 : 1 } ?? 0))
            writer.write(column.encoding.rawValue)
            writer.write(UInt64(column.nullCount))
            if let minimum = column.minimum, let maximum = column.maximum {
                writer.write(true)
                writer.write(minimum)
                writer.write(maximum)
            } else {
                writer.write(false)
            }
            if column.encoding.hasDictionary {
                let dictionary =
                    column.dictionary
                    ?? SegmentDictionary(
                        count: 0, offsets: .empty, bytes: .empty, occurrences: .empty)
                writer.write(UInt64(dictionary.count))
                for ref in [dictionary.offsets, dictionary.bytes, dictionary.occurrences] {
                    writer.write(UInt64(ref.offset))
                    writer.write(UInt64(ref.length))
                }
            }
        }
        writer.write(UInt32(rowGroups.count))
        for group in rowGroups {
            writer.write(UInt64(group.rows))
            for (columnIndex, refs) in group.buffers.enumerated() {
                precondition(refs.count == columns[columnIndex].encoding.bufferCount, "row group buffer count")
                for ref in refs {
                    writer.write(UInt64(ref.offset))
                    writer.write(UInt64(ref.length))
                }
            }
        }
        return writer.bytes
    }

    /// Decodes and checks a footer: every buffer must lie inside `dataEnd` and row counts must add up.
    static func decode(_ bytes: [UInt8], dataEnd: Int, source: String) throws(DatasetError) -> SegmentFooter {
        var reader = BinaryReader(bytes, source: source)
        let version = try reader.read(UInt32.self)
        guard version == formatVersion else {
            throw reader.corrupt("unsupported segment format version \(version)")
        }
        let kindName = try reader.readString()
        guard let kind = DatasetKind(rawValue: kindName) else {
            throw reader.corrupt("unknown dataset type \(kindName)")
        }
        let rowCount = try reader.readCount(limit: Int(Int32.max) * 64)
        let createdAt = try reader.read(Int64.self)

        func readRef(_ reader: inout BinaryReader) throws(DatasetError) -> BufferRef {
            let offset = try reader.readCount(limit: dataEnd)
            let length = try reader.readCount(limit: dataEnd)
            guard offset + length <= dataEnd else { throw reader.corrupt("buffer outside the data section") }
            return BufferRef(offset: offset, length: length)
        }

        let columnCount = Int(try reader.read(UInt32.self))
        guard columnCount <= 10_000 else { throw reader.corrupt("\(columnCount) columns") }
        var columns: [SegmentColumn] = []
        for _ in 0..<columnCount {
            let name = try reader.readString()
            let typeCode = try reader.read(UInt8.self)
            guard let type = FieldType(storageCode: typeCode) else { throw reader.corrupt("unknown type \(typeCode)") }
            let flags = try reader.read(UInt8.self)
            let itemNameCode = try reader.read(UInt8.self)
            let encodingCode = try reader.read(UInt8.self)
            guard let encoding = ColumnEncoding(rawValue: encodingCode) else {
                throw reader.corrupt("unknown encoding \(encodingCode)")
            }
            let nullCount = try reader.readCount(limit: rowCount)
            var minimum: Int64?
            var maximum: Int64?
            if try reader.readBool() {
                minimum = try reader.read(Int64.self)
                maximum = try reader.read(Int64.self)
            }
            var dictionary: SegmentDictionary?
            if encoding.hasDictionary {
                let count = try reader.readCount(limit: Int(Int32.max))
                let offsets = try readRef(&reader)
                let keyBytes = try readRef(&reader)
                let occurrences = try readRef(&reader)
                guard offsets.length == (count + 1) * 8, occurrences.length == count * 4 else {
                    throw reader.corrupt("dictionary of column \(name) has inconsistent sizes")
                }
                dictionary = SegmentDictionary(
                    count: count, offsets: offsets, bytes: keyBytes, occurrences: occurrences)
            }
            let field = SchemaField(
                name: name,
                type: type,
                nullable: flags & 1 != 0,
                categorical: flags & 2 != 0,
                textual: flags & 4 != 0,
                itemName: itemNameCode == 0 ? nil : itemNameCode == 2
            )
            columns.append(
                SegmentColumn(
                    field: field,
                    encoding: encoding,
                    nullCount: nullCount,
                    minimum: minimum,
                    maximum: maximum,
                    dictionary: dictionary
                )
            )
        }

        let groupCount = Int(try reader.read(UInt32.self))
        var groups: [SegmentRowGroup] = []
        var total = 0
        for _ in 0..<groupCount {
            let rows = try reader.readCount(limit: rowCount)
            var buffers: [[BufferRef]] = []
            buffers.reserveCapacity(columns.count)
            for column in columns {
                var refs: [BufferRef] = []
                for _ in 0..<column.encoding.bufferCount { refs.append(try readRef(&reader)) }
                try checkSizes(refs, column: column, rows: rows, reader: reader)
                buffers.append(refs)
            }
            total += rows
            groups.append(SegmentRowGroup(rows: rows, buffers: buffers))
        }
        guard total == rowCount else { throw reader.corrupt("row groups hold \(total) rows, footer says \(rowCount)") }
        guard reader.isAtEnd else { throw reader.corrupt("trailing bytes in footer") }
        return SegmentFooter(kind: kind, rowCount: rowCount, createdAt: createdAt, columns: columns, rowGroups: groups)
    }

    private static func checkSizes(
        _ refs: [BufferRef],
        column: SegmentColumn,
        rows: Int,
        reader: BinaryReader
    ) throws(DatasetError) {
        let validityBytes = Bitmap.wordCount(rows) * 8
        func expect(_ condition: Bool) throws(DatasetError) {
            if !condition { throw reader.corrupt("buffer sizes of column \(column.field.name) do not match its rows") }
        }
        switch column.encoding {
        case .dictionary:
            try expect(refs[0].length == rows * 4)
        case .int32, .float32:
            try expect(refs[0].length == rows * 4)
            try expect(refs[1].length == 0 || refs[1].length == validityBytes)
        case .int64, .float64:
            try expect(refs[0].length == rows * 8)
            try expect(refs[1].length == 0 || refs[1].length == validityBytes)
        case .boolean:
            try expect(refs[0].length == rows)
            try expect(refs[1].length == 0 || refs[1].length == validityBytes)
        case .multiValued:
            try expect(refs[0].length == (rows + 1) * 4)
            try expect(refs[1].length % 4 == 0)
            try expect(refs[2].length == 0 || refs[2].length == validityBytes)
        case .text:
            try expect(refs[0].length == (rows + 1) * 4)
            try expect(refs[2].length == 0 || refs[2].length == validityBytes)
        }
    }
}

/// A validity bitmap: bit `i % 64` of word `i / 64` is set when row `i` is non-null.
package struct Bitmap: Sendable, Equatable {
    package private(set) var words: [UInt64]
    package private(set) var count: Int

    static func wordCount(_ bits: Int) -> Int { (bits + 63) >> 6 }

    package init(count: Int = 0, value: Bool = false) {
        self.count = count
        words = [UInt64](repeating: value ? ~0 : 0, count: Self.wordCount(count))
        if value, count % 64 != 0, !words.isEmpty {
            words[words.count - 1] = (1 << UInt64(count % 64)) - 1
        }
    }

    init(words: [UInt64], count: Int) {
        self.words = words
        self.count = count
    }

    package subscript(_ index: Int) -> Bool {
        get { words[index >> 6] & (1 << UInt64(index & 63)) != 0 }
        set {
            if newValue {
                words[index >> 6] |= 1 << UInt64(index & 63)
            } else {
                words[index >> 6] &= ~(1 << UInt64(index & 63))
            }
        }
    }

    @inline(__always)
    mutating func append(_ value: Bool) {
        if count & 63 == 0 { words.append(0) }
        if value { words[count >> 6] |= 1 << UInt64(count & 63) }
        count += 1
    }

    mutating func removeAll() {
        words.removeAll(keepingCapacity: true)
        count = 0
    }

    /// The number of set bits.
    package var nonzeroBitCount: Int {
        words.reduce(0) { $0 + $1.nonzeroBitCount }
    }
}
