/// An error raised by the domain layer, rendered to the wire exactly once at the HTTP edge.
///
/// `message` is always safe to show to clients. `underlying` is never rendered; it is only for logs.
package struct ServiceError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The AWS error code family. Each code renders as one modelled exception name.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case resourceNotFound = "ResourceNotFoundException"
            case resourceAlreadyExists = "ResourceAlreadyExistsException"
            case resourceInUse = "ResourceInUseException"
            case invalidInput = "InvalidInputException"
            case invalidNextToken = "InvalidNextTokenException"
            case limitExceeded = "LimitExceededException"
            case tooManyTags = "TooManyTagsException"
            case tooManyTagKeys = "TooManyTagKeysException"
            case accessDenied = "AccessDeniedException"
            case unsupportedOperation = "UnsupportedOperation"
            case internalFailure = "InternalFailure"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        package static let resourceNotFound = Code(.resourceNotFound)
        package static let resourceAlreadyExists = Code(.resourceAlreadyExists)
        package static let resourceInUse = Code(.resourceInUse)
        package static let invalidInput = Code(.invalidInput)
        package static let invalidNextToken = Code(.invalidNextToken)
        package static let limitExceeded = Code(.limitExceeded)
        package static let tooManyTags = Code(.tooManyTags)
        package static let tooManyTagKeys = Code(.tooManyTagKeys)
        package static let accessDenied = Code(.accessDenied)
        /// An operation that exists in AWS's model but that Persimmon does not serve yet.
        package static let unsupportedOperation = Code(.unsupportedOperation)
        package static let internalFailure = Code(.internalFailure)

        /// The AWS exception name (`__type`) this code renders as.
        package var awsName: String { base.rawValue }
        package var description: String { base.rawValue }
    }

    package var code: Code
    package var message: String
    package var underlying: (any Error)?

    package init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    package var description: String { "\(code): \(message)" }
    package var debugDescription: String {
        if let underlying { return "\(code): \(message) (underlying: \(String(reflecting: underlying)))" }
        return description
    }
}

extension ServiceError {
    package static func notFound(_ what: String, _ arn: String) -> ServiceError {
        ServiceError(.resourceNotFound, "Could not find resource: \(what) with arn \(arn)")
    }

    package static func alreadyExists(_ arn: String) -> ServiceError {
        ServiceError(.resourceAlreadyExists, "Resource already exists: \(arn)")
    }

    package static func invalidInput(_ message: String) -> ServiceError {
        ServiceError(.invalidInput, message)
    }

    package static func unsupported(_ operation: String) -> ServiceError {
        ServiceError(
            .unsupportedOperation,
            "The operation \(operation) is not supported by Persimmon yet. See docs/api-coverage.md for what is available."
        )
    }
}
