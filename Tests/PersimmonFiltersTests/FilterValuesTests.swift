import PersimmonFilters
import Testing

@Suite struct FilterValuesTests {
    private func compile(_ text: String) throws -> CompiledFilter {
        try CompiledFilter.compile(FilterExpression.parse(text), schemas: Catalogue.schemas, index: Catalogue.index)
    }

    private func bindError(_ text: String, _ values: [String: String]) throws -> FilterError {
        let filter = try compile(text)
        return try Catalogue.error { _ = try filter.bind(values) }
    }

    @Test("binds a list of quoted strings, with spaces, single quotes and escapes")
    func stringLists() throws {
        let text = "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)"
        #expect(try Catalogue.items(text, values: ["GENRE": #" "horror" , 'comedy' "#]) == [1, 2, 3])
        #expect(try Catalogue.items(text, values: ["GENRE": #""dra\ma""#]) == [0, 2])
        #expect(try Catalogue.items(text, values: ["GENRE": #""x\"y""#]) == [])
    }

    @Test("binds numbers bare or quoted", arguments: ["40", #""40""#, " 40 ", "4e1", "40.0"])
    func numbers(_ value: String) throws {
        #expect(try Catalogue.items("INCLUDE ItemID WHERE Items.PRICE <= $P", values: ["P": value]) == [0, 1, 3])
    }

    @Test("INCLUDE requires every placeholder it uses")
    func includeRequiresValues() throws {
        let text = "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE) AND Items.PRICE < $PRICE"
        let error = try bindError(text, ["PRICE": "50"])
        #expect(error.code == .filterValues)
        #expect(
            error.message == "Invalid filter values: missing a value for $GENRE, which an INCLUDE expression requires")
        #expect(
            try bindError(text, ["GENRE": "  ", "PRICE": "50"]).message
                == "Invalid filter values: missing a value for $GENRE, which an INCLUDE expression requires")
        #expect(
            try bindError("INCLUDE ItemID WHERE Items.GENRE IN (\"drama\") IF CurrentUser.AGE > $AGE", [:]).message
                == "Invalid filter values: missing a value for $AGE, which an INCLUDE expression requires")
    }

    @Test("a placeholder shared by INCLUDE and EXCLUDE expressions is required")
    func sharedPlaceholder() throws {
        let error = try bindError(
            "EXCLUDE ItemID WHERE Items.OWNER IN ($G) | INCLUDE ItemID WHERE Items.GENRE IN ($G)", [:])
        #expect(error.message == "Invalid filter values: missing a value for $G, which an INCLUDE expression requires")
    }

    @Test("placeholder names are case-sensitive")
    func caseSensitiveNames() throws {
        let error = try bindError("INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)", ["genre": #""drama""#])
        #expect(
            error.message == "Invalid filter values: missing a value for $GENRE, which an INCLUDE expression requires")
    }

    @Test("ignores keys the filter does not use")
    func unknownKeys() throws {
        #expect(
            try Catalogue.items(#"INCLUDE ItemID WHERE Items.GENRE IN ("comedy")"#, values: ["OTHER": "junk"]) == [
                1, 2,
            ])
    }

    @Test(
        "rejects malformed values with the problem's location",
        arguments: [
            (
                "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)", ["GENRE": "drama"],
                #"Invalid filter values: the value for $GENRE must be quoted strings separated by commas, such as "comedy","drama"; expected a quoted string, found "d" at character 1"#
            ),
            (
                "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)", ["GENRE": #""a" "b""#],
                #"Invalid filter values: the value for $GENRE must be quoted strings separated by commas, such as "comedy","drama"; expected "," after a string, found "\"" at character 5"#
            ),
            (
                "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)", ["GENRE": #""a","#],
                #"Invalid filter values: the value for $GENRE must be quoted strings separated by commas, such as "comedy","drama"; expected a quoted string, found the end at character 5"#
            ),
            (
                "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)", ["GENRE": #""a","b"#],
                #"Invalid filter values: the value for $GENRE must be quoted strings separated by commas, such as "comedy","drama"; the string that starts here has no closing quote at character 5"#
            ),
            (
                "INCLUDE ItemID WHERE Items.PRICE < $PRICE", ["PRICE": "cheap"],
                #"Invalid filter values: the value for $PRICE must be a number, found "cheap""#
            ),
            (
                "INCLUDE ItemID WHERE Items.PRICE < $PRICE", ["PRICE": #""1","2""#],
                #"Invalid filter values: the value for $PRICE must be a number, found "\"1\",\"2\"""#
            ),
            (
                "INCLUDE ItemID WHERE Items.PRICE < $PRICE", ["PRICE": "1."],
                #"Invalid filter values: the value for $PRICE must be a number, found "1.""#
            ),
            (
                "INCLUDE ItemID WHERE Items.PRICE < $PRICE", ["PRICE": "inf"],
                #"Invalid filter values: the value for $PRICE must be a number, found "inf""#
            ),
            (
                "INCLUDE ItemID WHERE Items.PRICE < $PRICE", ["PRICE": "5", "BAD-KEY": "x"],
                #"Invalid filter values: parameter name "BAD-KEY" must be 1 to 50 letters, digits or underscores"#
            ),
            (
                "INCLUDE ItemID WHERE Items.PRICE < $PRICE", ["PRICE": "5", "": "x"],
                #"Invalid filter values: parameter name "" must be 1 to 50 letters, digits or underscores"#
            ),
            (
                "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)",
                ["GENRE": "\"" + String(repeating: "a", count: 999) + "\""],
                "Invalid filter values: the value for $GENRE is 1001 characters long; the maximum is 1000"
            ),
        ] as [(String, [String: String], String)])
    func malformedValues(_ text: String, _ values: [String: String], _ message: String) throws {
        let error = try bindError(text, values)
        #expect(error.code == .filterValues)
        #expect(error.message == message)
    }

    @Test("accepts 25 keys and rejects 26")
    func keyCount() throws {
        let filter = try compile("INCLUDE ItemID WHERE Items.PRICE < $K0")
        var values: [String: String] = [:]
        for index in 0..<25 { values["K\(index)"] = "1" }
        _ = try filter.bind(values)
        values["K25"] = "1"
        let error = try Catalogue.error { _ = try filter.bind(values) }
        #expect(error.message == "Invalid filter values: at most 25 parameters are allowed, found 26")
    }

    @Test("lists the placeholders of the compiled filter")
    func placeholders() throws {
        let filter = try compile(
            "EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE | INCLUDE ItemID WHERE Items.PRICE < $PRICE"
        )
        #expect(filter.placeholders == ["GENRE", "AGE", "PRICE"])
    }
}
