import PersimmonFilters
import Testing

@Suite struct SchemaCheckTests {
    private func checkError(_ text: String, schemas: FilterSchemas = Catalogue.schemas) throws -> FilterError {
        let expression = try FilterExpression.parse(text)
        return try Catalogue.error { try expression.check(against: schemas) }
    }

    @Test(
        "rejects expressions that do not fit the schemas, naming the field and its position",
        arguments: [
            (
                #"INCLUDE ItemID WHERE Items.COLOR IN ("red")"#,
                "Invalid filter expression at position 22: Items.COLOR is not a field of the Items dataset schema"
            ),
            (
                #"EXCLUDE ItemID WHERE Items.SUMMARY IN ("great")"#,
                "Invalid filter expression at position 22: Items.SUMMARY is a textual field; textual fields cannot be used in filters"
            ),
            (
                #"EXCLUDE ItemID WHERE Items.IS_NEW IN ("true")"#,
                #"Invalid filter expression at position 22: Items.IS_NEW is a boolean field; boolean fields cannot be used in filters (use a string field with "True"/"False" or an int field with 0/1)"#
            ),
            (
                "INCLUDE ItemID WHERE Items.GENRE < 5",
                #"Invalid filter expression at position 34: "<" needs a numeric field, but Items.GENRE is a categorical string field"#
            ),
            (
                "INCLUDE ItemID WHERE Items.ITEM_ID >= $X",
                #"Invalid filter expression at position 36: ">=" needs a numeric field, but Items.ITEM_ID is a string field"#
            ),
            (
                #"INCLUDE ItemID WHERE Items.PRICE IN ("5")"#,
                "Invalid filter expression at position 34: IN needs a string field, but Items.PRICE is a double field"
            ),
            (
                #"EXCLUDE ItemID WHERE Items.NUMBER_OF_DOWNLOADS NOT IN ("5")"#,
                "Invalid filter expression at position 48: NOT IN needs a string field, but Items.NUMBER_OF_DOWNLOADS is an int field"
            ),
            (
                #"INCLUDE ItemID WHERE Items.PRICE = "5""#,
                #"Invalid filter expression at position 36: Items.PRICE is a double field; compare it with a number, found string "5""#
            ),
            (
                "INCLUDE ItemID WHERE Items.GENRE = 5",
                "Invalid filter expression at position 36: Items.GENRE is a categorical string field; compare it with a quoted string, found 5"
            ),
            (
                "EXCLUDE ItemID WHERE Items.GENRE != $G",
                "Invalid filter expression at position 37: placeholders cannot be used with != on a string field; use IN with the opposite action (INCLUDE or EXCLUDE)"
            ),
            (
                #"INCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.DIV > 20"#,
                "Invalid filter expression at position 46: CurrentUser.DIV is not a field of the Users dataset schema"
            ),
            (
                #"INCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.GENDER > 20"#,
                #"Invalid filter expression at position 65: ">" needs a numeric field, but CurrentUser.GENDER is a categorical string field"#
            ),
            (
                "INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.PRICE",
                "Invalid filter expression at position 37: CurrentItem.PRICE is a double field, but Items.GENRE is a categorical string field"
            ),
            (
                "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.SUMMARY",
                "Invalid filter expression at position 36: CurrentItem.SUMMARY is a textual field; textual fields cannot be used in filters"
            ),
            (
                "INCLUDE ItemID WHERE Items.GENRE IN ($X) | INCLUDE ItemID WHERE Items.PRICE < $X",
                "Invalid filter expression at position 79: $X is used both as a list of strings and as a number"
            ),
        ])
    func rejects(_ text: String, _ message: String) throws {
        let error = try checkError(text)
        #expect(error.code == .schema)
        #expect(error.message == message)
    }

    @Test("rejects datasets the dataset group does not have")
    func missingDatasets() throws {
        let itemsOnly = FilterSchemas(items: Catalogue.schemas.items)
        #expect(
            try checkError(#"EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")"#, schemas: itemsOnly).message
                == "Invalid filter expression at position 22: the dataset group has no Interactions dataset")
        #expect(
            try checkError(#"EXCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.AGE > 3"#, schemas: itemsOnly)
                .message
                == "Invalid filter expression at position 46: IF CurrentUser needs a Users dataset, and the dataset group has none"
        )
        #expect(
            try checkError(#"INCLUDE UserID WHERE Users.AGE > 3"#, schemas: itemsOnly).message
                == "Invalid filter expression at position 22: the dataset group has no Users dataset")
        #expect(
            try checkError(#"INCLUDE ItemID WHERE Items.GENRE IN ("a")"#, schemas: FilterSchemas()).message
                == "Invalid filter expression at position 22: the dataset group has no Items dataset")
    }

    @Test(
        "accepts expressions that fit, matching field names case-insensitively",
        arguments: [
            #"INCLUDE ItemID WHERE Items.genre IN ("a") AND Items.Price <= 3 IF CurrentUser.age > 18 AND CurrentUser.gender = "F""#,
            #"INCLUDE ItemID WHERE Items.ITEM_ID IN ("i1") OR Items.GENRE = "drama" OR Items.GENRE != "x""#,
            #"INCLUDE ItemID WHERE Items.PRICE = $P AND Items.PRICE != $Q AND Items.GENRE = $G"#,
            #"INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.OWNER AND Items.PRICE >= CurrentItem.NUMBER_OF_DOWNLOADS"#,
            #"EXCLUDE ItemID WHERE Interactions.event_type IN ("click") | INCLUDE ItemID WHERE Items.GENRE IN ($G)"#,
            #"INCLUDE UserID WHERE Users.MEMBERSHIP_STATUS IN ($M) OR Users.AGE < 3"#,
            #"INCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.MEMBERSHIP_STATUS NOT IN ("gold") AND CurrentUser.AGE != $A"#,
        ])
    func accepts(_ text: String) throws {
        try FilterExpression.parse(text).check(against: Catalogue.schemas)
    }

    @Test("accepts EVENT_TYPE even when the Interactions schema does not declare it")
    func eventTypeWithoutColumn() throws {
        let schemas = FilterSchemas(items: [:], interactions: ["USER_ID": .string, "ITEM_ID": .string])
        try FilterExpression.parse(#"EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")"#).check(against: schemas)
    }

    @Test(
        "maps Avro field types and flags",
        arguments: [
            ("string", false, false, FilterFieldType.string), ("string", true, false, .categorical),
            ("string", false, true, .textual), ("int", false, false, .int), ("long", false, false, .long),
            ("float", false, false, .float), ("double", false, false, .double), ("boolean", false, false, .boolean),
        ] as [(String, Bool, Bool, FilterFieldType)])
    func avroTypes(_ avro: String, _ categorical: Bool, _ textual: Bool, _ expected: FilterFieldType) {
        #expect(FilterFieldType(avroType: avro, categorical: categorical, textual: textual) == expected)
    }

    @Test("knows no other Avro types")
    func unknownAvroType() {
        #expect(FilterFieldType(avroType: "bytes") == nil)
    }
}
