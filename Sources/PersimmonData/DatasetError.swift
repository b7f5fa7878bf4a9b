/// The error type of `PersimmonData`: a failed import, or a storage problem.
///
/// For a failed dataset import job, ``failureReason`` is the text for the job's
/// `failureReason` (`CREATE FAILED`). It is always safe to show to the account that ran the
/// import: it names lines, columns and (truncated) values of the CSV, never server paths.
/// ``underlyingDescription`` carries internal detail (paths, `errno`) for logs only.
package struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, broadly.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case emptyFile
            case invalidHeader
            case malformedCSV
            case invalidRecords
            case insufficientData
            case inputTooLarge
            case storage
            case corruptData
            case storeLocked
            case wrongDatasetType
            case importFinished
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The input has no header row (no bytes, or only blank lines).
        package static let emptyFile = Code(.emptyFile)
        /// The header row does not name the schema's fields.
        package static let invalidHeader = Code(.invalidHeader)
        /// The bytes are not parseable CSV (unterminated quote, stray quote, oversized field, ...).
        /// Parsing stops at the first such error.
        package static let malformedCSV = Code(.malformedCSV)
        /// One or more records break the schema; ``DatasetError/recordErrors`` has the first few.
        package static let invalidRecords = Code(.invalidRecords)
        /// Too few records (for example fewer than 1,000 in an Interactions import).
        package static let insufficientData = Code(.insufficientData)
        /// The input is larger than the import mode allows.
        package static let inputTooLarge = Code(.inputTooLarge)
        /// A file-system call failed.
        package static let storage = Code(.storage)
        /// A segment or manifest failed its integrity checks.
        package static let corruptData = Code(.corruptData)
        /// Another open store holds the dataset directory's lock.
        package static let storeLocked = Code(.storeLocked)
        /// The store holds a different dataset type than the operation needs.
        package static let wrongDatasetType = Code(.wrongDatasetType)
        /// An import was used after it failed or finished.
        package static let importFinished = Code(.importFinished)

        /// Whether the error is the input's fault (the job fails with this reason) rather than ours.
        package var isInputError: Bool {
            switch base {
            case .emptyFile, .invalidHeader, .malformedCSV, .invalidRecords, .insufficientData, .inputTooLarge:
                true
            case .storage, .corruptData, .storeLocked, .wrongDatasetType, .importFinished:
                false
            }
        }

        package var description: String { base.rawValue }
    }

    package var code: Code
    /// The job's `failureReason`: what failed, with lines and columns. Safe to show to clients.
    package var failureReason: String
    /// The first few record-level errors, in input order (for ``Code/invalidRecords`` and
    /// ``Code/malformedCSV``).
    package var recordErrors: [RecordError]
    /// How many records failed validation in total (``Code/invalidRecords``); `0` otherwise.
    package var failedRecordCount: Int
    /// Internal detail for logs: paths, `errno` text. Never rendered to clients.
    package var underlyingDescription: String?

    package init(
        _ code: Code,
        _ failureReason: String,
        recordErrors: [RecordError] = [],
        failedRecordCount: Int = 0,
        underlying: String? = nil
    ) {
        self.code = code
        self.failureReason = failureReason
        self.recordErrors = recordErrors
        self.failedRecordCount = failedRecordCount
        self.underlyingDescription = underlying
    }

    package var description: String { failureReason }
    package var debugDescription: String {
        guard let underlyingDescription else { return "\(code): \(failureReason)" }
        return "\(code): \(failureReason) (\(underlyingDescription))"
    }
}

/// One problem with one CSV record.
package struct RecordError: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based physical line on which the record starts (the header is line 1 unless blank
    /// lines precede it).
    package var line: Int
    /// The schema field (header name) of the offending value, or `nil` for a record-level problem
    /// such as a wrong number of fields.
    package var column: String?
    /// What is wrong, e.g. `"abc" is not a long`.
    package var message: String

    package init(line: Int, column: String?, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line 17, column TIMESTAMP: "abc" is not a long`.
    package var description: String {
        if let column { return "line \(line), column \(column): \(message)" }
        return "line \(line): \(message)"
    }
}
