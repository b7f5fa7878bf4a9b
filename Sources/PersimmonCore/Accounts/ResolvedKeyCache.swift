import Synchronization

/// A value that changes whenever anything has been committed to a store — by this process or by any other process
/// sharing the database — and can be read on the request path without a store round trip.
///
/// Two tokens read at two moments are equal only if no write was committed in between. A store that cannot tell
/// cheaply returns nil from ``StoreChangeSignal/changeToken()``, and callers then read the store itself.
package struct StoreChangeToken: Sendable, Hashable {
    /// Writes committed through this storage object (bumped after each commit returns).
    package var local: Int64
    /// The database's own change counter, moved by every other connection's commit (0 when there is none).
    package var external: Int64

    package init(local: Int64, external: Int64) {
        self.local = local
        self.external = external
    }
}

/// A store that can say, synchronously and without a round trip, whether anything changed since a moment.
package protocol StoreChangeSignal: Sendable {
    /// The current change token, or nil when it cannot be read (callers then do not trust any cache).
    func changeToken() -> StoreChangeToken?
}

/// Resolved access keys (key ID → principal, secret, IAM generation), each remembered with the store's change
/// token read *before* it was looked up.
///
/// An entry is used only while the store's token is still the one it was stored with, that is while nothing at all
/// has been committed since it was read: its lookup would then return exactly the same row, so the cache can never
/// answer differently from the store. Any commit — a deactivated or deleted key, a closed account, any IAM change
/// that moves the account's generation, or an unrelated write — makes every entry stale, and the next request reads
/// the store again. Reading the token before the lookup matters: a commit racing the lookup leaves the entry tagged
/// with the older token, so it is re-read at its next use rather than trusted.
package final class ResolvedKeyCache: Sendable {
    private struct Entry {
        var credential: ResolvedCredential
        var token: StoreChangeToken
    }

    /// A lookup under way, shared by every request that misses with the same token meanwhile.
    private struct Flight {
        var token: StoreChangeToken
        var task: Task<ResolvedCredential?, any Error>
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let flights = Mutex<[String: Flight]>([:])
    private let capacity: Int

    package init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// The cached credential for `accessKeyID` if it was stored under `token`.
    package func credential(for accessKeyID: String, token: StoreChangeToken) -> ResolvedCredential? {
        entries.withLock { entries in
            guard let entry = entries[accessKeyID], entry.token == token else { return nil }
            return entry.credential
        }
    }

    /// Remembers `credential`, looked up after `token` was read.
    package func store(_ credential: ResolvedCredential, for accessKeyID: String, token: StoreChangeToken) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[accessKeyID] == nil {
                // Stale entries can never be used again; when they are not enough, start over.
                entries = entries.filter { $0.value.token == token }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[accessKeyID] = Entry(credential: credential, token: token)
        }
    }

    /// Runs `lookUp` for a miss, or joins the lookup already under way for the same key and token, and caches a
    /// found credential under `token`.
    ///
    /// After a commit every in-flight request of a key misses at once; they share one store read. Sharing is as
    /// exact as each reading for itself: every joiner read the same token, so nothing was committed between its
    /// own token read and the shared lookup's (which started after that same token was read).
    package func resolve(
        _ accessKeyID: String, token: StoreChangeToken,
        lookUp: @escaping @Sendable () async throws -> ResolvedCredential?
    ) async throws -> ResolvedCredential? {
        let task = flights.withLock { flights in
            if let flight = flights[accessKeyID], flight.token == token { return flight.task }
            let task = Task { try await lookUp() }
            flights[accessKeyID] = Flight(token: token, task: task)
            return task
        }
        let result: ResolvedCredential?
        do {
            result = try await task.value
        } catch {
            finish(accessKeyID, token: token)
            throw error
        }
        if let result { store(result, for: accessKeyID, token: token) }
        finish(accessKeyID, token: token)
        return result
    }

    private func finish(_ accessKeyID: String, token: StoreChangeToken) {
        flights.withLock { flights in
            if flights[accessKeyID]?.token == token { flights[accessKeyID] = nil }
        }
    }

    /// How many entries are held (for tests).
    package var count: Int { entries.withLock { $0.count } }
}
