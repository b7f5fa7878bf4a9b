/// A parsed Amazon Personalize filter expression: one or more INCLUDE/EXCLUDE expressions chained with
/// `|`.
///
/// Parse with ``parse(_:)``, check against the dataset group's schemas with ``check(against:)``, then
/// compile against a catalogue with ``CompiledFilter/compile(_:schemas:index:)``. The grammar, the
/// semantics and every error message are described in `docs/filters.md`.
package struct FilterExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text as the caller wrote it.
    package let text: String
    /// The `|`-separated expressions, in source order.
    package let clauses: [FilterClause]
    /// Whether the filter selects items (`ItemID`) or users (`UserID`); every clause agrees.
    package let target: FilterTarget
    /// Distinct placeholder names (without `$`), in order of first appearance. Case-sensitive.
    package let placeholders: [String]
    /// Distinct dataset fields the filter uses, as `Items.GENRE`, `Users.AGE` (for `CurrentUser.AGE`),
    /// `Interactions.EVENT_TYPE`, in order of first appearance; field names upper-cased. CreateFilter
    /// checks the per-dataset-group quota with these.
    package let fields: [String]

    init(text: String, clauses: [FilterClause], target: FilterTarget, placeholders: [String], fields: [String]) {
        self.text = text
        self.clauses = clauses
        self.target = target
        self.placeholders = placeholders
        self.fields = fields
    }

    /// Whether evaluating the filter needs the user's interaction history (an `Interactions` condition).
    package var usesInteractions: Bool {
        clauses.contains { clause in
            clause.disjuncts.contains { group in group.contains { $0.subject == .interactions } }
        }
    }

    /// Whether evaluating the filter needs the current user's attributes (an `IF CurrentUser` clause).
    package var usesCurrentUser: Bool { clauses.contains { !$0.guards.isEmpty } }

    /// Whether the filter can only be applied to a related-items request (it mentions `CurrentItem`).
    package var usesCurrentItem: Bool {
        clauses.contains { clause in
            clause.disjuncts.contains { group in group.contains { $0.predicate.operand?.isCurrentItem == true } }
        }
    }

    /// The expression in canonical form: keywords upper-case, one space between tokens, strings
    /// double-quoted. Parsing the description gives an equal ``clauses`` array.
    package var description: String { clauses.map(\.description).joined(separator: " | ") }
}

/// One expression of a filter: `INCLUDE|EXCLUDE ItemID|UserID WHERE … [IF CurrentUser… ]`.
package struct FilterClause: Sendable, Hashable, CustomStringConvertible {
    package var action: FilterAction
    package var target: FilterTarget
    /// The WHERE conditions as a disjunction of conjunctions: `AND` binds tighter than `OR`, so
    /// `a AND b OR c` is `[[a, b], [c]]`. Every condition uses the same dataset.
    package var disjuncts: [[FilterCondition]]
    /// The `IF CurrentUser.F …` conditions, joined by AND. Empty when there is no IF clause.
    package var guards: [FilterCondition]
    /// 1-based position of the INCLUDE/EXCLUDE keyword.
    package var position: Int

    /// The dataset every WHERE condition uses.
    package var dataset: FilterDataset { disjuncts[0][0].subject.dataset }

    /// Equality ignores positions, like ``FilterCondition``'s: two spellings of one filter are equal.
    package static func == (lhs: FilterClause, rhs: FilterClause) -> Bool {
        lhs.action == rhs.action && lhs.target == rhs.target && lhs.disjuncts == rhs.disjuncts
            && lhs.guards == rhs.guards
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(action)
        hasher.combine(target)
        hasher.combine(disjuncts)
        hasher.combine(guards)
    }

    package var description: String {
        var text = "\(action) \(target) WHERE "
        text += disjuncts.map { group in group.map(\.description).joined(separator: " AND ") }.joined(separator: " OR ")
        if !guards.isEmpty {
            text += " IF " + guards.map(\.description).joined(separator: " AND ")
        }
        return text
    }
}

/// `INCLUDE` keeps the matching items or users; `EXCLUDE` removes them.
package enum FilterAction: Sendable, Hashable, CustomStringConvertible {
    case include
    case exclude

    package var description: String {
        switch self {
        case .include: "INCLUDE"
        case .exclude: "EXCLUDE"
        }
    }
}

/// What a filter selects: items (recommendations) or users (user segments).
package enum FilterTarget: Sendable, Hashable, CustomStringConvertible {
    case itemID
    case userID

    package var description: String {
        switch self {
        case .itemID: "ItemID"
        case .userID: "UserID"
        }
    }
}

/// A dataset of the dataset group.
package enum FilterDataset: Sendable, Hashable, CustomStringConvertible {
    case items
    case users
    case interactions

    package var description: String {
        switch self {
        case .items: "Items"
        case .users: "Users"
        case .interactions: "Interactions"
        }
    }
}

/// The left-hand side of a condition: a dataset (`Items.F`) or, in an IF clause, `CurrentUser.F`.
package enum FilterSubject: Sendable, Hashable, CustomStringConvertible {
    case items
    case users
    case interactions
    case currentUser

    /// The dataset whose schema defines the field (`CurrentUser` fields are Users fields).
    package var dataset: FilterDataset {
        switch self {
        case .items: .items
        case .users, .currentUser: .users
        case .interactions: .interactions
        }
    }

    package var description: String {
        switch self {
        case .items: "Items"
        case .users: "Users"
        case .interactions: "Interactions"
        case .currentUser: "CurrentUser"
        }
    }
}

/// `=`, `!=`, `<`, `<=`, `>`, `>=`.
package enum FilterComparison: Sendable, Hashable, CustomStringConvertible {
    case equal
    case notEqual
    case less
    case lessOrEqual
    case greater
    case greaterOrEqual

    /// Whether the operator orders values (`<`, `<=`, `>`, `>=`): numeric fields only.
    package var isOrdering: Bool {
        switch self {
        case .equal, .notEqual: false
        case .less, .lessOrEqual, .greater, .greaterOrEqual: true
        }
    }

    package var description: String {
        switch self {
        case .equal: "="
        case .notEqual: "!="
        case .less: "<"
        case .lessOrEqual: "<="
        case .greater: ">"
        case .greaterOrEqual: ">="
        }
    }
}

/// The right-hand side of a condition.
package enum FilterOperand: Sendable, Hashable, CustomStringConvertible {
    /// Quoted strings: an IN list, or the one string of `= "x"`.
    case strings([String])
    /// A numeric literal.
    case number(Double)
    /// `$NAME`, bound from `filterValues` at request time (name without `$`).
    case parameter(String)
    /// `CurrentItem.FIELD`: the value of the request's item (related-items recommendations).
    case currentItem(String)

    var isCurrentItem: Bool {
        if case .currentItem = self { true } else { false }
    }

    package var description: String {
        switch self {
        case .strings(let values): values.map(quoted).joined(separator: ", ")
        case .number(let value): formatNumber(value)
        case .parameter(let name): "$" + name
        case .currentItem(let field): "CurrentItem." + field
        }
    }
}

/// What a condition tests.
package enum FilterPredicate: Sendable, Hashable {
    /// `IN (…)`, `IN ($P)` or `IN CurrentItem.F`.
    case isIn(FilterOperand)
    /// `NOT IN (…)`: literal strings only (placeholders are not allowed with NOT IN).
    case notIn([String])
    /// `op value`.
    case compare(FilterComparison, FilterOperand)

    var operand: FilterOperand? {
        switch self {
        case .isIn(let operand), .compare(_, let operand): operand
        case .notIn: nil
        }
    }
}

/// One `Subject.FIELD predicate` condition.
package struct FilterCondition: Sendable, Hashable, CustomStringConvertible {
    package var subject: FilterSubject
    /// The field name as written (matched against schemas case-insensitively).
    package var field: String
    package var predicate: FilterPredicate
    /// 1-based position of the subject keyword (`Items`, `CurrentUser`). Positions do not take part in
    /// equality.
    package var position: Int
    /// 1-based position of the operator (`IN`, `NOT`, `<=`).
    package var operatorPosition: Int
    /// 1-based position of the operand (the `(` of a list, the number, `$P`, `CurrentItem`).
    package var operandPosition: Int

    /// `Items.GENRE`, `CurrentUser.AGE`.
    package var reference: String { "\(subject).\(field)" }

    /// Whether this is `Interactions.EVENT_TYPE`.
    var isEventType: Bool { subject == .interactions && asciiUppercased(field) == "EVENT_TYPE" }

    package var description: String {
        switch predicate {
        case .isIn(let operand):
            if case .currentItem = operand { return "\(reference) IN \(operand)" }
            return "\(reference) IN (\(operand))"
        case .notIn(let values):
            return "\(reference) NOT IN (\(FilterOperand.strings(values)))"
        case .compare(let comparison, let operand):
            return "\(reference) \(comparison) \(operand)"
        }
    }

    package static func == (lhs: FilterCondition, rhs: FilterCondition) -> Bool {
        lhs.subject == rhs.subject && lhs.field == rhs.field && lhs.predicate == rhs.predicate
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(subject)
        hasher.combine(field)
        hasher.combine(predicate)
    }
}

/// Limits enforced by ``FilterExpression/parse(_:limits:)``.
package struct FilterLimits: Sendable, Hashable {
    /// Maximum expression length in Unicode scalars (the `filterExpression` member allows 2,500).
    package var maximumLength: Int
    /// Maximum number of distinct dataset fields in one filter, across chained expressions.
    package var maximumDistinctFields: Int

    package init(maximumLength: Int = 2_500, maximumDistinctFields: Int = 5) {
        self.maximumLength = maximumLength
        self.maximumDistinctFields = maximumDistinctFields
    }

    /// The quotas Persimmon enforces by default: 2,500 characters and 5 distinct fields.
    package static let `default` = FilterLimits()
}

/// `"text"` with `"` and `\` escaped by a backslash.
func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        if scalar == "\"" || scalar == "\\" { out.unicodeScalars.append("\\") }
        out.unicodeScalars.append(scalar)
    }
    return out + "\""
}

/// Integral values without a fraction (`20`, `-3`), everything else as Swift prints a `Double`.
func formatNumber(_ value: Double) -> String {
    // Checked by converting back rather than with `rounded()`/`Int64(exactly:)`, which need libm.
    if abs(value) < 1e15, Double(Int64(value)) == value { return String(Int64(value)) }
    return String(value)
}

/// ASCII upper-casing (field names and keywords are ASCII; anything else is left alone).
func asciiUppercased(_ text: String) -> String {
    var bytes = Array(text.utf8)
    for index in bytes.indices where bytes[index] >= UInt8(ascii: "a") && bytes[index] <= UInt8(ascii: "z") {
        bytes[index] -= 0x20
    }
    return String(decoding: bytes, as: UTF8.self)
}
