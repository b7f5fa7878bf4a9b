/// The type of one dataset field, as far as filters care.
package enum FilterFieldType: Sendable, Hashable, CustomStringConvertible {
    /// A `string` field with `"categorical": true`; values may hold several `|`-separated categories.
    case categorical
    /// A plain `string` field (`ITEM_ID`, `USER_ID`, `EVENT_TYPE`, non-categorical metadata).
    case string
    case int
    case long
    case float
    case double
    /// Not filterable (AWS: use a string field with "True"/"False" or an int field with 0/1).
    case boolean
    /// A `string` field with `"textual": true`; not filterable.
    case textual

    /// Maps an Avro field type (the non-null branch of a union) and the schema's `categorical` /
    /// `textual` flags; `nil` for a type filters do not know.
    package init?(avroType: String, categorical: Bool = false, textual: Bool = false) {
        switch avroType {
        case "string": self = textual ? .textual : (categorical ? .categorical : .string)
        case "int": self = .int
        case "long": self = .long
        case "float": self = .float
        case "double": self = .double
        case "boolean": self = .boolean
        default: return nil
        }
    }

    /// `int`, `long`, `float` or `double`.
    package var isNumeric: Bool {
        switch self {
        case .int, .long, .float, .double: true
        case .categorical, .string, .boolean, .textual: false
        }
    }

    /// `categorical` or `string`: matched with IN, NOT IN, `=` and `!=` against quoted strings.
    package var isString: Bool {
        switch self {
        case .categorical, .string: true
        case .int, .long, .float, .double, .boolean, .textual: false
        }
    }

    /// The description with its indefinite article: `an int`, `a double`.
    var withArticle: String { self == .int ? "an int" : "a \(self)" }

    package var description: String {
        switch self {
        case .categorical: "categorical string"
        case .string: "string"
        case .int: "int"
        case .long: "long"
        case .float: "float"
        case .double: "double"
        case .boolean: "boolean"
        case .textual: "textual"
        }
    }
}

/// The dataset group's schemas as filters see them: per dataset, field name → type. A `nil` dataset
/// does not exist in the dataset group. Field names match case-insensitively.
package struct FilterSchemas: Sendable, Hashable {
    package var items: [String: FilterFieldType]?
    package var users: [String: FilterFieldType]?
    package var interactions: [String: FilterFieldType]?

    package init(
        items: [String: FilterFieldType]? = nil, users: [String: FilterFieldType]? = nil,
        interactions: [String: FilterFieldType]? = nil
    ) {
        self.items = items
        self.users = users
        self.interactions = interactions
    }

    package func fields(of dataset: FilterDataset) -> [String: FilterFieldType]? {
        switch dataset {
        case .items: items
        case .users: users
        case .interactions: interactions
        }
    }

    /// The type of `field` (case-insensitive) in `dataset`, or `nil`.
    func type(of field: String, in dataset: FilterDataset) -> FilterFieldType? {
        guard let fields = fields(of: dataset) else { return nil }
        if let type = fields[field] { return type }
        let key = asciiUppercased(field)
        for (name, type) in fields where asciiUppercased(name) == key { return type }
        return nil
    }
}

/// How a placeholder's `filterValues` entry is read.
enum ParameterKind: Sendable, Hashable {
    /// A comma-separated list of quoted strings (IN, `=` on a string field).
    case strings
    /// One number (a comparison on a numeric field).
    case number
}

/// A condition with its field resolved against the schemas.
struct ResolvedCondition: Sendable {
    var condition: FilterCondition
    /// The upper-cased field name: the key into `FilterIndex` and `CurrentUserAttributes`.
    var key: String
    var type: FilterFieldType
    /// For a `CurrentItem.F` operand: `F` upper-cased.
    var currentItemKey: String?
}

struct ResolvedClause: Sendable {
    var clause: FilterClause
    var disjuncts: [[ResolvedCondition]]
    var guards: [ResolvedCondition]
}

struct ResolvedFilter: Sendable {
    var clauses: [ResolvedClause]
    var parameterKinds: [String: ParameterKind]
}

extension FilterExpression {
    /// Checks the expression against the dataset group's schemas: every dataset exists, every field
    /// exists and is neither textual nor boolean, and every operator fits its field's type.
    ///
    /// - Throws: ``FilterError`` with code `.schema`, naming the position of the offending field,
    ///   operator or value.
    package func check(against schemas: FilterSchemas) throws(FilterError) {
        _ = try resolve(against: schemas)
    }

    func resolve(against schemas: FilterSchemas) throws(FilterError) -> ResolvedFilter {
        var kinds: [String: ParameterKind] = [:]
        var resolvedClauses: [ResolvedClause] = []
        for clause in clauses {
            var disjuncts: [[ResolvedCondition]] = []
            for group in clause.disjuncts {
                var resolvedGroup: [ResolvedCondition] = []
                for condition in group {
                    resolvedGroup.append(try resolveCondition(condition, schemas, &kinds))
                }
                disjuncts.append(resolvedGroup)
            }
            var guards: [ResolvedCondition] = []
            for condition in clause.guards {
                guards.append(try resolveCondition(condition, schemas, &kinds))
            }
            resolvedClauses.append(ResolvedClause(clause: clause, disjuncts: disjuncts, guards: guards))
        }
        return ResolvedFilter(clauses: resolvedClauses, parameterKinds: kinds)
    }
}

private func resolveCondition(
    _ condition: FilterCondition, _ schemas: FilterSchemas, _ kinds: inout [String: ParameterKind]
) throws(FilterError) -> ResolvedCondition {
    let dataset = condition.subject.dataset
    let reference = condition.reference
    guard schemas.fields(of: dataset) != nil else {
        throw .expression(
            .schema, at: condition.position,
            condition.subject == .currentUser
                ? "IF CurrentUser needs a Users dataset, and the dataset group has none"
                : "the dataset group has no \(dataset) dataset")
    }
    if condition.isEventType {
        // Every interaction has an event type (PutEvents requires one), whether or not the schema
        // declares the column.
        return ResolvedCondition(condition: condition, key: "EVENT_TYPE", type: .string)
    }
    let type = try filterableType(reference, condition.field, dataset, schemas, at: condition.position)
    var resolved = ResolvedCondition(condition: condition, key: asciiUppercased(condition.field), type: type)

    func requireString(_ keyword: String) throws(FilterError) {
        guard type.isString else {
            throw .expression(
                .schema, at: condition.operatorPosition,
                "\(keyword) needs a string field, but \(reference) is \(type.withArticle) field")
        }
    }
    func note(_ name: String, _ kind: ParameterKind) throws(FilterError) {
        if let existing = kinds[name], existing != kind {
            throw .expression(
                .schema, at: condition.operandPosition,
                "$\(name) is used both as a list of strings and as a number")
        }
        kinds[name] = kind
    }

    switch condition.predicate {
    case .notIn:
        try requireString("NOT IN")
    case .isIn(let operand):
        try requireString("IN")
        switch operand {
        case .parameter(let name):
            try note(name, .strings)
        case .currentItem(let field):
            resolved.currentItemKey = try resolveCurrentItem(field, matching: type, of: reference, condition, schemas)
        case .strings, .number:
            break
        }
    case .compare(let comparison, let operand):
        if type.isNumeric {
            switch operand {
            case .number:
                break
            case .parameter(let name):
                try note(name, .number)
            case .currentItem(let field):
                resolved.currentItemKey = try resolveCurrentItem(
                    field, matching: type, of: reference, condition, schemas)
            case .strings(let values):
                throw .expression(
                    .schema, at: condition.operandPosition,
                    "\(reference) is \(type.withArticle) field; compare it with a number, found string \(quoted(values[0]))"
                )
            }
        } else {
            guard !comparison.isOrdering else {
                throw .expression(
                    .schema, at: condition.operatorPosition,
                    "\"\(comparison)\" needs a numeric field, but \(reference) is \(type.withArticle) field")
            }
            switch operand {
            case .strings:
                break
            case .parameter(let name):
                guard comparison == .equal else {
                    throw .expression(
                        .schema, at: condition.operandPosition,
                        "placeholders cannot be used with != on a string field; use IN with the opposite action "
                            + "(INCLUDE or EXCLUDE)")
                }
                try note(name, .strings)
            case .currentItem(let field):
                resolved.currentItemKey = try resolveCurrentItem(
                    field, matching: type, of: reference, condition, schemas)
            case .number(let value):
                throw .expression(
                    .schema, at: condition.operandPosition,
                    "\(reference) is \(type.withArticle) field; compare it with a quoted string, found \(formatNumber(value))"
                )
            }
        }
    }
    return resolved
}

/// The type of a field that filters may use, or a `.schema` error naming `reference`.
private func filterableType(
    _ reference: String, _ field: String, _ dataset: FilterDataset, _ schemas: FilterSchemas, at position: Int
) throws(FilterError) -> FilterFieldType {
    guard let type = schemas.type(of: field, in: dataset) else {
        throw .expression(.schema, at: position, "\(reference) is not a field of the \(dataset) dataset schema")
    }
    switch type {
    case .textual:
        throw .expression(
            .schema, at: position, "\(reference) is a textual field; textual fields cannot be used in filters")
    case .boolean:
        throw .expression(
            .schema, at: position,
            "\(reference) is a boolean field; boolean fields cannot be used in filters "
                + "(use a string field with \"True\"/\"False\" or an int field with 0/1)")
    case .categorical, .string, .int, .long, .float, .double:
        return type
    }
}

/// Resolves `CurrentItem.field` and checks it has the same kind (string or numeric) as `type`.
private func resolveCurrentItem(
    _ field: String, matching type: FilterFieldType, of reference: String, _ condition: FilterCondition,
    _ schemas: FilterSchemas
) throws(FilterError) -> String {
    let itemReference = "CurrentItem.\(field)"
    let itemType = try filterableType(itemReference, field, .items, schemas, at: condition.operandPosition)
    guard itemType.isNumeric == type.isNumeric else {
        throw .expression(
            .schema, at: condition.operandPosition,
            "\(itemReference) is \(itemType.withArticle) field, but \(reference) is \(type.withArticle) field")
    }
    return asciiUppercased(field)
}
