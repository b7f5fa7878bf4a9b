import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PersimmonSigV4

/// Where the server's own S3-compatible storage is and how to sign for it.
package struct S3Configuration: Sendable {
    /// `http://127.0.0.1:9000`, `https://s3.eu-west-1.amazonaws.com`, ...
    package var endpointURL: String
    package var region: String
    package var accessKeyID: String
    package var secretAccessKey: String
    package var sessionToken: String?
    /// Path-style addressing (`endpoint/bucket/key`), which every S3-compatible store accepts.
    package var pathStyle: Bool

    package init(
        endpointURL: String, region: String, accessKeyID: String, secretAccessKey: String,
        sessionToken: String? = nil, pathStyle: Bool = true
    ) {
        self.endpointURL = endpointURL
        self.region = region
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.pathStyle = pathStyle
    }
}

/// An `s3://bucket/key` location.
package struct S3Location: Sendable, Equatable, CustomStringConvertible {
    package var bucket: String
    package var key: String

    package init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// Parses `s3://bucket/key`; nil when the text is not an S3 URL with a bucket.
    package init?(url: String) {
        guard url.hasPrefix("s3://") else { return nil }
        let rest = url.dropFirst(5)
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bucket = parts.first, !bucket.isEmpty else { return nil }
        self.bucket = String(bucket)
        self.key = parts.count > 1 ? String(parts[1]) : ""
    }

    package var description: String { "s3://\(bucket)/\(key)" }
}

/// One object in a listing.
package struct S3Object: Sendable, Equatable {
    package var key: String
    package var size: Int64
}

/// An error S3 answered with, or a transport failure. `message` is safe to show to the user.
package struct S3Error: Error, Sendable, CustomStringConvertible {
    package var code: String
    package var message: String
    package var status: Int

    package init(code: String, message: String, status: Int) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// A conditional write lost: the object changed (412 PreconditionFailed, 409 ConditionalRequestConflict).
    package var isPreconditionFailure: Bool {
        status == 412 || code == "PreconditionFailed" || code == "ConditionalRequestConflict"
    }

    package var description: String { "\(code): \(message)" }
}

/// A small S3 client: the calls the import, export and artifact paths need, signed with SigV4, streaming bodies.
package struct S3Client: Sendable {
    private let configuration: S3Configuration
    private let signer: SigV4Signer
    private let http: HTTPClient
    private let base: URL

    package init(configuration: S3Configuration, httpClient: HTTPClient = .shared) throws {
        guard let base = URL(string: configuration.endpointURL), base.scheme == "http" || base.scheme == "https",
            base.host != nil
        else {
            throw S3Error(code: "InvalidEndpoint", message: "the S3 endpoint URL is not an http(s) URL", status: 0)
        }
        self.configuration = configuration
        self.base = base
        self.http = httpClient
        self.signer = SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: configuration.accessKeyID, secretAccessKey: configuration.secretAccessKey,
                sessionToken: configuration.sessionToken
            ),
            region: configuration.region, service: "s3", pathStyle: .s3
        )
    }

    /// Every object under a prefix (ListObjectsV2, following continuation tokens).
    package func listObjects(bucket: String, prefix: String) async throws -> [S3Object] {
        var objects: [S3Object] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let response = try await send(method: .GET, bucket: bucket, key: "", query: query, body: [])
            let body = try await response.body.collect(upTo: 16 << 20)
            let xml = String(buffer: body)
            try Self.check(response, body: xml)
            objects += XMLScan.elements("Contents", in: xml).compactMap { entry in
                guard let key = XMLScan.value("Key", in: entry) else { return nil }
                return S3Object(key: XMLScan.unescape(key), size: Int64(XMLScan.value("Size", in: entry) ?? "") ?? 0)
            }
            let truncated = XMLScan.value("IsTruncated", in: xml) == "true"
            token = truncated ? XMLScan.value("NextContinuationToken", in: xml).map(XMLScan.unescape) : nil
        } while token != nil
        return objects
    }

    /// Streams an object's bytes. The caller consumes the sequence; nothing is buffered whole.
    package func getObject(bucket: String, key: String) async throws -> HTTPClientResponse.Body {
        let response = try await send(method: .GET, bucket: bucket, key: key, query: [], body: [])
        if response.status != .ok {
            let body = try await response.body.collect(upTo: 1 << 20)
            try Self.check(response, body: String(buffer: body))
        }
        return response.body
    }

    /// Writes an object in one request (for exports and artifacts up to a few hundred MB).
    package func putObject(bucket: String, key: String, body: [UInt8], contentType: String = "text/csv") async throws {
        let response = try await send(
            method: .PUT, bucket: bucket, key: key, query: [], body: body, contentType: contentType
        )
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        try Self.check(response, body: text)
    }

    /// A small object read whole with its ETag, or nil when there is no such key.
    package func getSmallObject(bucket: String, key: String, limit: Int = 64 << 20) async throws -> (
        bytes: [UInt8], etag: String
    )? {
        let response = try await send(method: .GET, bucket: bucket, key: key, query: [], body: [])
        let body = try await response.body.collect(upTo: limit)
        if response.status == .notFound { return nil }
        try Self.check(response, body: String(buffer: body))
        return (Array(body.readableBytesView), response.headers.first(name: "etag") ?? "")
    }

    /// Writes an object only if it is unchanged: its ETag is still `ifMatch`, or, when `ifMatch` is nil, no object
    /// exists yet (`If-None-Match: *`). S3 answers 412 (or 409 for a racing conditional write) otherwise, thrown as
    /// an ``S3Error`` with ``S3Error/isPreconditionFailure`` set.
    package func putObjectIfUnchanged(
        bucket: String, key: String, body: [UInt8], ifMatch: String?, contentType: String = "application/json"
    ) async throws {
        let condition = ifMatch.map { (name: "if-match", value: $0) } ?? (name: "if-none-match", value: "*")
        let response = try await send(
            method: .PUT, bucket: bucket, key: key, query: [], body: body, contentType: contentType,
            extraHeaders: [condition])
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        try Self.check(response, body: text)
    }

    /// Parts of a multipart upload (S3's minimum is 5 MiB for every part but the last).
    package static let partSize = 16 << 20

    /// Uploads a local file as one object, streaming it: a single PUT when it fits in one part,
    /// otherwise a multipart upload of ``partSize`` parts (only one part in memory at a time).
    /// A failed multipart upload is aborted, so no partial object appears.
    package func putObject(
        bucket: String, key: String, fromFile path: String, contentType: String = "text/csv",
        partSize: Int = S3Client.partSize
    ) async throws {
        let partSize = max(5 << 20, partSize)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw S3Error(code: "LocalFileMissing", message: "cannot read \(path)", status: 0)
        }
        defer { try? handle.close() }
        let first = [UInt8](try handle.read(upToCount: partSize) ?? Data())
        if first.count < partSize {
            try await putObject(bucket: bucket, key: key, body: first, contentType: contentType)
            return
        }
        let uploadID = try await createMultipartUpload(bucket: bucket, key: key, contentType: contentType)
        do {
            var etags: [String] = []
            var part = first
            while !part.isEmpty {
                etags.append(
                    try await uploadPart(
                        bucket: bucket, key: key, uploadID: uploadID, number: etags.count + 1, body: part))
                part = [UInt8](try handle.read(upToCount: partSize) ?? Data())
            }
            try await completeMultipartUpload(bucket: bucket, key: key, uploadID: uploadID, etags: etags)
        } catch {
            try? await abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
            throw error
        }
    }

    /// Creates a bucket (tests and first-run setup; an existing bucket you own is not an error).
    package func createBucket(_ bucket: String) async throws {
        let response = try await send(method: .PUT, bucket: bucket, key: "", query: [], body: [])
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        if XMLScan.value("Code", in: text) == "BucketAlreadyOwnedByYou" { return }
        try Self.check(response, body: text)
    }

    func createMultipartUpload(bucket: String, key: String, contentType: String) async throws -> String {
        let response = try await send(
            method: .POST, bucket: bucket, key: key, query: [("uploads", "")], body: [], contentType: contentType
        )
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        try Self.check(response, body: text)
        guard let uploadID = XMLScan.value("UploadId", in: text) else {
            throw S3Error(code: "MalformedResponse", message: "CreateMultipartUpload returned no UploadId", status: 0)
        }
        return XMLScan.unescape(uploadID)
    }

    func uploadPart(bucket: String, key: String, uploadID: String, number: Int, body: [UInt8]) async throws -> String {
        let response = try await send(
            method: .PUT, bucket: bucket, key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)],
            body: body
        )
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        try Self.check(response, body: text)
        guard let etag = response.headers.first(name: "etag") else {
            throw S3Error(code: "MalformedResponse", message: "UploadPart returned no ETag", status: 0)
        }
        return etag
    }

    func completeMultipartUpload(bucket: String, key: String, uploadID: String, etags: [String]) async throws {
        var xml = "<CompleteMultipartUpload>"
        for (index, etag) in etags.enumerated() {
            let escaped = etag.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(
                of: "\"", with: "&quot;")
            xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(escaped)</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try await send(
            method: .POST, bucket: bucket, key: key, query: [("uploadId", uploadID)], body: Array(xml.utf8),
            contentType: "application/xml"
        )
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        try Self.check(response, body: text)
        // S3 may answer 200 with an error document when the completion fails late.
        if text.contains("<Error>") {
            throw S3Error(
                code: XMLScan.value("Code", in: text) ?? "InternalError",
                message: XMLScan.value("Message", in: text).map(XMLScan.unescape) ?? "multipart completion failed",
                status: 200
            )
        }
    }

    func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        let response = try await send(
            method: .DELETE, bucket: bucket, key: key, query: [("uploadId", uploadID)], body: []
        )
        _ = try await response.body.collect(upTo: 1 << 20)
    }

    // MARK: Transport

    private func send(
        method: HTTPMethod, bucket: String, key: String, query: [(String, String)], body: [UInt8],
        contentType: String? = nil, extraHeaders: [(name: String, value: String)] = []
    ) async throws -> HTTPClientResponse {
        var host = base.host ?? "127.0.0.1"
        if let port = base.port { host += ":\(port)" }
        var path = base.path.hasSuffix("/") ? String(base.path.dropLast()) : base.path
        if configuration.pathStyle {
            path += "/" + SigV4.percentEncodedPath(bucket)
        } else {
            host = "\(bucket).\(host)"
        }
        path += "/" + SigV4.percentEncodedPath(key)
        let queryString = query.map {
            SigV4.percentEncodedQueryComponent($0.0) + "=" + SigV4.percentEncodedQueryComponent($0.1)
        }.joined(separator: "&")
        let payloadHash = SigV4.hexSHA256(body)
        var headers: [(name: String, value: String)] = [
            (name: "host", value: host),
            (name: "x-amz-content-sha256", value: payloadHash),
        ]
        if let contentType { headers.append((name: "content-type", value: contentType)) }
        headers += extraHeaders
        let signed = signer.sign(
            method: method.rawValue, path: path, query: queryString, headers: headers, payloadHash: payloadHash,
            date: Date()
        )
        let scheme = base.scheme ?? "http"
        var request = HTTPClientRequest(
            url: "\(scheme)://\(host)\(path)\(queryString.isEmpty ? "" : "?" + queryString)")
        request.method = method
        for (name, value) in headers + signed where name != "host" {
            request.headers.add(name: name, value: value)
        }
        if !body.isEmpty || method == .PUT {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            return try await http.execute(request, timeout: .seconds(300))
        } catch {
            throw S3Error(code: "ConnectionFailed", message: "could not reach the S3 endpoint: \(error)", status: 0)
        }
    }

    private static func check(_ response: HTTPClientResponse, body: String) throws {
        guard (200..<300).contains(response.status.code) else {
            throw S3Error(
                code: XMLScan.value("Code", in: body) ?? "HTTP\(response.status.code)",
                message: XMLScan.value("Message", in: body).map(XMLScan.unescape) ?? response.status.reasonPhrase,
                status: Int(response.status.code)
            )
        }
    }
}

/// Just enough XML reading for S3's flat list and error documents.
enum XMLScan {
    static func elements(_ name: String, in xml: String) -> [Substring] {
        var out: [Substring] = []
        var rest = xml[...]
        while let open = rest.range(of: "<\(name)>"), let close = rest[open.upperBound...].range(of: "</\(name)>") {
            out.append(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
        }
        return out
    }

    static func value(_ name: String, in xml: some StringProtocol) -> String? {
        guard let open = xml.range(of: "<\(name)>"), let close = xml[open.upperBound...].range(of: "</\(name)>") else {
            return nil
        }
        return String(xml[open.upperBound..<close.lowerBound])
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
