/// A parsed Amazon Personalize dataset schema: a flat Avro record.
///
/// Produced by ``SchemaValidator/parse(_:domain:)``. Field order is the order of the
/// schema's `fields` array, which is also the column order a bulk-import CSV must use.
package struct DatasetSchema: Sendable, Equatable {
    /// The record's `name`.
    package var name: String
    /// The record's `namespace`, if it has one (usually `com.amazonaws.personalize.schema`).
    package var namespace: String?
    /// The record's fields, in declaration order.
    package var fields: [SchemaField]

    package init(name: String, namespace: String? = nil, fields: [SchemaField]) {
        self.name = name
        self.namespace = namespace
        self.fields = fields
    }

    /// The field with exactly this name, if any.
    package func field(named name: String) -> SchemaField? {
        fields.first { $0.name == name }
    }
}

/// One column of a dataset schema.
package struct SchemaField: Sendable, Equatable {
    /// The field name exactly as declared.
    package var name: String
    /// The non-null Avro type of the field.
    package var type: FieldType
    /// Whether the declared type is a union with `"null"`.
    package var nullable: Bool
    /// `"categorical": true`: a string whose `|`-separated values are categories.
    package var categorical: Bool
    /// `"textual": true`: unstructured text (Items datasets only).
    package var textual: Bool
    /// The `itemName` attribute if the schema sets it; `nil` when absent.
    package var itemName: Bool?

    package init(
        name: String,
        type: FieldType,
        nullable: Bool = false,
        categorical: Bool = false,
        textual: Bool = false,
        itemName: Bool? = nil
    ) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.categorical = categorical
        self.textual = textual
        self.itemName = itemName
    }
}

/// The Avro primitive types Personalize accepts for a field.
package enum FieldType: String, Sendable, Hashable, CaseIterable {
    case string
    case int
    case long
    case float
    case double
    case boolean

    /// Whether values of this type are numbers.
    package var isNumeric: Bool {
        switch self {
        case .int, .long, .float, .double: true
        case .string, .boolean: false
        }
    }
}

/// The five dataset types of `CreateDataset`'s `datasetType`.
package enum DatasetKind: String, Sendable, Hashable, CaseIterable {
    case interactions = "Interactions"
    case items = "Items"
    case users = "Users"
    case actions = "Actions"
    case actionInteractions = "Action_Interactions"

    /// Parses a wire `datasetType`, ignoring case (`"interactions"`, `"ACTION_INTERACTIONS"`, ...).
    package init?(datasetType: String) {
        let lowered = datasetType.lowercased()
        guard let kind = Self.allCases.first(where: { $0.rawValue.lowercased() == lowered }) else {
            return nil
        }
        self = kind
    }
}

/// A schema that Personalize would reject, with a message suitable for an
/// `InvalidInputException` body.
package struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Names the offending field (where there is one) and the rule it breaks.
    package var message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}
