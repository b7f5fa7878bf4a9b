import PersimmonCatalog
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bulk data of one dataset: immutable columnar segment files plus a manifest naming the
/// live ones, in one directory (for example `<data-dir>/datasets/<account>/<dataset-id>/`).
///
/// - Imports write a staging segment; ``commit`` makes it live by renaming it and atomically
///   replacing `manifest.json`. FULL replaces the segment list, INCREMENTAL appends to it. A
///   failed or abandoned import leaves the manifest, and therefore the data, untouched.
/// - Opening the store removes leftovers of a crash: staging segments, temporary manifests and
///   segment files the manifest does not list.
/// - An exclusive `flock` on `LOCK` keeps a second store (in this or another process) off the
///   same directory; it is released when the store is deallocated.
/// - Every method blocks on file IO; call them from a thread pool, not the cooperative executor.
///
/// Readers (snapshots, stats) work on the segment list current when they start; a concurrent
/// commit does not disturb them.
package final class DatasetStore: Sendable {
    /// Fault injection for tests.
    package struct Hooks: Sendable {
        /// Runs after the new segment is written, synced and renamed, just before the manifest is
        /// replaced. Throwing aborts the commit, as a crash at that point would.
        package var beforeManifestSwap: (@Sendable () throws(DatasetError) -> Void)?

        package init(beforeManifestSwap: (@Sendable () throws(DatasetError) -> Void)? = nil) {
            self.beforeManifestSwap = beforeManifestSwap
        }
    }

    private struct State {
        var manifest: Manifest
        var segments: [SegmentFile]
    }

    /// The dataset directory.
    package let directory: String
    /// The dataset type the store holds.
    package let kind: DatasetKind
    private let lockDescriptor: Int32
    private let hooks: Hooks
    private let replica: (any DatasetReplica)?
    private let state: Mutex<State>

    static let segmentPrefix = "seg-"
    static let segmentSuffix = ".pseg"
    static let stagingPrefix = ".staging-"
    static let manifestTemporaryPrefix = ".manifest-"

    /// Opens (creating if needed) the store in `directory`.
    ///
    /// - Throws: ``DatasetError/Code/storeLocked`` when another open store holds the directory,
    ///   ``DatasetError/Code/wrongDatasetType`` when it holds another dataset type,
    ///   ``DatasetError/Code/corruptData`` for a damaged manifest or segment.
    /// - Parameter replica: The shared copy this directory caches (see ``refresh()``); `nil` for a local-only store.
    package init(
        directory: String, kind: DatasetKind, hooks: Hooks = Hooks(), replica: (any DatasetReplica)? = nil
    ) throws(DatasetError) {
        self.directory = directory
        self.kind = kind
        self.hooks = hooks
        self.replica = replica
        try POSIX.makeDirectories(directory)
        guard let lock = try POSIX.lockFile(directory + "/LOCK") else {
            throw DatasetError(
                .storeLocked,
                "The dataset is in use",
                underlying: "\(directory)/LOCK is held by another open DatasetStore"
            )
        }
        do throws(DatasetError) {
            var manifest = Manifest.empty(datasetType: kind.rawValue)
            if let stored = try Manifest.load(directory: directory) { manifest = stored }
            guard manifest.datasetType == kind.rawValue else {
                throw DatasetError(
                    .wrongDatasetType,
                    "The dataset holds \(manifest.datasetType) data, not \(kind.rawValue)",
                    underlying: directory
                )
            }
            try Self.removeLeftovers(directory: directory, manifest: manifest)
            var segments: [SegmentFile] = []
            for entry in manifest.segments {
                segments.append(try SegmentFile(directory: directory, name: entry.file))
            }
            lockDescriptor = lock
            state = Mutex(State(manifest: manifest, segments: segments))
        } catch {
            POSIX.close(lock)
            throw error
        }
    }

    deinit {
        POSIX.close(lockDescriptor)
    }

    /// Deletes a dataset directory and everything in it (for `DeleteDataset`). The store for it
    /// must not be open.
    package static func removeDirectory(_ directory: String) throws(DatasetError) {
        try POSIX.removeTree(directory)
    }

    private static func removeLeftovers(directory: String, manifest: Manifest) throws(DatasetError) {
        let live = Set(manifest.segments.map(\.file))
        for name in try POSIX.directoryEntries(directory) {
            let isTemporary = name.hasPrefix(stagingPrefix) || name.hasPrefix(manifestTemporaryPrefix)
            let isDeadSegment = name.hasPrefix(segmentPrefix) && name.hasSuffix(segmentSuffix) && !live.contains(name)
            if isTemporary || isDeadSegment {
                try POSIX.unlink(directory + "/" + name)
            }
        }
    }

    // MARK: Segments

    /// The manifest generation: 0 for a new store, +1 per committed import or compaction.
    package var generation: Int {
        state.withLock { $0.manifest.generation }
    }

    /// Information about the live segments, oldest first.
    package var segments: [SegmentInfo] {
        state.withLock { state in
            zip(state.manifest.segments, state.segments).map { entry, file in
                SegmentInfo(
                    file: entry.file,
                    rows: entry.rows,
                    bytes: entry.bytes,
                    mode: entry.mode,
                    generation: entry.generation,
                    createdAt: file.footer.createdAt,
                    origin: entry.origin.flatMap(DataOrigin.init(rawValue:)) ?? .bulk
                )
            }
        }
    }

    /// The open live segments, oldest first.
    func liveSegments() -> [SegmentFile] {
        state.withLock { $0.segments }
    }

    /// The open live segments with their manifest entries, oldest first.
    func liveEntries() -> [(entry: Manifest.Segment, file: SegmentFile)] {
        state.withLock { state in Array(zip(state.manifest.segments, state.segments)) }
    }

    /// A new staging segment file for an import or compaction.
    func makeStagingWriter() throws(DatasetError) -> SegmentWriter {
        try SegmentWriter(path: directory + "/" + Self.stagingPrefix + POSIX.randomToken() + Self.segmentSuffix)
    }

    /// How a commit changes the segment list.
    enum CommitAction {
        /// FULL import: the new segment replaces every live segment.
        case replaceAll
        /// INCREMENTAL import: the new segment goes after the live ones.
        case append
        /// Compaction: the new segment replaces these leading segments, which must still be the
        /// first live ones (a FULL import in between makes the compaction moot).
        case replacePrefix([String])
    }

    /// Makes a finished staging segment live: renames it, then atomically replaces the manifest.
    ///
    /// On any failure the manifest is unchanged and the new file is removed.
    func commit(
        _ writer: SegmentWriter,
        rows: Int,
        bytes: Int,
        mode: String,
        origin: DataOrigin?,
        action: CommitAction
    ) throws(DatasetError) -> (file: String, generation: Int) {
        let (file, generation, dropped) = try state.withLock { state throws(DatasetError) in
            let pulled = try pullLocked(&state)
            let current = state.manifest.segments.map(\.file)
            let keep: Int
            switch action {
            case .replaceAll:
                keep = 0
            case .append:
                keep = current.count
            case .replacePrefix(let prefix):
                guard current.starts(with: prefix) else {
                    throw DatasetError(
                        .storage,
                        "The dataset changed while it was being compacted",
                        underlying: "\(directory): compaction input is no longer the start of the segment list"
                    )
                }
                keep = current.count - prefix.count
            }
            let generation = state.manifest.generation + 1
            let digits = String(generation)
            let name =
                Self.segmentPrefix + String(repeating: "0", count: max(0, 8 - digits.count)) + digits + "-"
                + POSIX.randomToken() + Self.segmentSuffix
            let path = directory + "/" + name
            try POSIX.rename(writer.path, path)
            writer.markCommitted()
            do throws(DatasetError) {
                try POSIX.fsyncDirectory(directory)
                let segment = try SegmentFile(directory: directory, name: name)
                try hooks.beforeManifestSwap?()
                var manifest = state.manifest
                let entry = Manifest.Segment(
                    file: name, rows: rows, bytes: bytes, mode: mode, generation: generation, origin: origin?.rawValue
                )
                let kept = Array(manifest.segments.suffix(keep))
                let dropped = manifest.segments.dropLast(keep).map(\.file)
                switch action {
                case .append: manifest.segments = kept + [entry]
                case .replaceAll, .replacePrefix: manifest.segments = [entry] + kept
                }
                manifest.generation = generation
                try pushLocked(manifest, previousGeneration: state.manifest.generation)
                try manifest.store(directory: directory)
                state.manifest = manifest
                let keptFiles = Array(state.segments.suffix(keep))
                switch action {
                case .append: state.segments = keptFiles + [segment]
                case .replaceAll, .replacePrefix: state.segments = [segment] + keptFiles
                }
                return (name, generation, pulled + dropped)
            } catch {
                try? POSIX.unlink(path)
                throw error
            }
        }
        // Best effort: a file left behind here is not in the manifest, so the next open removes it.
        for name in dropped {
            try? POSIX.unlink(directory + "/" + name)
        }
        return (file, generation)
    }

    /// Removes all data (the manifest becomes empty). Readers already holding segments finish.
    package func removeAllData() throws(DatasetError) {
        let dropped = try state.withLock { state throws(DatasetError) in
            let pulled = try pullLocked(&state)
            var manifest = state.manifest
            let dropped = manifest.segments.map(\.file)
            manifest.segments = []
            manifest.generation += 1
            try pushLocked(manifest, previousGeneration: state.manifest.generation)
            try manifest.store(directory: directory)
            state.manifest = manifest
            state.segments = []
            return pulled + dropped
        }
        for name in dropped {
            try? POSIX.unlink(directory + "/" + name)
        }
    }

    /// Replaces (or drops) live segments with rewritten ones in one manifest swap, each new
    /// segment taking its original's place, mode and origin. Every `old` must still be live.
    /// On failure the manifest is unchanged and the new files are removed.
    func commitReplacements(_ replacements: [SegmentReplacement]) throws(DatasetError) -> Int {
        let (generation, dropped) = try state.withLock { state throws(DatasetError) in
            let pulled = try pullLocked(&state)
            let live = Set(state.manifest.segments.map(\.file))
            guard replacements.allSatisfy({ live.contains($0.old) }) else {
                throw DatasetError(
                    .storage,
                    "The dataset changed while it was being rewritten",
                    underlying: "\(directory): a segment to replace is no longer live"
                )
            }
            let generation = state.manifest.generation + 1
            let digits = String(generation)
            var renamed: [String: (name: String, replacement: SegmentReplacement)] = [:]
            do throws(DatasetError) {
                for replacement in replacements {
                    guard let writer = replacement.writer else { continue }
                    let name =
                        Self.segmentPrefix + String(repeating: "0", count: max(0, 8 - digits.count)) + digits + "-"
                        + POSIX.randomToken() + Self.segmentSuffix
                    try POSIX.rename(writer.path, directory + "/" + name)
                    writer.markCommitted()
                    renamed[replacement.old] = (name, replacement)
                }
                try POSIX.fsyncDirectory(directory)
                var opened: [String: SegmentFile] = [:]
                for (old, new) in renamed {
                    opened[old] = try SegmentFile(directory: directory, name: new.name)
                }
                try hooks.beforeManifestSwap?()
                let replaced = Set(replacements.map(\.old))
                var manifest = state.manifest
                var segments: [SegmentFile] = []
                var entries: [Manifest.Segment] = []
                for (entry, file) in zip(state.manifest.segments, state.segments) {
                    guard replaced.contains(entry.file) else {
                        entries.append(entry)
                        segments.append(file)
                        continue
                    }
                    guard let new = renamed[entry.file], let segment = opened[entry.file] else { continue }
                    var updated = entry
                    updated.file = new.name
                    updated.rows = new.replacement.rows
                    updated.bytes = new.replacement.bytes
                    updated.generation = generation
                    entries.append(updated)
                    segments.append(segment)
                }
                manifest.segments = entries
                manifest.generation = generation
                try pushLocked(manifest, previousGeneration: state.manifest.generation)
                try manifest.store(directory: directory)
                state.manifest = manifest
                state.segments = segments
                return (generation, pulled + replacements.map(\.old))
            } catch {
                for new in renamed.values { try? POSIX.unlink(directory + "/" + new.name) }
                throw error
            }
        }
        // Best effort: a file left behind here is not in the manifest, so the next open removes it.
        for name in dropped {
            try? POSIX.unlink(directory + "/" + name)
        }
        return generation
    }

    // MARK: Shared copy

    /// Brings the local cache up to the replica's manifest when the replica's generation is newer: downloads the
    /// segments the cache lacks, then swaps the local manifest. A no-op without a replica. Readers that already hold
    /// segments finish on them.
    package func refresh() throws(DatasetError) {
        guard replica != nil else { return }
        let dropped = try state.withLock { state throws(DatasetError) in try pullLocked(&state) }
        for name in dropped {
            try? POSIX.unlink(directory + "/" + name)
        }
    }

    /// Adopts the replica's manifest if it is newer; returns the local files it no longer lists.
    private func pullLocked(_ state: inout State) throws(DatasetError) -> [String] {
        guard let replica, let shared = try replica.loadManifest() else { return [] }
        let remote = try Manifest.decode(shared.bytes, source: "shared manifest of \(directory)")
        guard remote.datasetType == kind.rawValue else {
            throw DatasetError(
                .wrongDatasetType, "The dataset holds \(remote.datasetType) data, not \(kind.rawValue)",
                underlying: "shared manifest of \(directory)")
        }
        guard remote.generation > state.manifest.generation else { return [] }
        var open: [String: SegmentFile] = [:]
        for (entry, file) in zip(state.manifest.segments, state.segments) { open[entry.file] = file }
        var files: [SegmentFile] = []
        var downloaded = false
        for entry in remote.segments {
            if let file = open[entry.file] {
                files.append(file)
                continue
            }
            let path = directory + "/" + entry.file
            if !POSIX.fileExists(path) {
                let staging = directory + "/" + Self.stagingPrefix + POSIX.randomToken() + Self.segmentSuffix
                do throws(DatasetError) {
                    try replica.downloadSegment(name: entry.file, to: staging)
                    let fd = try POSIX.open(staging, O_RDONLY)
                    defer { POSIX.close(fd) }
                    try POSIX.fsync(fd, path: staging)
                    try POSIX.rename(staging, path)
                } catch {
                    try? POSIX.unlink(staging)
                    throw error
                }
                downloaded = true
            }
            files.append(try SegmentFile(directory: directory, name: entry.file))
        }
        if downloaded { try POSIX.fsyncDirectory(directory) }
        try remote.store(directory: directory)
        let listed = Set(remote.segments.map(\.file))
        let dropped = state.manifest.segments.map(\.file).filter { !listed.contains($0) }
        state.manifest = remote
        state.segments = files
        return dropped
    }

    /// Publishes a new manifest to the replica before it replaces the local one: first every segment it lists that
    /// the replica's manifest does not, then the manifest, replacing only the version read at the start (a
    /// conditional write) and only if that version's generation is `previousGeneration`. Otherwise the commit fails
    /// and changes nothing locally.
    private func pushLocked(_ manifest: Manifest, previousGeneration: Int) throws(DatasetError) {
        guard let replica else { return }
        let shared = try replica.loadManifest()
        var present: Set<String> = []
        if let shared {
            let current = try Manifest.decode(shared.bytes, source: "shared manifest of \(directory)")
            guard current.generation == previousGeneration else {
                var error = DatasetReplicaConflict.error
                error.underlyingDescription =
                    "\(directory): shared manifest is at generation \(current.generation), expected \(previousGeneration)"
                throw error
            }
            present = Set(current.segments.map(\.file))
        }
        for entry in manifest.segments where !present.contains(entry.file) {
            try replica.uploadSegment(name: entry.file, from: directory + "/" + entry.file)
        }
        try replica.storeManifest(try manifest.encoded(), replacing: shared?.version)
    }

    // MARK: Imports

    /// Starts a push import: feed the CSV with ``DatasetImport/consume(_:)-(UnsafeRawBufferPointer)``
    /// and commit it with ``DatasetImport/finish()``.
    ///
    /// - Parameter origin: Whether the rows are bulk data (import jobs) or streamed records
    ///   (PutEvents, PutUsers, PutItems); exports select by it. When `nil`, an import without
    ///   minimum-record rules (`limits.minimumRecords` empty, as streamed batches use) counts as
    ///   `.put` and any other as `.bulk`.
    package func beginImport(
        schema: DatasetSchema,
        mode: ImportMode,
        limits: ImportLimits = ImportLimits(),
        origin: DataOrigin? = nil
    ) throws(DatasetError) -> DatasetImport {
        DatasetImport(
            store: self, schema: schema, mode: mode, limits: limits,
            origin: origin ?? (limits.minimumRecords.isEmpty ? .put : .bulk), writer: try makeStagingWriter()
        )
    }

    /// Imports a local CSV file, reading it in 4 MiB chunks straight into the parser's buffer.
    package func importCSV(
        path: String,
        schema: DatasetSchema,
        mode: ImportMode,
        limits: ImportLimits = ImportLimits()
    ) throws(DatasetError) -> ImportSummary {
        let fd: Int32
        do throws(DatasetError) {
            fd = try POSIX.open(path, O_RDONLY)
        } catch {
            throw DatasetError(
                .storage,
                "The input file could not be opened",
                underlying: error.underlyingDescription
            )
        }
        defer { POSIX.close(fd) }
        var job = try beginImport(schema: schema, mode: mode, limits: limits, origin: .bulk)
        while try job.read(from: fd, path: path) {}
        return try job.finish()
    }
}

/// A live segment, as listed by ``DatasetStore/segments``.
package struct SegmentInfo: Sendable, Equatable {
    package var file: String
    package var rows: Int
    package var bytes: Int
    /// `FULL`, `INCREMENTAL` or `COMPACTION`.
    package var mode: String
    package var generation: Int
    /// Seconds since 1970.
    package var createdAt: Int64
    /// Bulk (import jobs) or streamed (`PUT`) rows. Compactions that merged both count as bulk.
    package var origin: DataOrigin = .bulk
}

/// Where a segment's rows came from, as `CreateDatasetExportJob`'s `ingestionMode` names it.
package enum DataOrigin: String, Sendable, Hashable, CaseIterable {
    /// Dataset import jobs.
    case bulk = "BULK"
    /// Streamed records: PutEvents, PutUsers, PutItems.
    case put = "PUT"
}
