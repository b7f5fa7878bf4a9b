/// One result row, copied out of the driver so that it can cross tasks and be decoded by shared code.
package struct SQLRow: Sendable, Hashable {
    package var columns: [String]
    package var values: [SQLValue]

    package init(columns: [String], values: [SQLValue]) {
        precondition(columns.count == values.count)
        self.columns = columns
        self.values = values
    }

    package subscript(column: String) -> SQLValue? {
        guard let index = self.columns.firstIndex(of: column) else { return nil }
        return self.values[index]
    }

    package func int64(_ column: String) throws(SQLDecodingError) -> Int64 {
        guard case .integer(let value) = try self.value(column) else { throw self.mismatch(column, "integer") }
        return value
    }

    package func int64OrNil(_ column: String) throws(SQLDecodingError) -> Int64? {
        switch try self.value(column) {
        case .null: return nil
        case .integer(let value): return value
        default: throw self.mismatch(column, "integer or null")
        }
    }

    package func text(_ column: String) throws(SQLDecodingError) -> String {
        guard case .text(let value) = try self.value(column) else { throw self.mismatch(column, "text") }
        return value
    }

    package func textOrNil(_ column: String) throws(SQLDecodingError) -> String? {
        switch try self.value(column) {
        case .null: return nil
        case .text(let value): return value
        default: throw self.mismatch(column, "text or null")
        }
    }

    package func bytes(_ column: String) throws(SQLDecodingError) -> [UInt8] {
        guard case .blob(let value) = try self.value(column) else { throw self.mismatch(column, "blob") }
        return value
    }

    /// Decodes a `RawRepresentable` stored as its raw text, e.g. a status enum.
    package func enumeration<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws(SQLDecodingError)
        -> T
    where T.RawValue == String {
        let raw = try self.text(column)
        guard let value = T(rawValue: raw) else { throw SQLDecodingError(column: column, expected: "\(T.self)") }
        return value
    }

    private func value(_ column: String) throws(SQLDecodingError) -> SQLValue {
        guard let value = self[column] else { throw SQLDecodingError(column: column, expected: "a column") }
        return value
    }

    private func mismatch(_ column: String, _ expected: String) -> SQLDecodingError {
        SQLDecodingError(column: column, expected: expected)
    }
}

/// A row did not have the shape the store expected (schema drift or a bug). Always mapped to an internal error.
package struct SQLDecodingError: Error, Sendable, CustomStringConvertible {
    package var column: String
    package var expected: String
    package var description: String { "column \(self.column) is not \(self.expected)" }
}
