/// Resource rows per account. Every method takes the account first: there is no cross-tenant read.
///
/// Implementations map storage errors to `ServiceError`: a duplicate ARN on insert becomes
/// `.resourceAlreadyExists`; anything unexpected becomes `.internalFailure` with the cause in `underlying`.
package protocol ResourceStore: Sendable {
    /// Inserts a new row. Throws `.resourceAlreadyExists` when the ARN is taken in that account.
    func insert(_ record: ResourceRecord) async throws
    func get(account: AccountID, arn: String) async throws -> ResourceRecord?
    /// Replaces the row if its stored version equals `expectedVersion`; returns the stored row (version + 1).
    /// Returns nil when the row is gone or was changed by someone else meanwhile.
    func update(_ record: ResourceRecord, expectedVersion: Int64) async throws -> ResourceRecord?
    /// Removes the row and its tags. Returns whether a row was removed.
    @discardableResult
    func delete(account: AccountID, arn: String) async throws -> Bool
    /// Rows of one kind, newest first, strictly after `query.after`, at most `query.limit`.
    func list(account: AccountID, _ query: ResourceQuery) async throws -> [ResourceRecord]
    /// How many rows of one kind (optionally under a parent) the account holds.
    func count(account: AccountID, kind: ResourceKind, parentARN: String?) async throws -> Int

    /// Tags of a resource, sorted by key.
    func tags(account: AccountID, arn: String) async throws -> [(key: String, value: String)]
    /// Adds or overwrites tags.
    func putTags(account: AccountID, arn: String, _ tags: [(key: String, value: String)]) async throws
    func removeTags(account: AccountID, arn: String, keys: [String]) async throws
}

/// Tenant accounts and their access keys.
package protocol CredentialStore: Sendable {
    func insertAccount(_ account: AccountRecord) async throws
    func account(_ id: AccountID) async throws -> AccountRecord?
    func accounts(after: AccountID?, limit: Int) async throws -> [AccountRecord]
    func updateAccount(_ account: AccountRecord) async throws

    func insertAccessKey(_ key: AccessKeyRecord) async throws
    func accessKey(id: String) async throws -> AccessKeyRecord?
    func accessKeys(account: AccountID, userName: String?) async throws -> [AccessKeyRecord]
    func updateAccessKeyStatus(id: String, status: AccessKeyRecord.Status) async throws
    func deleteAccessKey(id: String) async throws
    func recordAccessKeyUse(id: String, at: Int64) async throws
}

/// A durable queue of jobs with leases, shared by every worker kind.
///
/// A job whose lease expired is claimable again, so a crashed worker never leaves work stuck.
package protocol JobQueue: Sendable {
    /// Adds a queued job and returns its id.
    @discardableResult
    func enqueue(account: AccountID, kind: String, resourceARN: String, payload: String, runAfter: Int64, now: Int64)
        async throws -> Int64
    /// Claims the oldest runnable job of one of `kinds`: queued and due, or running with an expired lease.
    /// The claim increments `attempts` and sets the lease.
    func claimNext(kinds: [String], workerID: String, leaseUntil: Int64, now: Int64) async throws -> JobRecord?
    /// Extends a lease the worker still holds. Returns false when the lease was lost.
    func heartbeat(jobID: Int64, workerID: String, leaseUntil: Int64, now: Int64) async throws -> Bool
    /// Marks a job finished (succeeded or failed) if the worker still holds it.
    func finish(jobID: Int64, workerID: String, state: JobRecord.State, error: String?, now: Int64) async throws -> Bool
    /// Puts a claimed job back in the queue to run after `runAfter`.
    func release(jobID: Int64, workerID: String, runAfter: Int64, error: String?, now: Int64) async throws -> Bool
    func job(id: Int64) async throws -> JobRecord?
    /// Jobs that point at a resource, newest first.
    func jobs(account: AccountID, resourceARN: String) async throws -> [JobRecord]
}

/// Everything persistent behind one database: the composition root builds one and hands out its facets.
package protocol PersimmonStorage: ResourceStore, ResourceScan, CredentialStore, JobQueue, IAMStore, AuditStore {
    /// Runs pending migrations. Idempotent.
    func migrate() async throws
    /// Releases connections.
    func close() async throws
}
