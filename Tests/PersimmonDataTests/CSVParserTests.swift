import Testing

@testable import PersimmonData

/// Collects records as strings with their line numbers.
private struct Collector: CSVRecordVisitor {
    var records: [[String]] = []
    var lines: [Int] = []
    var nonASCII: [Bool] = []
    var stopAfter = Int.max

    mutating func visit(_ record: CSVRecord) -> Bool {
        records.append((0..<record.fieldCount).map { record.string(at: $0) })
        lines.append(record.line)
        nonASCII.append(record.containsNonASCII)
        return records.count < stopAfter
    }
}

/// Parses `bytes` in chunks of `chunkSize` (every size from 1 up is exercised by callers).
private func parse(_ bytes: [UInt8], chunkSize: Int = 1 << 20, limits: CSVLimits = CSVLimits()) throws(CSVError)
    -> Collector
{
    var parser = CSVParser(limits: limits, initialCapacity: 64)
    var collector = Collector()
    var offset = 0
    while offset < bytes.count {
        let end = min(offset + chunkSize, bytes.count)
        let chunk = Array(bytes[offset..<end])
        var thrown: CSVError?
        chunk.withUnsafeBytes { raw in
            do throws(CSVError) {
                try parser.consume(raw, into: &collector)
            } catch {
                thrown = error
            }
        }
        if let thrown { throw thrown }
        offset = end
    }
    try parser.finish(into: &collector)
    return collector
}

private func parse(_ text: String, chunkSize: Int = 1 << 20) throws(CSVError) -> Collector {
    try parse(Array(text.utf8), chunkSize: chunkSize)
}

@Suite struct CSVParserTests {
    @Test("splits plain records on commas and line feeds")
    func plainRecords() throws {
        let result = try parse("a,b,c\n1,2,3\n")
        #expect(result.records == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(result.lines == [1, 2])
    }

    @Test("accepts a last record without a trailing newline")
    func noTrailingNewline() throws {
        let result = try parse("a,b\n1,2")
        #expect(result.records == [["a", "b"], ["1", "2"]])
    }

    @Test("handles CRLF line endings, including a final CRLF and a final lone CR at end of input")
    func crlf() throws {
        #expect(try parse("a,b\r\n1,2\r\n").records == [["a", "b"], ["1", "2"]])
        #expect(try parse("a,b\r\n1,2\r").records == [["a", "b"], ["1", "2"]])
        #expect(try parse("a,\"b\"\r\n\"1\",2").records == [["a", "b"], ["1", "2"]])
    }

    @Test("unquotes fields with commas, doubled quotes and embedded newlines")
    func quotedFields() throws {
        let text = "id,text\n1,\"hello, world\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,\"\"\n5,\"\"\"\"\n"
        let result = try parse(text)
        #expect(
            result.records == [
                ["id", "text"], ["1", "hello, world"], ["2", "say \"hi\""], ["3", "two\nlines"], ["4", ""],
                ["5", "\""],
            ])
        // The record after a quoted newline starts one physical line later.
        #expect(result.lines == [1, 2, 3, 4, 6, 7])
    }

    @Test("keeps quoted CRLF inside a field")
    func quotedCRLF() throws {
        let result = try parse("a\n\"x\r\ny\"\n")
        #expect(result.records == [["a"], ["x\r\ny"]])
    }

    @Test("skips empty lines but counts them for line numbers")
    func emptyLines() throws {
        let result = try parse("\n\r\na,b\n\n1,2\r\n\r\n\n3,4\n\n")
        #expect(result.records == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(result.lines == [3, 5, 8])
    }

    @Test("keeps empty fields, including a trailing one")
    func emptyFields() throws {
        let result = try parse("a,b,c\n,,\n1,,\n,2,\n1,2,")
        #expect(result.records == [["a", "b", "c"], ["", "", ""], ["1", "", ""], ["", "2", ""], ["1", "2", ""]])
    }

    @Test("skips a UTF-8 byte-order mark at the start only")
    func byteOrderMark() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let result = try parse(bom + Array("a,b\n1,2\n".utf8), chunkSize: 1)
        #expect(result.records == [["a", "b"], ["1", "2"]])
        let inner = try parse(Array("a,b\n".utf8) + bom + Array("1,2\n".utf8))
        #expect(inner.records[1] == ["\u{FEFF}1", "2"])
    }

    @Test("gives the same records for every chunk size", arguments: [1, 2, 3, 5, 7, 16, 1 << 20])
    func chunkBoundaries(chunkSize: Int) throws {
        let text = "USER_ID,ITEM_ID,NOTE\r\nu1,i1,\"a,\"\"b\"\"\r\nc\"\n\nu2,i2,plain\r\nu3,i3,\"\"\nu4,i4,\"end\""
        let whole = try parse(text)
        let chunked = try parse(text, chunkSize: chunkSize)
        #expect(chunked.records == whole.records)
        #expect(chunked.lines == whole.lines)
        #expect(whole.records.count == 5)
        #expect(whole.records[1] == ["u1", "i1", "a,\"b\"\r\nc"])
        #expect(whole.lines == [1, 2, 5, 6, 7])
    }

    @Test("flags records with non-ASCII bytes")
    func nonASCIIFlag() throws {
        let result = try parse("a\nplain\ncafé\n\"naïve\"\n")
        #expect(result.nonASCII == [false, false, true, true])
    }

    @Test("reports an unterminated quote with the line the record starts on")
    func unterminatedQuote() {
        let error = #expect(throws: CSVError.self) { try parse("a,b\n1,2\n3,\"open\nmore\n") }
        #expect(error?.kind == .unterminatedQuote)
        #expect(error?.line == 3)
        #expect(error?.field == 1)
    }

    @Test("rejects a quote inside an unquoted field")
    func strayQuote() {
        let error = #expect(throws: CSVError.self) { try parse("a,b\n1,x\"y\n") }
        #expect(error?.kind == .quoteInUnquotedField)
        #expect(error?.line == 2)
        #expect(error?.field == 1)
    }

    @Test("rejects text after a closing quote")
    func textAfterQuote() {
        let error = #expect(throws: CSVError.self) { try parse("a,b\n\"x\"y,2\n") }
        #expect(error?.kind == .characterAfterClosingQuote(UInt8(ascii: "y")))
        #expect(error?.field == 0)
    }

    @Test("rejects a carriage return that is not followed by a line feed")
    func bareCarriageReturn() {
        let error = #expect(throws: CSVError.self) { try parse("a,b\r1,2\n") }
        #expect(error?.kind == .bareCarriageReturn)
        #expect(error?.line == 1)
    }

    @Test("fails fast on a field over the limit while it is still arriving")
    func fieldTooLarge() throws {
        let limits = CSVLimits(maxFieldBytes: 1_000, maxRecordBytes: 4_000)
        var parser = CSVParser(limits: limits, initialCapacity: 64)
        var collector = Collector()
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 100)
        let header = Array("a,b\n1,\"".utf8)
        try header.withUnsafeBytes { try parser.consume($0, into: &collector) }
        var fed = 0
        let error = #expect(throws: CSVError.self) {
            while fed < 1_000_000 {
                try chunk.withUnsafeBytes { try parser.consume($0, into: &collector) }
                fed += chunk.count
            }
        }
        #expect(error?.kind == .fieldTooLarge(limit: 1_000))
        #expect(error?.line == 2)
        #expect(error?.field == 1)
        // Detected within a few chunks of the limit, not after buffering everything.
        #expect(fed < 4_000)
    }

    @Test("rejects a record over the record limit")
    func recordTooLarge() {
        let limits = CSVLimits(maxFieldBytes: 100, maxRecordBytes: 250)
        let row = (0..<10).map { _ in String(repeating: "y", count: 50) }.joined(separator: ",")
        let error = #expect(throws: CSVError.self) { try parse(Array("h\n\(row)\n".utf8), limits: limits) }
        #expect(error?.kind == .recordTooLarge(limit: 250))
        #expect(error?.line == 2)
    }

    @Test("rejects a record with more fields than allowed")
    func tooManyFields() {
        let limits = CSVLimits(maxFields: 64)
        let row = [String](repeating: "1", count: 200).joined(separator: ",")
        let error = #expect(throws: CSVError.self) { try parse(Array(row.utf8), limits: limits) }
        #expect(error?.kind == .tooManyFields(limit: 64))
    }

    @Test("stops when the visitor asks it to")
    func visitorStops() throws {
        var parser = CSVParser()
        var collector = Collector(stopAfter: 2)
        let bytes = Array("a\nb\nc\nd\n".utf8)
        try bytes.withUnsafeBytes { try parser.consume($0, into: &collector) }
        try parser.finish(into: &collector)
        #expect(collector.records == [["a"], ["b"]])
        let stopped = parser.isStopped
        #expect(stopped)
    }

    @Test("parses an empty input and whitespace-free blank input to no records")
    func emptyInput() throws {
        #expect(try parse("").records.isEmpty)
        #expect(try parse("\n\n\r\n").records.isEmpty)
    }
}
