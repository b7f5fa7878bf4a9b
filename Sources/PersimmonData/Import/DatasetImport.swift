import PersimmonCatalog

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One dataset import job in progress: CSV bytes go in (in chunks of any size, e.g. straight
/// from an S3 response body), one committed segment comes out, or nothing at all.
///
/// ```swift
/// var job = try store.beginImport(schema: schema, mode: .full)
/// for chunk in chunks { try job.consume(chunk) }
/// let summary = try job.finish()   // or DatasetError with the job's failureReason
/// ```
///
/// The import is all-or-nothing: records stream into a staging segment, and only
/// ``finish()`` on a fully valid input commits it. When ``consume(_:)-(UnsafeRawBufferPointer)``
/// or ``finish()`` throws, or the value is dropped unfinished, the staging file is deleted and the
/// dataset is exactly as before.
///
/// `consume` throws early only for errors that make the rest unreadable (bad header, malformed
/// CSV, input over the size limit, storage failure). Invalid records are counted and reported by
/// ``finish()``, which reads to the end so the failure can give the total.
///
/// CPU-bound and blocking (it writes the staging file): run it on a thread pool.
package struct DatasetImport: ~Copyable {
    private let store: DatasetStore
    private let schema: DatasetSchema
    private let limits: ImportLimits
    /// The import mode.
    package let mode: ImportMode
    /// Bulk or streamed rows (recorded in the manifest for exports).
    package let origin: DataOrigin
    private let maximumBytes: Int
    private var parser: CSVParser
    private var sink: ImportSink
    private var failure: DatasetError?

    init(
        store: DatasetStore, schema: DatasetSchema, mode: ImportMode, limits: ImportLimits, origin: DataOrigin,
        writer: SegmentWriter
    ) {
        self.store = store
        self.origin = origin
        self.schema = schema
        self.limits = limits
        self.mode = mode
        maximumBytes = limits.maximumBytes[mode] ?? Int.max
        parser = CSVParser(limits: limits.csv)
        sink = ImportSink(schema: schema, kind: store.kind, limits: limits, writer: writer)
    }

    /// CSV bytes consumed so far.
    package var bytesRead: Int { parser.bytesConsumed }

    /// Data records parsed so far (valid or not).
    package var recordsRead: Int { sink.records }

    /// Feeds the next chunk of CSV.
    package mutating func consume(_ chunk: UnsafeRawBufferPointer) throws(DatasetError) {
        if let failure { throw failure }
        do {
            try parser.consume(chunk, into: &sink)
        } catch {
            throw fail(malformed(error))
        }
        try checkProgress()
    }

    /// Feeds the next chunk of CSV.
    package mutating func consume(_ chunk: [UInt8]) throws(DatasetError) {
        var thrown: DatasetError?
        chunk.withUnsafeBytes { bytes in
            do throws(DatasetError) {
                try self.consume(bytes)
            } catch {
                thrown = error
            }
        }
        if let thrown { throw thrown }
    }

    /// Reads the next chunk of an open file straight into the parser; `false` at end of file.
    mutating func read(from fd: Int32, path: String) throws(DatasetError) -> Bool {
        if let failure { throw failure }
        let count: Int
        do {
            count = try parser.fill(minimumCapacity: 4 << 20) { buffer throws(DatasetError) in
                try POSIX.read(fd, into: buffer, path: path)
            }
        } catch {
            throw fail(error)
        }
        guard count > 0 else { return false }
        do {
            try parser.parseBuffered(into: &sink)
        } catch {
            throw fail(malformed(error))
        }
        try checkProgress()
        return true
    }

    private mutating func checkProgress() throws(DatasetError) {
        if let fatal = sink.fatal { throw fail(fatal) }
        if parser.bytesConsumed > maximumBytes {
            throw fail(
                DatasetError(
                    .inputTooLarge,
                    "The input is larger than \(Self.describeBytes(maximumBytes)), the limit for "
                        + "\(mode.rawValue) imports"
                )
            )
        }
    }

    /// Ends the input, checks the whole file passed, and commits the new segment.
    ///
    /// - Returns: What was imported.
    /// - Throws: ``DatasetError`` whose ``DatasetError/failureReason`` is the job's failure
    ///   reason; the dataset is unchanged.
    package consuming func finish() throws(DatasetError) -> ImportSummary {
        if let failure { throw failure }
        do {
            try parser.finish(into: &sink)
        } catch {
            throw fail(malformed(error))
        }
        try checkProgress()
        guard sink.hasHeader else {
            throw fail(
                DatasetError(
                    .emptyFile,
                    "The file is empty. It must start with a header row naming the schema's fields ("
                        + schema.fields.map(\.name).joined(separator: ",") + ") followed by the records"
                )
            )
        }
        if sink.failedRecords > 0 {
            throw fail(invalidRecords())
        }
        let kind = store.kind
        if sink.records == 0 {
            throw fail(
                DatasetError(.insufficientData, "The file has a header row but no records; nothing was imported")
            )
        }
        let minimum = limits.minimumRecords(for: kind)
        if sink.records < minimum {
            throw fail(
                DatasetError(
                    .insufficientData,
                    "Insufficient data: an import into \(kind.withArticle) dataset must contain at least "
                        + "\(minimum) records, but the file has \(sink.records)"
                )
            )
        }
        let createdAt = Int64(Date().timeIntervalSince1970)
        let size: Int
        let committed: (file: String, generation: Int)
        do {
            size = try sink.finishSegment(createdAt: createdAt)
            committed = try store.commit(
                sink.writer,
                rows: sink.records,
                bytes: size,
                mode: mode.rawValue,
                origin: origin,
                action: mode == .full ? .replaceAll : .append
            )
        } catch {
            throw fail(error)
        }
        return ImportSummary(
            mode: mode,
            records: sink.records,
            bytesRead: parser.bytesConsumed,
            segment: committed.file,
            generation: committed.generation
        )
    }

    /// Records the failure, deletes the staging file, and returns the error to throw.
    private mutating func fail(_ error: DatasetError) -> DatasetError {
        failure = error
        sink.writer.discard()
        return error
    }

    private func malformed(_ error: CSVError) -> DatasetError {
        let column = error.field.map { sink.columnName($0) }
        let recordError = RecordError(line: error.line, column: column, message: error.message)
        return DatasetError(
            .malformedCSV,
            "The file is not valid CSV: \(recordError)",
            recordErrors: [recordError]
        )
    }

    private func invalidRecords() -> DatasetError {
        let count = sink.failedRecords
        let shown = sink.recordErrors
        var reason = count == 1 ? "1 record failed validation" : "\(count) records failed validation"
        if shown.count < count { reason += " (the first \(shown.count) are listed)" }
        reason += ": " + shown.map(\.description).joined(separator: "; ")
        return DatasetError(.invalidRecords, reason, recordErrors: shown, failedRecordCount: count)
    }

    static func describeBytes(_ bytes: Int) -> String {
        if bytes % 1_000_000_000 == 0 { return "\(bytes / 1_000_000_000) GB" }
        if bytes % 1_000_000 == 0 { return "\(bytes / 1_000_000) MB" }
        return "\(bytes) bytes"
    }
}

extension DatasetKind {
    /// The type's name with its indefinite article: "an Interactions", "a Users".
    var withArticle: String {
        let vowelSound = rawValue.first.map { "AEIO".contains($0) } ?? false
        return (vowelSound ? "an " : "a ") + rawValue
    }
}
