/// A request broke a constraint of the service model: a required member is missing, or a value has the wrong length,
/// range, pattern or enum value.
///
/// `message` follows AWS's wording, so it can be sent to clients as is:
///
///     1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy
///     regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\-_]*
///
/// The values of `sensitive` members are never included in the message.
package struct APIValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The whole message, `N validation error(s) detected: ` followed by the violations joined with `; `.
    package var message: String
    /// Each violation on its own, in the order they were found (model member order, depth first).
    package var violations: [String]

    /// Creates an error from individual violations such as
    /// `Value null at 'name' failed to satisfy constraint: Member must not be null`.
    package init(violations: [String]) {
        self.violations = violations
        let count = violations.count
        let noun = count == 1 ? "error" : "errors"
        self.message = "\(count) validation \(noun) detected: " + violations.joined(separator: "; ")
    }

    package var description: String { self.message }
}

/// A request body that is not valid JSON, or whose JSON has the wrong type for a member (for example an object where
/// the model has a string).
///
/// `message` names the member and never echoes request data beyond the member's path, so it is safe to show.
package struct APISerializationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A message naming the offending member, for example
    /// `Unexpected JSON type at 'solutionConfig': expected a structure.`
    package var message: String

    package init(message: String) {
        self.message = message
    }

    package var description: String { self.message }
}
