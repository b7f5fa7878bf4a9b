import Synchronization

/// Each account's IAM snapshot, cached by generation, plus whatever was derived from it (compiled policy sets).
///
/// ``current(account:)`` reads the account's generation from the store on every call (one indexed read) and reuses
/// the cached snapshot only when it is still that generation, so a change made by any process — a new policy, a
/// detached group, a deleted user — is seen by the very next request. Derived values live in the same entry and
/// vanish with it.
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
    package func current(account: AccountID) async throws -> Entry {
        let generation = try await store.iamGeneration(account: account)
        if let entry = entries.withLock({ $0[account] }), entry.snapshot.generation == generation {
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
