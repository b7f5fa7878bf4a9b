/// Why a filter expression, a set of `filterValues` or a filter request was rejected.
///
/// `message` is safe to return to the client verbatim (it becomes the `InvalidInputException` message of
/// `CreateFilter`, `GetRecommendations`, …). It quotes only the caller's own expression and values.
/// Expression errors read `Invalid filter expression at position 23: expected …, found "LIKE"`, where the
/// position is the 1-based offset, in Unicode scalars, of the offending token.
package struct FilterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failure family. Every code maps to `InvalidInputException` on the wire; the split exists for
    /// tests and logs.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case syntax
            case limitExceeded
            case schema
            case filterValues
            case request
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The expression does not follow the grammar or breaks a structural rule (mixed datasets, IF
        /// placement, placeholders with NOT IN, …).
        package static let syntax = Code(.syntax)
        /// The expression is longer than 2,500 characters or uses too many distinct dataset fields.
        package static let limitExceeded = Code(.limitExceeded)
        /// The expression does not fit the dataset group's schemas (unknown, textual or boolean field,
        /// wrong operator for the field's type).
        package static let schema = Code(.schema)
        /// The request's `filterValues` are malformed, too many, or miss a parameter an INCLUDE needs.
        package static let filterValues = Code(.filterValues)
        /// The filter cannot be applied to this request (a `CurrentItem` filter without an item, a
        /// UserID filter used for item recommendations, …).
        package static let request = Code(.request)

        package var description: String { base.rawValue }
    }

    package var code: Code
    /// The 1-based position (in Unicode scalars) that the message names, when it names one.
    package var position: Int?
    package var message: String

    package init(code: Code, position: Int?, message: String) {
        self.code = code
        self.position = position
        self.message = message
    }

    package var description: String { message }

    /// An expression error at a position: `Invalid filter expression at position N: detail`.
    static func expression(_ code: Code, at position: Int, _ detail: String) -> FilterError {
        FilterError(
            code: code, position: position, message: "Invalid filter expression at position \(position): \(detail)")
    }

    /// A `filterValues` error: `Invalid filter values: detail`.
    static func values(_ detail: String) -> FilterError {
        FilterError(code: .filterValues, position: nil, message: "Invalid filter values: \(detail)")
    }

    /// A request error: `Invalid filter request: detail`.
    static func request(_ detail: String) -> FilterError {
        FilterError(code: .request, position: nil, message: "Invalid filter request: \(detail)")
    }
}
