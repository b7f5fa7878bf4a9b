/// Parses and validates Amazon Personalize dataset schemas (Avro records in JSON).
///
/// Two stages, matching the API:
/// - ``parse(_:domain:)`` runs at `CreateSchema`: Avro structure plus the rules that hold
///   for every Personalize schema (flat record, supported primitive types, `["null", T]`
///   unions, unique names after normalisation, attribute placement, reserved field types).
///   With a domain it also applies that domain's schema for the dataset type the schema
///   describes.
/// - ``validate(_:for:domain:)`` runs at `CreateDataset` / `UpdateDataset`: the schema
///   must fit the dataset type (required fields, reserved keywords, metadata limits).
package enum SchemaValidator {
    /// The longest schema string accepted, in UTF-16 code units (the model's `AvroSchema` max).
    package static let maxSchemaLength = 20_000

    /// Parses a schema for `CreateSchema`.
    ///
    /// - Parameters:
    ///   - json: The `schema` member of the request.
    ///   - domain: The request's `domain` (`ECOMMERCE` or `VIDEO_ON_DEMAND`), or `nil` for a
    ///     custom dataset group.
    /// - Throws: ``SchemaError`` naming the first rule the schema breaks.
    package static func parse(_ json: String, domain: String?) throws(SchemaError) -> DatasetSchema {
        let length = json.utf16.count
        guard length <= maxSchemaLength else {
            throw SchemaError("Schema is \(length) characters long; the maximum length is 20,000 characters")
        }
        let schemaDomain = try SchemaDomain(validating: domain)
        let root = try JSONParser.parse(json)
        let schema = try decodeRecord(root)
        try checkUniqueNames(schema.fields)
        try checkAttributes(schema.fields)
        try checkReservedFieldTypes(schema.fields, domain: schemaDomain)
        if let schemaDomain {
            guard let kind = inferredKind(of: schema) else {
                throw SchemaError(
                    "Schema for the \(schemaDomain.rawValue) domain must describe an Interactions, Items or Users "
                        + "dataset: name the record \"Interactions\", \"Items\" or \"Users\", or include the "
                        + "USER_ID and/or ITEM_ID fields"
                )
            }
            try validate(schema, for: kind, domain: schemaDomain)
        }
        return schema
    }

    /// Checks that a schema fits a dataset type, for `CreateDataset` and `UpdateDataset`.
    ///
    /// Re-checks the general rules too, so a hand-built ``DatasetSchema`` gets the same
    /// treatment as a parsed one.
    ///
    /// - Parameters:
    ///   - schema: A parsed schema.
    ///   - kind: The dataset type being created.
    ///   - domain: The dataset group's domain, or `nil` for a custom dataset group.
    /// - Throws: ``SchemaError`` naming the first rule the schema breaks.
    package static func validate(
        _ schema: DatasetSchema,
        for kind: DatasetKind,
        domain: String? = nil
    ) throws(SchemaError) {
        try validate(schema, for: kind, domain: SchemaDomain(validating: domain))
    }

    /// The dataset type a schema describes, judged by its record name (`Interactions`,
    /// `Items`, `Users`, `Actions`, `Action_Interactions`, compared after normalisation) or,
    /// failing that, by which ID fields it has. `nil` when neither gives an answer.
    package static func inferredKind(of schema: DatasetSchema) -> DatasetKind? {
        switch normalizedName(schema.name) {
        case "interactions", "iteminteractions": return .interactions
        case "items": return .items
        case "users": return .users
        case "actions": return .actions
        case "actioninteractions": return .actionInteractions
        default: break
        }
        let names = Set(schema.fields.map(\.name))
        switch (names.contains("USER_ID"), names.contains("ITEM_ID"), names.contains("ACTION_ID")) {
        case (true, _, true): return .actionInteractions
        case (false, _, true): return .actions
        case (true, true, false): return .interactions
        case (false, true, false): return .items
        case (true, false, false): return .users
        case (false, false, false): return nil
        }
    }

    /// A field name reduced to lower-case ASCII letters and digits. Two fields may not share
    /// a normalised name (`GENRES_FIELD_1` and `GenresField1` collide).
    package static func normalizedName(_ name: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(name.utf8.count)
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39, 0x61...0x7A: result.unicodeScalars.append(scalar)
            case 0x41...0x5A: result.unicodeScalars.append(Unicode.Scalar(UInt8(scalar.value + 0x20)))
            default: continue
            }
        }
        return result
    }

    // MARK: - Avro structure

    private static func decodeRecord(_ root: JSONValue) throws(SchemaError) -> DatasetSchema {
        guard case .object = root else {
            throw SchemaError("Schema must be a JSON object describing an Avro record, found \(root.kindName)")
        }
        switch root["type"] {
        case .string("record"):
            break
        case .none:
            throw SchemaError("Schema must declare \"type\": \"record\"")
        case .string(let other):
            throw SchemaError("Schema must be an Avro record (\"type\": \"record\"), found type \"\(other)\"")
        case .some(let other):
            throw SchemaError(
                "Schema must be an Avro record (\"type\": \"record\"), found \(other.kindName) as its type")
        }
        guard case .string(let name) = root["name"], !name.isEmpty else {
            throw SchemaError("Schema record must have a non-empty string \"name\"")
        }
        var namespace: String?
        switch root["namespace"] {
        case .none, .null: namespace = nil
        case .string(let value): namespace = value
        case .some(let other):
            throw SchemaError("Schema \"namespace\" must be a string, found \(other.kindName)")
        }
        guard case .array(let rawFields) = root["fields"] else {
            throw SchemaError("Schema record must have a \"fields\" array")
        }
        guard !rawFields.isEmpty else {
            throw SchemaError("Schema record must declare at least one field")
        }
        var fields: [SchemaField] = []
        fields.reserveCapacity(rawFields.count)
        for (offset, rawField) in rawFields.enumerated() {
            fields.append(try decodeField(rawField, position: offset + 1))
        }
        return DatasetSchema(name: name, namespace: namespace, fields: fields)
    }

    private static func decodeField(_ raw: JSONValue, position: Int) throws(SchemaError) -> SchemaField {
        guard case .object = raw else {
            throw SchemaError("Field #\(position) must be a JSON object, found \(raw.kindName)")
        }
        guard case .string(let name) = raw["name"] else {
            throw SchemaError("Field #\(position) must have a string \"name\"")
        }
        guard isValidAvroName(name) else {
            throw SchemaError(
                "Field name \"\(name)\" is not a valid Avro name: use letters, digits and underscores, "
                    + "starting with a letter or underscore"
            )
        }
        guard let typeDeclaration = raw["type"] else {
            throw SchemaError("Field \"\(name)\" must declare a \"type\"")
        }
        let (type, nullable) = try resolveType(typeDeclaration, field: name)
        return SchemaField(
            name: name,
            type: type,
            nullable: nullable,
            categorical: try flag("categorical", of: raw, field: name) ?? false,
            textual: try flag("textual", of: raw, field: name) ?? false,
            itemName: try flag("itemName", of: raw, field: name)
        )
    }

    private static func flag(_ key: String, of raw: JSONValue, field: String) throws(SchemaError) -> Bool? {
        switch raw[key] {
        case .none: return nil
        case .bool(let value): return value
        case .some(let other):
            throw SchemaError("Field \"\(field)\" attribute \"\(key)\" must be true or false, found \(other.kindName)")
        }
    }

    private static func isValidAvroName(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return false }
        func isLetterOrUnderscore(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
        guard isLetterOrUnderscore(first) else { return false }
        return name.utf8.allSatisfy { isLetterOrUnderscore($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Resolves a field's `type` to a primitive and whether it is a union with `null`.
    private static func resolveType(
        _ declaration: JSONValue,
        field: String
    ) throws(SchemaError) -> (FieldType, nullable: Bool) {
        if case .array(let members) = declaration {
            return try resolveUnion(members, field: field)
        }
        guard let type = try resolveSingleType(declaration, field: field) else {
            throw SchemaError(
                "Field \"\(field)\" has type null; give it a non-null type, or [\"null\", T] to make it optional"
            )
        }
        return (type, false)
    }

    private static func resolveUnion(
        _ members: [JSONValue],
        field: String
    ) throws(SchemaError) -> (FieldType, nullable: Bool) {
        guard !members.isEmpty else {
            throw SchemaError("Field \"\(field)\" has an empty union type")
        }
        var nullCount = 0
        var types: [FieldType] = []
        for member in members {
            if case .array = member {
                throw SchemaError("Field \"\(field)\" has a union nested inside a union, which Avro does not allow")
            }
            if let type = try resolveSingleType(member, field: field) {
                types.append(type)
            } else {
                nullCount += 1
            }
        }
        guard nullCount <= 1 else {
            throw SchemaError("Field \"\(field)\" lists \"null\" more than once in its union")
        }
        switch types.count {
        case 0:
            throw SchemaError("Field \"\(field)\" has a union with no non-null type")
        case 1:
            return (types[0], nullCount == 1)
        default:
            let listed = types.map(\.rawValue).joined(separator: ", ")
            throw SchemaError(
                "Field \"\(field)\" has a union of more than one non-null type (\(listed)); "
                    + "a field may only combine one type with \"null\""
            )
        }
    }

    /// One non-union type: a primitive name or an object `{"type": ...}`. `nil` means `null`.
    private static func resolveSingleType(_ declaration: JSONValue, field: String) throws(SchemaError) -> FieldType? {
        switch declaration {
        case .string(let name):
            return try primitive(named: name, field: field)
        case .object:
            guard case .string(let name) = declaration["type"] else {
                throw SchemaError("Field \"\(field)\" has a type object without a string \"type\"")
            }
            return try primitive(named: name, field: field)
        default:
            throw SchemaError(
                "Field \"\(field)\" has an invalid type declaration: expected a type name, "
                    + "found \(declaration.kindName)"
            )
        }
    }

    private static func primitive(named name: String, field: String) throws(SchemaError) -> FieldType? {
        if name == "null" { return nil }
        if let type = FieldType(rawValue: name) { return type }
        switch name {
        case "record":
            throw SchemaError("Field \"\(field)\" has a nested record type; Personalize schemas must be flat")
        case "array", "map":
            throw SchemaError(
                "Field \"\(field)\" has the complex type \(name), which Personalize does not support; "
                    + "use a string with values separated by '|'"
            )
        case "enum", "fixed", "bytes":
            throw SchemaError(
                "Field \"\(field)\" has the Avro type \(name), which Personalize does not support; "
                    + "use string, int, long, float, double or boolean"
            )
        default:
            throw SchemaError(
                "Field \"\(field)\" has unknown type \"\(name)\"; use string, int, long, float, double or boolean"
            )
        }
    }

    // MARK: - General rules

    private static func checkUniqueNames(_ fields: [SchemaField]) throws(SchemaError) {
        var seen: [String: String] = [:]
        for field in fields {
            let key = normalizedName(field.name)
            if let earlier = seen[key] {
                if earlier == field.name {
                    throw SchemaError("Field \"\(field.name)\" is declared more than once")
                }
                throw SchemaError(
                    "Field names \"\(earlier)\" and \"\(field.name)\" collide: names must be unique after "
                        + "removing non-alphanumeric characters and ignoring case"
                )
            }
            seen[key] = field.name
        }
    }

    private static func checkAttributes(_ fields: [SchemaField]) throws(SchemaError) {
        for field in fields {
            if field.categorical, field.type != .string {
                throw SchemaError(
                    "Field \"\(field.name)\" is of type \(field.type.rawValue); only string fields can be categorical")
            }
            if field.textual, field.type != .string {
                throw SchemaError(
                    "Field \"\(field.name)\" is of type \(field.type.rawValue); only string fields can be textual")
            }
            if field.categorical, field.textual {
                throw SchemaError("Field \"\(field.name)\" cannot be both categorical and textual")
            }
            if field.itemName == true, field.type != .string {
                throw SchemaError(
                    "Field \"\(field.name)\" is of type \(field.type.rawValue); "
                        + "only a string field can be the item name"
                )
            }
        }
    }

    /// Reserved names whose type is the same in every dataset type that uses them.
    private static func checkReservedFieldTypes(_ fields: [SchemaField], domain: SchemaDomain?) throws(SchemaError) {
        for field in fields {
            if let rule = FieldRule.general(named: field.name, domain: domain) {
                try rule.check(field)
            }
        }
    }

    // MARK: - Dataset types

    private static func validate(
        _ schema: DatasetSchema,
        for kind: DatasetKind,
        domain: SchemaDomain?
    ) throws(SchemaError) {
        if let domain, kind == .actions || kind == .actionInteractions {
            throw SchemaError(
                "\(kind.rawValue) datasets cannot be created in a domain dataset group (\(domain.rawValue)); "
                    + "use a custom dataset group"
            )
        }
        try checkUniqueNames(schema.fields)
        try checkAttributes(schema.fields)
        try checkReservedFieldTypes(schema.fields, domain: domain)

        let spec = DatasetSpec(kind: kind, domain: domain)
        let missing = spec.required.filter { schema.field(named: $0.name) == nil }.map(\.name)
        if !missing.isEmpty {
            let noun = missing.count == 1 ? "field" : "fields"
            throw SchemaError(
                "Schema for \(kind.rawValue) dataset is missing required \(noun): \(missing.joined(separator: ", "))"
            )
        }
        for rule in spec.required + spec.optional {
            if let field = schema.field(named: rule.name) {
                try rule.check(field)
            }
        }

        let nonMetadata = Set(spec.required.filter { !$0.isMetadata }.map(\.name))
            .union(spec.optional.filter { !$0.isMetadata }.map(\.name))
        let metadata = schema.fields.filter { !nonMetadata.contains($0.name) }
        if metadata.count < spec.minMetadata {
            let required = spec.required.filter { !$0.isMetadata }.map(\.name).joined(separator: ", ")
            throw SchemaError(
                "Schema for \(kind.rawValue) dataset must have at least one metadata field in addition to \(required)"
            )
        }
        if metadata.count > spec.maxMetadata {
            throw SchemaError(
                "Schema for \(kind.rawValue) dataset has \(metadata.count) metadata fields; the maximum is "
                    + "\(spec.maxMetadata) (metadata fields are those that are neither required nor reserved)"
            )
        }

        let textual = schema.fields.filter(\.textual)
        if kind != .items, let field = textual.first {
            throw SchemaError(
                "Field \"\(field.name)\" is textual, but only Items datasets support textual fields"
            )
        }
        if textual.count > 1 {
            throw SchemaError(
                "Schema for Items dataset has \(textual.count) textual fields "
                    + "(\(textual.map(\.name).joined(separator: ", "))); the maximum is 1"
            )
        }

        let itemNames = schema.fields.filter { $0.itemName == true }
        if kind != .items, let field = itemNames.first {
            throw SchemaError(
                "Field \"\(field.name)\" sets itemName, but only Items datasets can have an item name field"
            )
        }
        if itemNames.count > 1 {
            throw SchemaError(
                "Schema for Items dataset marks \(itemNames.count) fields as itemName "
                    + "(\(itemNames.map(\.name).joined(separator: ", "))); at most one field can be the item name"
            )
        }
    }
}
