import PersimmonCatalog
import Synchronization
import Testing

@testable import PersimmonData

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A shared store in memory: the manifest (with a version bumped by every write, like an ETag) and segment files as
/// byte arrays. Manifest replacement is conditional, as with S3's `If-Match` / `If-None-Match: *`.
final class MemoryReplica: DatasetReplica {
    struct Contents {
        var manifest: [UInt8]? {
            didSet { version += 1 }
        }
        var version = 0
        var segments: [String: [UInt8]] = [:]
        var uploads: [String] = []
    }

    let contents = Mutex(Contents())

    func loadManifest() throws(DatasetError) -> ReplicaManifest? {
        contents.withLock { contents in
            contents.manifest.map { ReplicaManifest(bytes: $0, version: String(contents.version)) }
        }
    }

    func storeManifest(_ bytes: [UInt8], replacing version: String?) throws(DatasetError) {
        try contents.withLock { contents throws(DatasetError) in
            let current = contents.manifest == nil ? nil : String(contents.version)
            guard current == version else { throw DatasetReplicaConflict.error }
            contents.manifest = bytes
        }
    }

    func uploadSegment(name: String, from path: String) throws(DatasetError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError(.storage, "missing \(path)")
        }
        contents.withLock {
            $0.segments[name] = [UInt8](data)
            $0.uploads.append(name)
        }
    }

    func downloadSegment(name: String, to path: String) throws(DatasetError) {
        guard let bytes = contents.withLock({ $0.segments[name] }) else {
            throw DatasetError(.storage, "no object \(name)")
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw DatasetError(.storage, "cannot write \(path)")
        }
    }

    var generation: Int? {
        contents.withLock { contents in
            contents.manifest.flatMap { try? Manifest.decode($0, source: "test").generation }
        }
    }
}

@Suite struct DatasetReplicaTests {
    @Test func commitsArePublishedAndAnotherCacheCatchesUp() throws {
        let directory = TemporaryDirectory()
        let replica = MemoryReplica()
        let nodeA = try DatasetStore(directory: directory.sub("a"), kind: .interactions, replica: replica)
        try importOK(interactionsCSV(count: 1000), into: nodeA, schema: Schemas.interactions)
        #expect(replica.generation == 1)
        #expect(replica.contents.withLock { $0.segments.keys.sorted() } == nodeA.segments.map(\.file))

        // A second node with an empty cache: nothing until it refreshes, then the same data.
        let nodeB = try DatasetStore(directory: directory.sub("b"), kind: .interactions, replica: replica)
        #expect(nodeB.generation == 0)
        try nodeB.refresh()
        #expect(nodeB.generation == 1)
        #expect(try nodeB.stats() == nodeA.stats())

        // B appends; A's next commit starts from B's manifest, so neither update is lost.
        try importOK(
            interactionsCSV(count: 1000, start: 1_700_000_000), into: nodeB, schema: Schemas.interactions,
            mode: .incremental)
        try importOK(
            interactionsCSV(count: 1000, start: 1_800_000_000), into: nodeA, schema: Schemas.interactions,
            mode: .incremental)
        #expect(nodeA.generation == 3 && replica.generation == 3)
        #expect(try nodeA.stats().records == 3000)
        try nodeB.refresh()
        #expect(try nodeB.stats() == nodeA.stats())
        // Segments are uploaded once each: the manifest's own files, never re-sent.
        let uploads = replica.contents.withLock { $0.uploads }
        #expect(uploads.count == 3 && Set(uploads).count == 3)
    }

    @Test func aConcurrentCommitElsewhereFailsTheSwapAndChangesNothing() throws {
        let directory = TemporaryDirectory()
        let replica = MemoryReplica()
        let nodeA = try DatasetStore(directory: directory.sub("a"), kind: .interactions, replica: replica)
        try importOK(interactionsCSV(count: 1000), into: nodeA, schema: Schemas.interactions)
        let published = try #require(replica.contents.withLock { $0.manifest })

        // Another node commits generation 2 while this one uploads its segment (after its pull, before its put):
        // the conditional put of the manifest loses.
        var ahead = try Manifest.decode(published, source: "test")
        ahead.generation = 2
        let aheadBytes = try ahead.encoded()
        let racing = RacingReplica(inner: replica) {
            replica.contents.withLock { $0.manifest = aheadBytes }
        }
        let nodeB = try DatasetStore(directory: directory.sub("b"), kind: .interactions, replica: racing)
        try nodeB.refresh()
        let before = try nodeB.stats()
        let result = importText(
            interactionsCSV(count: 1000, start: 1_900_000_000), into: nodeB, schema: Schemas.interactions,
            mode: .incremental)
        #expect(result.failure?.code == .storage)
        #expect(result.failure?.failureReason.contains("another node") == true)
        // Neither the shared manifest (the other node's stays) nor the local data changed.
        #expect(replica.contents.withLock { $0.manifest } == aheadBytes)
        #expect(nodeB.generation == 1)
        #expect(try nodeB.stats() == before)
        #expect(directoryListing(directory.sub("b")).filter { $0.hasPrefix("seg-") }.count == 1)

        // A put whose version is stale is refused even when the generation looks right (the same manifest written
        // again by another node): the condition is on the version, not on the content.
        #expect(throws: DatasetError.self) { try replica.storeManifest(published, replacing: "0") }
    }
}

/// Forwards to a replica, running `onUpload` when a segment upload starts (between a commit's pull and its compare).
struct RacingReplica: DatasetReplica {
    let inner: MemoryReplica
    let onUpload: @Sendable () -> Void

    func loadManifest() throws(DatasetError) -> ReplicaManifest? { try inner.loadManifest() }
    func storeManifest(_ bytes: [UInt8], replacing version: String?) throws(DatasetError) {
        try inner.storeManifest(bytes, replacing: version)
    }
    func uploadSegment(name: String, from path: String) throws(DatasetError) {
        onUpload()
        try inner.uploadSegment(name: name, from: path)
    }
    func downloadSegment(name: String, to path: String) throws(DatasetError) {
        try inner.downloadSegment(name: name, to: path)
    }
}
