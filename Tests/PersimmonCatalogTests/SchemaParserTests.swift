import PersimmonCatalog
import Testing

@Suite struct SchemaParserTests {
    @Test("parses the MovieLens interactions schema")
    func movieLensInteractionsSchema() throws {
        let schema = try SchemaValidator.parse(movieLensInteractions, domain: nil)
        #expect(schema.name == "Interactions")
        #expect(schema.namespace == "com.amazonaws.personalize.schema")
        #expect(
            schema.fields == [
                SchemaField(name: "USER_ID", type: .string),
                SchemaField(name: "ITEM_ID", type: .string),
                SchemaField(name: "TIMESTAMP", type: .long),
                SchemaField(name: "EVENT_TYPE", type: .string),
            ]
        )
        try SchemaValidator.validate(schema, for: .interactions)
    }

    @Test("parses the MovieLens items schema with a categorical GENRES field")
    func movieLensItemsSchema() throws {
        let schema = try SchemaValidator.parse(movieLensItems, domain: nil)
        #expect(schema.fields.last == SchemaField(name: "GENRES", type: .string, categorical: true))
        try SchemaValidator.validate(schema, for: .items)
    }

    @Test("reads nullable unions in either order, one-member unions and object-form types")
    func typeForms() throws {
        let schema = try SchemaValidator.parse(
            schemaJSON([
                field("ITEM_ID", "string"),
                nullableField("A", "string", #""categorical": true"#),
                #"{"name": "B", "type": ["double", "null"]}"#,
                #"{"name": "C", "type": ["string"], "categorical": true}"#,
                #"{"name": "D", "type": {"type": "long", "logicalType": "timestamp-millis"}}"#,
                #"{"name": "E", "type": ["null", {"type": "boolean"}], "doc": "caf\u00e9 \ud83c\udf4e", "default": null}"#,
            ]),
            domain: nil
        )
        #expect(
            schema.fields == [
                SchemaField(name: "ITEM_ID", type: .string),
                SchemaField(name: "A", type: .string, nullable: true, categorical: true),
                SchemaField(name: "B", type: .double, nullable: true),
                SchemaField(name: "C", type: .string, categorical: true),
                SchemaField(name: "D", type: .long),
                SchemaField(name: "E", type: .boolean, nullable: true),
            ]
        )
    }

    @Test("reads the textual and itemName attributes")
    func attributes() throws {
        let schema = try SchemaValidator.parse(
            schemaJSON([
                field("ITEM_ID", "string"),
                field("TITLE", "string", #""itemName": true"#),
                nullableField("DESCRIPTION", "string", #""textual": true"#),
                field("PLAIN", "string", #""categorical": false, "itemName": false"#),
            ]),
            domain: nil
        )
        #expect(schema.field(named: "TITLE")?.itemName == true)
        #expect(schema.field(named: "DESCRIPTION")?.textual == true)
        #expect(schema.field(named: "PLAIN")?.itemName == false)
        #expect(schema.field(named: "ITEM_ID")?.itemName == nil)
    }

    @Test("accepts a schema of exactly 20,000 characters")
    func sizeLimitBoundary() throws {
        func schema(docLength: Int) -> String {
            let doc = String(repeating: "x", count: docLength)
            return schemaJSON([field("ITEM_ID", "string"), field("GENRES", "string", #""doc": "\#(doc)""#)])
        }
        let padded = schema(docLength: 20_000 - schema(docLength: 0).utf16.count)
        #expect(padded.utf16.count == 20_000)
        _ = try SchemaValidator.parse(padded, domain: nil)
    }

    static let rejected: [RejectedSchema] = [
        RejectedSchema(
            "not JSON",
            #"{"type": "record",}"#,
            "Schema is not valid JSON: unexpected '}', expected a quoted member name at line 1, column 19"
        ),
        RejectedSchema(
            "truncated JSON",
            "{\n  \"type\": \"record\",\n  \"name\": \"X\"",
            "Schema is not valid JSON: unexpected end of input, expected ',' or '}' at line 3, column 14"
        ),
        RejectedSchema(
            "trailing garbage",
            #"{"type": "record"} x"#,
            "Schema is not valid JSON: unexpected content after the end of the document at line 1, column 20"
        ),
        RejectedSchema(
            "too deeply nested",
            String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
            "Schema is not valid JSON: nesting is deeper than 64 levels at line 1, column 65"
        ),
        RejectedSchema(
            "a JSON array at the top",
            "[]",
            "Schema must be a JSON object describing an Avro record, found an array"
        ),
        RejectedSchema(
            "not a record",
            #"{"type": "string", "name": "X", "fields": []}"#,
            #"Schema must be an Avro record ("type": "record"), found type "string""#
        ),
        RejectedSchema(
            "no type",
            #"{"name": "X", "fields": []}"#,
            #"Schema must declare "type": "record""#
        ),
        RejectedSchema(
            "no record name",
            #"{"type": "record", "fields": [{"name": "ITEM_ID", "type": "string"}]}"#,
            #"Schema record must have a non-empty string "name""#
        ),
        RejectedSchema(
            "no fields",
            #"{"type": "record", "name": "X"}"#,
            #"Schema record must have a "fields" array"#
        ),
        RejectedSchema(
            "empty fields",
            #"{"type": "record", "name": "X", "fields": []}"#,
            "Schema record must declare at least one field"
        ),
        RejectedSchema(
            "a field that is not an object",
            schemaJSON([field("ITEM_ID", "string"), #""GENRES""#]),
            "Field #2 must be a JSON object, found a string"
        ),
        RejectedSchema(
            "a field without a type",
            schemaJSON([#"{"name": "ITEM_ID"}"#]),
            #"Field "ITEM_ID" must declare a "type""#
        ),
        RejectedSchema(
            "an invalid field name",
            schemaJSON([field("first-name", "string")]),
            #"Field name "first-name" is not a valid Avro name: use letters, digits and underscores, starting with a letter or underscore"#
        ),
        RejectedSchema(
            "a nested record",
            schemaJSON([
                field("USER_ID", "string"),
                #"{"name": "ADDRESS", "type": {"type": "record", "name": "Address", "fields": [{"name": "CITY", "type": "string"}]}}"#,
            ]),
            #"Field "ADDRESS" has a nested record type; Personalize schemas must be flat"#
        ),
        RejectedSchema(
            "an array type",
            schemaJSON([
                field("ITEM_ID", "string"), #"{"name": "GENRES", "type": {"type": "array", "items": "string"}}"#,
            ]),
            #"Field "GENRES" has the complex type array, which Personalize does not support; use a string with values separated by '|'"#
        ),
        RejectedSchema(
            "a map type inside a union",
            schemaJSON([
                field("ITEM_ID", "string"), #"{"name": "TAGS", "type": ["null", {"type": "map", "values": "string"}]}"#,
            ]),
            #"Field "TAGS" has the complex type map, which Personalize does not support; use a string with values separated by '|'"#
        ),
        RejectedSchema(
            "an enum type",
            schemaJSON([#"{"name": "SIZE", "type": {"type": "enum", "name": "Size", "symbols": ["S", "M"]}}"#]),
            #"Field "SIZE" has the Avro type enum, which Personalize does not support; use string, int, long, float, double or boolean"#
        ),
        RejectedSchema(
            "a bytes type",
            schemaJSON([field("BLOB", "bytes")]),
            #"Field "BLOB" has the Avro type bytes, which Personalize does not support; use string, int, long, float, double or boolean"#
        ),
        RejectedSchema(
            "an unknown type",
            schemaJSON([field("RELEASED", "date")]),
            #"Field "RELEASED" has unknown type "date"; use string, int, long, float, double or boolean"#
        ),
        RejectedSchema(
            "a null type",
            schemaJSON([field("NOTHING", "null")]),
            #"Field "NOTHING" has type null; give it a non-null type, or ["null", T] to make it optional"#
        ),
        RejectedSchema(
            "a union of two non-null types",
            schemaJSON([#"{"name": "PRICE", "type": ["null", "string", "float"]}"#]),
            #"Field "PRICE" has a union of more than one non-null type (string, float); a field may only combine one type with "null""#
        ),
        RejectedSchema(
            "a union with null twice",
            schemaJSON([#"{"name": "PRICE", "type": ["null", "float", "null"]}"#]),
            #"Field "PRICE" lists "null" more than once in its union"#
        ),
        RejectedSchema(
            "a union of only null",
            schemaJSON([#"{"name": "PRICE", "type": ["null"]}"#]),
            #"Field "PRICE" has a union with no non-null type"#
        ),
        RejectedSchema(
            "a nested union",
            schemaJSON([#"{"name": "PRICE", "type": ["null", ["float"]]}"#]),
            #"Field "PRICE" has a union nested inside a union, which Avro does not allow"#
        ),
        RejectedSchema(
            "names that collide after normalisation",
            schemaJSON([field("ITEM_ID", "string"), field("GENRES_FIELD_1", "int"), field("GenresField1", "int")]),
            #"Field names "GENRES_FIELD_1" and "GenresField1" collide: names must be unique after removing non-alphanumeric characters and ignoring case"#
        ),
        RejectedSchema(
            "a repeated name",
            schemaJSON([field("ITEM_ID", "string"), field("ITEM_ID", "string")]),
            #"Field "ITEM_ID" is declared more than once"#
        ),
        RejectedSchema(
            "categorical on an int",
            schemaJSON([field("ITEM_ID", "string"), field("RATING", "int", #""categorical": true"#)]),
            #"Field "RATING" is of type int; only string fields can be categorical"#
        ),
        RejectedSchema(
            "textual on a long",
            schemaJSON([field("ITEM_ID", "string"), nullableField("VIEWS", "long", #""textual": true"#)]),
            #"Field "VIEWS" is of type long; only string fields can be textual"#
        ),
        RejectedSchema(
            "both categorical and textual",
            schemaJSON([field("ITEM_ID", "string"), field("BLURB", "string", #""categorical": true, "textual": true"#)]
            ),
            #"Field "BLURB" cannot be both categorical and textual"#
        ),
        RejectedSchema(
            "itemName on a number",
            schemaJSON([field("ITEM_ID", "string"), field("NUMBER", "int", #""itemName": true"#)]),
            #"Field "NUMBER" is of type int; only a string field can be the item name"#
        ),
        RejectedSchema(
            "a non-boolean categorical attribute",
            schemaJSON([field("ITEM_ID", "string"), field("GENRES", "string", #""categorical": "true""#)]),
            #"Field "GENRES" attribute "categorical" must be true or false, found a string"#
        ),
        RejectedSchema(
            "TIMESTAMP that is not a long",
            schemaJSON([field("USER_ID", "string"), field("ITEM_ID", "string"), field("TIMESTAMP", "string")]),
            #"Field "TIMESTAMP" must be of type long"#
        ),
        RejectedSchema(
            "an int TIMESTAMP",
            schemaJSON([field("USER_ID", "string"), field("ITEM_ID", "string"), field("TIMESTAMP", "int")]),
            #"Field "TIMESTAMP" must be of type long"#
        ),
        RejectedSchema(
            "a nullable USER_ID",
            schemaJSON([nullableField("USER_ID", "string"), field("AGE", "int")]),
            #"Field "USER_ID" must be of type string and cannot be null"#
        ),
        RejectedSchema(
            "a numeric ITEM_ID",
            schemaJSON([field("ITEM_ID", "long"), field("AGE", "int")]),
            #"Field "ITEM_ID" must be of type string"#
        ),
        RejectedSchema(
            "a categorical EVENT_TYPE",
            schemaJSON([field("USER_ID", "string"), field("EVENT_TYPE", "string", #""categorical": true"#)]),
            #"Field "EVENT_TYPE" is reserved and cannot be categorical"#
        ),
        RejectedSchema(
            "a string EVENT_VALUE",
            schemaJSON([field("USER_ID", "string"), nullableField("EVENT_VALUE", "string")]),
            #"Field "EVENT_VALUE" must be of type float or double"#
        ),
        RejectedSchema(
            "a numeric IMPRESSION",
            schemaJSON([field("USER_ID", "string"), nullableField("IMPRESSION", "int")]),
            #"Field "IMPRESSION" must be of type string"#
        ),
        RejectedSchema(
            "a categorical RECOMMENDATION_ID",
            schemaJSON([
                field("USER_ID", "string"), nullableField("RECOMMENDATION_ID", "string", #""categorical": true"#),
            ]),
            #"Field "RECOMMENDATION_ID" is reserved and cannot be categorical"#
        ),
        RejectedSchema(
            "a double CREATION_TIMESTAMP",
            schemaJSON([field("ITEM_ID", "string"), field("CREATION_TIMESTAMP", "double")]),
            #"Field "CREATION_TIMESTAMP" must be of type long"#
        ),
    ]

    @Test("rejects schemas that break a general rule", arguments: rejected)
    func rejects(_ testCase: RejectedSchema) {
        let error = #expect(throws: SchemaError.self) {
            try SchemaValidator.parse(testCase.json, domain: nil)
        }
        #expect(error?.message == testCase.message)
    }

    @Test("rejects a schema longer than 20,000 characters")
    func tooLarge() {
        let fields = (0..<600).map { field("FIELD_\($0)", "string", #""categorical": true"#) }
        let json = schemaJSON(fields)
        let error = #expect(throws: SchemaError.self) {
            try SchemaValidator.parse(json, domain: nil)
        }
        #expect(
            error?.message == "Schema is \(json.utf16.count) characters long; the maximum length is 20,000 characters")
        #expect(json.utf16.count > 20_000)
    }

    @Test("rejects an unknown domain")
    func unknownDomain() {
        let error = #expect(throws: SchemaError.self) {
            try SchemaValidator.parse(movieLensInteractions, domain: "RETAIL")
        }
        #expect(error?.message == #"Unsupported domain "RETAIL"; expected ECOMMERCE or VIDEO_ON_DEMAND"#)
    }

    @Test(
        "normalises names to lower-case letters and digits",
        arguments: [
            ("GENRES_FIELD_1", "genresfield1"), ("Event-Type", "eventtype"), ("__x__", "x"), ("ABC123", "abc123"),
        ]
    )
    func normalization(name: String, normalized: String) {
        #expect(SchemaValidator.normalizedName(name) == normalized)
    }
}
