import PersimmonCatalog

/// `CreateDatasetImportJob`'s `importMode`.
package enum ImportMode: String, Sendable, Hashable, CaseIterable {
    /// Replaces the dataset's bulk data with the file's records.
    case full = "FULL"
    /// Adds the file's records: interactions are appended; users, items and actions are upserted
    /// (the latest record per ID wins).
    case incremental = "INCREMENTAL"
}

/// The rules an import enforces. Defaults follow Amazon Personalize's documented quotas.
package struct ImportLimits: Sendable, Equatable {
    /// The fewest records an import must contain, by dataset type. Personalize needs 1,000
    /// interaction records per import job; for other types one record suffices.
    package var minimumRecords: [DatasetKind: Int]
    /// The largest input in bytes by mode: 100 GB for FULL, 1 GB for INCREMENTAL.
    package var maximumBytes: [ImportMode: Int]
    /// The longest ID (`USER_ID`, `ITEM_ID`, `ACTION_ID`, `EVENT_TYPE`, each `IMPRESSION`
    /// element), in characters.
    package var maxIDLength: Int
    /// The longest categorical value (all `|`-separated categories together), in characters.
    package var maxCategoricalLength: Int
    /// The longest textual value, in characters.
    package var maxTextualLength: Int
    /// Structural CSV limits (field and record size).
    package var csv: CSVLimits
    /// How many record errors ``DatasetError/recordErrors`` (and the failure reason) lists.
    package var maxReportedErrors: Int
    /// Rows buffered per row group before it is written to the staging segment.
    package var rowGroupRows: Int
    /// Approximate bytes buffered per row group before it is written (bounds memory for wide rows).
    package var rowGroupBytes: Int

    package init(
        minimumRecords: [DatasetKind: Int] = [.interactions: 1_000, .actionInteractions: 1_000],
        maximumBytes: [ImportMode: Int] = [.full: 100_000_000_000, .incremental: 1_000_000_000],
        maxIDLength: Int = 256,
        maxCategoricalLength: Int = 1_000,
        maxTextualLength: Int = 20_000,
        csv: CSVLimits = CSVLimits(),
        maxReportedErrors: Int = 10,
        rowGroupRows: Int = 1 << 20,
        rowGroupBytes: Int = 64 << 20
    ) {
        self.minimumRecords = minimumRecords
        self.maximumBytes = maximumBytes
        self.maxIDLength = maxIDLength
        self.maxCategoricalLength = maxCategoricalLength
        self.maxTextualLength = maxTextualLength
        self.csv = csv
        self.maxReportedErrors = maxReportedErrors
        self.rowGroupRows = max(rowGroupRows, 1)
        self.rowGroupBytes = rowGroupBytes
    }

    /// The minimum record count for `kind` (at least 1).
    func minimumRecords(for kind: DatasetKind) -> Int {
        max(minimumRecords[kind] ?? 1, 1)
    }
}

/// What a successful import did.
package struct ImportSummary: Sendable, Equatable {
    /// The import mode that was applied.
    package var mode: ImportMode
    /// Records imported (data rows, excluding the header and blank lines).
    package var records: Int
    /// Bytes of CSV read.
    package var bytesRead: Int
    /// The segment file that now holds the records (relative to the dataset directory).
    package var segment: String
    /// The manifest generation that made the segment live.
    package var generation: Int
}
