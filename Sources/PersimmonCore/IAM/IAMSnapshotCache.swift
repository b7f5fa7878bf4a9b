import Synchronization

/// Each account's IAM snapshot, cached by generation, plus whatever was derived from it (compiled policy sets).
///
/// ``current(account:knownGeneration:)`` reuses the cached snapshot only when it is at least the account's generation
/// as read after the request arrived — read with the access key during authentication, or from the store — so a
/// change made by any process (a new policy, a detached group, a deleted user) is seen by the very next request.
/// Derived values live in the same entry and vanish with it.
package final class IAMSnapshotCache: Sendable {
    /// A cached snapshot and values derived from it, valid for exactly its generation.
    package final class Entry: Sendable {
        package let snapshot: IAMSnapshot
        private let derived = Mutex<[String: any Sendable]>([:])

        init(snapshot: IAMSnapshot) { self.snapshot = snapshot }

        /// The value cached under `key`, computing it once per snapshot.
        package func derived<Value: Sendable>(_ key: String, _ make: () throws -> Value) rethrows -> Value {
            if let cached = derived.withLock({ $0[key] }) as? Value { return cached }
            let value = try make()
            derived.withLock { $0[key] = value }
            return value
        }
    }

    private let store: any IAMStore
    private let entries = Mutex<[AccountID: Entry]>([:])
    /// At most this many accounts stay cached; beyond it an arbitrary entry is dropped.
    private let capacity: Int

    package init(store: any IAMStore, capacity: Int = 10_000) {
        self.store = store
        self.capacity = capacity
    }

    /// The account's current snapshot (cached when still current).
    ///
    /// - Parameter knownGeneration: the account's generation as read by this request after it arrived (with its
    ///   access key, ``IAMStore/accessKeyLookup(id:)``). When given, no store read is made for a cached entry of at
    ///   least that generation: generations only grow, so such an entry already holds every change committed before
    ///   the request, by any process. When nil, the generation is read from the store.
    package func current(account: AccountID, knownGeneration: Int64? = nil) async throws -> Entry {
        let generation: Int64
        if let knownGeneration {
            generation = knownGeneration
        } else {
            generation = try await store.iamGeneration(account: account)
        }
        if let entry = entries.withLock({ $0[account] }), entry.snapshot.generation >= generation {
            return entry
        }
        return try await reload(account: account)
    }

    /// Reads the snapshot from the store and caches it.
    @discardableResult
    package func reload(account: AccountID) async throws -> Entry {
        let entry = Entry(snapshot: try await store.iamSnapshot(account: account))
        entries.withLock { entries in
            if let existing = entries[account], existing.snapshot.generation > entry.snapshot.generation { return }
            if entries.count >= capacity, entries[account] == nil, let victim = entries.keys.first {
                entries[victim] = nil
            }
            entries[account] = entry
        }
        return entry
    }

    /// Drops the account's entry (after a local commit).
    package func invalidate(account: AccountID) {
        _ = entries.withLock { $0.removeValue(forKey: account) }
    }
}
