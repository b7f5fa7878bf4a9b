import PersimmonCatalog

/// Assembles segments into one ``TableSnapshot``: columns are read with `pread` straight into
/// their final arrays, and dictionary codes are remapped onto one merged dictionary per column
/// (a lookup per distinct key per segment, then one pass over the codes).
///
/// The columns are those of the newest segment's schema. A column an older segment lacks, or
/// stores with another type, reads as null for that segment's rows.
enum TableReader {
    static func read(segments: [SegmentFile], kind: DatasetKind) throws(DatasetError) -> TableSnapshot {
        let total = segments.reduce(0) { $0 + $1.footer.rowCount }
        guard let newest = segments.last else {
            return TableSnapshot(kind: kind, rowCount: 0, columns: [])
        }
        var columns: [ColumnSnapshot] = []
        for target in newest.footer.columns {
            var reader = ColumnReader(target: target, segments: segments, total: total)
            columns.append(try reader.read())
        }
        return TableSnapshot(kind: kind, rowCount: total, columns: columns)
    }
}

private struct ColumnReader {
    let target: SegmentColumn
    let segments: [SegmentFile]
    let total: Int

    /// The index of the target column in `segment`, if it stores it the same way.
    func sourceIndex(in segment: SegmentFile) -> Int? {
        guard let (index, column) = segment.footer.column(named: target.field.name),
            column.encoding == target.encoding, column.field.type == target.field.type
        else { return nil }
        return index
    }

    static func corrupt(_ segment: SegmentFile, _ detail: String) -> DatasetError {
        DatasetError(.corruptData, "The dataset store is damaged", underlying: "\(segment.path): \(detail)")
    }

    mutating func read() throws(DatasetError) -> ColumnSnapshot {
        switch target.encoding {
        case .dictionary:
            return try readDictionaryColumn()
        case .multiValued:
            return try readMultiValuedColumn()
        case .text:
            return try readTextColumn()
        case .int32:
            let (values, validity) = try readFixed(Int32.self)
            return ColumnSnapshot(field: target.field, values: .int32(values), validity: validity)
        case .int64:
            let (values, validity) = try readFixed(Int64.self)
            return ColumnSnapshot(field: target.field, values: .int64(values), validity: validity)
        case .float32:
            let (values, validity) = try readFixed(Float.self)
            return ColumnSnapshot(field: target.field, values: .float32(values), validity: validity)
        case .float64:
            let (values, validity) = try readFixed(Double.self)
            return ColumnSnapshot(field: target.field, values: .float64(values), validity: validity)
        case .boolean:
            let (bytes, validity) = try readFixed(UInt8.self)
            return ColumnSnapshot(field: target.field, values: .boolean(bytes.map { $0 != 0 }), validity: validity)
        }
    }

    /// Merges one segment's dictionary into `global`; returns the local → global code map and
    /// whether it is the identity.
    private func merge(
        _ segment: SegmentFile,
        column: Int,
        into global: inout ByteInterner
    ) throws(DatasetError) -> (remap: [Int32], identity: Bool) {
        let dictionary = try segment.readDictionary(column: column)
        var remap = [Int32](repeating: 0, count: dictionary.count)
        var identity = true
        for code in 0..<dictionary.count {
            let mapped = dictionary.withKey(code) { global.intern($0) }
            remap[code] = mapped
            if mapped != Int32(code) { identity = false }
        }
        return (remap, identity)
    }

    /// Remaps `codes` in place (`-1` stays `-1`) after checking they are in range.
    private static func remap(
        _ codes: UnsafeMutableBufferPointer<Int32>,
        _ map: [Int32],
        identity: Bool,
        allowNull: Bool,
        segment: SegmentFile
    ) throws(DatasetError) {
        let limit = Int32(map.count)
        let floor: Int32 = allowNull ? -1 : 0
        var bad = false
        for code in codes where code < floor || code >= limit {
            bad = true
        }
        if bad { throw corrupt(segment, "dictionary code out of range") }
        guard !identity else { return }
        map.withUnsafeBufferPointer { map in
            for index in codes.indices {
                let code = codes[index]
                if code >= 0 { codes[index] = map[Int(code)] }
            }
        }
    }

    private func readDictionaryColumn() throws(DatasetError) -> ColumnSnapshot {
        var codes = [Int32](repeating: -1, count: total)
        var global = ByteInterner()
        var rowBase = 0
        for segment in segments {
            defer { rowBase += segment.footer.rowCount }
            guard let column = sourceIndex(in: segment) else { continue }
            let (map, identity) = try merge(segment, column: column, into: &global)
            var groupBase = rowBase
            for group in segment.footer.rowGroups {
                let rows = group.rows
                try codes.withUnsafeMutableBufferPointer { all throws(DatasetError) in
                    let slice = UnsafeMutableBufferPointer(rebasing: all[groupBase..<groupBase + rows])
                    try segment.read(group.buffers[column][0], into: UnsafeMutableRawBufferPointer(slice))
                    try Self.remap(slice, map, identity: identity, allowNull: true, segment: segment)
                }
                groupBase += rows
            }
        }
        return ColumnSnapshot(field: target.field, values: .dictionary(codes: codes, dictionary: global.strings()))
    }

    private func readMultiValuedColumn() throws(DatasetError) -> ColumnSnapshot {
        var global = ByteInterner()
        var map: [Int32] = []
        var identity = false
        let (offsets, codes, validity) = try readVariableColumn(
            of: Int32.self,
            entering: { segment, column throws(DatasetError) in
                (map, identity) = try merge(segment, column: column, into: &global)
            },
            adjusting: { groupCodes, segment throws(DatasetError) in
                try groupCodes.withUnsafeMutableBufferPointer { buffer throws(DatasetError) in
                    try Self.remap(buffer, map, identity: identity, allowNull: false, segment: segment)
                }
            }
        )
        return ColumnSnapshot(
            field: target.field, values: .multiValued(offsets: offsets, codes: codes, dictionary: global.strings()),
            validity: validity
        )
    }

    private func readTextColumn() throws(DatasetError) -> ColumnSnapshot {
        let (offsets, bytes, validity) = try readVariableColumn(of: UInt8.self)
        return ColumnSnapshot(field: target.field, values: .text(offsets: offsets, bytes: bytes), validity: validity)
    }

    /// A variable-width column (per row group: `offsets`, `values`, validity) concatenated over every segment and
    /// row group, with offsets rebased to the whole; a segment without the column contributes nulls. `entering` runs
    /// once per segment that has the column, `adjusting` once per row group's values (multi-valued codes are
    /// remapped to the merged dictionary there).
    private func readVariableColumn<Element: BitwiseCopyable>(
        of _: Element.Type,
        entering: (SegmentFile, Int) throws(DatasetError) -> Void = { _, _ in },
        adjusting: (inout [Element], SegmentFile) throws(DatasetError) -> Void = { _, _ in }
    ) throws(DatasetError) -> (offsets: [Int], values: [Element], validity: Bitmap?) {
        var offsets = [Int](repeating: 0, count: total + 1)
        var values: [Element] = []
        var validity = Bitmap(count: total, value: true)
        var hasNulls = false
        var rowBase = 0
        for segment in segments {
            defer { rowBase += segment.footer.rowCount }
            guard let column = sourceIndex(in: segment) else {
                for row in rowBase..<rowBase + segment.footer.rowCount {
                    offsets[row + 1] = values.count
                    validity[row] = false
                }
                hasNulls = hasNulls || segment.footer.rowCount > 0
                continue
            }
            try entering(segment, column)
            var groupBase = rowBase
            for group in segment.footer.rowGroups {
                let refs = group.buffers[column]
                let groupOffsets = try segment.readArray(refs[0], as: UInt32.self)
                var groupValues = try segment.readArray(refs[1], as: Element.self)
                guard groupOffsets.first == 0, Int(groupOffsets.last ?? 0) == groupValues.count,
                    zip(groupOffsets, groupOffsets.dropFirst()).allSatisfy({ $0 <= $1 })
                else { throw Self.corrupt(segment, "offsets of column \(target.field.name) are inconsistent") }
                try adjusting(&groupValues, segment)
                let base = values.count
                values.append(contentsOf: groupValues)
                for row in 0..<group.rows {
                    offsets[groupBase + row + 1] = base + Int(groupOffsets[row + 1])
                }
                if try mergeValidity(refs[2], rows: group.rows, at: groupBase, into: &validity, segment: segment) {
                    hasNulls = true
                }
                groupBase += group.rows
            }
        }
        return (offsets, values, hasNulls ? validity : nil)
    }

    private func readFixed<T: BitwiseCopyable & Numeric>(_: T.Type) throws(DatasetError) -> ([T], Bitmap?) {
        var values = [T](repeating: 0, count: total)
        var validity = Bitmap(count: total, value: true)
        var hasNulls = false
        var rowBase = 0
        for segment in segments {
            defer { rowBase += segment.footer.rowCount }
            guard let column = sourceIndex(in: segment) else {
                for row in rowBase..<rowBase + segment.footer.rowCount { validity[row] = false }
                hasNulls = hasNulls || segment.footer.rowCount > 0
                continue
            }
            var groupBase = rowBase
            for group in segment.footer.rowGroups {
                let refs = group.buffers[column]
                let rows = group.rows
                try values.withUnsafeMutableBufferPointer { all throws(DatasetError) in
                    let slice = UnsafeMutableBufferPointer(rebasing: all[groupBase..<groupBase + rows])
                    try segment.read(refs[0], into: UnsafeMutableRawBufferPointer(slice))
                }
                if try mergeValidity(refs[1], rows: rows, at: groupBase, into: &validity, segment: segment) {
                    hasNulls = true
                }
                groupBase += rows
            }
        }
        return (values, hasNulls ? validity : nil)
    }

    /// Clears the bits of null rows of one row group; returns whether it had any.
    private func mergeValidity(
        _ ref: BufferRef,
        rows: Int,
        at base: Int,
        into validity: inout Bitmap,
        segment: SegmentFile
    ) throws(DatasetError) -> Bool {
        guard ref.length > 0 else { return false }
        let group = try segment.readBitmap(ref, rows: rows)
        var any = false
        for row in 0..<rows where !group[row] {
            validity[base + row] = false
            any = true
        }
        return any
    }
}
