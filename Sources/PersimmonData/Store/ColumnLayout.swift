import PersimmonCatalog

/// How a schema field is stored in a segment. See `docs/dataset-store.md`.
package enum ColumnEncoding: UInt8, Sendable, Hashable {
    /// One `Int32` code per row into the segment's dictionary for the column; `-1` is null.
    /// Used for `USER_ID`, `ITEM_ID`, `ACTION_ID` and `EVENT_TYPE`.
    case dictionary = 1
    /// `|`-separated values: per-row `UInt32` offsets into a run of `Int32` codes into the
    /// column's dictionary, plus a validity bitmap. Used for categorical strings and `IMPRESSION`.
    case multiValued = 2
    /// `Int32` values plus a validity bitmap (`int`).
    case int32 = 3
    /// `Int64` values plus a validity bitmap (`long`, including `TIMESTAMP`).
    case int64 = 4
    /// `Float` values plus a validity bitmap (`float`).
    case float32 = 5
    /// `Double` values plus a validity bitmap (`double`).
    case float64 = 6
    /// One byte (0 or 1) per row plus a validity bitmap (`boolean`).
    case boolean = 7
    /// UTF-8 bytes with per-row `UInt32` offsets plus a validity bitmap (textual and other strings).
    case text = 8

    /// Whether the encoding has a per-column dictionary.
    var hasDictionary: Bool { self == .dictionary || self == .multiValued }

    /// The number of buffers each row group stores for a column with this encoding.
    var bufferCount: Int {
        switch self {
        case .dictionary: 1
        case .int32, .int64, .float32, .float64, .boolean: 2
        case .multiValued, .text: 3
        }
    }
}

/// How one schema field is parsed, checked and stored.
struct ColumnSpec: Sendable {
    /// Names whose values are entity IDs: dictionary-encoded, non-empty, at most the ID length limit.
    static let idFieldNames: Set<String> = ["USER_ID", "ITEM_ID", "ACTION_ID"]

    var field: SchemaField
    var encoding: ColumnEncoding
    /// For string columns: the most characters (Unicode scalars) a value may have. For
    /// multi-valued columns this bounds the whole `|`-separated value.
    var maxCharacters: Int?
    /// For multi-valued columns: the most characters of each `|`-separated element.
    var maxElementCharacters: Int?
    /// Whether an empty value is allowed (stored as null).
    var nullable: Bool { field.nullable }

    init(field: SchemaField, limits: ImportLimits) {
        self.field = field
        switch field.type {
        case .int: encoding = .int32
        case .long: encoding = .int64
        case .float: encoding = .float32
        case .double: encoding = .float64
        case .boolean: encoding = .boolean
        case .string:
            if Self.idFieldNames.contains(field.name) {
                encoding = .dictionary
                maxCharacters = limits.maxIDLength
            } else if field.name == "EVENT_TYPE" {
                encoding = .dictionary
                maxCharacters = limits.maxIDLength
            } else if field.name == "IMPRESSION" {
                encoding = .multiValued
                maxElementCharacters = limits.maxIDLength
            } else if field.categorical {
                encoding = .multiValued
                maxCharacters = limits.maxCategoricalLength
            } else if field.textual {
                encoding = .text
                maxCharacters = limits.maxTextualLength
            } else {
                encoding = .text
            }
        }
    }

    /// Rebuilds a spec from a segment's footer (for reads, where limits do not matter).
    init(field: SchemaField, encoding: ColumnEncoding) {
        self.field = field
        self.encoding = encoding
    }
}

extension FieldType {
    /// The footer code of a type (stable on disk).
    var storageCode: UInt8 {
        switch self {
        case .string: 1
        case .int: 2
        case .long: 3
        case .float: 4
        case .double: 5
        case .boolean: 6
        }
    }

    init?(storageCode: UInt8) {
        switch storageCode {
        case 1: self = .string
        case 2: self = .int
        case 3: self = .long
        case 4: self = .float
        case 5: self = .double
        case 6: self = .boolean
        default: return nil
        }
    }

    /// The name used in validation messages (`"abc" is not a long`).
    var articleName: String {
        switch self {
        case .int: "an int"
        case .long: "a long"
        case .float: "a float"
        case .double: "a double"
        case .boolean: "a boolean (true or false)"
        case .string: "a string"
        }
    }
}
