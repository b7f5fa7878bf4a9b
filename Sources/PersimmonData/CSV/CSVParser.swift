/// Limits the CSV parser enforces while scanning, so that hostile input cannot make it buffer
/// without bound.
package struct CSVLimits: Sendable, Equatable {
    /// The largest field, in bytes after unquoting. A longer field fails as soon as this many
    /// bytes of it have been seen; the parser never buffers much more than this per field.
    package var maxFieldBytes: Int
    /// The largest record, in raw bytes including quotes and separators.
    package var maxRecordBytes: Int
    /// The most fields a record may have.
    package var maxFields: Int

    package init(maxFieldBytes: Int = 1 << 20, maxRecordBytes: Int = 8 << 20, maxFields: Int = 1_024) {
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = max(maxRecordBytes, maxFieldBytes)
        self.maxFields = maxFields
    }
}

/// A structural CSV error: the input cannot be split into records past this point.
package struct CSVError: Error, Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// A quoted field is still open at the end of the input.
        case unterminatedQuote
        /// A `"` inside a field that does not start with a quote.
        case quoteInUnquotedField
        /// Something other than a separator or line end right after a closing quote.
        case characterAfterClosingQuote(UInt8)
        /// A carriage return that is not followed by a line feed, outside quotes.
        case bareCarriageReturn
        /// A field longer than ``CSVLimits/maxFieldBytes``.
        case fieldTooLarge(limit: Int)
        /// A record longer than ``CSVLimits/maxRecordBytes``.
        case recordTooLarge(limit: Int)
        /// A record with more than ``CSVLimits/maxFields`` fields.
        case tooManyFields(limit: Int)
    }

    package var kind: Kind
    /// The physical line on which the offending record starts.
    package var line: Int
    /// The 0-based field index within the record, when the error is in one field.
    package var field: Int?

    package init(_ kind: Kind, line: Int, field: Int?) {
        self.kind = kind
        self.line = line
        self.field = field
    }

    /// A sentence describing the problem, without the location.
    package var message: String {
        switch kind {
        case .unterminatedQuote:
            "unterminated quoted field: the quote that opens it is never closed"
        case .quoteInUnquotedField:
            "a double quote inside an unquoted field; quote the whole field and double the quote (\"\")"
        case .characterAfterClosingQuote(let byte):
            "unexpected \(Self.describe(byte)) after a closing quote; expected a comma or the end of the line"
        case .bareCarriageReturn:
            "a carriage return that is not followed by a line feed"
        case .fieldTooLarge(let limit):
            "field is larger than the limit of \(Self.describeSize(limit))"
        case .recordTooLarge(let limit):
            "record is larger than the limit of \(Self.describeSize(limit))"
        case .tooManyFields(let limit):
            "record has more than \(limit) fields"
        }
    }

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
    }

    static func describeSize(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}

/// One parsed record, lent to a ``CSVRecordVisitor`` for the duration of a single
/// ``CSVRecordVisitor/visit(_:)`` call.
///
/// Field bytes point into the parser's buffer and are unquoted (surrounding quotes removed,
/// `""` collapsed to `"`). They are only valid inside `visit`; copy what must outlive it.
package struct CSVRecord {
    /// The 1-based physical line on which the record starts.
    package let line: Int
    /// The number of fields.
    package let fieldCount: Int
    /// Whether any byte of the record is ≥ 0x80 (so UTF-8 validation is needed).
    package let containsNonASCII: Bool
    private let base: UnsafeRawPointer
    private let bounds: UnsafePointer<Int>

    init(line: Int, fieldCount: Int, containsNonASCII: Bool, base: UnsafeRawPointer, bounds: UnsafePointer<Int>) {
        self.line = line
        self.fieldCount = fieldCount
        self.containsNonASCII = containsNonASCII
        self.base = base
        self.bounds = bounds
    }

    /// The unquoted bytes of field `index` (`0 ..< fieldCount`).
    @inline(__always)
    package subscript(_ index: Int) -> UnsafeRawBufferPointer {
        let start = bounds[2 &* index]
        let end = bounds[2 &* index &+ 1]
        return UnsafeRawBufferPointer(start: base + start, count: end &- start)
    }

    /// Field `index` decoded as a `String` (invalid UTF-8 is repaired with U+FFFD).
    package func string(at index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }
}

/// Receives records from a ``CSVParser``.
package protocol CSVRecordVisitor {
    /// Handles one record. Return `false` to stop parsing; the parser then ignores further input.
    mutating func visit(_ record: CSVRecord) -> Bool

    /// Called after a run of ``visit(_:)`` calls, before the parser moves or reuses its buffer:
    /// field bytes of the records visited so far are about to become invalid. A visitor that
    /// deferred work on those bytes must finish it here.
    mutating func recordBytesWillBeInvalidated()
}

extension CSVRecordVisitor {
    package mutating func recordBytesWillBeInvalidated() {}
}

/// A streaming (push) RFC 4180 CSV parser over byte chunks.
///
/// - Records end at LF or CRLF outside quotes; a CR not followed by LF is an error.
/// - Fields are separated by `,`. A field that starts with `"` is quoted: it may contain
///   commas, line breaks and doubled quotes (`""` → `"`); it must be followed by a separator,
///   a line end or the end of input. A `"` anywhere else is an error.
/// - A UTF-8 byte-order mark at the very start is skipped. Empty lines (outside quoted
///   fields) are skipped but counted for line numbers.
/// - The last record needs no line end.
///
/// Input is appended with ``consume(_:into:)`` (or ``fill(minimumCapacity:_:)`` and
/// ``parseBuffered(into:)`` to read straight into the parser's buffer) and ``finish(into:)``
/// ends it. Complete records are handed to the visitor as they are found; the parser keeps only
/// the incomplete tail of the input, so memory is bounded by the chunk size plus
/// ``CSVLimits/maxRecordBytes``.
///
/// The scanner runs over raw bytes with no allocation per record or field; it is written for
/// hundreds of MB/s in release builds.
package struct CSVParser: ~Copyable {
    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    package let limits: CSVLimits
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var count = 0
    /// Field bounds of the current record: start and end offsets, interleaved.
    private var bounds: UnsafeMutablePointer<Int>
    private var boundsCapacity: Int
    /// Per field of the current record: 1 when it holds doubled quotes to collapse.
    private var escaped: UnsafeMutablePointer<UInt8>
    /// The physical line number of the next record.
    private var nextLine = 1
    private var checkedByteOrderMark = false
    private var stopped = false
    private var finished = false
    /// The size of the unparsed tail after the last scan; the next scan waits for at least as
    /// many new bytes, so a long record is rescanned O(log n) times, not once per chunk.
    private var pendingTail = 0
    /// Total bytes given to the parser.
    package private(set) var bytesConsumed = 0
    /// Records handed to the visitor so far.
    package private(set) var recordCount = 0

    package init(limits: CSVLimits = CSVLimits(), initialCapacity: Int = 1 << 22) {
        self.limits = limits
        capacity = max(initialCapacity, 64)
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity + 16, alignment: 16)
        boundsCapacity = 64
        bounds = UnsafeMutablePointer<Int>.allocate(capacity: 2 * boundsCapacity)
        escaped = UnsafeMutablePointer<UInt8>.allocate(capacity: boundsCapacity)
    }

    deinit {
        buffer.deallocate()
        bounds.deallocate()
        escaped.deallocate()
    }

    /// Whether a visitor asked to stop.
    package var isStopped: Bool { stopped }

    /// The physical line number the next record would start on; after ``finish(into:)``, one past
    /// the last line.
    package var currentLine: Int { nextLine }

    /// Appends `chunk` and hands every record it completes to `visitor`.
    package mutating func consume<V: CSVRecordVisitor>(
        _ chunk: UnsafeRawBufferPointer,
        into visitor: inout V
    ) throws(CSVError) {
        guard !stopped, !finished, let source = chunk.baseAddress, chunk.count > 0 else { return }
        reserve(chunk.count)
        (buffer + count).copyMemory(from: source, byteCount: chunk.count)
        count += chunk.count
        bytesConsumed += chunk.count
        if count - pendingTail >= pendingTail {
            try scan(endOfInput: false, into: &visitor)
        }
    }

    /// Appends bytes written by `body` straight into the parser's buffer (for `read(2)`), without
    /// parsing them. `body` gets at least `minimumCapacity` writable bytes and returns how many it
    /// wrote. Call ``parseBuffered(into:)`` afterwards.
    package mutating func fill<E: Error>(
        minimumCapacity: Int,
        _ body: (UnsafeMutableRawBufferPointer) throws(E) -> Int
    ) throws(E) -> Int {
        reserve(minimumCapacity)
        let written = try body(UnsafeMutableRawBufferPointer(start: buffer + count, count: capacity - count))
        precondition(written >= 0 && written <= capacity - count, "fill wrote outside the buffer")
        count += written
        bytesConsumed += written
        return written
    }

    /// Parses the bytes appended with ``fill(minimumCapacity:_:)``.
    package mutating func parseBuffered<V: CSVRecordVisitor>(into visitor: inout V) throws(CSVError) {
        guard !stopped, !finished, count - pendingTail >= pendingTail, count > 0 else { return }
        try scan(endOfInput: false, into: &visitor)
    }

    /// Ends the input: parses the final record (which needs no line end) and reports a quoted
    /// field left open.
    package mutating func finish<V: CSVRecordVisitor>(into visitor: inout V) throws(CSVError) {
        guard !stopped, !finished else { return }
        finished = true
        try scan(endOfInput: true, into: &visitor)
    }

    private mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var newCapacity = capacity * 2
        while newCapacity < count + extra { newCapacity *= 2 }
        let newBuffer = UnsafeMutableRawPointer.allocate(byteCount: newCapacity + 16, alignment: 16)
        newBuffer.copyMemory(from: buffer, byteCount: count)
        buffer.deallocate()
        buffer = newBuffer
        capacity = newCapacity
    }

    private mutating func growBounds() {
        let newCapacity = boundsCapacity * 2
        let newBounds = UnsafeMutablePointer<Int>.allocate(capacity: 2 * newCapacity)
        newBounds.update(from: bounds, count: 2 * boundsCapacity)
        bounds.deallocate()
        bounds = newBounds
        let newEscaped = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newEscaped.update(from: escaped, count: boundsCapacity)
        escaped.deallocate()
        escaped = newEscaped
        boundsCapacity = newCapacity
    }

    /// Scans the buffer, hands complete records to `visitor`, and moves the incomplete tail to the
    /// front of the buffer.
    private mutating func scan<V: CSVRecordVisitor>(endOfInput: Bool, into visitor: inout V) throws(CSVError) {
        let bytes = buffer.assumingMemoryBound(to: UInt8.self)
        let end = count
        var consumed = 0

        if !checkedByteOrderMark {
            if end < 3 && !endOfInput {
                pendingTail = end
                return
            }
            checkedByteOrderMark = true
            if end >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
                consumed = 3
            }
        }

        var pos = consumed
        records: while pos < end {
            let recordStart = pos
            let line = nextLine

            // Blank lines.
            let first = bytes[pos]
            if first == Self.lineFeed {
                pos += 1
                nextLine += 1
                consumed = pos
                continue
            }
            if first == Self.carriageReturn {
                if pos + 1 < end {
                    guard bytes[pos + 1] == Self.lineFeed else {
                        throw CSVError(.bareCarriageReturn, line: line, field: nil)
                    }
                    pos += 2
                    nextLine += 1
                    consumed = pos
                    continue
                }
                if endOfInput {
                    pos += 1
                    nextLine += 1
                    consumed = pos
                    continue
                }
                break records
            }

            var fieldIndex = 0
            var extraLines = 0
            var seen: UInt8 = 0
            var anyEscaped = false
            fields: while true {
                if fieldIndex == boundsCapacity {
                    if fieldIndex >= limits.maxFields {
                        throw CSVError(.tooManyFields(limit: limits.maxFields), line: line, field: nil)
                    }
                    growBounds()
                }
                var fieldStart = pos
                var fieldEnd = pos
                if pos < end && bytes[pos] == Self.quote {
                    pos += 1
                    fieldStart = pos
                    var hasDoubledQuote = false
                    quoted: while true {
                        while pos < end {
                            let byte = bytes[pos]
                            seen |= byte
                            if byte == Self.quote { break }
                            if byte == Self.lineFeed { extraLines += 1 }
                            pos += 1
                        }
                        if pos == end {
                            if endOfInput {
                                throw CSVError(.unterminatedQuote, line: line, field: fieldIndex)
                            }
                            try checkPartial(recordStart, fieldStart, pos, line, fieldIndex)
                            break records
                        }
                        if pos + 1 == end {
                            if endOfInput {
                                fieldEnd = pos
                                pos += 1
                                break quoted
                            }
                            try checkPartial(recordStart, fieldStart, pos, line, fieldIndex)
                            break records
                        }
                        if bytes[pos + 1] == Self.quote {
                            hasDoubledQuote = true
                            pos += 2
                            continue quoted
                        }
                        fieldEnd = pos
                        pos += 1
                        break quoted
                    }
                    escaped[fieldIndex] = hasDoubledQuote ? 1 : 0
                    anyEscaped = anyEscaped || hasDoubledQuote
                } else {
                    // Every special byte is <= ',' (0x2C); IDs and numbers are mostly above it.
                    while pos < end {
                        let byte = bytes[pos]
                        if byte <= Self.comma
                            && (byte == Self.comma || byte == Self.lineFeed || byte == Self.carriageReturn
                                || byte == Self.quote)
                        {
                            break
                        }
                        seen |= byte
                        pos += 1
                    }
                    fieldEnd = pos
                    if pos < end && bytes[pos] == Self.quote {
                        throw CSVError(.quoteInUnquotedField, line: line, field: fieldIndex)
                    }
                    escaped[fieldIndex] = 0
                }
                bounds[2 * fieldIndex] = fieldStart
                bounds[2 * fieldIndex + 1] = fieldEnd
                if fieldEnd - fieldStart > limits.maxFieldBytes {
                    throw CSVError(.fieldTooLarge(limit: limits.maxFieldBytes), line: line, field: fieldIndex)
                }
                fieldIndex += 1

                if pos == end {
                    if endOfInput { break fields }
                    try checkPartial(recordStart, fieldStart, pos, line, fieldIndex - 1)
                    break records
                }
                let separator = bytes[pos]
                if separator == Self.comma {
                    pos += 1
                    continue fields
                }
                if separator == Self.lineFeed {
                    pos += 1
                    break fields
                }
                if separator == Self.carriageReturn {
                    if pos + 1 == end {
                        if endOfInput {
                            pos += 1
                            break fields
                        }
                        try checkPartial(recordStart, fieldStart, pos, line, fieldIndex - 1)
                        break records
                    }
                    guard bytes[pos + 1] == Self.lineFeed else {
                        throw CSVError(.bareCarriageReturn, line: line, field: fieldIndex - 1)
                    }
                    pos += 2
                    break fields
                }
                throw CSVError(.characterAfterClosingQuote(separator), line: line, field: fieldIndex - 1)
            }

            if pos - recordStart > limits.maxRecordBytes {
                throw CSVError(.recordTooLarge(limit: limits.maxRecordBytes), line: line, field: nil)
            }
            if anyEscaped { collapseDoubledQuotes(fieldCount: fieldIndex) }
            nextLine = line + 1 + extraLines
            consumed = pos
            recordCount += 1
            let record = CSVRecord(
                line: line,
                fieldCount: fieldIndex,
                containsNonASCII: seen & 0x80 != 0,
                base: UnsafeRawPointer(buffer),
                bounds: UnsafePointer(bounds)
            )
            if !visitor.visit(record) {
                stopped = true
                break records
            }
        }

        visitor.recordBytesWillBeInvalidated()
        let tail = end - consumed
        if tail > 0 && consumed > 0 {
            buffer.copyMemory(from: buffer + consumed, byteCount: tail)
        }
        count = tail
        pendingTail = tail
    }

    /// Fails fast when an incomplete record or field is already too large to ever be accepted.
    private func checkPartial(
        _ recordStart: Int,
        _ fieldStart: Int,
        _ position: Int,
        _ line: Int,
        _ field: Int
    ) throws(CSVError) {
        if position - fieldStart > limits.maxFieldBytes {
            throw CSVError(.fieldTooLarge(limit: limits.maxFieldBytes), line: line, field: field)
        }
        if position - recordStart > limits.maxRecordBytes {
            throw CSVError(.recordTooLarge(limit: limits.maxRecordBytes), line: line, field: nil)
        }
    }

    /// Rewrites fields that contain `""` in place, collapsing each pair to one quote.
    private func collapseDoubledQuotes(fieldCount: Int) {
        let bytes = buffer.assumingMemoryBound(to: UInt8.self)
        for field in 0..<fieldCount where escaped[field] != 0 {
            let start = bounds[2 * field]
            let end = bounds[2 * field + 1]
            var read = start
            var write = start
            while read < end {
                let byte = bytes[read]
                bytes[write] = byte
                write += 1
                read += byte == Self.quote ? 2 : 1
            }
            bounds[2 * field + 1] = write
        }
    }
}
