/// Checks the data locations users name in import, export and deletion jobs, before a job is accepted.
///
/// The implementation knows the server's configuration (the S3-compatible endpoint, the local import root); the
/// domain only asks whether a location is acceptable, so a bad one is refused at once with
/// `InvalidInputException` instead of failing later in a worker.
package protocol DataLocations: Sendable {
    /// A location data can be read from: `s3://bucket/key`, `s3://bucket/prefix/`, or `file:///path` under the
    /// import root.
    func checkReadable(_ location: String) throws
    /// A location data can be written to (exports, batch output).
    func checkWritable(_ location: String) throws
}

/// Accepts nothing: for servers (and tests) with no data sources configured.
package struct NoDataLocations: DataLocations {
    package init() {}

    package func checkReadable(_ location: String) throws {
        throw ServiceError(
            .invalidInput, "The data location \(location) cannot be read: this server has no S3 endpoint or import root configured."
        )
    }

    package func checkWritable(_ location: String) throws {
        throw ServiceError(
            .invalidInput, "The data location \(location) cannot be written: this server has no S3 endpoint or import root configured."
        )
    }
}

/// Job kinds of the data plane.
package enum DataJobKind {
    package static let datasetImport = "dataset.import"
    package static let datasetExport = "dataset.export"
    package static let dataDeletion = "data.deletion"
}
