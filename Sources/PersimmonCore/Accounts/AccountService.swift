#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Credentials shown exactly once, when an account or key is created.
package struct IssuedCredentials: Sendable, Codable, Equatable {
    package var accountID: String
    package var accessKeyID: String
    package var secretAccessKey: String

    enum CodingKeys: String, CodingKey {
        case accountID = "AccountId"
        case accessKeyID = "AccessKeyId"
        case secretAccessKey = "SecretAccessKey"
    }
}

/// A verified caller as the authenticator needs it: who, and the secret to check the signature with.
package struct ResolvedCredential: Sendable {
    package var principal: Principal
    package var secretAccessKey: String
    /// The account's IAM generation, read with the key (nil for the operator): authorization reuses cached policies
    /// of at least this generation instead of reading it again.
    package var iamGeneration: Int64?
    package init(principal: Principal, secretAccessKey: String, iamGeneration: Int64? = nil) {
        self.principal = principal
        self.secretAccessKey = secretAccessKey
        self.iamGeneration = iamGeneration
    }
}

/// Tenant accounts and their root keys: what the operator manages.
package struct AccountService: Sendable {
    private let store: any CredentialStore & IAMStore
    private let box: SecretBox
    private let ids: IdentifierGenerator
    private let clock: any WallClock
    /// The operator's own key, which never lives in the database.
    private let operatorKey: (accessKeyID: String, secret: String)
    /// Resolved keys, valid while the store's change token is unchanged; nil when the store has no such token.
    private let keyCache: ResolvedKeyCache?
    private let changeSignal: (any StoreChangeSignal)?

    package init(
        store: any CredentialStore & IAMStore, box: SecretBox, clock: any WallClock, operatorAccessKeyID: String,
        operatorSecret: String, ids: IdentifierGenerator = IdentifierGenerator()
    ) {
        self.store = store
        self.box = box
        self.clock = clock
        self.ids = ids
        self.operatorKey = (operatorAccessKeyID, operatorSecret)
        self.changeSignal = store as? any StoreChangeSignal
        self.keyCache = changeSignal == nil ? nil : ResolvedKeyCache()
    }

    /// Creates an account and its first root access key. The secret is returned once and stored sealed.
    package func createAccount(name: String, email: String?) async throws -> IssuedCredentials {
        try Self.validateAccountName(name)
        let now = clock.now().epochMilliseconds
        var account = AccountRecord(id: ids.accountID(), name: name, email: email, status: .active, createdAt: now)
        var attempts = 0
        while true {
            do {
                try await store.insertAccount(account)
                break
            } catch let error as ServiceError where error.code == .resourceAlreadyExists && attempts < 5 {
                attempts += 1
                account.id = ids.accountID()
            }
        }
        let issued = try await issueRootKey(for: account.id, now: now)
        return issued
    }

    /// Adds a root access key to an existing account (at most two active keys, as AWS allows).
    package func issueRootKey(for accountID: AccountID, now: Int64) async throws -> IssuedCredentials {
        let keyID = ids.accessKeyID()
        let secret = ids.secretAccessKey()
        let record = AccessKeyRecord(
            accessKeyID: keyID, account: accountID, userName: nil, principalARN: Principal.root(of: accountID).arn,
            sealedSecret: try box.seal(secret, boundTo: keyID), status: .active, createdAt: now
        )
        try await store.insertAccessKey(record)
        return IssuedCredentials(accountID: accountID.rawValue, accessKeyID: keyID, secretAccessKey: secret)
    }

    package func listAccounts(after: AccountID?, limit: Int) async throws -> [AccountRecord] {
        try await store.accounts(after: after, limit: limit)
    }

    /// Closes an account: its keys stop working at the next request. Its data stays for the operator.
    package func closeAccount(_ id: AccountID) async throws -> AccountRecord {
        guard var account = try await store.account(id) else {
            throw ServiceError(.resourceNotFound, "Account \(id) does not exist.")
        }
        if account.status == .suspended { return account }
        account.status = .suspended
        account.closedAt = clock.now().epochMilliseconds
        try await store.updateAccount(account)
        return account
    }

    /// Finds who owns an access key and the secret to verify its signature with.
    /// Returns nil for unknown, inactive keys and keys of closed accounts: the caller answers as for an unknown key.
    ///
    /// When the store offers a change token (``StoreChangeSignal``: SQLite), a key resolved earlier is reused as long
    /// as nothing at all was committed to the database since it was read, by this process or another
    /// (``ResolvedKeyCache``): a deactivated key or closed account is refused at the next request either way.
    /// Otherwise, one store read: the key, its account's status and the account's IAM generation from one statement.
    package func resolve(accessKeyID: String) async throws -> ResolvedCredential? {
        if accessKeyID == operatorKey.accessKeyID {
            return ResolvedCredential(principal: .operator, secretAccessKey: operatorKey.secret)
        }
        guard let keyCache, let token = changeSignal?.changeToken() else {
            return try await lookUp(accessKeyID: accessKeyID)
        }
        if let cached = keyCache.credential(for: accessKeyID, token: token) { return cached }
        // The token was read before the lookup: a commit racing it leaves this entry stale, never wrongly fresh.
        let service = self
        return try await keyCache.resolve(accessKeyID, token: token) {
            try await service.lookUp(accessKeyID: accessKeyID)
        }
    }

    private func lookUp(accessKeyID: String) async throws -> ResolvedCredential? {
        guard let lookup = try await store.accessKeyLookup(id: accessKeyID), lookup.key.status == .active,
            lookup.accountStatus == .active
        else { return nil }
        let key = lookup.key
        let secret = try box.open(key.sealedSecret, boundTo: key.accessKeyID)
        let principal: Principal
        if let userName = key.userName {
            principal = Principal(
                kind: .user, account: key.account, arn: key.principalARN, userName: userName,
                userID: key.accessKeyID
            )
        } else {
            principal = .root(of: key.account)
        }
        return ResolvedCredential(principal: principal, secretAccessKey: secret, iamGeneration: lookup.iamGeneration)
    }

    /// How many resolved keys are cached (0 when the store offers no change token), for tests.
    package var cachedKeyCount: Int { keyCache?.count ?? 0 }

    static func validateAccountName(_ name: String) throws {
        let count = name.utf8.count
        guard count >= 1, count <= 50, name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
            throw ServiceError(.invalidInput, "The account name must be 1 to 50 printable ASCII characters.")
        }
    }
}
