import Crypto
import Synchronization

/// A small, bounded cache of derived signing keys, shared by every request a verifier checks.
///
/// Deriving a key costs four HMACs; the cache turns that into one SHA-256 of the secret per request.
///
/// Security invariants:
/// - Entries are keyed by (access key ID, scope date, region, service) **and** bound to a SHA-256
///   digest of the secret: a rotated or different secret for the same key ID never reuses a stale key
///   (the digest is compared in constant time).
/// - The plaintext secret is never stored, only the digest and the derived key (which is valid for
///   that one date/region/service).
/// - At most `capacity` entries are kept; when full, the cache is emptied before inserting, so memory
///   is bounded whatever clients send (a scope is only cached after the caller found its key ID).
package final class SigV4SigningKeyCache: Sendable {
    private struct Key: Hashable {
        var accessKeyID: String
        var date: String
        var region: String
        var service: String
    }

    private struct Entry {
        var secretDigest: SHA256Digest
        var signingKey: SymmetricKey
    }

    /// The most entries kept at once.
    package let capacity: Int
    private let entries: Mutex<[Key: Entry]>

    /// - Parameter capacity: the most entries kept at once (at least 1).
    package init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
        self.entries = Mutex([:])
    }

    /// The signing key for the scope, derived on a miss.
    package func signingKey(
        accessKeyID: String,
        secretAccessKey: String,
        date: String,
        region: String,
        service: String
    ) -> SymmetricKey {
        let key = Key(accessKeyID: accessKeyID, date: date, region: region, service: service)
        let digest = SHA256.hash(data: Array(secretAccessKey.utf8))
        let cached: SymmetricKey? = entries.withLock { entries in
            guard let entry = entries[key], entry.secretDigest == digest else { return nil }
            return entry.signingKey
        }
        if let cached { return cached }
        // Derive outside the lock: a race only means two threads derive the same key.
        let derived = SigV4.signingKey(secretAccessKey: secretAccessKey, date: date, region: region, service: service)
        entries.withLock { entries in
            if entries[key] == nil && entries.count >= capacity {
                entries.removeAll(keepingCapacity: true)
            }
            entries[key] = Entry(secretDigest: digest, signingKey: derived)
        }
        return derived
    }

    /// The number of cached keys.
    package var count: Int {
        entries.withLock { $0.count }
    }

    /// Drops every cached key (e.g. after a key was deleted, to bound how long its derived keys live).
    package func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    /// Drops every cached key of one access key ID.
    package func removeAll(accessKeyID: String) {
        entries.withLock { entries in
            entries = entries.filter { $0.key.accessKeyID != accessKeyID }
        }
    }
}
