import PersimmonCatalog
import Testing

@Suite struct SchemaValidatorTests {
    /// Parses without a domain, then validates for `kind` (and `domain`).
    func check(_ json: String, for kind: DatasetKind, domain: String? = nil) throws(SchemaError) {
        let schema = try SchemaValidator.parse(json, domain: nil)
        try SchemaValidator.validate(schema, for: kind, domain: domain)
    }

    @Test(
        "reads datasetType case-insensitively",
        arguments: [
            ("Interactions", DatasetKind.interactions), ("interactions", .interactions), ("ITEMS", .items),
            ("Users", .users), ("actions", .actions), ("Action_Interactions", .actionInteractions),
            ("action_interactions", .actionInteractions),
        ]
    )
    func datasetType(_ wire: String, _ kind: DatasetKind) {
        #expect(DatasetKind(datasetType: wire) == kind)
    }

    @Test("rejects unknown datasetType values", arguments: ["Interaction", "ActionInteractions", "", "items "])
    func unknownDatasetType(_ wire: String) {
        #expect(DatasetKind(datasetType: wire) == nil)
    }

    @Test("accepts schemas that use every reserved field of their dataset type")
    func fullSchemas() throws {
        try check(
            schemaJSON(
                [
                    field("USER_ID", "string"), field("ITEM_ID", "string"), field("TIMESTAMP", "long"),
                    field("EVENT_TYPE", "string"), nullableField("EVENT_VALUE", "float"),
                    nullableField("IMPRESSION", "string"),
                    nullableField("RECOMMENDATION_ID", "string"), nullableField("EVENT_ATTRIBUTION_SOURCE", "string"),
                ] + metadataFields(5)),
            for: .interactions
        )
        try check(
            schemaJSON(
                [field("USER_ID", "string"), nullableField("GENDER", "string", #""categorical": true"#)]
                    + metadataFields(24)),
            for: .users
        )
        try check(
            schemaJSON(
                [
                    field("ITEM_ID", "string"), field("CREATION_TIMESTAMP", "long"),
                    field("TITLE", "string", #""itemName": true"#),
                    nullableField("DESCRIPTION", "string", #""textual": true"#),
                ] + metadataFields(98)),
            for: .items
        )
        try check(
            schemaJSON([
                field("ACTION_ID", "string"), nullableField("VALUE", "long"), nullableField("TYPE", "string"),
                field("CREATION_TIMESTAMP", "long"), nullableField("EXPIRATION_TIMESTAMP", "long"),
                nullableField("REPEAT_FREQUENCY", "long"),
                nullableField("MEMBERSHIP_LEVEL", "string", #""categorical": true"#),
            ]),
            for: .actions
        )
        try check(
            schemaJSON([
                field("USER_ID", "string"), field("ACTION_ID", "string"), field("EVENT_TYPE", "string"),
                field("TIMESTAMP", "long"), nullableField("IMPRESSION", "string"),
            ]),
            for: .actionInteractions
        )
    }

    static let rejected: [(String, String, DatasetKind, String)] = [
        (
            "interactions without TIMESTAMP",
            schemaJSON([field("USER_ID", "string"), field("ITEM_ID", "string"), field("EVENT_TYPE", "string")]),
            .interactions,
            "Schema for Interactions dataset is missing required field: TIMESTAMP"
        ),
        (
            "interactions with only USER_ID",
            schemaJSON([field("USER_ID", "string")]),
            .interactions,
            "Schema for Interactions dataset is missing required fields: ITEM_ID, TIMESTAMP"
        ),
        (
            "interactions with six metadata fields",
            schemaJSON(
                [field("USER_ID", "string"), field("ITEM_ID", "string"), field("TIMESTAMP", "long")] + metadataFields(6)
            ),
            .interactions,
            "Schema for Interactions dataset has 6 metadata fields; the maximum is 5 "
                + "(metadata fields are those that are neither required nor reserved)"
        ),
        (
            "textual interactions metadata",
            schemaJSON([
                field("USER_ID", "string"), field("ITEM_ID", "string"), field("TIMESTAMP", "long"),
                field("NOTE", "string", #""textual": true"#),
            ]),
            .interactions,
            #"Field "NOTE" is textual, but only Items datasets support textual fields"#
        ),
        (
            "users without metadata",
            schemaJSON([field("USER_ID", "string")]),
            .users,
            "Schema for Users dataset must have at least one metadata field in addition to USER_ID"
        ),
        (
            "users with 26 metadata fields",
            schemaJSON([field("USER_ID", "string")] + metadataFields(26)),
            .users,
            "Schema for Users dataset has 26 metadata fields; the maximum is 25 "
                + "(metadata fields are those that are neither required nor reserved)"
        ),
        (
            "a textual Users field",
            schemaJSON([field("USER_ID", "string"), nullableField("BIO", "string", #""textual": true"#)]),
            .users,
            #"Field "BIO" is textual, but only Items datasets support textual fields"#
        ),
        (
            "an itemName field on Users",
            schemaJSON([field("USER_ID", "string"), field("NAME", "string", #""itemName": true"#)]),
            .users,
            #"Field "NAME" sets itemName, but only Items datasets can have an item name field"#
        ),
        (
            "items without ITEM_ID",
            schemaJSON([field("USER_ID", "string"), field("GENRES", "string", #""categorical": true"#)]),
            .items,
            "Schema for Items dataset is missing required field: ITEM_ID"
        ),
        (
            "items whose only other field is CREATION_TIMESTAMP",
            schemaJSON([field("ITEM_ID", "string"), field("CREATION_TIMESTAMP", "long")]),
            .items,
            "Schema for Items dataset must have at least one metadata field in addition to ITEM_ID"
        ),
        (
            "items with 101 metadata fields",
            schemaJSON([field("ITEM_ID", "string")] + metadataFields(101)),
            .items,
            "Schema for Items dataset has 101 metadata fields; the maximum is 100 "
                + "(metadata fields are those that are neither required nor reserved)"
        ),
        (
            "items with two textual fields",
            schemaJSON([
                field("ITEM_ID", "string"), field("SUMMARY", "string", #""textual": true"#),
                field("DESCRIPTION", "string", #""textual": true"#),
            ]),
            .items,
            "Schema for Items dataset has 2 textual fields (SUMMARY, DESCRIPTION); the maximum is 1"
        ),
        (
            "items with two itemName fields",
            schemaJSON([
                field("ITEM_ID", "string"), field("TITLE", "string", #""itemName": true"#),
                field("NAME", "string", #""itemName": true"#),
            ]),
            .items,
            "Schema for Items dataset marks 2 fields as itemName (TITLE, NAME); at most one field can be the item name"
        ),
        (
            "actions without metadata",
            schemaJSON([field("ACTION_ID", "string"), nullableField("VALUE", "long")]),
            .actions,
            "Schema for Actions dataset must have at least one metadata field in addition to ACTION_ID"
        ),
        (
            "actions with a double VALUE",
            schemaJSON([field("ACTION_ID", "string"), field("VALUE", "double"), field("LEVEL", "int")]),
            .actions,
            #"Field "VALUE" must be of type long"#
        ),
        (
            "actions with eleven metadata fields",
            schemaJSON([field("ACTION_ID", "string")] + metadataFields(11)),
            .actions,
            "Schema for Actions dataset has 11 metadata fields; the maximum is 10 "
                + "(metadata fields are those that are neither required nor reserved)"
        ),
        (
            "action interactions without EVENT_TYPE",
            schemaJSON([field("USER_ID", "string"), field("ACTION_ID", "string"), field("TIMESTAMP", "long")]),
            .actionInteractions,
            "Schema for Action_Interactions dataset is missing required field: EVENT_TYPE"
        ),
    ]

    @Test("rejects schemas that do not fit the dataset type", arguments: rejected)
    func rejects(_ label: String, _ json: String, _ kind: DatasetKind, _ message: String) throws {
        let schema = try SchemaValidator.parse(json, domain: nil)
        let error = #expect(throws: SchemaError.self, "\(label)") {
            try SchemaValidator.validate(schema, for: kind)
        }
        #expect(error?.message == message, "\(label)")
    }

    @Test("validate re-checks the general rules for hand-built schemas")
    func handBuiltSchema() {
        let schema = DatasetSchema(
            name: "Users",
            fields: [
                SchemaField(name: "USER_ID", type: .string), SchemaField(name: "AGE", type: .int, categorical: true),
            ]
        )
        let error = #expect(throws: SchemaError.self) {
            try SchemaValidator.validate(schema, for: .users)
        }
        #expect(error?.message == #"Field "AGE" is of type int; only string fields can be categorical"#)
    }

    @Test(
        "infers the dataset type from the record name or the ID fields",
        arguments: [
            (schemaJSON(name: "Interactions", [field("USER_ID", "string")]), DatasetKind?.some(.interactions)),
            (schemaJSON(name: "action-interactions", [field("USER_ID", "string")]), .actionInteractions),
            (schemaJSON(name: "Anything", [field("ITEM_ID", "string"), field("USER_ID", "string")]), .interactions),
            (schemaJSON(name: "Anything", [field("ITEM_ID", "string")]), .items),
            (schemaJSON(name: "Anything", [field("USER_ID", "string")]), .users),
            (schemaJSON(name: "Anything", [field("ACTION_ID", "string")]), .actions),
            (
                schemaJSON(name: "Anything", [field("ACTION_ID", "string"), field("USER_ID", "string")]),
                .actionInteractions
            ),
            (schemaJSON(name: "Anything", [field("OTHER", "string")]), nil),
        ]
    )
    func inference(_ json: String, _ kind: DatasetKind?) throws {
        #expect(SchemaValidator.inferredKind(of: try SchemaValidator.parse(json, domain: nil)) == kind)
    }
}

@Suite struct DomainSchemaTests {
    static let ecommerceItems = schemaJSON(
        name: "Items",
        [
            field("ITEM_ID", "string"), field("PRICE", "float"),
            #"{"name": "CATEGORY_L1", "type": ["string"], "categorical": true}"#,
        ]
    )

    static let videoItems = schemaJSON(
        name: "Items",
        [
            field("ITEM_ID", "string"), field("CREATION_TIMESTAMP", "long"),
            field("GENRES", "string", #""categorical": true"#),
            nullableField("DURATION", "float"), nullableField("PRODUCT_DESCRIPTION", "string", #""textual": true"#),
        ]
    )

    @Test("accepts the default domain schemas", arguments: ["ECOMMERCE", "VIDEO_ON_DEMAND"])
    func defaultSchemas(domain: String) throws {
        _ = try SchemaValidator.parse(movieLensInteractions, domain: domain)
        _ = try SchemaValidator.parse(
            schemaJSON(
                name: "Users",
                [field("USER_ID", "string"), field("MEMBERSHIP_STATUS", "string", #""categorical": true"#)]),
            domain: domain
        )
        _ = try SchemaValidator.parse(domain == "ECOMMERCE" ? Self.ecommerceItems : Self.videoItems, domain: domain)
    }

    static let rejected: [(String, String, String, String)] = [
        (
            "ECOMMERCE interactions without EVENT_TYPE",
            "ECOMMERCE",
            schemaJSON(
                name: "Interactions",
                [field("USER_ID", "string"), field("ITEM_ID", "string"), field("TIMESTAMP", "long")]),
            "Schema for Interactions dataset is missing required field: EVENT_TYPE"
        ),
        (
            "ECOMMERCE items without PRICE and CATEGORY_L1",
            "ECOMMERCE",
            schemaJSON(name: "Items", [field("ITEM_ID", "string"), field("COLOR", "string", #""categorical": true"#)]),
            "Schema for Items dataset is missing required fields: PRICE, CATEGORY_L1"
        ),
        (
            "ECOMMERCE items with a non-categorical CATEGORY_L1",
            "ECOMMERCE",
            schemaJSON(
                name: "Items", [field("ITEM_ID", "string"), field("PRICE", "float"), field("CATEGORY_L1", "string")]),
            #"Field "CATEGORY_L1" must be categorical ("categorical": true)"#
        ),
        (
            "ECOMMERCE items with a nullable PRICE",
            "ECOMMERCE",
            schemaJSON(
                name: "Items",
                [
                    field("ITEM_ID", "string"), nullableField("PRICE", "float"),
                    field("CATEGORY_L1", "string", #""categorical": true"#),
                ]),
            #"Field "PRICE" must be of type float or double and cannot be null"#
        ),
        (
            "ECOMMERCE items with a categorical PRODUCT_DESCRIPTION",
            "ECOMMERCE",
            schemaJSON(
                name: "Items",
                [
                    field("ITEM_ID", "string"), field("PRICE", "double"),
                    field("CATEGORY_L1", "string", #""categorical": true"#),
                    field("PRODUCT_DESCRIPTION", "string", #""categorical": true"#),
                ]),
            #"Field "PRODUCT_DESCRIPTION" must be textual ("textual": true)"#
        ),
        (
            "VIDEO_ON_DEMAND items without CREATION_TIMESTAMP",
            "VIDEO_ON_DEMAND",
            schemaJSON(
                name: "Items", [field("ITEM_ID", "string"), field("GENRES", "string", #""categorical": true"#)]),
            "Schema for Items dataset is missing required field: CREATION_TIMESTAMP"
        ),
        (
            "VIDEO_ON_DEMAND users with a non-categorical SUBSCRIPTION_MODEL",
            "VIDEO_ON_DEMAND",
            schemaJSON(name: "Users", [field("USER_ID", "string"), field("SUBSCRIPTION_MODEL", "string")]),
            #"Field "SUBSCRIPTION_MODEL" must be categorical ("categorical": true)"#
        ),
        (
            "an Actions schema in a domain",
            "ECOMMERCE",
            schemaJSON(name: "Actions", [field("ACTION_ID", "string"), field("LEVEL", "int")]),
            "Actions datasets cannot be created in a domain dataset group (ECOMMERCE); use a custom dataset group"
        ),
        (
            "a schema whose dataset type cannot be told",
            "VIDEO_ON_DEMAND",
            schemaJSON(name: "Catalogue", [field("SKU", "string")]),
            "Schema for the VIDEO_ON_DEMAND domain must describe an Interactions, Items or Users dataset: "
                + #"name the record "Interactions", "Items" or "Users", or include the USER_ID and/or ITEM_ID fields"#
        ),
    ]

    @Test("rejects schemas that break a domain's rules", arguments: rejected)
    func rejects(_ label: String, _ domain: String, _ json: String, _ message: String) {
        let error = #expect(throws: SchemaError.self, "\(label)") {
            try SchemaValidator.parse(json, domain: domain)
        }
        #expect(error?.message == message, "\(label)")
    }

    @Test("applies domain rules at CreateDataset time too")
    func validateWithDomain() throws {
        let custom = try SchemaValidator.parse(
            schemaJSON(
                name: "Items", [field("ITEM_ID", "string"), field("GENRES", "string", #""categorical": true"#)]),
            domain: nil
        )
        try SchemaValidator.validate(custom, for: .items)
        let error = #expect(throws: SchemaError.self) {
            try SchemaValidator.validate(custom, for: .items, domain: "VIDEO_ON_DEMAND")
        }
        #expect(error?.message == "Schema for Items dataset is missing required field: CREATION_TIMESTAMP")
    }

    @Test("accepts a float CREATION_TIMESTAMP only where the ECOMMERCE items page documents it")
    func ecommerceCreationTimestamp() throws {
        let json = schemaJSON(
            name: "Items",
            [
                field("ITEM_ID", "string"), field("PRICE", "float"),
                field("CATEGORY_L1", "string", #""categorical": true"#),
                field("CREATION_TIMESTAMP", "float"),
            ]
        )
        _ = try SchemaValidator.parse(json, domain: "ECOMMERCE")
        #expect(throws: SchemaError(#"Field "CREATION_TIMESTAMP" must be of type long"#)) {
            try SchemaValidator.parse(json, domain: nil)
        }
    }
}
