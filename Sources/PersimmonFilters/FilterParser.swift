// A recursive-descent parser over `FilterLexer` tokens with one token of lookahead. Every error names
// the position of the offending token, what was expected there and what was found.

extension FilterExpression {
    /// Parses a filter expression with the default limits (2,500 characters, 5 distinct fields).
    ///
    /// - Throws: ``FilterError`` with code `.syntax` or `.limitExceeded`; its message names the
    ///   1-based position and what was expected, e.g. `Invalid filter expression at position 22:
    ///   expected IN, NOT IN or a comparison after Items.GENRE, found "LIKE"`.
    package static func parse(_ text: String) throws(FilterError) -> FilterExpression {
        try parse(text, limits: .default)
    }

    /// Parses a filter expression with explicit limits.
    package static func parse(_ text: String, limits: FilterLimits) throws(FilterError) -> FilterExpression {
        let bytes = Array(text.utf8)
        let length = text.unicodeScalars.count
        if length > limits.maximumLength {
            throw .expression(
                .limitExceeded, at: limits.maximumLength + 1,
                "the expression is \(length) characters long; the maximum is \(limits.maximumLength)")
        }
        var parser = try FilterParser(bytes: bytes)
        let clauses = try parser.parseFilter()
        var fields: [String] = []
        for (key, position) in parser.fieldReferences where !fields.contains(key) {
            fields.append(key)
            if fields.count > limits.maximumDistinctFields {
                throw .expression(
                    .limitExceeded, at: position,
                    "a filter can use at most \(limits.maximumDistinctFields) distinct dataset fields; "
                        + "\(key) is field number \(fields.count)")
            }
        }
        return FilterExpression(
            text: text, clauses: clauses, target: clauses[0].target, placeholders: parser.placeholders,
            fields: fields)
    }
}

struct FilterParser {
    private var lexer: FilterLexer
    private var token: FilterToken
    /// Placeholder names in order of first appearance.
    private(set) var placeholders: [String] = []
    /// `Dataset.FIELD` keys (field upper-cased) with the position of each mention, in source order.
    private(set) var fieldReferences: [(key: String, position: Int)] = []

    init(bytes: [UInt8]) throws(FilterError) {
        lexer = FilterLexer(bytes: bytes)
        token = FilterToken(kind: .end, start: 0, end: 0)
        token = try lexer.next()
    }

    // MARK: Grammar

    mutating func parseFilter() throws(FilterError) -> [FilterClause] {
        var clauses = [try parseClause(previous: nil)]
        while token.kind == .pipe {
            try advance()
            clauses.append(try parseClause(previous: clauses[0].target))
        }
        // parseClause only returns in front of "|" or the end.
        return clauses
    }

    /// `INCLUDE|EXCLUDE ItemID|UserID WHERE cond ((AND|OR) cond)* [IF guard (AND guard)*]`.
    private mutating func parseClause(previous target: FilterTarget?) throws(FilterError) -> FilterClause {
        let clausePosition = position(token)
        let action: FilterAction
        if isWord("INCLUDE") {
            action = .include
        } else if isWord("EXCLUDE") {
            action = .exclude
        } else {
            throw unexpected(target == nil ? "expected INCLUDE or EXCLUDE" : "expected INCLUDE or EXCLUDE after \"|\"")
        }
        let actionText = "\(action)"
        try advance()

        let clauseTarget: FilterTarget
        if isWord("ItemID") {
            clauseTarget = .itemID
        } else if isWord("UserID") {
            clauseTarget = .userID
        } else {
            throw unexpected("expected ItemID or UserID after \(actionText)")
        }
        if let target, target != clauseTarget {
            throw error(
                at: token,
                "every expression of a filter must select the same kind; the first selects \(target), "
                    + "this one \(clauseTarget)")
        }
        try advance()

        guard isWord("WHERE") else { throw unexpected("expected WHERE after \(clauseTarget)") }
        try advance()

        let first = try parseCondition(after: "WHERE", target: clauseTarget, dataset: nil)
        var disjuncts: [[FilterCondition]] = [[first]]
        while true {
            if isWord("AND") {
                try advance()
                let condition = try parseCondition(after: "AND", target: clauseTarget, dataset: first.subject)
                disjuncts[disjuncts.count - 1].append(condition)
            } else if isWord("OR") {
                try advance()
                disjuncts.append([try parseCondition(after: "OR", target: clauseTarget, dataset: first.subject)])
            } else {
                break
            }
        }

        var guards: [FilterCondition] = []
        if isWord("IF") {
            guard clauseTarget == .itemID else {
                throw error(at: token, "IF CurrentUser can only be used in ItemID expressions")
            }
            try advance()
            guards.append(try parseGuard(after: "IF"))
            while true {
                if isWord("AND") {
                    try advance()
                    guards.append(try parseGuard(after: "AND"))
                } else if isWord("OR") {
                    throw error(at: token, "IF conditions can only be joined with AND, found \"OR\"")
                } else if isWord("IF") {
                    throw error(at: token, "an expression can have only one IF clause")
                } else {
                    break
                }
            }
            guard isEndOfClause else {
                throw unexpected("expected AND, \"|\" or end of expression after the IF condition")
            }
        } else {
            guard isEndOfClause else {
                throw unexpected(
                    clauseTarget == .itemID
                        ? "expected AND, OR, IF, \"|\" or end of expression after the condition"
                        : "expected AND, OR, \"|\" or end of expression after the condition")
            }
        }
        return FilterClause(
            action: action, target: clauseTarget, disjuncts: disjuncts, guards: guards, position: clausePosition)
    }

    /// `Items|Users|Interactions . FIELD predicate`, checked against the clause's target and the dataset
    /// of its first condition.
    private mutating func parseCondition(
        after keyword: String, target: FilterTarget, dataset: FilterSubject?
    ) throws(FilterError) -> FilterCondition {
        let subjectToken = token
        let subject: FilterSubject
        if isWord("Items") {
            subject = .items
        } else if isWord("Users") {
            subject = .users
        } else if isWord("Interactions") {
            subject = .interactions
        } else if isWord("CurrentUser") {
            throw error(at: token, "CurrentUser can only be used in an IF clause at the end of the expression")
        } else if isWord("CurrentItem") {
            throw error(at: token, "CurrentItem can only be used as a value, e.g. Items.GENRE IN CurrentItem.GENRE")
        } else {
            throw unexpected("expected Items.FIELD, Users.FIELD or Interactions.FIELD after \(keyword)")
        }
        switch (target, subject) {
        case (.itemID, .users):
            throw error(
                at: subjectToken,
                "Users fields cannot be used in an ItemID expression; use IF CurrentUser.FIELD to test the user")
        case (.userID, .items):
            throw error(at: subjectToken, "Items fields cannot be used in a UserID expression")
        default:
            break
        }
        if let dataset, dataset != subject {
            throw error(
                at: subjectToken,
                "\(subject) fields cannot be combined with \(dataset) fields in one expression; "
                    + "chain a second expression with \"|\"")
        }
        try advance()
        let (field, fieldToken) = try parseFieldName(after: "\(subject)")
        let reference = "\(subject).\(field)"
        let isEventType = subject == .interactions && asciiUppercased(field) == "EVENT_TYPE"
        if subject == .interactions && !isEventType {
            throw error(at: fieldToken, "only EVENT_TYPE can be used from the Interactions dataset, found \(reference)")
        }
        noteField(subject.dataset, field, position(subjectToken))
        let (predicate, operatorPosition, operandPosition) = try parsePredicate(
            reference: reference, allowsStar: isEventType, allowsCurrentItem: subject == .items && target == .itemID,
            currentItemRule: subject == .items
                ? "CurrentItem can only be used in ItemID expressions"
                : "CurrentItem can only be compared with Items fields")
        if isEventType, case .compare = predicate {
            throw .expression(
                .syntax, at: operatorPosition, "Interactions.EVENT_TYPE can only be used with IN or NOT IN")
        }
        return FilterCondition(
            subject: subject, field: field, predicate: predicate, position: position(subjectToken),
            operatorPosition: operatorPosition, operandPosition: operandPosition)
    }

    /// `CurrentUser . FIELD predicate`.
    private mutating func parseGuard(after keyword: String) throws(FilterError) -> FilterCondition {
        let subjectToken = token
        guard isWord("CurrentUser") else { throw unexpected("expected CurrentUser.FIELD after \(keyword)") }
        try advance()
        let (field, _) = try parseFieldName(after: "CurrentUser")
        noteField(.users, field, position(subjectToken))
        let (predicate, operatorPosition, operandPosition) = try parsePredicate(
            reference: "CurrentUser.\(field)", allowsStar: false, allowsCurrentItem: false,
            currentItemRule: "CurrentItem cannot be used in an IF clause")
        return FilterCondition(
            subject: .currentUser, field: field, predicate: predicate, position: position(subjectToken),
            operatorPosition: operatorPosition, operandPosition: operandPosition)
    }

    /// `. FIELD` after a subject keyword.
    private mutating func parseFieldName(after subject: String) throws(FilterError) -> (String, FilterToken) {
        guard token.kind == .dot else { throw unexpected("expected \".\" after \(subject)") }
        try advance()
        guard token.kind == .word else { throw unexpected("expected a field name after \"\(subject).\"") }
        let fieldToken = token
        let field = text(of: token)
        try advance()
        return (field, fieldToken)
    }

    /// `IN list`, `IN CurrentItem.F`, `NOT IN list` or `op operand`. Returns the predicate and the
    /// positions of its operator and operand.
    private mutating func parsePredicate(
        reference: String, allowsStar: Bool, allowsCurrentItem: Bool, currentItemRule: String
    ) throws(FilterError) -> (FilterPredicate, Int, Int) {
        let operatorPosition = position(token)
        if isWord("NOT") {
            try advance()
            guard isWord("IN") else { throw unexpected("expected IN after NOT") }
            try advance()
            let operandPosition = position(token)
            let list = try parseList(after: "NOT IN", allowsStar: allowsStar, allowsParameter: false)
            guard case .strings(let values) = list else { fatalError("parseList returned a parameter") }
            return (.notIn(values), operatorPosition, operandPosition)
        }
        if isWord("IN") {
            try advance()
            let operandPosition = position(token)
            if isWord("CurrentItem") {
                let operand = try parseCurrentItem(allowed: allowsCurrentItem, rule: currentItemRule)
                return (.isIn(operand), operatorPosition, operandPosition)
            }
            let list = try parseList(after: "IN", allowsStar: allowsStar, allowsParameter: true)
            return (.isIn(list), operatorPosition, operandPosition)
        }
        guard case .comparison(let comparison) = token.kind else {
            throw unexpected("expected IN, NOT IN or a comparison after \(reference)")
        }
        try advance()
        let operandPosition = position(token)
        let operand: FilterOperand
        switch token.kind {
        case .number(let value):
            operand = .number(value)
        case .parameter(let name):
            operand = .parameter(name)
            notePlaceholder(name)
        case .string(let value) where !comparison.isOrdering:
            operand = .strings([value])
        case .word where isWord("CurrentItem"):
            return (
                .compare(comparison, try parseCurrentItem(allowed: allowsCurrentItem, rule: currentItemRule)),
                operatorPosition, operandPosition
            )
        default:
            throw unexpected(
                comparison.isOrdering
                    ? "expected a number or a $parameter after \"\(comparison)\""
                    : "expected a number, a quoted string or a $parameter after \"\(comparison)\"")
        }
        try advance()
        return (.compare(comparison, operand), operatorPosition, operandPosition)
    }

    /// `( "a", "b", … )` or `( $P )`.
    private mutating func parseList(
        after keyword: String, allowsStar: Bool, allowsParameter: Bool
    ) throws(FilterError) -> FilterOperand {
        guard token.kind == .leftParenthesis else { throw unexpected("expected \"(\" after \(keyword)") }
        try advance()
        if case .parameter(let name) = token.kind {
            guard allowsParameter else {
                throw error(
                    at: token,
                    "placeholders cannot be used with NOT IN; use IN with the opposite action (INCLUDE or EXCLUDE)")
            }
            notePlaceholder(name)
            try advance()
            if token.kind == .comma {
                throw error(at: token, "a $parameter must be the only value in its IN list")
            }
            guard token.kind == .rightParenthesis else { throw unexpected("expected \")\" after $\(name)") }
            try advance()
            return .parameter(name)
        }
        var values: [String] = []
        while true {
            switch token.kind {
            case .string(let value):
                if value == "*" && !allowsStar {
                    throw error(at: token, "\"*\" can only be used in Interactions.EVENT_TYPE lists")
                }
                values.append(value)
            case .parameter:
                throw error(at: token, "a $parameter must be the only value in its IN list")
            default:
                throw unexpected(
                    values.isEmpty
                        ? (allowsParameter
                            ? "expected a quoted string or a $parameter in the \(keyword) list"
                            : "expected a quoted string in the \(keyword) list")
                        : "expected a quoted string after \",\"")
            }
            try advance()
            if token.kind == .comma {
                try advance()
                continue
            }
            guard token.kind == .rightParenthesis else {
                throw unexpected("expected \",\" or \")\" in the \(keyword) list")
            }
            try advance()
            return .strings(values)
        }
    }

    /// `CurrentItem . FIELD` (the current token is `CurrentItem`).
    private mutating func parseCurrentItem(allowed: Bool, rule: String) throws(FilterError) -> FilterOperand {
        guard allowed else { throw error(at: token, rule) }
        let itemToken = token
        try advance()
        let (field, _) = try parseFieldName(after: "CurrentItem")
        noteField(.items, field, position(itemToken))
        return .currentItem(field)
    }

    // MARK: Tokens

    private mutating func advance() throws(FilterError) {
        token = try lexer.next()
    }

    private var isEndOfClause: Bool { token.kind == .pipe || token.kind == .end }

    /// Whether the current token is the word `keyword`, compared ASCII case-insensitively.
    private func isWord(_ keyword: StaticString) -> Bool {
        guard token.kind == .word, token.end - token.start == keyword.utf8CodeUnitCount else { return false }
        let pointer = keyword.utf8Start
        for index in 0..<keyword.utf8CodeUnitCount
        where lexer.bytes[token.start + index] | 0x20 != pointer[index] | 0x20 {
            return false
        }
        return true
    }

    private func text(of token: FilterToken) -> String {
        String(decoding: lexer.bytes[token.start..<token.end], as: UTF8.self)
    }

    private func position(_ token: FilterToken) -> Int {
        lexer.position(of: token.start)
    }

    private mutating func notePlaceholder(_ name: String) {
        if !placeholders.contains(name) { placeholders.append(name) }
    }

    private mutating func noteField(_ dataset: FilterDataset, _ field: String, _ position: Int) {
        fieldReferences.append((key: "\(dataset).\(asciiUppercased(field))", position: position))
    }

    // MARK: Errors

    private func error(at token: FilterToken, _ detail: String) -> FilterError {
        .expression(.syntax, at: position(token), detail)
    }

    /// `expected …, found <current token>` at the current token.
    private func unexpected(_ expectation: String) -> FilterError {
        error(at: token, "\(expectation), found \(describe(token))")
    }

    private func describe(_ token: FilterToken) -> String {
        switch token.kind {
        case .end:
            return "end of expression"
        case .string(let value):
            return "string " + quoted(truncated(value))
        default:
            return "\"" + truncated(text(of: token)) + "\""
        }
    }
}

/// At most 30 Unicode scalars, then `…`.
private func truncated(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard scalars.count > 30 else { return text }
    var out = String.UnicodeScalarView()
    out.append(contentsOf: scalars.prefix(30))
    return String(out) + "…"
}
