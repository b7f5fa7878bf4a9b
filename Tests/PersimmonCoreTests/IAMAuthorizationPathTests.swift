import Logging
import PersimmonCore
import Synchronization
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Records how often it ran work: proves password hashes leave the request's task.
private final class CountingExecutor: ComputeExecutor {
    let runs = Mutex(0)
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        runs.withLock { $0 += 1 }
        return try work()
    }
}

/// Two servers sharing one database: each has its own snapshot cache, as separate processes do.
private struct TwoProcesses {
    let storage = InMemoryStorage()
    let account = AccountID("210987654321")
    let box: SecretBox
    let first: (service: IAMService, authorizer: Authorizer, accounts: AccountService)
    let second: (service: IAMService, authorizer: Authorizer, accounts: AccountService)

    init(compute: any ComputeExecutor = InlineComputeExecutor()) throws {
        let box = try SecretBox(masterKey: Array(repeating: 9, count: 32))
        let storage = self.storage
        self.box = box
        func process() -> (IAMService, Authorizer, AccountService) {
            let cache = IAMSnapshotCache(store: storage)
            return (
                IAMService(
                    store: storage, credentials: storage, cache: cache, box: box, compute: compute,
                    hasher: PasswordHasher(iterations: 2)),
                Authorizer(cache: cache),
                AccountService(
                    store: storage, box: box, clock: TestClock(), operatorAccessKeyID: "AKIAOPERATOR0000TEST",
                    operatorSecret: "operator")
            )
        }
        first = process()
        second = process()
    }

    var context: OperationContext {
        OperationContext(
            account: account, principal: .root(of: account), operation: "Test", requestID: "test",
            region: "us-east-1", logger: Logger(label: "test"), now: Date(timeIntervalSince1970: 1_780_000_000))
    }

    static let environment = RequestEnvironment(
        sourceIP: "10.0.0.1", secureTransport: false, time: Date(timeIntervalSince1970: 1_780_000_000),
        requestedRegion: "us-east-1", userAgent: nil)

    func check() -> AuthorizationCheck {
        AuthorizationCheck(
            action: "personalize:DescribeDatasetGroup",
            resource: "arn:aws:personalize:us-east-1:\(account):dataset-group/movies", resourceAccount: account.rawValue
        )
    }
}

@Suite("IAM authorization path")
struct IAMAuthorizationPathTests {
    @Test("the generation read with the access key makes another process's policy change apply at the next request")
    func generationFromKeyLookup() async throws {
        let world = try TwoProcesses()
        try await world.storage.insertAccount(
            AccountRecord(id: world.account, name: "t", email: nil, status: .active, createdAt: 0))
        _ = try await world.first.service.createUser(
            name: "alice", path: "/", permissionsBoundary: nil, tags: [], context: world.context)
        let key = try await world.first.service.createAccessKey(userName: "alice", context: world.context)

        func decide() async throws -> AuthorizationOutcome {
            // What the front door does: authenticate (one read: key, account, generation), then authorize with it.
            let credential = try #require(try await world.second.accounts.resolve(accessKeyID: key.record.accessKeyID))
            #expect(credential.iamGeneration != nil)
            return try await world.second.authorizer.authorize(
                credential.principal, iamGeneration: credential.iamGeneration, checks: [world.check()],
                environment: TwoProcesses.environment, resourceTags: { _ in [] })
        }
        // The second process caches alice's (empty) policies.
        #expect(try await decide().decision == .implicitDeny)
        // The first process grants, then revokes with a Deny: the second sees each change at its next request,
        // though nothing invalidated its cache.
        try await world.first.service.putInlinePolicy(
            on: .user, entityName: "alice", policyName: "read",
            document:
                #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"personalize:Describe*","Resource":"*"}}"#,
            context: world.context)
        #expect(try await decide().decision == .allow)
        try await world.first.service.putInlinePolicy(
            on: .user, entityName: "alice", policyName: "deny",
            document:
                #"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"personalize:*","Resource":"*"}}"#,
            context: world.context)
        #expect(try await decide().decision == .explicitDeny)
    }

    @Test("a stale generation never makes the authorizer use an older snapshot than its cache holds")
    func staleGenerationKeepsNewerEntry() async throws {
        let world = try TwoProcesses()
        try await world.storage.insertAccount(
            AccountRecord(id: world.account, name: "t", email: nil, status: .active, createdAt: 0))
        _ = try await world.first.service.createUser(
            name: "alice", path: "/", permissionsBoundary: nil, tags: [], context: world.context)
        try await world.first.service.putInlinePolicy(
            on: .user, entityName: "alice", policyName: "read",
            document:
                #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"personalize:*","Resource":"*"}}"#,
            context: world.context)
        let user = try #require(try await world.first.service.snapshot(account: world.account).users.first)
        let principal = Principal(
            kind: .user, account: world.account, arn: user.arn, userName: "alice", userID: "AKIATEST")
        // Generation 1 (only the user) is older than the cached generation 2 (user + policy): the newer one decides.
        let outcome = try await world.first.authorizer.authorize(
            principal, iamGeneration: 1, checks: [world.check()], environment: TwoProcesses.environment,
            resourceTags: { _ in [] })
        #expect(outcome.decision == .allow)
    }

    @Test("login profile passwords are hashed on the injected compute executor")
    func passwordHashingIsOffloaded() async throws {
        let executor = CountingExecutor()
        let world = try TwoProcesses(compute: executor)
        _ = try await world.first.service.createUser(
            name: "carol", path: "/", permissionsBoundary: nil, tags: [], context: world.context)
        _ = try await world.first.service.createLoginProfile(
            userName: "carol", password: "correct horse battery", passwordResetRequired: false, context: world.context)
        #expect(executor.runs.withLock { $0 } == 1)
        try await world.first.service.updateLoginProfile(
            userName: "carol", password: "another long password", passwordResetRequired: nil, context: world.context)
        #expect(executor.runs.withLock { $0 } == 2)
        // Changing only the reset flag hashes nothing.
        try await world.first.service.updateLoginProfile(
            userName: "carol", password: nil, passwordResetRequired: true, context: world.context)
        #expect(executor.runs.withLock { $0 } == 2)
        let stored = try await world.first.service.getLoginProfile(userName: "carol", context: world.context)
        #expect(PasswordHasher().verify("another long password", against: stored.profile.passwordHash))
        #expect(!PasswordHasher().verify("correct horse battery", against: stored.profile.passwordHash))
        #expect(stored.profile.passwordResetRequired)
    }
}
