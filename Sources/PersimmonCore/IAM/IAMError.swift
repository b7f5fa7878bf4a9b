/// An error of the IAM, STS, Organizations or CloudTrail APIs, with the code and HTTP status AWS uses.
///
/// `message` is always safe to show to the caller. Rendered once, at the HTTP edge, in the API's wire form
/// (`<ErrorResponse>` XML for IAM and STS, `{"__type": …}` JSON for Organizations and CloudTrail).
package struct IAMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The wire error code and its HTTP status.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The error code on the wire (`NoSuchEntity`, `AccountNotFoundException`, …).
        package let name: String
        /// The HTTP status AWS answers with.
        package let status: Int

        private init(_ name: String, _ status: Int) {
            self.name = name
            self.status = status
        }

        // IAM (botocore's model gives each code and status).
        package static let noSuchEntity = Code("NoSuchEntity", 404)
        package static let entityAlreadyExists = Code("EntityAlreadyExists", 409)
        package static let deleteConflict = Code("DeleteConflict", 409)
        package static let limitExceeded = Code("LimitExceeded", 409)
        package static let invalidInput = Code("InvalidInput", 400)
        package static let malformedPolicyDocument = Code("MalformedPolicyDocument", 400)
        package static let policyNotAttachable = Code("PolicyNotAttachable", 400)
        package static let passwordPolicyViolation = Code("PasswordPolicyViolation", 400)
        package static let concurrentModification = Code("ConcurrentModification", 409)
        /// A request parameter broke a constraint (pattern, length, enum); AWS's query APIs answer this.
        package static let validationError = Code("ValidationError", 400)
        package static let serviceFailure = Code("ServiceFailure", 500)

        // Organizations (awsJson1_1).
        package static let accountNotFound = Code("AccountNotFoundException", 400)
        package static let accountAlreadyClosed = Code("AccountAlreadyClosedException", 400)
        package static let createAccountStatusNotFound = Code("CreateAccountStatusNotFoundException", 400)
        package static let organizationsInvalidInput = Code("InvalidInputException", 400)
        package static let constraintViolation = Code("ConstraintViolationException", 400)

        // CloudTrail (awsJson1_1).
        package static let invalidLookupAttributes = Code("InvalidLookupAttributesException", 400)
        package static let invalidTimeRange = Code("InvalidTimeRangeException", 400)
        package static let invalidMaxResults = Code("InvalidMaxResultsException", 400)
        package static let invalidNextToken = Code("InvalidNextTokenException", 400)
        package static let invalidEventCategory = Code("InvalidEventCategoryException", 400)

        package var description: String { name }
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.name): \(message)" }
}

extension IAMError {
    static func noSuchUser(_ name: String) -> IAMError {
        IAMError(.noSuchEntity, "The user with name \(name) cannot be found.")
    }

    static func noSuchGroup(_ name: String) -> IAMError {
        IAMError(.noSuchEntity, "The group with name \(name) cannot be found.")
    }

    static func noSuchPolicy(_ arn: String) -> IAMError {
        IAMError(.noSuchEntity, "Policy \(arn) does not exist or is not attachable.")
    }

    /// `1 validation error detected: Value 'x' at 'userName' failed to satisfy constraint: …`, AWS's wording.
    static func validation(_ member: String, _ value: String, _ constraint: String) -> IAMError {
        IAMError(
            .validationError,
            "1 validation error detected: Value '\(value)' at '\(member)' failed to satisfy constraint: \(constraint)"
        )
    }

    static func quota(_ name: String, _ limit: Int) -> IAMError {
        IAMError(.limitExceeded, "Cannot exceed quota for \(name): \(limit)")
    }
}
