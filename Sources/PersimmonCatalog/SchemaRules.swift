/// The domains a schema or dataset group can have.
enum SchemaDomain: String {
    case ecommerce = "ECOMMERCE"
    case videoOnDemand = "VIDEO_ON_DEMAND"

    /// `nil` for no domain; throws for a value that is not a known domain.
    init?(validating domain: String?) throws(SchemaError) {
        guard let domain else { return nil }
        guard let known = SchemaDomain(rawValue: domain) else {
            throw SchemaError("Unsupported domain \"\(domain)\"; expected ECOMMERCE or VIDEO_ON_DEMAND")
        }
        self = known
    }
}

/// What a required or reserved field must look like.
struct FieldRule {
    enum Attribute {
        case forbidden
        case allowed
        case required
    }

    var name: String
    /// Allowed non-null types; the first is named in messages when there is only one.
    var types: [FieldType]
    var nullable: Bool
    var categorical: Attribute = .allowed
    var textual: Attribute = .allowed
    /// Whether the field counts towards the dataset's metadata limits. Identity, time and
    /// event fields do not; the domain-specific item and user attributes do.
    var isMetadata = false

    func check(_ field: SchemaField) throws(SchemaError) {
        guard types.contains(field.type) else {
            throw SchemaError("Field \"\(name)\" must be of type \(typeList)")
        }
        if field.nullable, !nullable {
            throw SchemaError("Field \"\(name)\" must be of type \(typeList) and cannot be null")
        }
        switch (categorical, field.categorical) {
        case (.forbidden, true):
            throw SchemaError("Field \"\(name)\" is reserved and cannot be categorical")
        case (.required, false):
            throw SchemaError("Field \"\(name)\" must be categorical (\"categorical\": true)")
        default:
            break
        }
        switch (textual, field.textual) {
        case (.forbidden, true):
            throw SchemaError("Field \"\(name)\" is reserved and cannot be textual")
        case (.required, false):
            throw SchemaError("Field \"\(name)\" must be textual (\"textual\": true)")
        default:
            break
        }
    }

    private var typeList: String {
        let names = types.map(\.rawValue)
        guard let last = names.last, names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + last
    }

    // MARK: Rules shared by every dataset type

    static func id(_ name: String) -> FieldRule {
        FieldRule(name: name, types: [.string], nullable: false, categorical: .forbidden, textual: .forbidden)
    }

    static let timestamp = FieldRule(name: "TIMESTAMP", types: [.long], nullable: false)

    static func creationTimestamp(domain: SchemaDomain?, required: Bool = false) -> FieldRule {
        // The ECOMMERCE Items page documents CREATION_TIMESTAMP as float; accept both readings there.
        let types: [FieldType] = domain == .ecommerce ? [.long, .float, .double] : [.long]
        return FieldRule(name: "CREATION_TIMESTAMP", types: types, nullable: !required)
    }

    static let eventType = FieldRule(
        name: "EVENT_TYPE",
        types: [.string],
        nullable: true,
        categorical: .forbidden,
        textual: .forbidden
    )

    static let eventValue = FieldRule(name: "EVENT_VALUE", types: [.float, .double], nullable: true)

    static func reservedString(_ name: String) -> FieldRule {
        FieldRule(name: name, types: [.string], nullable: true, categorical: .forbidden, textual: .forbidden)
    }

    /// The rule for a name that is reserved with the same meaning wherever it appears.
    static func general(named name: String, domain: SchemaDomain?) -> FieldRule? {
        switch name {
        case "USER_ID", "ITEM_ID", "ACTION_ID": id(name)
        case "TIMESTAMP": timestamp
        case "CREATION_TIMESTAMP": creationTimestamp(domain: domain)
        case "EVENT_TYPE": eventType
        case "EVENT_VALUE": eventValue
        case "IMPRESSION", "RECOMMENDATION_ID", "EVENT_ATTRIBUTION_SOURCE": reservedString(name)
        default: nil
        }
    }

    // MARK: Domain attributes (they count as metadata)

    static func categoricalString(_ name: String, nullable: Bool = true) -> FieldRule {
        FieldRule(name: name, types: [.string], nullable: nullable, categorical: .required, isMetadata: true)
    }

    static func textualString(_ name: String) -> FieldRule {
        FieldRule(name: name, types: [.string], nullable: true, textual: .required, isMetadata: true)
    }

    static func decimal(_ name: String, nullable: Bool = true) -> FieldRule {
        FieldRule(name: name, types: [.float, .double], nullable: nullable, isMetadata: true)
    }
}

/// The required fields, reserved keywords and metadata limits of one dataset type,
/// optionally specialised for a domain.
///
/// Limits follow the current Personalize quotas page: at most 5 metadata columns for item
/// interactions, 25 for users, 100 for items and 10 for actions, at least one for users,
/// items and actions. Action interactions have no documented metadata limit; we apply the
/// item-interactions limit.
struct DatasetSpec {
    var required: [FieldRule]
    var optional: [FieldRule]
    var minMetadata: Int
    var maxMetadata: Int

    init(kind: DatasetKind, domain: SchemaDomain?) {
        let eventReserved = [
            FieldRule.eventValue,
            .reservedString("IMPRESSION"),
            .reservedString("RECOMMENDATION_ID"),
            .reservedString("EVENT_ATTRIBUTION_SOURCE"),
        ]
        switch kind {
        case .interactions:
            let base = [FieldRule.id("USER_ID"), .id("ITEM_ID"), .timestamp]
            if domain != nil {
                // Domain use cases select events by type, so EVENT_TYPE becomes required.
                required = base + [.eventType]
                optional = eventReserved
            } else {
                required = base
                optional = [.eventType] + eventReserved
            }
            minMetadata = 0
            maxMetadata = 5

        case .users:
            required = [.id("USER_ID")]
            optional = domain == .videoOnDemand ? [.categoricalString("SUBSCRIPTION_MODEL")] : []
            minMetadata = 1
            maxMetadata = 25

        case .items:
            switch domain {
            case nil:
                required = [.id("ITEM_ID")]
                optional = [.creationTimestamp(domain: nil)]
            case .ecommerce:
                required = [
                    .id("ITEM_ID"), .decimal("PRICE", nullable: false),
                    .categoricalString("CATEGORY_L1", nullable: false),
                ]
                optional = [
                    .creationTimestamp(domain: .ecommerce),
                    .categoricalString("CATEGORY_L2"),
                    .categoricalString("CATEGORY_L3"),
                    .textualString("PRODUCT_DESCRIPTION"),
                    .categoricalString("AGE_GROUP"),
                    .categoricalString("ADULT"),
                    .categoricalString("GENDER"),
                ]
            case .videoOnDemand:
                required = [
                    .id("ITEM_ID"),
                    .creationTimestamp(domain: .videoOnDemand, required: true),
                    .categoricalString("GENRES", nullable: false),
                ]
                optional = [
                    .decimal("PRICE"),
                    .decimal("DURATION"),
                    .decimal("AVERAGE_RATING"),
                    .categoricalString("GENRE_L2"),
                    .categoricalString("GENRE_L3"),
                    .categoricalString("CONTENT_OWNER"),
                    .categoricalString("CONTENT_CLASSIFICATION"),
                    .textualString("PRODUCT_DESCRIPTION"),
                ]
            }
            minMetadata = 1
            maxMetadata = 100

        case .actions:
            required = [.id("ACTION_ID")]
            optional = [
                .creationTimestamp(domain: nil),
                FieldRule(name: "VALUE", types: [.long], nullable: true),
                FieldRule(name: "TYPE", types: [.string], nullable: true),
                // The docs use both names for the expiration keyword; accept either.
                FieldRule(name: "EXPIRATION_TIMESTAMP", types: [.long], nullable: true),
                FieldRule(name: "ACTION_EXPIRATION_TIMESTAMP", types: [.long], nullable: true),
                FieldRule(name: "REPEAT_FREQUENCY", types: [.long], nullable: true),
            ]
            minMetadata = 1
            maxMetadata = 10

        case .actionInteractions:
            required = [.id("USER_ID"), .id("ACTION_ID"), .timestamp, .eventType]
            optional = [.reservedString("IMPRESSION"), .reservedString("RECOMMENDATION_ID")]
            minMetadata = 0
            maxMetadata = 5
        }
    }
}
