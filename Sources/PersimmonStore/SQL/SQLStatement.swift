/// The two SQL dialects Persimmon speaks. Statements are written once (``SQLStatement``); the few differences
/// between the dialects are named fragments, such as ``SQLStatement/claimLocking``.
package enum SQLDialect: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    /// The placeholder for the `index`th (1-based) bound value: `?1` for SQLite, `$1` for PostgreSQL.
    ///
    /// SQLite's `?NNN` form lets a statement use one value twice, as PostgreSQL's `$n` does.
    package func placeholder(_ index: Int) -> String {
        switch self {
        case .sqlite: "?\(index)"
        case .postgres: "$\(index)"
        }
    }

}

/// A value bound to a statement placeholder. Times are epoch-millisecond integers; documents are text.
package enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

/// One SQL statement with its bound values, written once for both dialects.
///
/// Build it with string interpolation; every interpolated value becomes a placeholder, never SQL text:
///
/// ```swift
/// let statement: SQLStatement = "SELECT name FROM accounts WHERE id = \(account.rawValue)"
/// statement.sql(for: .postgres)  // "SELECT name FROM accounts WHERE id = $1"
/// statement.sql(for: .sqlite)    // "SELECT name FROM accounts WHERE id = ?1"
/// ```
///
/// Trusted SQL (column lists, a dialect's clause) goes in with `\(raw: …)`; a value list with `\(list: …)`;
/// another statement with `\(statement)`, whose values are renumbered.
package struct SQLStatement: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    fileprivate enum Fragment: Sendable, Hashable {
        case sql(String)
        /// A trusted fragment that differs by dialect.
        case dialectSQL(postgres: String, sqlite: String)
        /// The index (0-based) of a value in `values`.
        case value(Int)
    }

    private var fragments: [Fragment]
    /// The bound values, in placeholder order.
    package private(set) var values: [SQLValue]

    package init(stringLiteral value: String) {
        self.fragments = [.sql(value)]
        self.values = []
    }

    package init(stringInterpolation: StringInterpolation) {
        self.fragments = stringInterpolation.fragments
        self.values = stringInterpolation.values
    }

    /// The statement's text with placeholders for `dialect`.
    package func sql(for dialect: SQLDialect) -> String {
        var text = ""
        for fragment in self.fragments {
            switch fragment {
            case .sql(let sql): text += sql
            case .dialectSQL(let postgres, let sqlite): text += dialect == .postgres ? postgres : sqlite
            case .value(let index): text += dialect.placeholder(index + 1)
            }
        }
        return text
    }

    /// Appends another statement, renumbering its values after this one's.
    package mutating func append(_ other: SQLStatement) {
        self = "\(self)\(other)"
    }

    /// The PostgreSQL text; values are not printed (they may be secrets).
    package var description: String { self.sql(for: .postgres) }

    package struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var fragments: [Fragment] = []
        fileprivate var values: [SQLValue] = []

        package init(literalCapacity: Int, interpolationCount: Int) {
            self.fragments.reserveCapacity(interpolationCount * 2 + 1)
        }

        package mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { self.fragments.append(.sql(literal)) }
        }

        package mutating func appendInterpolation(_ value: SQLValue) {
            self.fragments.append(.value(self.values.count))
            self.values.append(value)
        }

        package mutating func appendInterpolation(_ value: String) { self.appendInterpolation(SQLValue.text(value)) }
        package mutating func appendInterpolation(_ value: String?) {
            self.appendInterpolation(value.map(SQLValue.text) ?? .null)
        }
        package mutating func appendInterpolation(_ value: Int64) { self.appendInterpolation(SQLValue.integer(value)) }
        package mutating func appendInterpolation(_ value: Int64?) {
            self.appendInterpolation(value.map(SQLValue.integer) ?? .null)
        }
        package mutating func appendInterpolation(_ value: Int) {
            self.appendInterpolation(SQLValue.integer(Int64(value)))
        }
        package mutating func appendInterpolation(_ value: [UInt8]) { self.appendInterpolation(SQLValue.blob(value)) }

        /// A comma-separated list of placeholders, e.g. for `IN (…)`. The list must not be empty.
        package mutating func appendInterpolation(list values: [String]) {
            precondition(!values.isEmpty, "an SQL value list must not be empty")
            for (offset, value) in values.enumerated() {
                if offset > 0 { self.fragments.append(.sql(", ")) }
                self.appendInterpolation(value)
            }
        }

        /// Trusted SQL text, inserted verbatim. Never pass user input here.
        package mutating func appendInterpolation(raw sql: String) {
            self.fragments.append(.sql(sql))
        }

        /// Trusted SQL text that differs by dialect.
        package mutating func appendInterpolation(postgres: String, sqlite: String) {
            self.fragments.append(.dialectSQL(postgres: postgres, sqlite: sqlite))
        }

        /// Another statement; its values are renumbered.
        package mutating func appendInterpolation(_ statement: SQLStatement) {
            let offset = self.values.count
            for fragment in statement.fragments {
                switch fragment {
                case .value(let index): self.fragments.append(.value(index + offset))
                default: self.fragments.append(fragment)
                }
            }
            self.values += statement.values
        }
    }
}

// MARK: - Dialect differences, by name

extension SQLStatement {
    /// Ends the row-picking subquery of a job claim.
    ///
    /// PostgreSQL: concurrent claimers skip rows another transaction holds instead of queueing behind it.
    /// SQLite: nothing, because a write transaction already excludes every other writer.
    package static let claimLocking: SQLStatement = "\(postgres: " FOR UPDATE SKIP LOCKED", sqlite: "")"
}
