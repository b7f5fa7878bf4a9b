import PersimmonCatalog
import Testing

@testable import PersimmonData

/// The broken-CSV corpus: each case fails with a clear reason and leaves the previous data
/// (a committed FULL import of 1,200 interactions) untouched.
@Suite struct BrokenCSVTests {
    /// Opens a store with 1,200 good interactions, runs `body`, then checks nothing changed.
    private func withCommittedData(
        _ body: (DatasetStore) throws -> Void
    ) throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .interactions)
        let good = try importOK(interactionsCSV(count: 1_200), into: store, schema: Schemas.interactions)
        let before = try store.interactions()
        let listing = directoryListing(directory.path)
        try body(store)
        #expect(store.generation == good.generation)
        #expect(try store.interactions() == before)
        #expect(directoryListing(directory.path) == listing, "no staging files are left behind")
        // And after a restart.
        let path = directory.path
        _ = consume store
        let reopened = try DatasetStore(directory: path, kind: .interactions)
        #expect(try reopened.interactions() == before)
    }

    private func failure(
        _ csv: [UInt8],
        store: DatasetStore,
        schema: DatasetSchema = Schemas.interactions,
        limits: ImportLimits = ImportLimits(),
        chunkSize: Int = 1 << 20
    ) throws -> DatasetError {
        let result = importBytes(csv, into: store, schema: schema, limits: limits, chunkSize: chunkSize)
        return try #require(result.failure, "the import must fail")
    }

    @Test("a header that names a field the schema does not have")
    func wrongHeader() throws {
        try withCommittedData { store in
            let error = try failure(
                Array(interactionsCSV(count: 1_200, header: "USER_ID,ITEMID,TIMESTAMP").utf8), store: store)
            #expect(error.code == .invalidHeader)
            #expect(error.failureReason.contains("line 1"))
            #expect(error.failureReason.contains("\"ITEMID\", which is not a field of the schema"))
            #expect(error.failureReason.contains("USER_ID,ITEM_ID,TIMESTAMP"))
        }
    }

    @Test("a file without a header row")
    func missingHeader() throws {
        try withCommittedData { store in
            let csv = interactionsCSV(count: 1_200).split(separator: "\n", maxSplits: 1)[1]
            let error = try failure(Array(csv.utf8), store: store)
            #expect(error.code == .invalidHeader)
            #expect(error.failureReason.contains("column 1 is \"u0\""))
        }
    }

    @Test("a header missing a required column")
    func missingColumn() throws {
        try withCommittedData { store in
            let error = try failure(Array("USER_ID,ITEM_ID\nu1,i1\n".utf8), store: store)
            #expect(error.code == .invalidHeader)
            #expect(error.failureReason.contains("required column TIMESTAMP missing"))
        }
    }

    @Test("a record with too few fields")
    func recordMissingFields() throws {
        try withCommittedData { store in
            var csv = interactionsCSV(count: 1_200)
            csv += "u1,i1\n"
            let error = try failure(Array(csv.utf8), store: store)
            #expect(error.code == .invalidRecords)
            #expect(error.failedRecordCount == 1)
            #expect(
                error.recordErrors == [RecordError(line: 1_202, column: nil, message: "expected 3 fields but found 2")])
            #expect(error.failureReason == "1 record failed validation: line 1202: expected 3 fields but found 2")
        }
    }

    @Test("values of the wrong type are listed by line and column with the total count")
    func wrongTypes() throws {
        try withCommittedData { store in
            var lines = interactionsCSV(count: 1_200).split(separator: "\n").map(String.init)
            lines[17] = "u1,i1,abc"
            lines[18] = ",i1,1600000000"
            lines[30] = "u1,i1,1.5e9"
            lines[31] = "u1,i1,99999999999999999999"
            let error = try failure(Array((lines.joined(separator: "\n") + "\n").utf8), store: store)
            #expect(error.code == .invalidRecords)
            #expect(error.failedRecordCount == 4)
            #expect(
                error.recordErrors == [
                    RecordError(
                        line: 18, column: "TIMESTAMP",
                        message: "\"abc\" is not a long (TIMESTAMP is whole seconds since the Unix epoch)"),
                    RecordError(line: 19, column: "USER_ID", message: "missing value"),
                    RecordError(
                        line: 31, column: "TIMESTAMP",
                        message: "\"1.5e9\" is not a long (TIMESTAMP is whole seconds since the Unix epoch)"),
                    RecordError(
                        line: 32, column: "TIMESTAMP",
                        message:
                            "\"99999999999999999999\" is not a long (TIMESTAMP is whole seconds since the Unix epoch)"
                    ),
                ])
            #expect(
                error.failureReason.hasPrefix(
                    "4 records failed validation: line 18, column TIMESTAMP: \"abc\" is not a long"))
            #expect(error.failureReason.contains("; line 19, column USER_ID: missing value; "))
        }
    }

    @Test("only the first errors are listed, but all are counted")
    func manyErrors() throws {
        try withCommittedData { store in
            var csv = "USER_ID,ITEM_ID,TIMESTAMP\n"
            for index in 0..<1_500 { csv += "u\(index),i\(index),\(index % 3 == 0 ? "x" : "1600000000")\n" }
            let error = try failure(Array(csv.utf8), store: store)
            #expect(error.failedRecordCount == 500)
            #expect(error.recordErrors.count == 10)
            #expect(error.recordErrors.first?.line == 2)
            #expect(error.failureReason.hasPrefix("500 records failed validation (the first 10 are listed): line 2,"))
        }
    }

    @Test("an unterminated quote")
    func unterminatedQuote() throws {
        try withCommittedData { store in
            var csv = interactionsCSV(count: 1_200)
            csv += "u1,\"i1,1600000000\nu2,i2,1600000001\n"
            let error = try failure(Array(csv.utf8), store: store)
            #expect(error.code == .malformedCSV)
            #expect(
                error.failureReason
                    == "The file is not valid CSV: line 1202, column ITEM_ID: unterminated quoted field: "
                    + "the quote that opens it is never closed")
        }
    }

    @Test("invalid UTF-8 in a value")
    func invalidUTF8() throws {
        try withCommittedData { store in
            var csv = Array(interactionsCSV(count: 1_200).utf8)
            csv += Array("u1,i".utf8) + [0xFF, 0xFE] + Array(",1600000000\n".utf8)
            csv += Array("u\u{E9},i1,1600000000\n".utf8)  // valid UTF-8 is fine
            csv += Array("u1,i".utf8) + [0xE2, 0x82] + Array(",1600000000\n".utf8)  // truncated sequence
            let error = try failure(csv, store: store)
            #expect(error.code == .invalidRecords)
            #expect(error.failedRecordCount == 2)
            #expect(
                error.recordErrors == [
                    RecordError(
                        line: 1_202, column: "ITEM_ID", message: "invalid UTF-8 (byte 0xFF at byte 2 of the value)"),
                    RecordError(
                        line: 1_204, column: "ITEM_ID", message: "invalid UTF-8 (byte 0xE2 at byte 2 of the value)"),
                ])
        }
    }

    @Test("an empty file")
    func emptyFile() throws {
        try withCommittedData { store in
            for csv in ["", "\n\n", "\u{FEFF}"] {
                let error = try failure(Array(csv.utf8), store: store)
                #expect(error.code == .emptyFile)
                #expect(
                    error.failureReason
                        == "The file is empty. It must start with a header row naming the schema's fields "
                        + "(USER_ID,ITEM_ID,TIMESTAMP) followed by the records")
            }
        }
    }

    @Test("a header with no records")
    func headerOnly() throws {
        try withCommittedData { store in
            let error = try failure(Array("USER_ID,ITEM_ID,TIMESTAMP\n".utf8), store: store)
            #expect(error.code == .insufficientData)
            #expect(error.failureReason == "The file has a header row but no records; nothing was imported")
        }
    }

    @Test("fewer than 1,000 interactions")
    func tooFewInteractions() throws {
        try withCommittedData { store in
            let error = try failure(Array(interactionsCSV(count: 999).utf8), store: store)
            #expect(error.code == .insufficientData)
            #expect(
                error.failureReason
                    == "Insufficient data: an import into an Interactions dataset must contain at least 1000 records, "
                    + "but the file has 999")
        }
    }

    @Test("a 300-character ID")
    func longID() throws {
        try withCommittedData { store in
            var csv = interactionsCSV(count: 1_200)
            let longID = String(repeating: "x", count: 300)
            csv += "\(longID),i1,1600000000\n"
            csv += "\(String(repeating: "é", count: 256)),i1,1600000000\n"  // 256 characters, 512 bytes: fine
            let error = try failure(Array(csv.utf8), store: store)
            #expect(error.failedRecordCount == 1)
            #expect(
                error.recordErrors == [
                    RecordError(
                        line: 1_202, column: "USER_ID",
                        message: "\"\(String(repeating: "x", count: 40))…\" is 300 characters long; the maximum is 256")
                ])
        }
    }

    @Test("a 100 MB field fails fast without buffering it", .timeLimit(.minutes(1)))
    func hugeField() throws {
        try withCommittedData { store in
            var job = try store.beginImport(schema: Schemas.interactions, mode: .full)
            try job.consume(Array("USER_ID,ITEM_ID,TIMESTAMP\nu1,\"".utf8))
            let chunk = [UInt8](repeating: UInt8(ascii: "z"), count: 1 << 20)
            var fed = 0
            let error = #expect(throws: DatasetError.self) {
                while fed < 100 << 20 {
                    try job.consume(chunk)
                    fed += chunk.count
                }
            }
            #expect(error?.code == .malformedCSV)
            #expect(
                error?.failureReason
                    == "The file is not valid CSV: line 2, column ITEM_ID: field is larger than the limit of 1 MiB")
            #expect(fed <= 4 << 20, "detected after a few MiB, not 100")
            // The job stays failed.
            #expect(throws: DatasetError.self) { try job.consume(chunk) }
            do throws(DatasetError) {
                _ = try job.finish()
                Issue.record("finish must fail after a malformed chunk")
            } catch {
                #expect(error.code == .malformedCSV)
            }
        }
    }

    @Test("a stray quote and text after a closing quote")
    func strayQuotes() throws {
        try withCommittedData { store in
            var csv = interactionsCSV(count: 1_200)
            csv += "u1,i\"1,1600000000\n"
            var error = try failure(Array(csv.utf8), store: store)
            #expect(error.code == .malformedCSV)
            #expect(error.recordErrors.first?.line == 1_202)
            #expect(error.recordErrors.first?.column == "ITEM_ID")

            csv = interactionsCSV(count: 1_200) + "u1,\"i1\"x,1600000000\n"
            error = try failure(Array(csv.utf8), store: store)
            #expect(
                error.failureReason
                    == "The file is not valid CSV: line 1202, column ITEM_ID: unexpected character 'x' after a "
                    + "closing quote; expected a comma or the end of the line")
        }
    }

    @Test("an input over the mode's size limit")
    func inputTooLarge() throws {
        try withCommittedData { store in
            let limits = ImportLimits(maximumBytes: [.full: 10_000])
            let error = try failure(
                Array(interactionsCSV(count: 1_200).utf8), store: store, limits: limits, chunkSize: 4_096)
            #expect(error.code == .inputTooLarge)
            #expect(error.failureReason == "The input is larger than 10000 bytes, the limit for FULL imports")
        }
    }

    @Test("a dropped, unfinished import leaves nothing behind")
    func abandonedImport() throws {
        try withCommittedData { store in
            var job = try store.beginImport(schema: Schemas.interactions, mode: .full)
            try job.consume(Array(interactionsCSV(count: 2_000).utf8))
            _ = consume job
        }
    }
}

@Suite struct TypedValueTests {
    @Test("typed columns convert ints, longs, floats, doubles, booleans and nulls")
    func typedColumns() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .items)
        let csv = """
            ITEM_ID,GENRES,PRICE,YEAR,IN_STOCK,CREATION_TIMESTAMP,DESCRIPTION
            i1,Action|Comedy,9.99,1999,true,1600000000,"A ""great"" film, with commas"
            i2,,,,,,
            i3,Drama,-1.5e3,-2147483648,FALSE,0,"multi
            line"
            i4,Comedy||Action|,12,2147483647,True,-5,plain

            """
        let summary = try importOK(csv, into: store, schema: Schemas.items, limits: smallLimits)
        #expect(summary.records == 4)
        let items = try store.entities()
        #expect(items.ids == ["i1", "i2", "i3", "i4"])
        func column(_ name: String) throws -> ColumnSnapshot { try #require(items.column(named: name)) }
        #expect(
            (0..<4).map { try? column("GENRES").string(at: $0) } == ["Action|Comedy", nil, "Drama", "Comedy|Action"])
        #expect(try column("PRICE").values == .float64([9.99, 0, -1500, 12]))
        #expect(try column("PRICE").isNull(1))
        #expect(try column("YEAR").values == .int32([1999, 0, Int32.min, Int32.max]))
        #expect(try column("IN_STOCK").values == .boolean([true, false, false, true]))
        let inStock = try column("IN_STOCK")
        #expect(inStock.isNull(1) && !inStock.isNull(2))
        #expect(try column("CREATION_TIMESTAMP").values == .int64([1_600_000_000, 0, 0, -5]))
        #expect(
            (0..<4).map { try? column("DESCRIPTION").string(at: $0) } == [
                "A \"great\" film, with commas", nil, "multi\nline", "plain",
            ])
        if case .multiValued(_, _, let dictionary) = try column("GENRES").values {
            #expect(dictionary == ["Action", "Comedy", "Drama"])
        } else {
            Issue.record("GENRES should be multi-valued")
        }
    }

    @Test(
        "rejects malformed typed values",
        arguments: [
            ("YEAR", "19.5", "\"19.5\" is not an int"),
            ("YEAR", "2147483648", "\"2147483648\" is not an int"),
            ("YEAR", " 7", "\" 7\" is not an int"),
            ("PRICE", "1,5", ""),
            ("PRICE", "abc", "\"abc\" is not a double"),
            ("PRICE", "1e400", "\"1e400\" is not a double"),
            ("PRICE", "NaN", "\"NaN\" is not a double"),
            ("IN_STOCK", "yes", "\"yes\" is not a boolean (true or false)"),
            ("IN_STOCK", "1", "\"1\" is not a boolean (true or false)"),
            (
                "CREATION_TIMESTAMP", "1.0",
                "\"1.0\" is not a long (CREATION_TIMESTAMP is whole seconds since the Unix epoch)"
            ),
        ])
    func malformedValues(column: String, value: String, message: String) throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .items)
        let csv = "ITEM_ID,\(column)\ni1,\(value)\n"
        let error = try #require(importText(csv, into: store, schema: Schemas.items, limits: smallLimits).failure)
        if message.isEmpty {
            // An unquoted comma makes an extra field.
            #expect(error.recordErrors.first?.message == "expected 2 fields but found 3")
        } else {
            #expect(error.recordErrors == [RecordError(line: 2, column: column, message: message)])
        }
    }

    @Test("enforces categorical and textual length limits in characters")
    func stringLimits() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .items)
        let categories = (0..<200).map { "cat\($0)" }.joined(separator: "|")  // > 1,000 characters
        let text = String(repeating: "ü", count: 20_001)
        let csv = "ITEM_ID,GENRES,DESCRIPTION\ni1,\(categories),x\ni2,a,\"\(text)\"\ni3,a,\"\(text.dropLast())\"\n"
        let error = try #require(importText(csv, into: store, schema: Schemas.items, limits: smallLimits).failure)
        #expect(error.failedRecordCount == 2)
        #expect(error.recordErrors.map(\.line) == [2, 3])
        #expect(error.recordErrors.map(\.column) == ["GENRES", "DESCRIPTION"])
        #expect(error.recordErrors[1].message.hasSuffix("is 20001 characters long; the maximum is 20000"))
    }

    @Test("maps header columns by name, in any order and any case; absent nullable columns are null")
    func headerMapping() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .interactions)
        var csv = "timestamp,Item_Id,EVENT_TYPE,USER_ID\n"
        for index in 0..<1_000 {
            csv += "\(1_600_000_000 + index),i\(index % 10),\(index % 2 == 0 ? "click" : ""),u\(index % 7)\n"
        }
        try importOK(csv, into: store, schema: Schemas.interactionsWithEvents)
        let snapshot = try store.interactions()
        #expect(snapshot.count == 1_000)
        #expect(snapshot.users.count == 7)
        #expect(snapshot.items[Int(snapshot.itemIndex[3])] == "i3")
        #expect(snapshot.timestamp[3] == 1_600_000_003)
        #expect(snapshot.eventTypes == ["click"])
        #expect(snapshot.eventType[0] == 0 && snapshot.eventType[1] == -1)
        let values = try #require(snapshot.eventValue)
        let allNull = values.allSatisfy { $0.isNaN }
        #expect(allNull, "EVENT_VALUE had no column: all null")
    }

    @Test("rejects duplicate header columns")
    func duplicateColumns() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .interactions)
        let error = try #require(
            importText("USER_ID,ITEM_ID,TIMESTAMP,user_id\n", into: store, schema: Schemas.interactions).failure)
        #expect(error.code == .invalidHeader)
        #expect(error.failureReason.contains("the column USER_ID appears more than once"))
    }
}

@Suite struct ValueParsingTests {
    private func parse<T>(_ text: String, _ parser: (UnsafeRawBufferPointer) -> T?) -> T? {
        Array(text.utf8).withUnsafeBytes { parser($0) }
    }

    @Test("parses longs at the edges of the range")
    func longs() {
        #expect(parse("0", ValueParsing.int64) == 0)
        #expect(parse("+42", ValueParsing.int64) == 42)
        #expect(parse("-9223372036854775808", ValueParsing.int64) == Int64.min)
        #expect(parse("9223372036854775807", ValueParsing.int64) == Int64.max)
        #expect(parse("9223372036854775808", ValueParsing.int64) == nil)
        #expect(parse("-", ValueParsing.int64) == nil)
        #expect(parse("1e3", ValueParsing.int64) == nil)
        #expect(parse("00000000000000000001", ValueParsing.int64) == 1)
    }

    @Test("parses decimals exactly like the standard library")
    func decimals() {
        let samples = [
            "0", "-0", "1", "3.14159", ".5", "5.", "1e10", "2.5E-3", "123456789012345678901234567890",
            "0.1", "0.30000000000000004", "1.7976931348623157e308", "4.9e-324", "-2.2250738585072014E-308",
            "16777217", "3.4028235e38", "1.17549435e-38", "0.000001", "987654.321",
        ]
        for sample in samples {
            // Non-finite results (overflow) are rejected.
            let double = Double(sample).flatMap { $0.isFinite ? $0 : nil }
            let float = Float(sample).flatMap { $0.isFinite ? $0 : nil }
            #expect(parse(sample, ValueParsing.double) == double, "double \(sample)")
            #expect(parse(sample, ValueParsing.float) == float, "float \(sample)")
        }
        for bad in ["", ".", "e5", "1e", "1.2.3", "0x10", "inf", "nan", "1 ", "--1", "1e+"] {
            #expect(parse(bad, ValueParsing.double) == nil, "double \(bad)")
        }
        #expect(parse("1e39", ValueParsing.float) == nil, "overflows Float")
    }

    @Test("parses booleans in any case")
    func booleans() {
        #expect(parse("true", ValueParsing.boolean) == true)
        #expect(parse("TRUE", ValueParsing.boolean) == true)
        #expect(parse("False", ValueParsing.boolean) == false)
        #expect(parse("fals", ValueParsing.boolean) == nil)
        #expect(parse("truee", ValueParsing.boolean) == nil)
        #expect(parse("t", ValueParsing.boolean) == nil)
    }

    @Test("validates UTF-8 strictly")
    func utf8() {
        func check(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0) } }
        #expect(check(Array("héllo €𝄞".utf8)) == nil)
        #expect(check([0x61, 0xC0, 0x80]) == 1, "overlong")
        #expect(check([0xED, 0xA0, 0x80]) == 0, "surrogate")
        #expect(check([0xF4, 0x90, 0x80, 0x80]) == 0, "above U+10FFFF")
        #expect(check([0xE2, 0x82]) == 0, "truncated")
        #expect(check([0x80]) == 0, "lone continuation")
    }
}

@Suite struct ByteInternerTests {
    @Test("assigns dense first-seen codes to keys of every length, including NUL bytes and shared prefixes")
    func codes() {
        var interner = ByteInterner(capacity: 4)
        var keys: [[UInt8]] = [[], [0], [0, 0], Array("a".utf8), Array("a\0".utf8)]
        for length in 1...40 {
            keys.append([UInt8](repeating: UInt8(ascii: "k"), count: length))
            keys.append([UInt8](repeating: UInt8(ascii: "k"), count: length) + [0])
        }
        // Same first eight bytes, different tails, and lengths that share the capped length byte.
        keys.append(Array("prefix__tail-one".utf8))
        keys.append(Array("prefix__tail-two".utf8))
        keys.append([UInt8](repeating: 7, count: 8))
        keys.append([UInt8](repeating: 7, count: 8 + 256))
        for index in 0..<5_000 { keys.append(Array("id-\(index)".utf8)) }

        var codes: [Int32] = []
        for key in keys { codes.append(key.withUnsafeBytes { interner.intern($0) }) }
        #expect(codes == (0..<Int32(keys.count)).map { $0 })
        #expect(interner.count == keys.count)
        // Looking everything up again (out of order, after growth) returns the same codes.
        for (index, key) in keys.enumerated().reversed() {
            #expect(key.withUnsafeBytes { interner.intern($0) } == Int32(index))
        }
        #expect(interner.count == keys.count)
        #expect(interner.string(keys.count - 1) == "id-4999")
        #expect(interner.strings()[3] == "a")
    }
}
