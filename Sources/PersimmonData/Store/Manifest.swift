#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The list of live segments of a dataset (`manifest.json`). Small control metadata, so it is
/// JSON; it is only ever replaced whole (temp file, `fsync`, `rename`, `fsync` of the directory).
struct Manifest: Codable, Sendable, Equatable {
    static let fileName = "manifest.json"
    static let currentFormatVersion = 1

    struct Segment: Codable, Sendable, Equatable {
        /// File name inside the dataset directory.
        var file: String
        var rows: Int
        var bytes: Int
        /// The import mode that added it (`FULL`, `INCREMENTAL`) or `COMPACTION`.
        var mode: String
        /// The manifest generation that added it.
        var generation: Int
        /// Where the rows came from: `BULK` (import jobs) or `PUT` (streamed PutEvents, PutUsers,
        /// PutItems batches). Absent in manifests written before origins were recorded and for a
        /// compaction that merged both; such segments count as bulk data.
        var origin: String? = nil
    }

    var formatVersion: Int
    /// `DatasetKind.rawValue`.
    var datasetType: String
    /// Increases by one with every committed change.
    var generation: Int
    /// Oldest first: for users, items and actions, later segments win on equal IDs.
    var segments: [Segment]

    static func empty(datasetType: String) -> Manifest {
        Manifest(formatVersion: currentFormatVersion, datasetType: datasetType, generation: 0, segments: [])
    }

    /// Reads the manifest, or `nil` when the directory has none yet.
    static func load(directory: String) throws(DatasetError) -> Manifest? {
        let path = directory + "/" + fileName
        guard POSIX.fileExists(path) else { return nil }
        let fd = try POSIX.open(path, O_RDONLY)
        defer { POSIX.close(fd) }
        let size = try POSIX.fileSize(fd, path: path)
        var bytes = [UInt8](repeating: 0, count: size)
        try bytes.withMutableBytes { buffer throws(DatasetError) in
            try POSIX.preadExactly(fd, into: buffer, at: 0, path: path)
        }
        return try decode(bytes, source: path)
    }

    /// Parses manifest bytes (`source` names where they came from, for the log).
    static func decode(_ bytes: [UInt8], source path: String) throws(DatasetError) -> Manifest {
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(bytes))
        } catch {
            throw DatasetError(.corruptData, "The dataset store is damaged", underlying: "\(path): \(error)")
        }
        guard manifest.formatVersion == currentFormatVersion else {
            throw DatasetError(
                .corruptData,
                "The dataset store is damaged",
                underlying: "\(path): unsupported manifest format version \(manifest.formatVersion)"
            )
        }
        return manifest
    }

    /// The manifest as stored: sorted, indented JSON.
    func encoded() throws(DatasetError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return [UInt8](try encoder.encode(self))
        } catch {
            throw DatasetError(.storage, "The dataset store could not complete the operation", underlying: "\(error)")
        }
    }

    /// Atomically replaces the directory's manifest with `self`.
    func store(directory: String) throws(DatasetError) {
        let data = try encoded()
        let temporary = directory + "/.manifest-" + POSIX.randomToken() + ".tmp"
        let fd = try POSIX.open(temporary, O_WRONLY | O_CREAT | O_EXCL)
        do {
            try data.withBytes { bytes throws(DatasetError) in try POSIX.writeAll(fd, bytes, path: temporary) }
            try POSIX.fsync(fd, path: temporary)
            POSIX.close(fd)
        } catch {
            POSIX.close(fd)
            try? POSIX.unlink(temporary)
            throw error
        }
        do {
            try POSIX.rename(temporary, directory + "/" + Self.fileName)
        } catch {
            try? POSIX.unlink(temporary)
            throw error
        }
        try POSIX.fsyncDirectory(directory)
    }
}
