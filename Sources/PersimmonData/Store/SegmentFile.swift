import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one segment file: buffers (8-byte aligned) as row groups are flushed, then the footer
/// and trailer, then `fsync`.
///
/// Buffer writes are queued to a private serial `DispatchQueue` and done with `pwrite` at offsets
/// computed up front, so the file-system copy overlaps the next row group's parsing. At most
/// ``maxQueuedBuffers`` buffers wait at once (the caller blocks beyond that), which bounds the
/// memory held by the queue. A failed write is reported by the next call.
///
/// The file is created under a staging name (`.staging-*.pseg`) that the store never reads and
/// removes on open; it only becomes part of the dataset when ``DatasetStore`` renames it and
/// swaps the manifest. If the writer is released before ``markCommitted()``, it deletes its file.
///
/// Used by one thread at a time (the importer's).
final class SegmentWriter {
    static let maxQueuedBuffers = 8

    let path: String
    private let fd: Int32
    private(set) var offset = 0
    private var closed = false
    private var committed = false
    private let queue = DispatchQueue(label: "persimmon.segment-writer")
    private let slots = DispatchSemaphore(value: SegmentWriter.maxQueuedBuffers)
    private let failure = FailureBox()

    /// The first error of a queued write.
    private final class FailureBox: Sendable {
        let error = Mutex<DatasetError?>(nil)
    }

    init(path: String) throws(DatasetError) {
        self.path = path
        fd = try POSIX.open(path, O_WRONLY | O_CREAT | O_EXCL)
        do throws(DatasetError) {
            try SegmentFooter.magic.withBytes { bytes throws(DatasetError) in
                try POSIX.pwriteAll(fd, bytes, at: 0, path: path)
            }
        } catch {
            discard()
            throw error
        }
        offset = SegmentFooter.magic.count
    }

    deinit {
        if !committed { discard() }
    }

    private func checkFailure() throws(DatasetError) {
        if let error = failure.error.withLock({ $0 }) { throw error }
    }

    /// The offset of the next 8-byte boundary.
    private func aligned(_ offset: Int) -> Int { (offset + 7) & ~7 }

    /// Queues `array` for writing at the next 8-byte boundary and returns where it will be.
    func write<T: BitwiseCopyable & Sendable>(_ array: [T]) throws(DatasetError) -> BufferRef {
        try checkFailure()
        let length = array.count * MemoryLayout<T>.stride
        let start = aligned(offset)
        guard length > 0 else { return BufferRef(offset: start, length: 0) }
        offset = start + length
        slots.wait()
        let (fd, path, failure, slots) = (fd, path, failure, slots)
        queue.async {
            defer { slots.signal() }
            guard failure.error.withLock({ $0 == nil }) else { return }
            do throws(DatasetError) {
                try array.withBytes { bytes throws(DatasetError) in
                    try POSIX.pwriteAll(fd, bytes, at: start, path: path)
                }
            } catch {
                failure.error.withLock { $0 = $0 ?? error }
            }
        }
        return BufferRef(offset: start, length: length)
    }

    /// Waits for the queued writes.
    private func drain() {
        queue.sync {}
    }

    /// Writes the footer and trailer and flushes the file to disk. Returns the file size.
    func finish(footer: SegmentFooter) throws(DatasetError) -> Int {
        drain()
        try checkFailure()
        let footerOffset = aligned(offset)
        let encoded = footer.encoded()
        var trailer = BinaryWriter()
        trailer.write(UInt64(footerOffset))
        trailer.write(UInt64(encoded.count))
        trailer.write(encoded.withUnsafeBytes { fnv1a64($0) })
        let tail = encoded + trailer.bytes + SegmentFooter.magic
        try tail.withBytes { bytes throws(DatasetError) in
            try POSIX.pwriteAll(fd, bytes, at: footerOffset, path: path)
        }
        offset = footerOffset + tail.count
        try POSIX.fsync(fd, path: path)
        POSIX.close(fd)
        closed = true
        return offset
    }

    /// The file now belongs to the dataset (it was renamed); the writer must not delete it.
    func markCommitted() {
        committed = true
    }

    /// Waits for queued writes, then closes and deletes the file.
    func discard() {
        if !closed {
            drain()
            POSIX.close(fd)
            closed = true
        }
        try? POSIX.unlink(path)
    }
}

/// An open, immutable segment file with its decoded footer. Reads use `pread`, so one instance
/// serves concurrent readers. The descriptor stays valid after the file is unlinked (a FULL
/// import replacing it), so in-flight snapshot reads finish on the old data.
final class SegmentFile: Sendable {
    let name: String
    let path: String
    let size: Int
    let footer: SegmentFooter
    private let fd: Int32

    init(directory: String, name: String) throws(DatasetError) {
        let path = directory + "/" + name
        self.name = name
        self.path = path
        let fd = try POSIX.open(path, O_RDONLY)
        do throws(DatasetError) {
            let size = try POSIX.fileSize(fd, path: path)
            let minimum = SegmentFooter.magic.count + SegmentFooter.trailerSize
            guard size >= minimum else {
                throw DatasetError(.corruptData, "The dataset store is damaged", underlying: "\(path): too short")
            }
            var head = [UInt8](repeating: 0, count: 8)
            try head.withMutableBytes { bytes throws(DatasetError) in
                try POSIX.preadExactly(fd, into: bytes, at: 0, path: path)
            }
            var trailer = [UInt8](repeating: 0, count: SegmentFooter.trailerSize)
            try trailer.withMutableBytes { bytes throws(DatasetError) in
                try POSIX.preadExactly(fd, into: bytes, at: size - SegmentFooter.trailerSize, path: path)
            }
            guard head == SegmentFooter.magic, Array(trailer[24..<32]) == SegmentFooter.magic else {
                throw DatasetError(.corruptData, "The dataset store is damaged", underlying: "\(path): bad magic")
            }
            var reader = BinaryReader(trailer, source: path)
            let footerOffset = try reader.readCount(limit: size)
            let footerLength = try reader.readCount(limit: size)
            let checksum = try reader.read(UInt64.self)
            guard footerOffset + footerLength + SegmentFooter.trailerSize == size else {
                throw reader.corrupt("footer location does not match the file size")
            }
            var footerBytes = [UInt8](repeating: 0, count: footerLength)
            try footerBytes.withMutableBytes { bytes throws(DatasetError) in
                try POSIX.preadExactly(fd, into: bytes, at: footerOffset, path: path)
            }
            guard footerBytes.withUnsafeBytes({ fnv1a64($0) }) == checksum else {
                throw reader.corrupt("footer checksum mismatch")
            }
            let footer = try SegmentFooter.decode(footerBytes, dataEnd: footerOffset, source: path)
            self.footer = footer
            self.size = size
            self.fd = fd
        } catch {
            POSIX.close(fd)
            throw error
        }
    }

    deinit {
        POSIX.close(fd)
    }

    /// Reads a buffer into `destination`, whose size must equal the buffer's length.
    func read(_ ref: BufferRef, into destination: UnsafeMutableRawBufferPointer) throws(DatasetError) {
        precondition(destination.count == ref.length, "destination size must match the buffer")
        try POSIX.preadExactly(fd, into: destination, at: ref.offset, path: path)
    }

    /// Reads a buffer as an array of `T`.
    func readArray<T: BitwiseCopyable>(_ ref: BufferRef, as _: T.Type) throws(DatasetError) -> [T] {
        let stride = MemoryLayout<T>.stride
        guard ref.length % stride == 0 else {
            throw DatasetError(.corruptData, "The dataset store is damaged", underlying: "\(path): misaligned buffer")
        }
        let count = ref.length / stride
        var failure: DatasetError?
        let array = [T](unsafeUninitializedCapacity: count) { storage, initialized in
            do throws(DatasetError) {
                try self.read(ref, into: UnsafeMutableRawBufferPointer(storage))
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return array
    }

    /// Reads a validity bitmap for `rows` rows; an empty buffer means all valid.
    func readBitmap(_ ref: BufferRef, rows: Int) throws(DatasetError) -> Bitmap {
        if ref.length == 0 { return Bitmap(count: rows, value: true) }
        return Bitmap(words: try readArray(ref, as: UInt64.self), count: rows)
    }

    /// Reads column `index`'s dictionary: key offsets, key bytes and occurrence counts.
    func readDictionary(column index: Int) throws(DatasetError) -> SegmentDictionaryData {
        guard let dictionary = footer.columns[index].dictionary else {
            return SegmentDictionaryData(offsets: [0], bytes: [], occurrences: [])
        }
        let offsets = try readArray(dictionary.offsets, as: UInt64.self)
        let bytes = try readArray(dictionary.bytes, as: UInt8.self)
        let occurrences = try readArray(dictionary.occurrences, as: UInt32.self)
        var previous: UInt64 = 0
        for offset in offsets {
            guard offset >= previous, offset <= UInt64(bytes.count) else {
                throw DatasetError(
                    .corruptData, "The dataset store is damaged", underlying: "\(path): dictionary offsets out of order"
                )
            }
            previous = offset
        }
        guard offsets.first == 0, offsets.last == UInt64(bytes.count) else {
            throw DatasetError(
                .corruptData, "The dataset store is damaged",
                underlying: "\(path): dictionary offsets do not cover the keys")
        }
        return SegmentDictionaryData(offsets: offsets, bytes: bytes, occurrences: occurrences)
    }
}

/// A dictionary as read from a segment.
struct SegmentDictionaryData {
    var offsets: [UInt64]
    var bytes: [UInt8]
    var occurrences: [UInt32]

    var count: Int { offsets.count - 1 }

    func withKey<R>(_ code: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[Int(offsets[code])..<Int(offsets[code + 1])]))
        }
    }
}
