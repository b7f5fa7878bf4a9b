import PersimmonCatalog
import Testing

/// Builds a Personalize schema document from raw field JSON snippets.
func schemaJSON(name: String = "Schema", _ fields: [String]) -> String {
    """
    {
      "type": "record",
      "name": "\(name)",
      "namespace": "com.amazonaws.personalize.schema",
      "fields": [
        \(fields.joined(separator: ",\n    "))
      ],
      "version": "1.0"
    }
    """
}

/// `{"name": NAME, "type": "TYPE"}` plus optional attributes.
func field(_ name: String, _ type: String, _ attributes: String = "") -> String {
    let extra = attributes.isEmpty ? "" : ", \(attributes)"
    return #"{"name": "\#(name)", "type": "\#(type)"\#(extra)}"#
}

/// `{"name": NAME, "type": ["null", "TYPE"]}` plus optional attributes.
func nullableField(_ name: String, _ type: String, _ attributes: String = "") -> String {
    let extra = attributes.isEmpty ? "" : ", \(attributes)"
    return #"{"name": "\#(name)", "type": ["null", "\#(type)"]\#(extra)}"#
}

/// `count` numeric metadata fields named `M1`, `M2`, ...
func metadataFields(_ count: Int) -> [String] {
    (0..<count).map { field("M\($0 + 1)", "int") }
}

/// The interactions schema for MovieLens ml-latest-small `ratings.csv` (the rating kept as the event type).
let movieLensInteractions = schemaJSON(
    name: "Interactions",
    [
        field("USER_ID", "string"),
        field("ITEM_ID", "string"),
        field("TIMESTAMP", "long"),
        field("EVENT_TYPE", "string"),
    ]
)

/// The items schema for MovieLens ml-latest-small `movies.csv`.
let movieLensItems = schemaJSON(
    name: "Items",
    [
        field("ITEM_ID", "string"),
        field("GENRES", "string", #""categorical": true"#),
    ]
)

/// A case whose parse (or validation) must fail with exactly this message.
struct RejectedSchema: Sendable, CustomTestStringConvertible {
    var label: String
    var json: String
    var message: String
    var testDescription: String { label }

    init(_ label: String, _ json: String, _ message: String) {
        self.label = label
        self.json = json
        self.message = message
    }
}
