import PersimmonCatalog

/// How the CSV header's columns map onto the schema's fields.
///
/// Rules (see `docs/dataset-store.md`):
/// - The first non-blank line is the header. Names match the schema's field names ignoring
///   ASCII case; columns may come in any order.
/// - Every non-nullable field must have a column. A nullable field without a column is null in
///   every record.
/// - A column that names no schema field, or names one twice, is an error.
struct HeaderMapping: Sendable, Equatable {
    /// For each CSV column, the index of its schema field.
    var fieldForColumn: [Int]
    /// Nullable schema fields with no column.
    var absentFields: [Int]

    static func make(
        header: CSVRecord,
        schema: DatasetSchema
    ) -> Result<HeaderMapping, DatasetError> {
        let expected = schema.fields.map(\.name).joined(separator: ",")
        func failure(_ problem: String) -> Result<HeaderMapping, DatasetError> {
            .failure(
                DatasetError(
                    .invalidHeader,
                    "Invalid header on line \(header.line): \(problem). The first line must be a header row "
                        + "naming the schema's fields, e.g. \(expected)"
                )
            )
        }
        var byName: [String: Int] = [:]
        for (index, field) in schema.fields.enumerated() {
            byName[Self.folded(field.name)] = index
        }
        var fieldForColumn: [Int] = []
        var used = [Bool](repeating: false, count: schema.fields.count)
        for column in 0..<header.fieldCount {
            let bytes = header[column]
            if UTF8Validation.firstInvalidOffset(bytes) != nil {
                return failure("column \(column + 1) of the header is not valid UTF-8")
            }
            let name = String(decoding: bytes, as: UTF8.self)
            if name.isEmpty {
                return failure("column \(column + 1) of the header is empty")
            }
            guard let fieldIndex = byName[Self.folded(name)] else {
                return failure(
                    "column \(column + 1) is \(ColumnBuilder.quoted(bytes)), which is not a field of the schema")
            }
            if used[fieldIndex] {
                return failure("the column \(schema.fields[fieldIndex].name) appears more than once")
            }
            used[fieldIndex] = true
            fieldForColumn.append(fieldIndex)
        }
        let missing = schema.fields.indices.filter { !used[$0] && !schema.fields[$0].nullable }
        if !missing.isEmpty {
            let names = missing.map { schema.fields[$0].name }.joined(separator: ", ")
            return failure("required column\(missing.count == 1 ? "" : "s") \(names) missing")
        }
        let absent = schema.fields.indices.filter { !used[$0] }
        return .success(HeaderMapping(fieldForColumn: fieldForColumn, absentFields: absent))
    }

    private static func folded(_ name: String) -> String {
        String(decoding: name.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}

/// The ``CSVRecordVisitor`` of an import: maps the header, validates each record against the
/// schema, and streams valid rows into row groups of the staging segment.
///
/// After the first invalid record it stops building (nothing of a failed import is kept) and
/// only validates, so the failure can report the total number of bad records.
struct ImportSink: CSVRecordVisitor {
    let schema: DatasetSchema
    let kind: DatasetKind
    let limits: ImportLimits
    let writer: SegmentWriter

    private var columns: [ColumnBuilder]
    private(set) var hasHeader = false
    private(set) var mapping = HeaderMapping(fieldForColumn: [], absentFields: [])
    /// `mapping.fieldForColumn`, kept apart so the per-record path does not copy the mapping.
    private var fieldForColumn: [Int] = []
    private var absentFields: [Int] = []
    private let fixedBytesPerRow: Int
    private let hasVariableColumns: Bool
    /// Columns that batch their dictionary lookups.
    private let dictionaryColumns: [Int]

    /// Data records seen (valid or not).
    private(set) var records = 0
    private(set) var failedRecords = 0
    private(set) var recordErrors: [RecordError] = []
    /// A failure that stopped parsing (bad header, storage error).
    private(set) var fatal: DatasetError?

    private var groupRows = 0
    private var rowGroups: [SegmentRowGroup] = []

    init(schema: DatasetSchema, kind: DatasetKind, limits: ImportLimits, writer: SegmentWriter) {
        self.schema = schema
        self.kind = kind
        self.limits = limits
        self.writer = writer
        let specs = schema.fields.map { ColumnSpec(field: $0, limits: limits) }
        columns = specs.map { ColumnBuilder(spec: $0) }
        fixedBytesPerRow = columns.reduce(0) { $0 + $1.fixedBytesPerRow }
        hasVariableColumns = specs.contains { $0.encoding == .text || $0.encoding == .multiValued }
        dictionaryColumns = specs.indices.filter { specs[$0].encoding == .dictionary }
    }

    /// The column name for the 0-based CSV column `index`, for error messages.
    func columnName(_ index: Int) -> String {
        if hasHeader, index < fieldForColumn.count { return schema.fields[fieldForColumn[index]].name }
        return "\(index + 1)"
    }

    mutating func visit(_ record: CSVRecord) -> Bool {
        guard hasHeader else { return acceptHeader(record) }
        records += 1
        let columnCount = fieldForColumn.count
        guard record.fieldCount == columnCount else {
            reject(
                RecordError(
                    line: record.line,
                    column: nil,
                    message:
                        "expected \(columnCount) field\(columnCount == 1 ? "" : "s") but found \(record.fieldCount)"
                )
            )
            return true
        }
        if record.containsNonASCII {
            for column in 0..<columnCount {
                if let offset = UTF8Validation.firstInvalidOffset(record[column]) {
                    let byte = record[column][offset]
                    reject(
                        RecordError(
                            line: record.line,
                            column: columnName(column),
                            message: "invalid UTF-8 (\(CSVError.describe(byte)) at byte \(offset + 1) of the value)"
                        )
                    )
                    return true
                }
            }
        }
        let building = failedRecords == 0
        for column in 0..<columnCount {
            let fieldIndex = fieldForColumn[column]
            if let message = columns[fieldIndex].append(record[column], building: building) {
                reject(RecordError(line: record.line, column: schema.fields[fieldIndex].name, message: message))
                return true
            }
        }
        guard building else { return true }
        for fieldIndex in absentFields {
            columns[fieldIndex].appendNull()
        }
        groupRows += 1
        if groupRows >= limits.rowGroupRows || groupRows &* fixedBytesPerRow >= limits.rowGroupBytes
            || (hasVariableColumns && groupRows &* fixedBytesPerRow &+ variableBytes() >= limits.rowGroupBytes)
        {
            do {
                try flushRowGroup()
            } catch {
                fatal = error
                return false
            }
        }
        return true
    }

    mutating func recordBytesWillBeInvalidated() {
        for index in dictionaryColumns {
            columns[index].drainPending()
        }
    }

    private func variableBytes() -> Int {
        columns.reduce(0) { $0 + $1.variableBytes }
    }

    private mutating func acceptHeader(_ record: CSVRecord) -> Bool {
        switch HeaderMapping.make(header: record, schema: schema) {
        case .success(let mapping):
            self.mapping = mapping
            fieldForColumn = mapping.fieldForColumn
            absentFields = mapping.absentFields
            hasHeader = true
            return true
        case .failure(let error):
            fatal = error
            return false
        }
    }

    private mutating func reject(_ error: RecordError) {
        failedRecords += 1
        if recordErrors.count < limits.maxReportedErrors {
            recordErrors.append(error)
        }
    }

    private mutating func flushRowGroup() throws(DatasetError) {
        guard groupRows > 0 else { return }
        var buffers: [[BufferRef]] = []
        buffers.reserveCapacity(columns.count)
        for index in columns.indices {
            buffers.append(try columns[index].flush(to: writer))
        }
        rowGroups.append(SegmentRowGroup(rows: groupRows, buffers: buffers))
        groupRows = 0
    }

    /// Flushes the last row group, writes dictionaries and the footer, and syncs the file.
    /// Returns the file size.
    mutating func finishSegment(createdAt: Int64) throws(DatasetError) -> Int {
        try flushRowGroup()
        var footerColumns: [SegmentColumn] = []
        for column in columns {
            footerColumns.append(try column.finish(to: writer))
        }
        let rows = rowGroups.reduce(0) { $0 + $1.rows }
        let footer = SegmentFooter(
            kind: kind,
            rowCount: rows,
            createdAt: createdAt,
            columns: footerColumns,
            rowGroups: rowGroups
        )
        return try writer.finish(footer: footer)
    }
}
