/// Account reads and key-less account creation for the Organizations API, beside ``AccountService`` (which owns
/// accounts created with their first root key).
package struct AccountDirectory: Sendable {
    private let store: any CredentialStore
    private let clock: any WallClock
    private let ids: IdentifierGenerator

    package init(store: any CredentialStore, clock: any WallClock, ids: IdentifierGenerator = IdentifierGenerator()) {
        self.store = store
        self.clock = clock
        self.ids = ids
    }

    package func account(_ id: AccountID) async throws -> AccountRecord? {
        try await store.account(id)
    }

    /// Creates an account without any access key (Organizations' `CreateAccount` returns no credentials): the
    /// operator issues the root's first key separately.
    package func createAccount(name: String, email: String?) async throws -> AccountRecord {
        let count = name.utf8.count
        guard count >= 1, count <= 50, name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
            throw IAMError(.organizationsInvalidInput, "The account name must be 1 to 50 printable ASCII characters.")
        }
        var account = AccountRecord(
            id: ids.accountID(), name: name, email: email, status: .active, createdAt: clock.now().epochMilliseconds)
        for attempt in 0..<6 {
            do {
                try await store.insertAccount(account)
                return account
            } catch let error as ServiceError where error.code == .resourceAlreadyExists && attempt < 5 {
                account.id = ids.accountID()
            }
        }
        return account
    }
}
