import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a handler knows about the request it serves. Built by the HTTP layer after authentication.
package struct OperationContext: Sendable {
    /// The account whose resources the request acts on.
    package var account: AccountID
    package var principal: Principal
    /// The API operation's wire name (`CreateDatasetGroup`), used in error messages and the audit trail.
    package var operation: String
    package var requestID: String
    /// The region the server serves; it appears in every ARN.
    package var region: String
    /// The request's logger, already carrying `request.id`, `aws.operation` and `aws.account_id`.
    package var logger: Logger
    /// The time the request was received.
    package var now: Date

    package init(
        account: AccountID, principal: Principal, operation: String, requestID: String, region: String, logger: Logger,
        now: Date
    ) {
        self.account = account
        self.principal = principal
        self.operation = operation
        self.requestID = requestID
        self.region = region
        self.logger = logger
        self.now = now
    }
}
