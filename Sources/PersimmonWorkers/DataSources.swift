import AsyncHTTPClient
import Foundation
import NIOCore
import PersimmonCore
import PersimmonS3

/// The data locations this server can reach: an S3-compatible endpoint and a local import root.
///
/// Local paths are resolved with every symlink followed and must end up inside the import root, so neither
/// `..` nor a link pointing out of the root can reach other files.
package struct DataSources: DataLocations {
    private let s3: S3Client?
    /// The import root with its symlinks resolved, without a trailing slash.
    private let importRoot: String?

    package init(s3: S3Client?, importRoot: String?) throws {
        self.s3 = s3
        if let importRoot {
            guard let resolved = Self.realPath(importRoot) else {
                throw ServiceError(.invalidInput, "the import root \(importRoot) does not exist")
            }
            self.importRoot = resolved.hasSuffix("/") && resolved.count > 1 ? String(resolved.dropLast()) : resolved
        } else {
            self.importRoot = nil
        }
    }

    /// One readable object: a local file or an S3 object.
    package enum Object: Sendable, Equatable {
        case file(path: String)
        case s3(S3Location)

        package var displayName: String {
            switch self {
            case .file(let path): "file://\(path)"
            case .s3(let location): location.description
            }
        }
    }

    package func checkReadable(_ location: String) throws {
        _ = try parse(location, forWriting: false)
    }

    package func checkWritable(_ location: String) throws {
        _ = try parse(location, forWriting: true)
    }

    /// The objects a location names: one object, or every `.csv` under a prefix ending in `/`, sorted by name.
    package func objects(at location: String) async throws -> [Object] {
        switch try parse(location, forWriting: false) {
        case .local(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ServiceError(.invalidInput, "The data location \(location) does not exist.")
            }
            guard isDirectory.boolValue else { return [.file(path: path)] }
            let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
            return try names.filter { $0.lowercased().hasSuffix(".csv") }.compactMap { name in
                let full = (path as NSString).appendingPathComponent(name)
                guard let real = Self.realPath(full), try isInsideRoot(real) else { return nil }
                return .file(path: real)
            }
        case .s3(let s3Location):
            guard let s3 else { throw Self.noS3(location) }
            if s3Location.key.isEmpty || s3Location.key.hasSuffix("/") {
                let listed = try await s3.listObjects(bucket: s3Location.bucket, prefix: s3Location.key)
                return listed.filter { $0.key.lowercased().hasSuffix(".csv") }.sorted { $0.key < $1.key }.map {
                    .s3(S3Location(bucket: s3Location.bucket, key: $0.key))
                }
            }
            return [.s3(s3Location)]
        }
    }

    /// Streams an object's bytes in chunks, calling `consume` for each; nothing is held whole.
    package func read(_ object: Object, chunkSize: Int = 4 << 20, consume: (ByteBuffer) async throws -> Void)
        async throws
    {
        switch object {
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw ServiceError(.invalidInput, "Could not open \(object.displayName) for reading.")
            }
            defer { try? handle.close() }
            while true {
                let data = try handle.read(upToCount: chunkSize) ?? Data()
                if data.isEmpty { break }
                try await consume(ByteBuffer(bytes: data))
            }
        case .s3(let location):
            guard let s3 else { throw Self.noS3(location.description) }
            do {
                let body = try await s3.getObject(bucket: location.bucket, key: location.key)
                for try await chunk in body {
                    try await consume(chunk)
                }
            } catch let error as S3Error {
                throw ServiceError(.invalidInput, "Could not read \(location): \(error.message)")
            }
        }
    }

    /// Writes a whole object (exports, batch output).
    package func write(_ bytes: [UInt8], to location: String) async throws {
        switch try parse(location, forWriting: true) {
        case .local(let path):
            let directory = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let temporary = path + ".tmp-\(UUID().uuidString)"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
                throw ServiceError(.invalidInput, "Could not write \(location).")
            }
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        case .s3(let s3Location):
            guard let s3 else { throw Self.noS3(location) }
            do {
                try await s3.putObject(bucket: s3Location.bucket, key: s3Location.key, body: bytes)
            } catch let error as S3Error {
                throw ServiceError(.invalidInput, "Could not write \(location): \(error.message)")
            }
        }
    }

    /// Where a job writes its output.
    package enum Destination: Sendable, Equatable {
        /// A local path under the import root (resolved, symlinks followed).
        case file(path: String)
        case s3(S3Location)
    }

    /// Resolves a writable location (an export's output), refusing what `checkWritable` refuses.
    package func destination(_ location: String) throws -> Destination {
        switch try parse(location, forWriting: true) {
        case .local(let path): .file(path: path)
        case .s3(let s3Location): .s3(s3Location)
        }
    }

    /// Uploads a local file to an S3 destination, streaming it (multipart for large files).
    package func upload(file path: String, to location: S3Location) async throws {
        guard let s3 else { throw Self.noS3(location.description) }
        do {
            try await s3.putObject(bucket: location.bucket, key: location.key, fromFile: path)
        } catch let error as S3Error {
            throw ServiceError(.invalidInput, "Could not write \(location): \(error.message)")
        }
    }

    // MARK: Parsing

    private enum Parsed {
        case local(String)
        case s3(S3Location)
    }

    private func parse(_ location: String, forWriting: Bool) throws -> Parsed {
        if let s3Location = S3Location(url: location) {
            guard s3 != nil else { throw Self.noS3(location) }
            return .s3(s3Location)
        }
        if location.hasPrefix("file://") {
            guard importRoot != nil else {
                throw ServiceError(
                    .invalidInput,
                    "The data location \(location) is a local path, but this server has no --import-root configured."
                )
            }
            let path = String(location.dropFirst("file://".count))
            guard path.hasPrefix("/") else {
                throw ServiceError(.invalidInput, "The data location \(location) must be an absolute file:/// path.")
            }
            return .local(try resolveInsideRoot(path, location: location, forWriting: forWriting))
        }
        throw ServiceError(
            .invalidInput,
            "The data location \(location) is not supported: use s3://bucket/key, s3://bucket/prefix/ or file:///path under the import root."
        )
    }

    /// Resolves a path (following symlinks) and checks it is inside the import root. For writing, the deepest
    /// existing ancestor is resolved instead, since the file itself may not exist yet.
    private func resolveInsideRoot(_ path: String, location: String, forWriting: Bool) throws -> String {
        var existing = path
        var suffix: [String] = []
        while Self.realPath(existing) == nil {
            guard forWriting, existing != "/" else {
                throw ServiceError(.invalidInput, "The data location \(location) does not exist.")
            }
            suffix.insert((existing as NSString).lastPathComponent, at: 0)
            existing = (existing as NSString).deletingLastPathComponent
        }
        if suffix.contains("..") || suffix.contains(".") {
            throw ServiceError(.invalidInput, "The data location \(location) is outside the import root.")
        }
        let real = ([Self.realPath(existing)!] + suffix).joined(separator: "/").replacingOccurrences(
            of: "//", with: "/")
        guard try isInsideRoot(real) else {
            throw ServiceError(.invalidInput, "The data location \(location) is outside the import root.")
        }
        return path.hasSuffix("/") && !real.hasSuffix("/") ? real + "/" : real
    }

    private func isInsideRoot(_ real: String) throws -> Bool {
        guard let importRoot else { return false }
        return real == importRoot || real.hasPrefix(importRoot == "/" ? "/" : importRoot + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func noS3(_ location: String) -> ServiceError {
        ServiceError(
            .invalidInput,
            "The data location \(location) is in S3, but this server has no S3 endpoint configured (--s3-endpoint-url)."
        )
    }
}
