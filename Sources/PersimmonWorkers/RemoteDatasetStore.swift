import AsyncHTTPClient
import Foundation
import NIOCore
import PersimmonData
import PersimmonS3
import Synchronization

/// Where the shared dataset store lives: `s3://bucket/prefix` on the server's S3-compatible endpoint. Each dataset
/// is mirrored under `<prefix>/<account>/<group>/<TYPE>/` (`manifest.json` plus the immutable `seg-*.pseg` files).
package struct SharedDatasetStore: Sendable {
    package let client: S3Client
    package let bucket: String
    /// The key prefix, without a trailing slash (may be empty).
    package let prefix: String

    /// - Throws: when `url` is not `s3://bucket[/prefix]`.
    package init(url: String, client: S3Client) throws {
        guard let location = S3Location(url: url) else {
            throw S3Error(
                code: "InvalidDatasetStore", message: "the dataset store must be s3://bucket/prefix", status: 0)
        }
        self.client = client
        self.bucket = location.bucket
        var prefix = location.key
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.prefix = prefix
    }

    /// The replica of the dataset cached in `relativePath` (`<account>/<group>/<TYPE>`).
    func replica(relativePath: String) -> S3DatasetReplica {
        S3DatasetReplica(
            client: client, bucket: bucket, keyPrefix: (prefix.isEmpty ? "" : prefix + "/") + relativePath + "/")
    }
}

/// One dataset's shared copy in S3. The store calls it on compute-pool threads, which wait for the asynchronous
/// S3 calls to finish (the HTTP client runs on its own event loops, never on the compute pool).
struct S3DatasetReplica: DatasetReplica {
    let client: S3Client
    let bucket: String
    /// `<prefix>/<account>/<group>/<TYPE>/`.
    let keyPrefix: String

    func loadManifest() throws(DatasetError) -> ReplicaManifest? {
        let client = client
        let bucket = bucket
        let key = keyPrefix + "manifest.json"
        return try Self.wait {
            try await client.getSmallObject(bucket: bucket, key: key).map {
                ReplicaManifest(bytes: $0.bytes, version: $0.etag)
            }
        }
    }

    func storeManifest(_ bytes: [UInt8], replacing version: String?) throws(DatasetError) {
        let client = client
        let bucket = bucket
        let key = keyPrefix + "manifest.json"
        try Self.wait {
            try await client.putObjectIfUnchanged(bucket: bucket, key: key, body: bytes, ifMatch: version)
        }
    }

    func uploadSegment(name: String, from path: String) throws(DatasetError) {
        let client = client
        let bucket = bucket
        let key = keyPrefix + name
        try Self.wait {
            try await client.putObject(
                bucket: bucket, key: key, fromFile: path, contentType: "application/octet-stream")
        }
    }

    func downloadSegment(name: String, to path: String) throws(DatasetError) {
        let client = client
        let bucket = bucket
        let key = keyPrefix + name
        try Self.wait {
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let handle = FileHandle(forWritingAtPath: path)
            else {
                throw S3Error(code: "LocalFileFailed", message: "cannot create \(path)", status: 0)
            }
            defer { try? handle.close() }
            let body = try await client.getObject(bucket: bucket, key: key)
            for try await chunk in body {
                try handle.write(contentsOf: Data(chunk.readableBytesView))
            }
        }
    }

    /// Runs `work` on the concurrency runtime and blocks this (compute-pool) thread until it finishes.
    private static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws(DatasetError) -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        switch result.withLock({ $0 }) {
        case .success(let value)?:
            return value
        case .failure(let error as S3Error)? where error.isPreconditionFailure:
            var conflict = DatasetReplicaConflict.error
            conflict.underlyingDescription = "shared manifest replaced meanwhile: \(error)"
            throw conflict
        case .failure(let error)?:
            throw DatasetError(
                .storage, "The shared dataset store could not complete the operation", underlying: "\(error)")
        case nil:
            throw DatasetError(.storage, "The shared dataset store could not complete the operation")
        }
    }
}
