/// A shared copy of one dataset's store outside the local directory (for example an S3 prefix), so that several
/// nodes can serve the same datasets. The local directory is then a cache of it.
///
/// Every method blocks (on network IO); the store calls them on the thread that calls the store, which is a
/// compute-pool thread. Names are segment file names (`seg-….pseg`); objects are immutable once written, except the
/// manifest.
package protocol DatasetReplica: Sendable {
    /// The shared manifest, or `nil` when there is none yet.
    func loadManifest() throws(DatasetError) -> ReplicaManifest?
    /// Replaces the shared manifest only if it is still the version `replacing` names (`nil`: only if there is
    /// none), atomically. When it is not, throws ``DatasetReplicaConflict/error``.
    func storeManifest(_ bytes: [UInt8], replacing version: String?) throws(DatasetError)
    /// Uploads a local segment file.
    func uploadSegment(name: String, from path: String) throws(DatasetError)
    /// Downloads a segment into a new local file at `path` (not yet synced; the store syncs and renames it).
    func downloadSegment(name: String, to path: String) throws(DatasetError)
}

/// A shared manifest and the version it was read at (an S3 ETag), for a conditional replacement.
package struct ReplicaManifest: Sendable, Equatable {
    package var bytes: [UInt8]
    package var version: String

    package init(bytes: [UInt8], version: String) {
        self.bytes = bytes
        self.version = version
    }
}

/// The error of a commit that lost the race for the shared manifest to another node.
package enum DatasetReplicaConflict {
    package static var error: DatasetError {
        DatasetError(.storage, "The dataset was changed by another node at the same time; retry the request")
    }
}
