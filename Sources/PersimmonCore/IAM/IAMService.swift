import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// IAM for one tenant account: users, access keys, groups, managed and inline policies, permissions boundaries and
/// login profiles, with AWS's rules, quotas and error messages.
///
/// Every write reads the account's snapshot, checks its rules on it and commits a list of changes only if nobody
/// committed in between (see ``IAMStore``); on a lost race it retries on a fresh snapshot. So quotas and
/// "no delete while in use" hold across processes sharing one database.
package struct IAMService: Sendable {
    package let store: any IAMStore
    package let credentials: any CredentialStore
    package let cache: IAMSnapshotCache
    private let box: SecretBox
    private let ids: IdentifierGenerator
    private let hasher: PasswordHasher
    /// Where password hashes are computed (the compute pool in the server): never on the request's task.
    private let compute: any ComputeExecutor

    package init(
        store: any IAMStore, credentials: any CredentialStore, cache: IAMSnapshotCache, box: SecretBox,
        compute: any ComputeExecutor, hasher: PasswordHasher = PasswordHasher(),
        ids: IdentifierGenerator = IdentifierGenerator()
    ) {
        self.store = store
        self.credentials = credentials
        self.cache = cache
        self.box = box
        self.compute = compute
        self.hasher = hasher
        self.ids = ids
    }

    // MARK: Quotas (IAM's defaults)

    package static let maxAccessKeysPerUser = 2
    package static let maxPolicyVersions = 5
    package static let maxAttachedPoliciesPerEntity = 10
    package static let maxGroupsPerUser = 10
    package static let maxTagsPerEntity = 50
    package static let maxUsersPerAccount = 5000
    package static let maxGroupsPerAccount = 300
    package static let maxCustomerPoliciesPerAccount = 1500
    /// Aggregate inline policy size (non-whitespace characters) per user and per group.
    package static let maxUserInlinePolicySize = 2048
    package static let maxGroupInlinePolicySize = 5120
    package static let maxManagedPolicySize = 6144

    // MARK: Reading and writing

    /// The account's current snapshot.
    package func snapshot(_ context: OperationContext) async throws -> IAMSnapshot {
        try await cache.current(account: context.account).snapshot
    }

    package func snapshot(account: AccountID) async throws -> IAMSnapshot {
        try await cache.current(account: account).snapshot
    }

    /// Runs `body` on a fresh snapshot and commits the changes it returns, retrying on a concurrent commit.
    func mutate<Result>(
        _ context: OperationContext, _ body: (IAMSnapshot) throws -> (changes: [IAMChange], result: Result)
    ) async throws -> Result {
        for _ in 0..<8 {
            let snapshot = try await cache.current(account: context.account).snapshot
            let (changes, result) = try body(snapshot)
            if changes.isEmpty { return result }
            do {
                if try await store.commitIAM(
                    account: context.account, expectedGeneration: snapshot.generation, changes
                ) != nil {
                    cache.invalidate(account: context.account)
                    return result
                }
            } catch let error as ServiceError where error.code == .resourceAlreadyExists {
                throw IAMError(.entityAlreadyExists, "The entity already exists.")
            }
            // Someone else committed first: read again and re-check every rule.
            cache.invalidate(account: context.account)
        }
        throw IAMError(
            .concurrentModification,
            "The request was rejected because multiple requests to change this object were submitted simultaneously. Wait a few minutes and submit your request again."
        )
    }

    // MARK: Lookups

    func user(named name: String, in snapshot: IAMSnapshot) throws(IAMError) -> IAMUserRecord {
        let key = name.lowercased()
        guard let user = snapshot.users.first(where: { $0.name.lowercased() == key }) else {
            throw IAMError.noSuchUser(name)
        }
        return user
    }

    func group(named name: String, in snapshot: IAMSnapshot) throws(IAMError) -> IAMGroupRecord {
        let key = name.lowercased()
        guard let group = snapshot.groups.first(where: { $0.name.lowercased() == key }) else {
            throw IAMError.noSuchGroup(name)
        }
        return group
    }

    /// The user a request names, or the caller when `UserName` is omitted (an IAM user calling for itself).
    func targetUserName(_ name: String?, _ context: OperationContext) throws(IAMError) -> String? {
        if let name { return name }
        if context.principal.kind == .user { return context.principal.userName }
        return nil
    }

    // MARK: Identifiers

    func newUserID() -> String { ids.uniqueID(prefix: "AIDA") }
    func newGroupID() -> String { ids.uniqueID(prefix: "AGPA") }
    func newPolicyID() -> String { ids.uniqueID(prefix: "ANPA") }

    func seal(secret: String, keyID: String) throws -> [UInt8] { try box.seal(secret, boundTo: keyID) }
    func newAccessKey() -> (id: String, secret: String) { (ids.accessKeyID(), ids.secretAccessKey()) }
    /// The stored form of a password, computed on ``compute`` (600,000 PBKDF2 rounds: tens of milliseconds).
    func hashPassword(_ password: String) async throws -> String {
        try await compute.run { [hasher] in hasher.hash(password) }
    }
}

/// One page of an IAM listing: `Marker` + `IsTruncated`, as every IAM `List*` answers.
package struct IAMPage<Item: Sendable>: Sendable {
    package var items: [Item]
    /// Where the next page starts; set only when `isTruncated`.
    package var marker: String?
    package var isTruncated: Bool { marker != nil }

    package init(items: [Item], marker: String?) {
        self.items = items
        self.marker = marker
    }
}

extension IAMPage {
    /// Pages through `items` (already in listing order, each with a unique sort key) after `marker`.
    ///
    /// A marker is the sort key of the last item returned, base64url-encoded: opaque to callers, and only ever
    /// compared against the caller's own listing.
    package static func of(_ items: [Item], key: (Item) -> String, marker: String?, maxItems: Int?) throws(IAMError)
        -> IAMPage
    {
        let limit = maxItems ?? 100
        guard limit >= 1, limit <= 1000 else {
            throw IAMError.validation(
                "maxItems", String(limit), "Member must have value between 1 and 1000")
        }
        var start = 0
        if let marker {
            guard let after = decodeMarker(marker) else {
                throw IAMError(.invalidInput, "Invalid Marker.")
            }
            start = items.firstIndex { after.utf8.lexicographicallyPrecedes(key($0).utf8) } ?? items.count
        }
        let page = Array(items[start..<min(start + limit, items.count)])
        let truncated = start + limit < items.count
        return IAMPage(items: page, marker: truncated ? encodeMarker(key(page[page.count - 1])) : nil)
    }

    static func encodeMarker(_ key: String) -> String {
        Data(key.utf8).base64EncodedString()
            .replacing("+", with: "-").replacing("/", with: "_")
            .replacing("=", with: "")
    }

    static func decodeMarker(_ marker: String) -> String? {
        var text = marker.replacing("-", with: "+").replacing("_", with: "/")
        while text.utf8.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}

/// Sorts by a byte-wise key, as listings are ordered.
func byteOrdered<T>(_ items: [T], by key: (T) -> String) -> [T] {
    items.sorted { key($0).utf8.lexicographicallyPrecedes(key($1).utf8) }
}
