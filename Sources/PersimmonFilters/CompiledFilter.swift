// Compilation: every condition becomes a flat `Term`. Conditions with literal values are evaluated
// against the catalogue once, at compile time, into bitsets; the rest (placeholders, interactions,
// CurrentItem) are resolved per request with word-wise ORs over precomputed postings. Evaluation
// switches on a term's kind once and then runs a concrete loop (STYLE.md §3.7).

/// A filter compiled against one catalogue version: what `GetRecommendations` applies per request.
///
/// ```
/// let filter = try CompiledFilter.compile(expression, schemas: schemas, index: index)
/// let bound = try filter.bind(request.filterValues ?? [:])
/// let mask = try bound.itemMask(history: history, currentUser: user)
/// ```
///
/// The mask is `(∪ INCLUDE) − (∪ EXCLUDE)`, where the union of no INCLUDE expressions is every item.
/// Recompile when the catalogue (the ``FilterIndex``) changes.
package struct CompiledFilter: Sendable {
    package let expression: FilterExpression
    /// The index the filter was compiled against; masks range over its `count` items (or users).
    package let index: FilterIndex
    let clauses: [CompiledClause]
    /// Precomputed item sets of literal conditions, referenced by `Term.precomputed`.
    let masks: [FilterMask]
    /// `ParameterKind` of each placeholder, by slot (the order of `expression.placeholders`).
    let parameterKinds: [ParameterKind]
    /// Whether each slot is used by an INCLUDE expression (and so must be bound).
    let requiredSlots: [Bool]

    /// Distinct placeholder names (without `$`), in order of first appearance.
    package var placeholders: [String] { expression.placeholders }

    /// Checks `expression` against `schemas` and compiles it against `index`.
    ///
    /// - Throws: ``FilterError`` (`.schema`) when the expression does not fit the schemas.
    package static func compile(
        _ expression: FilterExpression, schemas: FilterSchemas, index: FilterIndex
    ) throws(FilterError) -> CompiledFilter {
        let resolved = try expression.resolve(against: schemas)
        var compiler = FilterCompiler(index: index, placeholders: expression.placeholders)
        var clauses: [CompiledClause] = []
        var required = [Bool](repeating: false, count: expression.placeholders.count)
        for clause in resolved.clauses {
            let compiled = compiler.compile(clause)
            if compiled.action == .include {
                for slot in compiled.slots { required[slot] = true }
            }
            clauses.append(compiled)
        }
        let kinds = expression.placeholders.map { resolved.parameterKinds[$0] ?? .strings }
        return CompiledFilter(
            expression: expression, index: index, clauses: clauses, masks: compiler.masks, parameterKinds: kinds,
            requiredSlots: required)
    }

    /// Reads the request's `filterValues` for this filter.
    ///
    /// INCLUDE expressions need a value for every placeholder they use. A placeholder used only by
    /// EXCLUDE expressions may be omitted (or blank): each condition using it is then removed from its
    /// expression, as if it had not been written (see `docs/filters.md`). Keys the filter does not
    /// use are ignored after validation.
    ///
    /// - Throws: ``FilterError`` (`.filterValues`) for more than 25 keys, a key that is not
    ///   `[A-Za-z0-9_]{1,50}`, a value over 1,000 characters, a malformed value, or a missing value an
    ///   INCLUDE needs.
    package func bind(_ filterValues: [String: String]) throws(FilterError) -> BoundFilter {
        try validateFilterValues(filterValues)
        var values: [BoundValue?] = []
        values.reserveCapacity(placeholders.count)
        for (slot, name) in placeholders.enumerated() {
            guard let raw = filterValues[name], !isBlank(raw) else {
                if requiredSlots[slot] {
                    throw .values("missing a value for $\(name), which an INCLUDE expression requires")
                }
                values.append(nil)
                continue
            }
            switch parameterKinds[slot] {
            case .strings: values.append(.strings(try parseStringList(raw, parameter: name)))
            case .number: values.append(.number(try parseNumber(raw, parameter: name)))
            }
        }
        return BoundFilter(filter: self, values: values)
    }

    /// Binds `filterValues` and evaluates for one user: see ``bind(_:)`` and
    /// ``BoundFilter/itemMask(history:currentUser:currentItem:)``.
    package func itemMask(
        filterValues: [String: String], history: UserHistory, currentUser: CurrentUserAttributes,
        currentItem: Int? = nil
    ) throws(FilterError) -> FilterMask {
        try bind(filterValues).itemMask(history: history, currentUser: currentUser, currentItem: currentItem)
    }
}

/// A compiled filter with its placeholders bound: apply it to one or many users (batch inference binds
/// once).
package struct BoundFilter: Sendable {
    package let filter: CompiledFilter
    let values: [BoundValue?]

    /// The items the filter lets through for one user.
    ///
    /// - Parameters:
    ///   - history: The user's recent interactions (for `Interactions.EVENT_TYPE` conditions).
    ///   - currentUser: The user's attributes (for `IF CurrentUser` clauses); ``CurrentUserAttributes/unknown``
    ///     when the user is not in the Users dataset.
    ///   - currentItem: For related-items requests, the catalogue index of the request's item; an index
    ///     outside the catalogue means an item without attributes.
    /// - Throws: ``FilterError`` (`.request`) when the filter selects users, or uses `CurrentItem` and
    ///   `currentItem` is `nil`.
    package func itemMask(
        history: UserHistory, currentUser: CurrentUserAttributes, currentItem: Int? = nil
    ) throws(FilterError) -> FilterMask {
        guard filter.expression.target == .itemID else {
            throw .request("the filter selects users (UserID) and cannot filter item recommendations")
        }
        if filter.expression.usesCurrentItem && currentItem == nil {
            throw .request(
                "the filter uses CurrentItem, so it can only be applied to related-items recommendations for an item")
        }
        let source = InteractionSource.history(history)
        return evaluate(source, currentUser: currentUser, currentItem: currentItem)
    }

    /// The users a user-segment (`UserID`) filter lets through. `index` of the compiled filter must be
    /// the Users index (``FilterIndex/build(users:)``), and `interactions` must cover the same users.
    ///
    /// - Throws: ``FilterError`` (`.request`) when the filter selects items.
    package func userMask(interactions: SegmentInteractions) throws(FilterError) -> FilterMask {
        guard filter.expression.target == .userID else {
            throw .request("the filter selects items (ItemID) and cannot filter user segments")
        }
        precondition(interactions.count == filter.index.count, "segment interactions over a different user set")
        return evaluate(.segment(interactions), currentUser: .unknown, currentItem: nil)
    }

    private func evaluate(
        _ source: InteractionSource, currentUser: CurrentUserAttributes, currentItem: Int?
    ) -> FilterMask {
        var include: FilterMask?
        var exclude: FilterMask?
        for clause in filter.clauses {
            guard guardsHold(clause, currentUser) else { continue }
            guard let mask = whereMask(clause, source, currentItem) else { continue }
            switch clause.action {
            case .include:
                if include == nil { include = mask } else { include!.formUnion(mask) }
            case .exclude:
                if exclude == nil { exclude = mask } else { exclude!.formUnion(mask) }
            }
        }
        var result = include ?? .all(count: filter.index.count)
        if let exclude { result.subtract(exclude) }
        return result
    }

    /// Whether every remaining IF condition holds (conditions with an omitted placeholder are removed).
    private func guardsHold(_ clause: CompiledClause, _ user: CurrentUserAttributes) -> Bool {
        for test in clause.guards {
            switch test.kind {
            case .anyOf(let set):
                if !user.strings(test.key).contains(where: set.contains) { return false }
            case .noneOf(let set):
                if user.strings(test.key).contains(where: set.contains) { return false }
            case .anyOfParameter(let slot):
                guard case .strings(let strings)? = values[slot] else { continue }
                let set = Set(strings)
                if !user.strings(test.key).contains(where: set.contains) { return false }
            case .compare(let comparison, let operand):
                guard let value = user.number(test.key), compare(value, comparison, operand) else { return false }
            case .compareParameter(let comparison, let slot):
                guard case .number(let operand)? = values[slot] else { continue }
                guard let value = user.number(test.key), compare(value, comparison, operand) else { return false }
            }
        }
        return true
    }

    /// OR over the conjunctions of the clause; `nil` when every condition was removed (the clause is
    /// dropped).
    private func whereMask(_ clause: CompiledClause, _ source: InteractionSource, _ currentItem: Int?) -> FilterMask? {
        var result: FilterMask?
        for group in clause.groups {
            var conjunction: FilterMask?
            for term in group {
                guard let mask = materialize(term, source, currentItem) else { continue }
                if conjunction == nil { conjunction = mask } else { conjunction!.formIntersection(mask) }
            }
            guard let conjunction else { continue }
            if result == nil { result = conjunction } else { result!.formUnion(conjunction) }
        }
        return result
    }

    /// The items (users) matching one condition, or `nil` when its placeholder was omitted.
    private func materialize(_ term: Term, _ source: InteractionSource, _ currentItem: Int?) -> FilterMask? {
        let index = filter.index
        switch term {
        case .precomputed(let slot):
            return filter.masks[slot]
        case .stringParameter(let field, let slot):
            guard case .strings(let strings)? = values[slot] else { return nil }
            return index.union(field, strings)
        case .numericParameter(let field, let comparison, let slot):
            guard case .number(let operand)? = values[slot] else { return nil }
            return index.numericMask(field, comparison, operand)
        case .currentItemStrings(let field, let itemField, let negated):
            var mask = index.emptyMask()
            if let item = currentItem, item >= 0, item < index.count, let column = index.categorical[itemField] {
                mask = index.union(field, Array(column.values(of: item)))
            }
            if negated { mask.invert() }
            return mask
        case .currentItemNumeric(let field, let comparison, let itemField):
            guard let item = currentItem, item >= 0, item < index.count, let column = index.numeric[itemField]
            else { return index.emptyMask() }
            return index.numericMask(field, comparison, column.values[item])
        case .eventTypes(let set, let negated):
            return source.mask(set, negated: negated, count: index.count)
        case .eventTypeParameter(let slot):
            guard case .strings(let strings)? = values[slot] else { return nil }
            return source.mask(EventTypeSet(strings), negated: false, count: index.count)
        }
    }
}

// MARK: - Compiled form

/// One condition, compiled.
enum Term: Sendable {
    /// A literal condition, already evaluated: `CompiledFilter.masks[slot]`.
    case precomputed(Int)
    /// `F IN ($P)` / `F = $P` on a string field.
    case stringParameter(field: String, slot: Int)
    /// `F op $P` on a numeric field.
    case numericParameter(field: String, comparison: FilterComparison, slot: Int)
    /// `F IN CurrentItem.G` / `F = CurrentItem.G` (or `!=`, negated).
    case currentItemStrings(field: String, itemField: String, negated: Bool)
    /// `F op CurrentItem.G` on numeric fields.
    case currentItemNumeric(field: String, comparison: FilterComparison, itemField: String)
    /// `Interactions.EVENT_TYPE [NOT] IN (literals)`.
    case eventTypes(EventTypeSet, negated: Bool)
    /// `Interactions.EVENT_TYPE IN ($P)`.
    case eventTypeParameter(slot: Int)

    var slot: Int? {
        switch self {
        case .stringParameter(_, let slot), .numericParameter(_, _, let slot), .eventTypeParameter(let slot): slot
        case .precomputed, .currentItemStrings, .currentItemNumeric, .eventTypes: nil
        }
    }
}

/// One compiled `IF CurrentUser` condition.
struct Guard: Sendable {
    enum Kind: Sendable {
        case anyOf(Set<String>)
        case noneOf(Set<String>)
        case anyOfParameter(slot: Int)
        case compare(FilterComparison, Double)
        case compareParameter(FilterComparison, slot: Int)
    }

    /// Upper-cased user field.
    var key: String
    var kind: Kind

    var slot: Int? {
        switch kind {
        case .anyOfParameter(let slot), .compareParameter(_, let slot): slot
        case .anyOf, .noneOf, .compare: nil
        }
    }
}

struct CompiledClause: Sendable {
    var action: FilterAction
    /// Disjunction of conjunctions.
    var groups: [[Term]]
    var guards: [Guard]

    /// Placeholder slots the clause uses.
    var slots: [Int] {
        groups.joined().compactMap(\.slot) + guards.compactMap(\.slot)
    }
}

/// Lower-cased event types, or every type (`"*"`).
struct EventTypeSet: Sendable {
    var types: Set<String>
    var includesAll: Bool

    init(_ values: [String]) {
        includesAll = values.contains("*")
        types = Set(values.map { $0.lowercased() })
    }

    func contains(_ lowercasedType: String) -> Bool {
        includesAll || types.contains(lowercasedType)
    }
}

/// Where `Interactions.EVENT_TYPE` conditions look.
enum InteractionSource {
    /// Item filters: the request user's history; the set is the items they interacted with.
    case history(UserHistory)
    /// User segments: the users who interacted.
    case segment(SegmentInteractions)

    /// `IN`: the items (users) with at least one interaction whose type is in `set`. `NOT IN`
    /// (`negated`): those with at least one interaction whose type is not in `set`.
    func mask(_ set: EventTypeSet, negated: Bool, count: Int) -> FilterMask {
        var mask = FilterMask(count: count)
        switch self {
        case .history(let history):
            for (position, type) in history.eventTypes.enumerated() where set.contains(type) != negated {
                let item = history.itemIndices[position]
                if item >= 0 && item < count { mask.insertUnchecked(item) }
            }
        case .segment(let interactions):
            if set.includesAll && !negated { return interactions.anyEvent }
            for (type, users) in interactions.byEventType where set.contains(type) != negated {
                mask.formUnion(users)
            }
        }
        return mask
    }
}

struct FilterCompiler {
    let index: FilterIndex
    let slots: [String: Int]
    private(set) var masks: [FilterMask] = []

    init(index: FilterIndex, placeholders: [String]) {
        self.index = index
        var slots: [String: Int] = [:]
        for (slot, name) in placeholders.enumerated() { slots[name] = slot }
        self.slots = slots
    }

    mutating func compile(_ clause: ResolvedClause) -> CompiledClause {
        var groups: [[Term]] = []
        for group in clause.disjuncts {
            var terms: [Term] = []
            for condition in group { terms.append(term(condition)) }
            groups.append(terms)
        }
        return CompiledClause(
            action: clause.clause.action, groups: groups, guards: clause.guards.map { compileGuard($0) })
    }

    private mutating func term(_ resolved: ResolvedCondition) -> Term {
        let condition = resolved.condition
        let field = resolved.key
        if condition.isEventType {
            switch condition.predicate {
            case .isIn(.parameter(let name)): return .eventTypeParameter(slot: slots[name]!)
            case .isIn(.strings(let values)): return .eventTypes(EventTypeSet(values), negated: false)
            case .notIn(let values): return .eventTypes(EventTypeSet(values), negated: true)
            case .isIn, .compare: preconditionFailure("the parser allows only IN and NOT IN lists on EVENT_TYPE")
            }
        }
        switch condition.predicate {
        case .notIn(let values):
            var mask = index.union(field, values)
            mask.invert()
            return precompute(mask)
        case .isIn(let operand), .compare(.equal, let operand):
            switch operand {
            case .strings(let values): return precompute(index.union(field, values))
            case .parameter(let name): return stringOrNumericParameter(resolved, .equal, slots[name]!)
            case .currentItem: return currentItemTerm(resolved, .equal)
            case .number(let value): return precompute(index.numericMask(field, .equal, value))
            }
        case .compare(let comparison, let operand):
            switch operand {
            case .strings(let values):
                // `!=` on a string field: not holding the value.
                var mask = index.union(field, values)
                mask.invert()
                return precompute(mask)
            case .parameter(let name): return stringOrNumericParameter(resolved, comparison, slots[name]!)
            case .currentItem: return currentItemTerm(resolved, comparison)
            case .number(let value): return precompute(index.numericMask(field, comparison, value))
            }
        }
    }

    private func stringOrNumericParameter(_ resolved: ResolvedCondition, _ comparison: FilterComparison, _ slot: Int)
        -> Term
    {
        resolved.type.isNumeric
            ? .numericParameter(field: resolved.key, comparison: comparison, slot: slot)
            : .stringParameter(field: resolved.key, slot: slot)
    }

    private func currentItemTerm(_ resolved: ResolvedCondition, _ comparison: FilterComparison) -> Term {
        let itemField = resolved.currentItemKey!
        if resolved.type.isNumeric {
            return .currentItemNumeric(field: resolved.key, comparison: comparison, itemField: itemField)
        }
        return .currentItemStrings(field: resolved.key, itemField: itemField, negated: comparison == .notEqual)
    }

    private mutating func precompute(_ mask: FilterMask) -> Term {
        masks.append(mask)
        return .precomputed(masks.count - 1)
    }

    private func compileGuard(_ resolved: ResolvedCondition) -> Guard {
        let key = resolved.key
        switch resolved.condition.predicate {
        case .notIn(let values):
            return Guard(key: key, kind: .noneOf(Set(values)))
        case .isIn(let operand):
            return stringGuard(key, operand)
        case .compare(.equal, let operand) where !resolved.type.isNumeric:
            return stringGuard(key, operand)
        case .compare(let comparison, let operand):
            switch operand {
            case .strings(let values): return Guard(key: key, kind: .noneOf(Set(values)))
            case .number(let value): return Guard(key: key, kind: .compare(comparison, value))
            case .parameter(let name): return Guard(key: key, kind: .compareParameter(comparison, slot: slots[name]!))
            case .currentItem: preconditionFailure("the parser rejects CurrentItem in IF clauses")
            }
        }
    }

    /// `IN (…)`, `IN ($P)`, `= "x"`, `= $P` on a string user field.
    private func stringGuard(_ key: String, _ operand: FilterOperand) -> Guard {
        switch operand {
        case .strings(let values): return Guard(key: key, kind: .anyOf(Set(values)))
        case .parameter(let name): return Guard(key: key, kind: .anyOfParameter(slot: slots[name]!))
        case .number, .currentItem: preconditionFailure("checked by resolve")
        }
    }
}

extension FilterIndex {
    /// The items holding at least one of `values` in string field `field`.
    func union(_ field: String, _ values: [String]) -> FilterMask {
        var mask = emptyMask()
        guard let column = categorical[field] else { return mask }
        for value in values {
            column.postings[value]?.add(to: &mask)
        }
        return mask
    }

    /// The items whose numeric `field` satisfies `value comparison operand`.
    func numericMask(_ field: String, _ comparison: FilterComparison, _ operand: Double) -> FilterMask {
        var mask = emptyMask()
        numeric[field]?.add(comparison, operand, to: &mask)
        return mask
    }
}

/// `value comparison operand` on numbers.
@inline(__always)
func compare(_ value: Double, _ comparison: FilterComparison, _ operand: Double) -> Bool {
    switch comparison {
    case .equal: value == operand
    case .notEqual: value != operand
    case .less: value < operand
    case .lessOrEqual: value <= operand
    case .greater: value > operand
    case .greaterOrEqual: value >= operand
    }
}
