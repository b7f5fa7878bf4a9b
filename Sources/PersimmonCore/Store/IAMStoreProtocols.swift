/// An account's IAM data: users, groups, policies, attachments, login profiles and its users' access keys.
///
/// Reads return the whole account in one consistent snapshot; writes are a list of ``IAMChange``s committed
/// atomically and only if nobody else committed since the snapshot was read (optimistic concurrency on the
/// account's `generation`). So every rule that spans rows (at most two keys per user, five versions per policy,
/// no delete while attached, unique names) is checked by the domain on one snapshot and holds under concurrency.
package protocol IAMStore: Sendable {
    /// Everything IAM holds for the account, with the generation it was read at (0 when nothing was ever written).
    func iamSnapshot(account: AccountID) async throws -> IAMSnapshot
    /// The account's current IAM generation: one indexed read, made on every request to validate caches.
    func iamGeneration(account: AccountID) async throws -> Int64
    /// What authenticating a request needs, read in one statement (one round trip, one consistent view): the
    /// access key, its account's status and the account's IAM generation. Nil for an unknown key or a key whose
    /// account row is gone.
    func accessKeyLookup(id: String) async throws -> AccessKeyLookup?
    /// Applies `changes` in one transaction if the account's generation is still `expectedGeneration`, and moves
    /// the generation to `expectedGeneration + 1`.
    /// - Returns: the new generation, or nil (nothing written) when another commit came first.
    func commitIAM(account: AccountID, expectedGeneration: Int64, _ changes: [IAMChange]) async throws -> Int64?
}

/// The audit trail: one row per authenticated request, newest first per account.
package protocol AuditStore: Sendable {
    /// Appends events (in one transaction when the backend has them).
    func appendAuditEvents(_ events: [AuditEvent]) async throws
    /// Events of one account matching `query`, newest first (time descending, then event ID ascending).
    func auditEvents(account: AccountID, _ query: AuditQuery) async throws -> [AuditEvent]
    /// Deletes up to `limit` of the oldest events, of every account, whose time is before `cutoff` (epoch
    /// milliseconds), in one transaction. - Returns: how many were deleted (fewer than `limit`: nothing older is left).
    func pruneAuditEvents(before cutoff: Int64, limit: Int) async throws -> Int
}

/// An access key with its account's status and IAM generation, as of one moment
/// (see ``IAMStore/accessKeyLookup(id:)``).
///
/// Carrying the generation from authentication to authorization saves the per-request generation read: the cached
/// compiled policies are reused when they are at least this generation, which was read after the request arrived.
package struct AccessKeyLookup: Sendable, Equatable {
    package var key: AccessKeyRecord
    package var accountStatus: AccountRecord.Status
    package var iamGeneration: Int64

    package init(key: AccessKeyRecord, accountStatus: AccountRecord.Status, iamGeneration: Int64) {
        self.key = key
        self.accountStatus = accountStatus
        self.iamGeneration = iamGeneration
    }
}
