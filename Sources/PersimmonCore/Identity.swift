/// A tenant: a 12-digit account number.
package struct AccountID: Hashable, Sendable, Codable, CustomStringConvertible {
    package let rawValue: String
    package init(_ rawValue: String) { self.rawValue = rawValue }
    package var description: String { rawValue }

    /// Whether the text is exactly twelve ASCII digits.
    package static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

/// Who signed a request, once SigV4 has verified it.
package struct Principal: Hashable, Sendable, Codable {
    package enum Kind: String, Sendable, Codable {
        /// The service operator: manages accounts, owns no resources.
        case `operator`
        /// An account's root user.
        case accountRoot
        /// An IAM user inside an account.
        case user
    }

    package var kind: Kind
    /// The account the principal belongs to; nil for the operator.
    package var account: AccountID?
    /// `arn:aws:iam::123456789012:root`, `arn:aws:iam::123456789012:user/alice`, or the operator's ARN.
    package var arn: String
    package var userName: String?
    package var userID: String

    package init(kind: Kind, account: AccountID?, arn: String, userName: String? = nil, userID: String) {
        self.kind = kind
        self.account = account
        self.arn = arn
        self.userName = userName
        self.userID = userID
    }

    package static func root(of account: AccountID) -> Principal {
        Principal(kind: .accountRoot, account: account, arn: "arn:aws:iam::\(account):root", userID: account.rawValue)
    }

    package static let `operator` = Principal(
        kind: .operator,
        account: nil,
        arn: "arn:aws:iam::000000000000:persimmon-operator",
        userName: "persimmon-operator",
        userID: "PERSIMMONOPERATOR"
    )
}
