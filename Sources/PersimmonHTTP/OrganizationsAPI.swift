import PersimmonAPIModel
import PersimmonCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Organizations operations the operator can call with `boto3.client("organizations")`.
package enum OrganizationsOperation: String, Sendable, CaseIterable {
    case createAccount = "CreateAccount"
    case describeCreateAccountStatus = "DescribeCreateAccountStatus"
    case describeAccount = "DescribeAccount"
    case listAccounts = "ListAccounts"
    case closeAccount = "CloseAccount"

    package var isReadOnly: Bool { rawValue.hasPrefix("Describe") || rawValue.hasPrefix("List") }
}

/// The Organizations-compatible subset over ``AccountService`` (awsJson1_1, `X-Amz-Target:
/// AWSOrganizationsV20161128.<Op>`, signed as `organizations`). Only the operator may call it; the front door checks.
///
/// Accounts are created synchronously, so `CreateAccount` answers `SUCCEEDED` at once and its request ID
/// (`car-<account id>`) names the account for `DescribeCreateAccountStatus`. Accounts created this way have no access
/// key yet: the operator issues the root's first key with `persimmon admin create-root-key`.
package struct OrganizationsAPI: Sendable {
    package static let targetPrefix = "AWSOrganizationsV20161128"
    package static let signingName = "organizations"
    /// The organization every tenant account belongs to, in ARNs.
    static let organizationID = "o-persimmon0"
    static let managementAccount = AccountID("000000000000")

    private let accounts: AccountService
    private let directory: AccountDirectory

    package init(accounts: AccountService, directory: AccountDirectory) {
        self.accounts = accounts
        self.directory = directory
    }

    struct CreateAccountRequest: Decodable {
        var Email: String?
        var AccountName: String?
    }

    struct AccountIDRequest: Decodable {
        var AccountId: String?
        var CreateAccountRequestId: String?
    }

    struct ListAccountsRequest: Decodable {
        var NextToken: String?
        var MaxResults: Int?
    }

    struct CreateAccountStatus: Encodable {
        var Id: String
        var AccountName: String
        var State: String
        var RequestedTimestamp: Date
        var CompletedTimestamp: Date
        var AccountId: String
    }

    struct Account: Encodable {
        var Id: String
        var Arn: String
        var Email: String?
        var Name: String
        var Status: String
        var State: String
        var JoinedMethod: String
        var JoinedTimestamp: Date
    }

    package func dispatch(_ operation: OrganizationsOperation, body: Data) async throws -> Data {
        switch operation {
        case .createAccount:
            let input = try Self.decode(CreateAccountRequest.self, body)
            guard let email = input.Email, let name = input.AccountName else {
                throw IAMError(.organizationsInvalidInput, "You must specify Email and AccountName.")
            }
            guard Self.isEmail(email) else {
                throw IAMError(.constraintViolation, "The email address \(email) is not valid.")
            }
            let account = try await directory.createAccount(name: name, email: email)
            return try Self.encode(["CreateAccountStatus": Self.status(account)])
        case .describeCreateAccountStatus:
            let input = try Self.decode(AccountIDRequest.self, body)
            let id = input.CreateAccountRequestId ?? ""
            guard id.hasPrefix("car-"), AccountID.isWellFormed(String(id.dropFirst(4))),
                let account = try await directory.account(AccountID(String(id.dropFirst(4))))
            else {
                throw IAMError(
                    .createAccountStatusNotFound, "We can't find a create account request with the ID \(id).")
            }
            return try Self.encode(["CreateAccountStatus": Self.status(account)])
        case .describeAccount:
            let account = try await requireAccount(try Self.decode(AccountIDRequest.self, body).AccountId)
            return try Self.encode(["Account": Self.shape(account)])
        case .listAccounts:
            let input = try Self.decode(ListAccountsRequest.self, body)
            let limit = input.MaxResults ?? 20
            guard (1...20).contains(limit) else {
                throw IAMError(.organizationsInvalidInput, "MaxResults must be between 1 and 20.")
            }
            var after: AccountID?
            if let token = input.NextToken {
                guard AccountID.isWellFormed(token) else {
                    throw IAMError(.organizationsInvalidInput, "The NextToken is not valid.")
                }
                after = AccountID(token)
            }
            let page = try await accounts.listAccounts(after: after, limit: limit + 1)
            let shown = page.prefix(limit).map(Self.shape)
            struct Response: Encodable {
                var Accounts: [Account]
                var NextToken: String?
            }
            return try AWSJSONCodec.encoder.encode(
                Response(Accounts: Array(shown), NextToken: page.count > limit ? shown.last?.Id : nil))
        case .closeAccount:
            let account = try await requireAccount(try Self.decode(AccountIDRequest.self, body).AccountId)
            guard account.status == .active else {
                throw IAMError(.accountAlreadyClosed, "The account \(account.id) is already closed.")
            }
            _ = try await accounts.closeAccount(account.id)
            return AWSJSONCodec.emptyObject
        }
    }

    private func requireAccount(_ id: String?) async throws -> AccountRecord {
        guard let id, AccountID.isWellFormed(id) else {
            throw IAMError(.organizationsInvalidInput, "AccountId must be 12 digits.")
        }
        guard let account = try await directory.account(AccountID(id)) else {
            throw IAMError(.accountNotFound, "You specified an account that doesn't exist.")
        }
        return account
    }

    static func status(_ account: AccountRecord) -> CreateAccountStatus {
        let created = Date(epochMilliseconds: account.createdAt)
        return CreateAccountStatus(
            Id: "car-\(account.id.rawValue)", AccountName: account.name, State: "SUCCEEDED",
            RequestedTimestamp: created,
            CompletedTimestamp: created, AccountId: account.id.rawValue
        )
    }

    static func shape(_ account: AccountRecord) -> Account {
        Account(
            Id: account.id.rawValue,
            Arn:
                "arn:aws:organizations::\(managementAccount.rawValue):account/\(organizationID)/\(account.id.rawValue)",
            Email: account.email.flatMap { $0.utf8.count >= 6 ? $0 : nil }, Name: account.name,
            Status: account.status == .active ? "ACTIVE" : "SUSPENDED",
            State: account.status == .active ? "ACTIVE" : "CLOSED", JoinedMethod: "CREATED",
            JoinedTimestamp: Date(epochMilliseconds: account.createdAt)
        )
    }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.utf8.count >= 6, text.utf8.count <= 64, parts.count == 2, !parts[0].isEmpty,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        return !text.contains(where: \.isWhitespace)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ body: Data) throws -> T {
        do {
            return try AWSJSONCodec.decoder.decode(type, from: body.isEmpty ? Data("{}".utf8) : body)
        } catch {
            throw IAMError(
                .organizationsInvalidInput, "The request body is not a valid JSON document for this operation.")
        }
    }

    static func encode(_ value: some Encodable) throws -> Data {
        try AWSJSONCodec.encoder.encode(value)
    }
}
