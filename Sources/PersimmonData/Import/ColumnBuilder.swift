import PersimmonCatalog

/// Checks one column's values and buffers them for the current row group; keeps the column's
/// segment-wide dictionary and statistics.
struct ColumnBuilder {
    let spec: ColumnSpec
    private let isTimestamp: Bool

    // Row-group buffers (cleared on flush, capacity kept).
    private var codes: [Int32] = []
    private var offsets: [UInt32] = [0]
    private var int32Values: [Int32] = []
    private var int64Values: [Int64] = []
    private var float32Values: [Float] = []
    private var float64Values: [Double] = []
    private var booleanValues: [UInt8] = []
    private var textBytes: [UInt8] = []
    private var validity = Bitmap()
    private var groupNulls = 0

    /// Dictionary values waiting to be interned in one batch (see
    /// ``ByteInterner/intern(batch:into:)``); a `nil` base address is a null. They point into the
    /// parser's buffer, so ``drainPending()`` must run before that buffer changes: the sink calls
    /// it from ``CSVRecordVisitor/recordBytesWillBeInvalidated()`` and before each flush.
    private var pending: [UnsafeRawBufferPointer] = []
    private static let batchSize = 64

    // Segment-wide.
    private var dictionary = ByteInterner()
    private var occurrences: [UInt32] = []
    private(set) var nullCount = 0
    private var minimum = Int64.max
    private var maximum = Int64.min

    init(spec: ColumnSpec) {
        self.spec = spec
        isTimestamp = spec.field.name == "TIMESTAMP" || spec.field.name == "CREATION_TIMESTAMP"
    }

    /// Bytes buffered in the current row group by variable-width encodings.
    var variableBytes: Int {
        switch spec.encoding {
        case .text: textBytes.count
        case .multiValued: codes.count * 4
        default: 0
        }
    }

    /// Bytes per row of the fixed-width part of the encoding (for row-group sizing).
    var fixedBytesPerRow: Int {
        switch spec.encoding {
        case .dictionary, .int32, .float32: 4
        case .int64, .float64: 8
        case .boolean: 1
        case .multiValued, .text: 4
        }
    }

    /// Validates `value` and, when `building`, appends it. Returns a message when the value
    /// breaks the schema (nothing is appended then; the caller discards the import).
    @inline(__always)
    mutating func append(_ value: UnsafeRawBufferPointer, building: Bool) -> String? {
        if value.count == 0 {
            guard spec.nullable else { return "missing value" }
            if building { appendNull() }
            return nil
        }
        switch spec.encoding {
        case .dictionary:
            if let limit = spec.maxCharacters, UTF8Validation.exceeds(value, limit: limit) {
                return tooLong(value, limit: limit)
            }
            guard building else { return nil }
            pending.append(value)
            if pending.count == Self.batchSize { drainPending() }

        case .int64:
            guard let parsed = ValueParsing.int64(value) else { return notA(value) }
            guard building else { return nil }
            int64Values.append(parsed)
            if parsed < minimum { minimum = parsed }
            if parsed > maximum { maximum = parsed }
            if spec.nullable { validity.append(true) }

        case .int32:
            guard let parsed = ValueParsing.int32(value) else { return notA(value) }
            guard building else { return nil }
            int32Values.append(parsed)
            if Int64(parsed) < minimum { minimum = Int64(parsed) }
            if Int64(parsed) > maximum { maximum = Int64(parsed) }
            if spec.nullable { validity.append(true) }

        case .float32:
            guard let parsed = ValueParsing.float(value) else { return notA(value) }
            guard building else { return nil }
            float32Values.append(parsed)
            if spec.nullable { validity.append(true) }

        case .float64:
            guard let parsed = ValueParsing.double(value) else { return notA(value) }
            guard building else { return nil }
            float64Values.append(parsed)
            if spec.nullable { validity.append(true) }

        case .boolean:
            guard let parsed = ValueParsing.boolean(value) else { return notA(value) }
            guard building else { return nil }
            booleanValues.append(parsed ? 1 : 0)
            if spec.nullable { validity.append(true) }

        case .text:
            if let limit = spec.maxCharacters, UTF8Validation.exceeds(value, limit: limit) {
                return tooLong(value, limit: limit)
            }
            guard building else { return nil }
            textBytes.append(contentsOf: value)
            offsets.append(UInt32(textBytes.count))
            if spec.nullable { validity.append(true) }

        case .multiValued:
            return appendMultiValued(value, building: building)
        }
        return nil
    }

    private mutating func appendMultiValued(_ value: UnsafeRawBufferPointer, building: Bool) -> String? {
        if let limit = spec.maxCharacters, UTF8Validation.exceeds(value, limit: limit) {
            return tooLong(value, limit: limit)
        }
        var start = 0
        var index = 0
        let count = value.count
        while index <= count {
            if index == count || value[index] == UInt8(ascii: "|") {
                if index > start {
                    let element = UnsafeRawBufferPointer(rebasing: value[start..<index])
                    if let limit = spec.maxElementCharacters, UTF8Validation.exceeds(element, limit: limit) {
                        return "the value " + Self.quoted(element) + " is longer than \(limit) characters"
                    }
                    if building { codes.append(dictionary.intern(element)) }
                }
                start = index + 1
            }
            index += 1
        }
        guard building else { return nil }
        offsets.append(UInt32(codes.count))
        if spec.nullable { validity.append(true) }
        return nil
    }

    /// Appends a null (the caller has checked that the field is nullable).
    mutating func appendNull() {
        nullCount += 1
        groupNulls += 1
        switch spec.encoding {
        case .dictionary:
            pending.append(UnsafeRawBufferPointer(start: nil, count: 0))
            if pending.count == Self.batchSize { drainPending() }
        case .int32: int32Values.append(0)
        case .int64: int64Values.append(0)
        case .float32: float32Values.append(0)
        case .float64: float64Values.append(0)
        case .boolean: booleanValues.append(0)
        case .text: offsets.append(UInt32(textBytes.count))
        case .multiValued: offsets.append(UInt32(codes.count))
        }
        if spec.nullable && spec.encoding != .dictionary { validity.append(false) }
    }

    /// Interns the pending dictionary values (no-op for other encodings).
    @inline(__always)
    mutating func drainPending() {
        guard !pending.isEmpty else { return }
        dictionary.intern(batch: pending, into: &codes)
        pending.removeAll(keepingCapacity: true)
    }

    /// Adds the current row group's codes to the per-key occurrence counts (done per group, in
    /// one tight loop, rather than per row).
    private mutating func countOccurrences() {
        if occurrences.count < dictionary.count {
            occurrences.append(contentsOf: repeatElement(0, count: dictionary.count - occurrences.count))
        }
        occurrences.withUnsafeMutableBufferPointer { counts in
            for code in codes where code >= 0 {
                counts[Int(code)] &+= 1
            }
        }
    }

    // MARK: Writing

    /// Writes the current row group's buffers and clears them.
    mutating func flush(to writer: SegmentWriter) throws(DatasetError) -> [BufferRef] {
        drainPending()
        if spec.encoding.hasDictionary { countOccurrences() }
        let validityRef: BufferRef
        if spec.nullable && spec.encoding != .dictionary && groupNulls > 0 {
            validityRef = try writer.write(validity.words)
        } else {
            validityRef = .empty
        }
        let refs: [BufferRef]
        switch spec.encoding {
        case .dictionary:
            refs = [try writer.write(codes)]
        case .int32:
            refs = [try writer.write(int32Values), validityRef]
        case .int64:
            refs = [try writer.write(int64Values), validityRef]
        case .float32:
            refs = [try writer.write(float32Values), validityRef]
        case .float64:
            refs = [try writer.write(float64Values), validityRef]
        case .boolean:
            refs = [try writer.write(booleanValues), validityRef]
        case .text:
            refs = [try writer.write(offsets), try writer.write(textBytes), validityRef]
        case .multiValued:
            refs = [try writer.write(offsets), try writer.write(codes), validityRef]
        }
        codes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
        int32Values.removeAll(keepingCapacity: true)
        int64Values.removeAll(keepingCapacity: true)
        float32Values.removeAll(keepingCapacity: true)
        float64Values.removeAll(keepingCapacity: true)
        booleanValues.removeAll(keepingCapacity: true)
        textBytes.removeAll(keepingCapacity: true)
        validity.removeAll()
        groupNulls = 0
        return refs
    }

    /// Writes the dictionary (if any) and returns the column's footer entry.
    func finish(to writer: SegmentWriter) throws(DatasetError) -> SegmentColumn {
        var segmentDictionary: SegmentDictionary?
        if spec.encoding.hasDictionary {
            let offsetsRef = try writer.write(dictionary.starts)
            let bytesRef = try writer.write(dictionary.arena)
            var counts = occurrences
            if counts.count < dictionary.count {
                counts.append(contentsOf: repeatElement(0, count: dictionary.count - counts.count))
            }
            let occurrencesRef = try writer.write(counts)
            segmentDictionary = SegmentDictionary(
                count: dictionary.count,
                offsets: offsetsRef,
                bytes: bytesRef,
                occurrences: occurrencesRef
            )
        }
        let hasRange = minimum <= maximum
        return SegmentColumn(
            field: spec.field,
            encoding: spec.encoding,
            nullCount: nullCount,
            minimum: hasRange ? minimum : nil,
            maximum: hasRange ? maximum : nil,
            dictionary: segmentDictionary
        )
    }

    // MARK: Messages

    private func notA(_ value: UnsafeRawBufferPointer) -> String {
        var message = Self.quoted(value) + " is not " + spec.field.type.articleName
        if isTimestamp && spec.field.type == .long {
            message += " (\(spec.field.name) is whole seconds since the Unix epoch)"
        }
        return message
    }

    private func tooLong(_ value: UnsafeRawBufferPointer, limit: Int) -> String {
        Self.quoted(value) + " is \(UTF8Validation.scalarCount(value)) characters long; the maximum is \(limit)"
    }

    /// A value for a message: quoted, at most 40 characters (then `…`), control characters escaped.
    static func quoted(_ value: UnsafeRawBufferPointer) -> String {
        let text = String(decoding: value, as: UTF8.self)
        var result = "\""
        var characters = 0
        for scalar in text.unicodeScalars {
            if characters == 40 {
                result += "…"
                break
            }
            switch scalar {
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
            characters += 1
        }
        return result + "\""
    }
}
