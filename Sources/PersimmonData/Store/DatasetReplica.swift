/// A shared copy of one dataset's store outside the local directory (for example an S3 prefix), so that several
/// nodes can serve the same datasets. The local directory is then a cache of it.
///
/// Every method blocks (on network IO); the store calls them on the thread that calls the store, which is a
/// compute-pool thread. Names are segment file names (`seg-….pseg`); objects are immutable once written, except the
/// manifest.
package protocol DatasetReplica: Sendable {
    /// The shared manifest's bytes, or `nil` when there is none yet.
    func loadManifest() throws(DatasetError) -> [UInt8]?
    /// Replaces the shared manifest.
    func storeManifest(_ bytes: [UInt8]) throws(DatasetError)
    /// Uploads a local segment file.
    func uploadSegment(name: String, from path: String) throws(DatasetError)
    /// Downloads a segment into a new local file at `path` (not yet synced; the store syncs and renames it).
    func downloadSegment(name: String, to path: String) throws(DatasetError)
}
