import Foundation
import PersimmonCore
import PersimmonStore
import Synchronization
import Testing

private struct FixedClock: WallClock {
    func now() -> Date { Date(timeIntervalSince1970: 1_780_000_000) }
}

/// Two servers on one SQLite file, each with its own storage object and key cache, as two processes have.
private struct TwoProcesses {
    let first: SQLiteStorage
    let second: SQLiteStorage
    let firstAccounts: AccountService
    let secondAccounts: AccountService

    init(path: String) throws {
        let box = try SecretBox(masterKey: Array(repeating: 5, count: 32))
        first = try SQLiteStorage(path: path)
        second = try SQLiteStorage(path: path)
        func accounts(_ storage: SQLiteStorage) -> AccountService {
            AccountService(
                store: storage, box: box, clock: FixedClock(), operatorAccessKeyID: "AKIAOPERATOR0000TEST",
                operatorSecret: "operator")
        }
        firstAccounts = accounts(first)
        secondAccounts = accounts(second)
    }

    func close() async throws {
        try await first.close()
        try await second.close()
    }
}

@Suite("Resolved access-key cache")
struct ResolvedKeyCacheTests {
    @Test("the change token stays put without writes and moves on another connection's commit")
    func changeToken() async throws {
        try await withTemporaryDirectory { directory in
            let world = try TwoProcesses(path: directory + "/persimmon.sqlite")
            try await world.first.migrate()
            let before = try #require(world.second.changeToken())
            #expect(world.second.changeToken() == before)
            _ = try await world.second.read("SELECT 1 AS one")
            #expect(world.second.changeToken() == before, "a read is not a change")
            try await world.first.insertAccount(
                AccountRecord(id: AccountID("123456789012"), name: "t", email: nil, status: .active, createdAt: 0))
            let after = try #require(world.second.changeToken())
            #expect(after != before, "another storage's commit moves the token")
            let local = try #require(world.first.changeToken())
            try await world.first.updateAccount(
                AccountRecord(id: AccountID("123456789012"), name: "u", email: nil, status: .active, createdAt: 0))
            #expect(world.first.changeToken() != local, "its own commit moves the token too")
            try await world.close()
        }
    }

    @Test("a second process's cached key stops working at its next request after deactivation, deletion or closing")
    func crossProcessInvalidation() async throws {
        try await withTemporaryDirectory { directory in
            let world = try TwoProcesses(path: directory + "/persimmon.sqlite")
            try await world.first.migrate()
            let issued = try await world.firstAccounts.createAccount(name: "tenant", email: nil)
            let keyID = issued.accessKeyID

            // The second process resolves the key twice: the second answer comes from its cache.
            let resolved = try #require(try await world.secondAccounts.resolve(accessKeyID: keyID))
            #expect(resolved.secretAccessKey == issued.secretAccessKey)
            #expect(resolved.principal == .root(of: AccountID(issued.accountID)))
            #expect(world.secondAccounts.cachedKeyCount == 1)
            #expect(
                try await world.secondAccounts.resolve(accessKeyID: keyID)?.secretAccessKey == issued.secretAccessKey)

            // Deactivated by the first process: refused by the second at once, and again once active.
            try await world.first.updateAccessKeyStatus(id: keyID, status: .inactive)
            #expect(try await world.secondAccounts.resolve(accessKeyID: keyID) == nil)
            try await world.first.updateAccessKeyStatus(id: keyID, status: .active)
            #expect(try await world.secondAccounts.resolve(accessKeyID: keyID) != nil)
            #expect(try await world.secondAccounts.resolve(accessKeyID: keyID) != nil)

            // Its account closed by the first process.
            _ = try await world.firstAccounts.closeAccount(AccountID(issued.accountID))
            #expect(try await world.secondAccounts.resolve(accessKeyID: keyID) == nil)

            // Deleted by the first process (another account, so the key is otherwise valid and cached).
            let other = try await world.firstAccounts.createAccount(name: "other", email: nil)
            #expect(try await world.secondAccounts.resolve(accessKeyID: other.accessKeyID) != nil)
            #expect(try await world.secondAccounts.resolve(accessKeyID: other.accessKeyID) != nil)
            try await world.first.deleteAccessKey(id: other.accessKeyID)
            #expect(try await world.secondAccounts.resolve(accessKeyID: other.accessKeyID) == nil)
            try await world.close()
        }
    }

    @Test("the same process's own writes invalidate its cache, in memory too")
    func sameProcess() async throws {
        let storage = try SQLiteStorage.inMemory()
        try await storage.migrate()
        let accounts = AccountService(
            store: storage, box: try SecretBox(masterKey: Array(repeating: 5, count: 32)), clock: FixedClock(),
            operatorAccessKeyID: "AKIAOPERATOR0000TEST", operatorSecret: "operator")
        let issued = try await accounts.createAccount(name: "tenant", email: nil)
        #expect(try await accounts.resolve(accessKeyID: issued.accessKeyID) != nil)
        #expect(try await accounts.resolve(accessKeyID: issued.accessKeyID) != nil)
        #expect(accounts.cachedKeyCount == 1)
        try await storage.updateAccessKeyStatus(id: issued.accessKeyID, status: .inactive)
        #expect(try await accounts.resolve(accessKeyID: issued.accessKeyID) == nil)
        try await storage.close()
    }

    @Test("an entry is only served under the token it was stored with")
    func tokenGuard() {
        let cache = ResolvedKeyCache(capacity: 2)
        let credential = ResolvedCredential(principal: .root(of: AccountID("123456789012")), secretAccessKey: "s")
        let one = StoreChangeToken(local: 1, external: 1)
        let two = StoreChangeToken(local: 1, external: 2)
        cache.store(credential, for: "AKIA1", token: one)
        #expect(cache.credential(for: "AKIA1", token: one)?.secretAccessKey == "s")
        #expect(cache.credential(for: "AKIA1", token: two) == nil)
        cache.store(credential, for: "AKIA2", token: two)
        cache.store(credential, for: "AKIA3", token: two)
        #expect(cache.count == 2, "a full cache drops its stale entries first")
        #expect(cache.credential(for: "AKIA1", token: one) == nil)
    }
}

private final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

@Suite("Resolved access-key cache: concurrent misses")
struct ResolvedKeyCacheFlightTests {
    @Test("requests that miss with the same token share one lookup; another token gets its own")
    func sharedLookup() async throws {
        let cache = ResolvedKeyCache()
        let lookups = Counter()
        let token = StoreChangeToken(local: 0, external: 7)
        let credential = ResolvedCredential(principal: .root(of: AccountID("123456789012")), secretAccessKey: "s")
        let gate = Counter()
        let results = try await withThrowingTaskGroup(of: ResolvedCredential?.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try await cache.resolve("AKIA1", token: token) {
                        lookups.increment()
                        while gate.count == 0 { try await Task.sleep(for: .milliseconds(5)) }
                        return credential
                    }
                }
            }
            // Let every task join before the shared lookup may finish.
            try await Task.sleep(for: .milliseconds(100))
            gate.increment()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 16 && results.allSatisfy { $0?.secretAccessKey == "s" })
        #expect(lookups.count == 1)
        #expect(cache.credential(for: "AKIA1", token: token)?.secretAccessKey == "s")

        let next = StoreChangeToken(local: 1, external: 7)
        let refreshed = try await cache.resolve("AKIA1", token: next) {
            lookups.increment()
            return nil
        }
        #expect(refreshed == nil, "a new token never reuses an earlier lookup")
        #expect(lookups.count == 2)
    }
}
