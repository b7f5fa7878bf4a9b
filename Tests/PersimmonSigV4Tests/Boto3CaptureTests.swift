import Foundation
import PersimmonSigV4
import Testing

/// One capture in `boto3-generated/*.json`: what unmodified boto3 1.43.11 sent to
/// `http://localhost:8080` at the pinned time 2015-08-30T12:36:00Z.
struct Boto3Capture: Sendable, CustomTestStringConvertible {
    var file: URL
    var name: String { file.deletingPathExtension().lastPathComponent }
    var testDescription: String { name }

    struct Document: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var session_token: String?
        }
        var credentials: Credentials
        var region: String
        var now: String
        var method: String
        var url: String
        var path: String?
        var query: String?
        var headers: [[String]]?
        var body_base64: String?
        var body_sha256: String?
        var authorization: String?
        var url_signed_for_POST: String?
    }

    static let all: [Boto3Capture] = SharedVectors.files("boto3-generated", extension: "json").map {
        Boto3Capture(file: $0)
    }

    func document() throws -> Document {
        try JSONDecoder().decode(Document.self, from: Data(contentsOf: file))
    }

    /// The signing name the capture's client used: `personalize` for all three Personalize clients.
    var expectedService: String {
        String(name.prefix { $0 != "-" })
    }
}

/// Splits `http://host:port/path?query` into (host, path, query).
private func splitURL(_ url: String) throws -> (host: String, path: String, query: String) {
    guard let schemeEnd = url.range(of: "://") else { throw VectorFileError(description: "bad url \(url)") }
    let rest = url[schemeEnd.upperBound...]
    let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
    let target = rest[hostEnd...]
    if let question = target.firstIndex(of: "?") {
        return (String(rest[..<hostEnd]), String(target[..<question]), String(target[target.index(after: question)...]))
    }
    return (String(rest[..<hostEnd]), target.isEmpty ? "/" : String(target), "")
}

/// Real client traffic must verify with its pinned time, and our signer must produce botocore's bytes.
@Suite(.enabled(if: SharedVectors.isAvailable, "shared/sigv4-testsuite is not present (set PERSIMMON_SHARED_DIR)"))
struct Boto3CaptureTests {
    private let verifier = SigV4Verifier()

    @Test("the suite holds the 9 boto3 captures")
    func captureCount() {
        #expect(Boto3Capture.all.count == 9)
    }

    @Test(
        "a boto3 capture verifies at its pinned time, and the signer reproduces its Authorization",
        arguments: Boto3Capture.all)
    func captureVerifies(_ capture: Boto3Capture) throws {
        let document = try capture.document()
        let now = try #require(SigV4Date.parseAMZDate(amzDate(fromISO8601: document.now)))
        let secret = document.credentials.secret_access_key
        let (host, urlPath, urlQuery) = try splitURL(document.url)

        guard let capturedHeaders = document.headers else {
            // The presigned URL (query auth, GET).
            let request = SignableRequest(
                method: document.method, path: urlPath, query: urlQuery, headers: [("Host", host)], body: [])
            let auth = try verifier.parse(request)
            #expect(auth.isPresigned && auth.expires == 900 && auth.service == capture.expectedService)
            try verifier.verify(
                request, authorization: auth, secretAccessKey: secret, expectedService: capture.expectedService,
                now: now)
            // The signer produces the same URL query.
            let signer = SigV4Signer(
                credentials: SigV4Credentials(accessKeyID: document.credentials.access_key_id, secretAccessKey: secret),
                region: document.region,
                service: capture.expectedService
            )
            let presigned = signer.presign(
                method: "GET",
                path: urlPath,
                query: "Action=GetCallerIdentity&Version=2011-06-15",
                headers: [("Host", host)],
                date: now,
                expires: 900
            )
            #expect(presigned == urlQuery)
            return
        }

        let headers: [(name: String, value: String)] =
            capturedHeaders.map { (name: $0[0], value: $0[1]) } + [("Host", host)]
        let body = [UInt8](try #require(Data(base64Encoded: document.body_base64 ?? "")))
        #expect(SigV4.hexSHA256(body) == document.body_sha256)
        let request = SignableRequest(
            method: document.method,
            path: document.path ?? urlPath,
            query: document.query ?? urlQuery,
            headers: headers,
            body: body
        )
        let auth = try verifier.parse(request)
        #expect(!auth.isPresigned && auth.service == capture.expectedService)
        #expect(auth.securityToken == document.credentials.session_token)
        try verifier.verify(
            request, authorization: auth, secretAccessKey: secret, expectedService: capture.expectedService, now: now)

        // Signing only the headers botocore signed reproduces its Authorization header byte for byte.
        let signedInput = headers.filter { header in
            let name = header.name.lowercased()
            return auth.signedHeaders.contains(name) && name != "x-amz-date" && name != "x-amz-security-token"
        }
        let signer = SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: document.credentials.access_key_id,
                secretAccessKey: secret,
                sessionToken: document.credentials.session_token
            ),
            region: document.region,
            service: capture.expectedService
        )
        let added = signer.sign(
            method: request.method,
            path: request.path,
            query: request.query,
            headers: signedInput,
            body: body,
            date: now
        )
        #expect(added.first { $0.name == "Authorization" }?.value == document.authorization)
    }

    @Test("boto3's POST-signed presigned URL verifies only as POST (the Query-protocol pitfall)")
    func presignedForPost() throws {
        let capture = try #require(Boto3Capture.all.first { $0.name == "sts-GetCallerIdentity-presigned" })
        let document = try capture.document()
        let now = try #require(SigV4Date.parseAMZDate(amzDate(fromISO8601: document.now)))
        let (host, path, query) = try splitURL(try #require(document.url_signed_for_POST))
        let secret = document.credentials.secret_access_key

        let asPost = SignableRequest(method: "POST", path: path, query: query, headers: [("Host", host)], body: [])
        try verifier.verify(
            asPost, authorization: try verifier.parse(asPost), secretAccessKey: secret, expectedService: "sts", now: now
        )

        let asGet = SignableRequest(method: "GET", path: path, query: query, headers: [("Host", host)], body: [])
        let error = try #require(throws: SigV4Error.self) {
            try verifier.verify(
                asGet, authorization: try verifier.parse(asGet), secretAccessKey: secret, expectedService: "sts",
                now: now)
        }
        #expect(error.code == .invalidSignature)
        #expect(error.message == SigV4Error.signatureMismatchMessage)
        #expect(error.canonicalRequest?.hasPrefix("GET\n/\n") == true)
    }

    @Test("a boto3 capture is rejected with AWS's expiry text 15 minutes and 1 second later")
    func captureExpires() throws {
        let capture = try #require(Boto3Capture.all.first { $0.name == "personalize-CreateDatasetGroup" })
        let document = try capture.document()
        let (host, _, _) = try splitURL(document.url)
        let capturedHeaders = try #require(document.headers)
        let headers: [(name: String, value: String)] =
            capturedHeaders.map { (name: $0[0], value: $0[1]) } + [("Host", host)]
        let bodyBase64 = try #require(document.body_base64)
        let body = try #require(Data(base64Encoded: bodyBase64))
        let path = try #require(document.path)
        let request = SignableRequest(
            method: document.method, path: path, query: "", headers: headers, body: [UInt8](body))
        let auth = try verifier.parse(request)
        let later = try #require(SigV4Date.parseAMZDate("20150830T125101Z"))
        let error = try #require(throws: SigV4Error.self) {
            try verifier.verify(
                request, authorization: auth, secretAccessKey: document.credentials.secret_access_key,
                expectedService: "personalize", now: later)
        }
        #expect(error.code == .signatureExpired)
        #expect(
            error.message
                == "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)"
        )
        // Exactly 15 minutes later is still inside the window.
        let edge = try #require(SigV4Date.parseAMZDate("20150830T125100Z"))
        try verifier.verify(
            request, authorization: auth, secretAccessKey: document.credentials.secret_access_key,
            expectedService: "personalize", now: edge)
    }
}
