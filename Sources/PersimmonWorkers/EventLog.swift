import Foundation
import PersimmonCore
import Synchronization

/// The durable append log in front of the Interactions datasets: PutEvents batches are appended here and fsynced
/// before the call returns, with group commit — every batch that arrives while one write+fsync is in progress goes
/// into the next one, so many concurrent calls share one fsync.
///
/// The log is a sequence of files `events-<n>.log` in one directory. Each record is framed as
/// `length (u32 LE) · CRC-32 of the payload (u32 LE) · payload`; a torn or corrupt tail (a write that never
/// completed, so was never acknowledged) ends the file on recovery. ``rotate()`` seals the current file and starts
/// the next; the owner compacts the sealed entries into dataset segments and then deletes the sealed file.
///
/// `@unchecked Sendable` is not needed: all mutable state is in a `Mutex`, file writes happen only on `queue`.
package final class EventLog: Sendable {
    /// One appended batch: rows (CSV lines, no header) for one Interactions dataset.
    package struct Entry: Sendable, Equatable {
        package var account: String
        package var datasetARN: String
        /// The dataset schema's JSON text (the columns of `rows`).
        package var schema: String
        /// CSV rows in the schema's column order, each ending in a newline.
        package var rows: [UInt8]

        package init(account: String, datasetARN: String, schema: String, rows: [UInt8]) {
            self.account = account
            self.datasetARN = datasetARN
            self.schema = schema
            self.rows = rows
        }
    }

    /// A sealed file and the entries it holds, ready to compact.
    package struct Sealed: Sendable {
        package var path: String
        package var entries: [Entry]
    }

    private struct State {
        var fd: Int32
        var sequence: Int
        /// Framed records waiting for the next write, and the callers waiting for them to be durable.
        var pending: [UInt8] = []
        var pendingEntries: [Entry] = []
        var waiters: [CheckedContinuation<Void, any Error>] = []
        var flushScheduled = false
        /// Entries durable in the current file, not yet sealed.
        var written: [Entry] = []
        var closed = false
    }

    private let directory: String
    private let state: Mutex<State>
    private let queue = DispatchQueue(label: "persimmon.event-log")

    /// Opens the log in `directory` after recovery: `recovered` lists what earlier runs left (sealed, to compact).
    package init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let next = (Self.logFiles(in: directory).map(\.sequence).max() ?? 0) + 1
        let fd = try Self.create(directory: directory, sequence: next)
        state = Mutex(State(fd: fd, sequence: next))
    }

    deinit {
        state.withLock { state in
            if !state.closed { close(state.fd) }
        }
    }

    // MARK: Appending

    /// Appends a batch and returns once it is on disk (written and fsynced).
    package func append(_ entry: Entry) async throws {
        let framed = Self.frame(Self.encode(entry))
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let schedule = state.withLock { state -> Bool in
                state.pending.append(contentsOf: framed)
                state.pendingEntries.append(entry)
                state.waiters.append(continuation)
                if state.flushScheduled { return false }
                state.flushScheduled = true
                return true
            }
            if schedule { queue.async { self.flush() } }
        }
    }

    /// Writes and fsyncs everything pending as one group, then wakes its callers. Runs on `queue`; if more
    /// arrived meanwhile, it schedules itself again (so rotations queued in between get their turn).
    private func flush() {
        let (fd, bytes, entries, waiters) = state.withLock { state in
            let taken = (state.fd, state.pending, state.pendingEntries, state.waiters)
            state.pending = []
            state.pendingEntries = []
            state.waiters = []
            return taken
        }
        var failure: (any Error)?
        if !waiters.isEmpty {
            do {
                try Self.writeAll(fd, bytes)
                guard fsync(fd) == 0 else { throw ServiceError(.internalFailure, "fsync of the event log failed: errno \(errno)") }
            } catch {
                failure = error
            }
        }
        let again = state.withLock { state -> Bool in
            if failure == nil { state.written.append(contentsOf: entries) }
            if state.waiters.isEmpty {
                state.flushScheduled = false
                return false
            }
            return true
        }
        for waiter in waiters {
            if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
        }
        if again { queue.async { self.flush() } }
    }

    // MARK: Rotation

    /// Seals the current file (if it holds entries) and starts a new one. Returns the sealed file and its entries.
    package func rotate() async throws -> Sealed? {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Sealed?, any Error>) in
            queue.async {
                do {
                    let (empty, sequence) = self.state.withLock { ($0.written.isEmpty, $0.sequence) }
                    guard !empty else {
                        continuation.resume(returning: nil)
                        return
                    }
                    let fd = try Self.create(directory: self.directory, sequence: sequence + 1)
                    let sealed = self.state.withLock { state -> Sealed in
                        close(state.fd)
                        let sealed = Sealed(path: Self.path(self.directory, state.sequence), entries: state.written)
                        state.fd = fd
                        state.sequence += 1
                        state.written = []
                        return sealed
                    }
                    continuation.resume(returning: sealed)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Removes a sealed file once its entries are safely in the datasets.
    package func discard(_ sealed: Sealed) {
        unlink(sealed.path)
    }

    // MARK: Recovery

    /// Every entry earlier runs left in sealed files, in order, with the files (to delete once compacted). Call
    /// before the first append; the file this instance writes is not included.
    package func recover() -> [Sealed] {
        let current = state.withLock { $0.sequence }
        return Self.logFiles(in: directory).filter { $0.sequence < current }.map { file in
            Sealed(path: file.path, entries: Self.read(file.path))
        }
    }

    /// The entries of one log file, up to the first torn or corrupt record.
    static func read(_ path: String) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let bytes = [UInt8](data)
        var entries: [Entry] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            let length = Int(readU32(bytes, offset))
            let checksum = readU32(bytes, offset + 4)
            guard offset + 8 + length <= bytes.count else { break }
            let payload = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            guard CRC32.checksum(payload) == checksum, let entry = decode(payload) else { break }
            entries.append(entry)
            offset += 8 + length
        }
        return entries
    }

    // MARK: Files

    private static func path(_ directory: String, _ sequence: Int) -> String {
        let digits = String(sequence)
        return directory + "/events-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".log"
    }

    private static func logFiles(in directory: String) -> [(sequence: Int, path: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("events-"), name.hasSuffix(".log"),
                let sequence = Int(name.dropFirst("events-".count).dropLast(".log".count))
            else { return nil }
            return (sequence, directory + "/" + name)
        }.sorted { $0.0 < $1.0 }
    }

    /// Creates a log file and makes its directory entry durable.
    private static func create(directory: String, sequence: Int) throws -> Int32 {
        let fd = open(path(directory, sequence), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ServiceError(.internalFailure, "could not create the event log in \(directory): errno \(errno)")
        }
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
        return fd
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw ServiceError(.internalFailure, "writing the event log failed: errno \(errno)")
            }
            offset += written
        }
    }

    // MARK: Encoding

    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 8)
        appendU32(UInt32(payload.count), to: &out)
        appendU32(CRC32.checksum(payload), to: &out)
        out.append(contentsOf: payload)
        return out
    }

    static func encode(_ entry: Entry) -> [UInt8] {
        var out: [UInt8] = []
        for field in [Array(entry.account.utf8), Array(entry.datasetARN.utf8), Array(entry.schema.utf8), entry.rows] {
            appendU32(UInt32(field.count), to: &out)
            out.append(contentsOf: field)
        }
        return out
    }

    static func decode(_ payload: [UInt8]) -> Entry? {
        var fields: [[UInt8]] = []
        var offset = 0
        while fields.count < 4 {
            guard offset + 4 <= payload.count else { return nil }
            let length = Int(readU32(payload, offset))
            offset += 4
            guard offset + length <= payload.count else { return nil }
            fields.append(Array(payload[offset..<(offset + length)]))
            offset += length
        }
        guard offset == payload.count else { return nil }
        return Entry(
            account: String(decoding: fields[0], as: UTF8.self), datasetARN: String(decoding: fields[1], as: UTF8.self),
            schema: String(decoding: fields[2], as: UTF8.self), rows: fields[3]
        )
    }

    private static func appendU32(_ value: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(value & 0xFF))
        out.append(UInt8((value >> 8) & 0xFF))
        out.append(UInt8((value >> 16) & 0xFF))
        out.append(UInt8(value >> 24))
    }

    private static func readU32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
