import PersimmonCore

/// The few primitives a SQL backend provides. Every query of the stores is written once, in ``SQLStorage``, on
/// top of these.
package protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }

    /// Runs one read-only statement and returns its rows.
    func read(_ statement: SQLStatement) async throws -> [SQLRow]

    /// Runs the statements in order inside one write transaction and returns each statement's rows
    /// (`RETURNING …`). Either all of them take effect or none does.
    func write(_ statements: [SQLStatement]) async throws -> [[SQLRow]]

    /// Whether `error`, thrown by this database, is a violation of a unique or primary-key constraint.
    func isUniqueViolation(_ error: any Error) -> Bool

    /// Runs read-only statements in one transaction that sees a single consistent snapshot of the database, and
    /// returns each statement's rows.
    func readSnapshot(_ statements: [SQLStatement]) async throws -> [[SQLRow]]

    /// Runs `guardStatement` and then `statements` in one write transaction, but only if the guard returned at least
    /// one row: otherwise the transaction is rolled back and the result is nil. Returns the guard's rows followed by
    /// each statement's rows.
    ///
    /// This is the compare-and-set primitive: the guard is typically an `UPDATE … WHERE version = <expected>
    /// RETURNING …`, so that nothing is written when someone else committed first.
    func write(guardedBy guardStatement: SQLStatement, _ statements: [SQLStatement]) async throws -> [[SQLRow]]?
}

extension SQLDatabase {
    /// Runs one statement in its own write transaction and returns its rows.
    package func write(_ statement: SQLStatement) async throws -> [SQLRow] {
        try await self.write([statement])[0]
    }

    /// Runs `body`, turning anything but a `ServiceError` or a cancellation into an opaque internal failure.
    ///
    /// A driver error never reaches a caller raw: its text can name tables, constraints or values.
    /// `onUniqueViolation` names the error a duplicate key becomes.
    package func mappingErrors<T>(
        onUniqueViolation: @autoclosure () -> ServiceError? = nil,
        _ body: () async throws -> T
    ) async throws -> T {
        do {
            return try await body()
        } catch let error as ServiceError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            if self.isUniqueViolation(error), let mapped = onUniqueViolation() {
                throw mapped
            }
            throw ServiceError(.internalFailure, "internal storage error", underlying: error)
        }
    }
}

/// A migration: one ordered SQL script, embedded in the binary (see `Generated/Migrations.swift`).
package struct Migration: Sendable, Hashable {
    /// Orders migrations and identifies them in `schema_migrations`.
    package var version: Int
    package var name: String
    package var sql: String

    package init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The migrations for `dialect`, in version order.
    package static func all(for dialect: SQLDialect) -> [Migration] {
        switch dialect {
        case .sqlite: EmbeddedMigrations.sqlite
        case .postgres: EmbeddedMigrations.postgres
        }
    }
}

/// Splits an SQL script into statements at top-level semicolons.
///
/// Understands `'…'` strings, `"…"` identifiers, `--` and `/* */` comments and `$tag$…$tag$` bodies, which is
/// what our migrations use. Needed for PostgreSQL, whose extended protocol takes one statement at a time.
package func splitSQLScript(_ script: String) -> [String] {
    var statements: [String] = []
    var current: [UInt8] = []
    let bytes = Array(script.utf8)
    var index = 0

    func flush() {
        let text = String(decoding: current, as: UTF8.self)
        if text.contains(where: { !$0.isWhitespace }) && !isOnlyComments(text) {
            statements.append(text.trimmingSQLWhitespace())
        }
        current.removeAll(keepingCapacity: true)
    }

    while index < bytes.count {
        let byte = bytes[index]
        let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
        switch byte {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            var end = index + 1
            while end < bytes.count {
                if bytes[end] == byte {
                    if end + 1 < bytes.count && bytes[end + 1] == byte {
                        end += 2
                        continue
                    }
                    break
                }
                end += 1
            }
            let stop = min(end + 1, bytes.count)
            current += bytes[index..<stop]
            index = stop
        case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
            var end = index
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            current += bytes[index..<end]
            index = end
        case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
            var end = index + 2
            while end + 1 < bytes.count && !(bytes[end] == UInt8(ascii: "*") && bytes[end + 1] == UInt8(ascii: "/")) {
                end += 1
            }
            let stop = min(end + 2, bytes.count)
            current += bytes[index..<stop]
            index = stop
        case UInt8(ascii: "$"):
            // A dollar-quote tag: $$ or $identifier$.
            var tagEnd = index + 1
            while tagEnd < bytes.count
                && (bytes[tagEnd] == UInt8(ascii: "_")
                    || (bytes[tagEnd] | 0x20 >= UInt8(ascii: "a") && bytes[tagEnd] | 0x20 <= UInt8(ascii: "z")))
            {
                tagEnd += 1
            }
            guard tagEnd < bytes.count, bytes[tagEnd] == UInt8(ascii: "$") else {
                current.append(byte)
                index += 1
                continue
            }
            let tag = Array(bytes[index...tagEnd])
            var end = tagEnd + 1
            while end + tag.count <= bytes.count && !bytes[end..<(end + tag.count)].elementsEqual(tag) { end += 1 }
            let stop = min(end + tag.count, bytes.count)
            current += bytes[index..<stop]
            index = stop
        case UInt8(ascii: ";"):
            flush()
            index += 1
        default:
            current.append(byte)
            index += 1
        }
    }
    flush()
    return statements
}

private func isOnlyComments(_ text: String) -> Bool {
    text.split(separator: "\n").allSatisfy { line in
        let trimmed = line.drop(while: { $0.isWhitespace })
        return trimmed.isEmpty || trimmed.hasPrefix("--")
    }
}

extension String {
    fileprivate func trimmingSQLWhitespace() -> String {
        let scalars = self.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}
