import PersimmonAPIModel
import PersimmonCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Operations of the operator's admin API (awsJson1_1, `X-Amz-Target: PersimmonAdmin.<Op>`, signed as `persimmon`).
package enum AdminOperation: String, Sendable, CaseIterable {
    case createAccount = "CreateAccount"
    case listAccounts = "ListAccounts"
    case closeAccount = "CloseAccount"
    /// Issues a root access key for an account (e.g. one created through Organizations, which returns no keys).
    case createRootAccessKey = "CreateRootAccessKey"
    /// Reads any account's audit trail, in CloudTrail `LookupEvents` form (`AccountId` plus its members).
    case lookupAuditEvents = "LookupAuditEvents"
    /// What a dataset holds: rows, distinct users and items, time range, event types (`DatasetStatsReport`).
    case describeDatasetStats = "DescribeDatasetStats"

    package var isReadOnly: Bool {
        self == .listAccounts || self == .lookupAuditEvents || self == .describeDatasetStats
    }
}

/// Wire shapes of the admin API. Member names follow AWS Organizations' PascalCase style.
package enum AdminShapes {
    package struct CreateAccountRequest: Codable, Sendable {
        package var Name: String
        package var Email: String?
        package init(Name: String, Email: String? = nil) {
            self.Name = Name
            self.Email = Email
        }
    }

    package struct ListAccountsRequest: Codable, Sendable {
        package var NextToken: String?
        package var MaxResults: Int?
        package init(NextToken: String? = nil, MaxResults: Int? = nil) {
            self.NextToken = NextToken
            self.MaxResults = MaxResults
        }
    }

    package struct Account: Codable, Sendable {
        package var AccountId: String
        package var Name: String
        package var Email: String?
        package var Status: String
        package var CreatedAt: Date
        package var ClosedAt: Date?
    }

    package struct ListAccountsResponse: Codable, Sendable {
        package var Accounts: [Account]
        package var NextToken: String?
    }

    package struct CloseAccountRequest: Codable, Sendable {
        package var AccountId: String
        package init(AccountId: String) { self.AccountId = AccountId }
    }

    package struct LookupAuditEventsRequest: Codable, Sendable {
        package var AccountId: String
    }

    package struct DescribeDatasetStatsRequest: Codable, Sendable {
        package var DatasetArn: String
    }

    package struct CloseAccountResponse: Codable, Sendable {
        package var Account: Account
    }
}

/// The operator's API: create, list and close tenant accounts.
package struct AdminAPI: Sendable {
    package static let targetPrefix = "PersimmonAdmin"
    package static let signingName = "persimmon"

    private let accounts: AccountService
    private let directory: AccountDirectory
    private let audit: CloudTrailAPI
    private let clock: any WallClock
    let datasetStats: (any DatasetStatsSource)?

    package init(
        accounts: AccountService, directory: AccountDirectory, audit: CloudTrailAPI, clock: any WallClock,
        datasetStats: (any DatasetStatsSource)? = nil
    ) {
        self.accounts = accounts
        self.directory = directory
        self.audit = audit
        self.clock = clock
        self.datasetStats = datasetStats
    }

    package func dispatch(_ operation: AdminOperation, body: Data) async throws -> Data {
        switch operation {
        case .createAccount:
            let input = try Self.decode(AdminShapes.CreateAccountRequest.self, body)
            return try AWSJSONCodec.encoder.encode(
                try await accounts.createAccount(name: input.Name, email: input.Email))
        case .listAccounts:
            let input = try Self.decode(AdminShapes.ListAccountsRequest.self, body)
            let limit = min(max(input.MaxResults ?? 100, 1), 1000)
            let after = input.NextToken.map(AccountID.init)
            if let after, !AccountID.isWellFormed(after.rawValue) {
                throw ServiceError(.invalidNextToken, "The NextToken is not valid.")
            }
            let page = try await accounts.listAccounts(after: after, limit: limit + 1)
            let shown = page.prefix(limit).map(Self.shape)
            let next = page.count > limit ? shown.last?.AccountId : nil
            return try AWSJSONCodec.encoder.encode(AdminShapes.ListAccountsResponse(Accounts: shown, NextToken: next))
        case .closeAccount:
            let input = try Self.decode(AdminShapes.CloseAccountRequest.self, body)
            guard AccountID.isWellFormed(input.AccountId) else {
                throw ServiceError(.invalidInput, "AccountId must be 12 digits.")
            }
            let closed = try await accounts.closeAccount(AccountID(input.AccountId))
            return try AWSJSONCodec.encoder.encode(AdminShapes.CloseAccountResponse(Account: Self.shape(closed)))
        case .createRootAccessKey:
            let input = try Self.decode(AdminShapes.CloseAccountRequest.self, body)
            guard AccountID.isWellFormed(input.AccountId),
                let account = try await directory.account(AccountID(input.AccountId))
            else {
                throw ServiceError(.resourceNotFound, "Account \(input.AccountId) does not exist.")
            }
            guard account.status == .active else {
                throw ServiceError(.invalidInput, "Account \(input.AccountId) is closed.")
            }
            return try AWSJSONCodec.encoder.encode(
                try await accounts.issueRootKey(for: account.id, now: clock.now().epochMilliseconds))
        case .lookupAuditEvents:
            let input = try Self.decode(AdminShapes.LookupAuditEventsRequest.self, body)
            guard AccountID.isWellFormed(input.AccountId) else {
                throw ServiceError(.invalidInput, "AccountId must be 12 digits.")
            }
            return try await audit.lookupEvents(body: body, account: AccountID(input.AccountId))
        case .describeDatasetStats:
            let input = try Self.decode(AdminShapes.DescribeDatasetStatsRequest.self, body)
            guard let datasetStats else {
                throw ServiceError(.invalidInput, "This server has no dataset store.")
            }
            return try AWSJSONCodec.encoder.encode(try await datasetStats.stats(datasetARN: input.DatasetArn))
        }
    }

    static func shape(_ record: AccountRecord) -> AdminShapes.Account {
        AdminShapes.Account(
            AccountId: record.id.rawValue, Name: record.name, Email: record.email, Status: record.status.rawValue,
            CreatedAt: Date(epochMilliseconds: record.createdAt),
            ClosedAt: record.closedAt.map(Date.init(epochMilliseconds:))
        )
    }

    static func decode<T: Decodable>(_ type: T.Type, _ body: Data) throws -> T {
        do {
            return try AWSJSONCodec.decoder.decode(type, from: body.isEmpty ? Data("{}".utf8) : body)
        } catch {
            throw ServiceError(.invalidInput, "The request body is not a valid \(type) document.")
        }
    }
}
