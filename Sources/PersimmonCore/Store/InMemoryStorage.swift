import Synchronization

/// A ``PersimmonStorage`` held in memory, for domain tests and `--storage memory`.
///
/// It behaves exactly like the SQL stores (the store contract suite runs against all of them): listings order by
/// (`createdAt` descending, ARN ascending) comparing ARNs byte-wise, tags sort byte-wise by key, a duplicate ARN is
/// `.resourceAlreadyExists`, claims take the oldest runnable job. One `Mutex` guards all state; no method awaits
/// while holding it.
package final class InMemoryStorage: PersimmonStorage {
    struct ResourceKey: Hashable {
        var account: AccountID
        var arn: String
    }

    // Internal (not private) so that `InMemoryStorage+IAM.swift` shares the one lock and the access keys.
    struct State {
        var resources: [ResourceKey: ResourceRecord] = [:]
        var tags: [ResourceKey: [String: String]] = [:]
        var accounts: [AccountID: AccountRecord] = [:]
        var accessKeys: [String: AccessKeyRecord] = [:]
        var jobs: [Int64: JobRecord] = [:]
        var nextJobID: Int64 = 1
        var iam: [AccountID: IAMSnapshot] = [:]
        var audit: [AuditEvent] = []
    }

    let state = Mutex(State())

    package init() {}

    package func migrate() async throws {}
    package func close() async throws {}

    // MARK: ResourceStore

    package func insert(_ record: ResourceRecord) async throws {
        try self.state.withLock { state in
            let key = ResourceKey(account: record.account, arn: record.arn)
            guard state.resources[key] == nil else { throw ServiceError.alreadyExists(record.arn) }
            state.resources[key] = record
        }
    }

    package func get(account: AccountID, arn: String) async throws -> ResourceRecord? {
        self.state.withLock { $0.resources[ResourceKey(account: account, arn: arn)] }
    }

    package func update(_ record: ResourceRecord, expectedVersion: Int64) async throws -> ResourceRecord? {
        self.state.withLock { state in
            let key = ResourceKey(account: record.account, arn: record.arn)
            guard var stored = state.resources[key], stored.version == expectedVersion else { return nil }
            // Account, ARN, kind and creation time never change.
            stored.name = record.name
            stored.parentARN = record.parentARN
            stored.status = record.status
            stored.document = record.document
            stored.updatedAt = record.updatedAt
            stored.version += 1
            state.resources[key] = stored
            return stored
        }
    }

    @discardableResult
    package func delete(account: AccountID, arn: String) async throws -> Bool {
        self.state.withLock { state in
            let key = ResourceKey(account: account, arn: arn)
            state.tags[key] = nil
            return state.resources.removeValue(forKey: key) != nil
        }
    }

    package func list(account: AccountID, _ query: ResourceQuery) async throws -> [ResourceRecord] {
        guard query.limit > 0 else { return [] }
        let matches = self.state.withLock { state in
            state.resources.values.filter { record in
                guard record.account == account, record.kind == query.kind else { return false }
                if let parent = query.parentARN, record.parentARN != parent { return false }
                if let statuses = query.statuses {
                    guard let status = record.status, statuses.contains(status) else { return false }
                }
                if let after = query.after {
                    return record.createdAt < after.createdAt
                        || (record.createdAt == after.createdAt && Self.byteOrder(after.arn, record.arn))
                }
                return true
            }
        }
        return Array(matches.sorted(by: Self.listingOrder).prefix(query.limit))
    }

    package func count(account: AccountID, kind: ResourceKind, parentARN: String?) async throws -> Int {
        self.state.withLock { state in
            state.resources.values.count { record in
                record.account == account && record.kind == kind && (parentARN == nil || record.parentARN == parentARN)
            }
        }
    }

    package func tags(account: AccountID, arn: String) async throws -> [(key: String, value: String)] {
        let tags = self.state.withLock { $0.tags[ResourceKey(account: account, arn: arn)] ?? [:] }
        return tags.map { (key: $0.key, value: $0.value) }.sorted { Self.byteOrder($0.key, $1.key) }
    }

    package func putTags(account: AccountID, arn: String, _ tags: [(key: String, value: String)]) async throws {
        guard !tags.isEmpty else { return }
        self.state.withLock { state in
            let key = ResourceKey(account: account, arn: arn)
            for tag in tags {
                state.tags[key, default: [:]][tag.key] = tag.value
            }
        }
    }

    package func removeTags(account: AccountID, arn: String, keys: [String]) async throws {
        self.state.withLock { state in
            let key = ResourceKey(account: account, arn: arn)
            for tagKey in keys {
                state.tags[key]?[tagKey] = nil
            }
            if state.tags[key]?.isEmpty == true { state.tags[key] = nil }
        }
    }

    /// Byte-wise string order: what SQLite's `BINARY` and PostgreSQL's `"C"` collations do.
    static func byteOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    private static func listingOrder(_ lhs: ResourceRecord, _ rhs: ResourceRecord) -> Bool {
        if lhs.createdAt != rhs.createdAt { return lhs.createdAt > rhs.createdAt }
        return byteOrder(lhs.arn, rhs.arn)
    }

    // MARK: CredentialStore

    package func insertAccount(_ account: AccountRecord) async throws {
        try self.state.withLock { state in
            guard state.accounts[account.id] == nil else { throw ServiceError.alreadyExists(account.id.rawValue) }
            state.accounts[account.id] = account
        }
    }

    package func account(_ id: AccountID) async throws -> AccountRecord? {
        self.state.withLock { $0.accounts[id] }
    }

    package func accounts(after: AccountID?, limit: Int) async throws -> [AccountRecord] {
        guard limit > 0 else { return [] }
        let accounts = self.state.withLock { state in
            state.accounts.values.filter { account in
                after.map { Self.byteOrder($0.rawValue, account.id.rawValue) } ?? true
            }
        }
        return Array(accounts.sorted { Self.byteOrder($0.id.rawValue, $1.id.rawValue) }.prefix(limit))
    }

    package func updateAccount(_ account: AccountRecord) async throws {
        self.state.withLock { state in
            guard var stored = state.accounts[account.id] else { return }
            stored.name = account.name
            stored.email = account.email
            stored.status = account.status
            stored.closedAt = account.closedAt
            state.accounts[account.id] = stored
        }
    }

    package func insertAccessKey(_ key: AccessKeyRecord) async throws {
        try self.state.withLock { state in
            guard state.accessKeys[key.accessKeyID] == nil else { throw ServiceError.alreadyExists(key.accessKeyID) }
            state.accessKeys[key.accessKeyID] = key
        }
    }

    package func accessKey(id: String) async throws -> AccessKeyRecord? {
        self.state.withLock { $0.accessKeys[id] }
    }

    package func accessKeys(account: AccountID, userName: String?) async throws -> [AccessKeyRecord] {
        let keys = self.state.withLock { state in
            state.accessKeys.values.filter { $0.account == account && $0.userName == userName }
        }
        return keys.sorted {
            $0.createdAt != $1.createdAt ? $0.createdAt < $1.createdAt : Self.byteOrder($0.accessKeyID, $1.accessKeyID)
        }
    }

    package func updateAccessKeyStatus(id: String, status: AccessKeyRecord.Status) async throws {
        self.state.withLock { $0.accessKeys[id]?.status = status }
    }

    package func deleteAccessKey(id: String) async throws {
        self.state.withLock { _ = $0.accessKeys.removeValue(forKey: id) }
    }

    package func recordAccessKeyUse(id: String, at time: Int64) async throws {
        self.state.withLock { state in
            guard var key = state.accessKeys[id] else { return }
            if let last = key.lastUsedAt, last >= time { return }
            key.lastUsedAt = time
            state.accessKeys[id] = key
        }
    }

    // MARK: JobQueue

    @discardableResult
    package func enqueue(
        account: AccountID, kind: String, resourceARN: String, payload: String, runAfter: Int64, now: Int64
    ) async throws -> Int64 {
        self.state.withLock { state in
            let id = state.nextJobID
            state.nextJobID += 1
            state.jobs[id] = JobRecord(
                id: id, account: account, kind: kind, resourceARN: resourceARN, payload: payload, state: .queued,
                attempts: 0, leaseOwner: nil, leaseUntil: nil, runAfter: runAfter, lastError: nil,
                createdAt: now, updatedAt: now
            )
            return id
        }
    }

    package func claimNext(kinds: [String], workerID: String, leaseUntil: Int64, now: Int64) async throws -> JobRecord?
    {
        guard !kinds.isEmpty else { return nil }
        return self.state.withLock { state in
            let runnable = state.jobs.values.filter { job in
                guard kinds.contains(job.kind) else { return false }
                switch job.state {
                case .queued: return job.runAfter <= now
                case .running: return job.leaseUntil.map { $0 < now } ?? false
                case .succeeded, .failed: return false
                }
            }
            guard var job = runnable.min(by: { $0.id < $1.id }) else { return nil }
            job.state = .running
            job.attempts += 1
            job.leaseOwner = workerID
            job.leaseUntil = leaseUntil
            job.updatedAt = now
            state.jobs[job.id] = job
            return job
        }
    }

    package func heartbeat(jobID: Int64, workerID: String, leaseUntil: Int64, now: Int64) async throws -> Bool {
        self.state.withLock { state in
            guard var job = state.jobs[jobID], job.state == .running, job.leaseOwner == workerID else { return false }
            job.leaseUntil = leaseUntil
            job.updatedAt = now
            state.jobs[jobID] = job
            return true
        }
    }

    package func finish(jobID: Int64, workerID: String, state newState: JobRecord.State, error: String?, now: Int64)
        async throws -> Bool
    {
        guard newState == .succeeded || newState == .failed else {
            throw ServiceError(.internalFailure, "a job can only finish as succeeded or failed")
        }
        return self.state.withLock { state in
            guard var job = state.jobs[jobID], job.state == .running, job.leaseOwner == workerID else { return false }
            job.state = newState
            job.lastError = error
            job.leaseOwner = nil
            job.leaseUntil = nil
            job.updatedAt = now
            state.jobs[jobID] = job
            return true
        }
    }

    package func release(jobID: Int64, workerID: String, runAfter: Int64, error: String?, now: Int64) async throws
        -> Bool
    {
        self.state.withLock { state in
            guard var job = state.jobs[jobID], job.state == .running, job.leaseOwner == workerID else { return false }
            job.state = .queued
            job.runAfter = runAfter
            job.lastError = error
            job.leaseOwner = nil
            job.leaseUntil = nil
            job.updatedAt = now
            state.jobs[jobID] = job
            return true
        }
    }

    package func job(id: Int64) async throws -> JobRecord? {
        self.state.withLock { $0.jobs[id] }
    }

    package func jobs(account: AccountID, resourceARN: String) async throws -> [JobRecord] {
        let jobs = self.state.withLock { state in
            state.jobs.values.filter { $0.account == account && $0.resourceARN == resourceARN }
        }
        return jobs.sorted { $0.id > $1.id }
    }
}
