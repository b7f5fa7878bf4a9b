/// An HTTP request exactly as it arrived, the input to SigV4 verification.
///
/// Security invariants:
/// - `path` and `query` are used **exactly as received** (still percent-encoded). They are never
///   decoded, re-encoded or rewritten before canonicalisation; a proxy that rewrites them breaks
///   every signature, by design.
/// - `headers` keep arrival order and repeated names; the `Host` header must be the one the client
///   used (including a non-default port).
/// - `body` is hashed whole. This module sets **no size limit**: the HTTP layer must bound the body
///   (collect it with a limit) before building a `SignableRequest`.
package struct SignableRequest: Sendable {
    /// The HTTP method, e.g. `POST`. Used as given (callers pass it upper-case).
    package var method: String
    /// The raw request-target path, still percent-encoded, without the query.
    package var path: String
    /// The raw query string without the leading `?`; `""` when there is none.
    package var query: String
    /// Header fields as received: any case, repeated names allowed, arrival order kept.
    package var headers: [(name: String, value: String)]
    /// The complete request body.
    package var body: [UInt8]

    package init(
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        body: [UInt8]
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// All values of the header `lowercasedName` (which must already be lower-case), in arrival order.
    func values(ofHeader lowercasedName: String) -> [String] {
        var result: [String] = []
        for header in headers where asciiCaseInsensitiveEquals(header.name, lowercasedName) {
            result.append(header.value)
        }
        return result
    }
}

/// An access key pair, optionally with a session token (temporary credentials).
///
/// `description` never prints the secret.
package struct SigV4Credentials: Sendable, CustomStringConvertible {
    package var accessKeyID: String
    package var secretAccessKey: String
    package var sessionToken: String?

    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    package var description: String {
        "SigV4Credentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>, sessionToken: \(sessionToken == nil ? "nil" : "<redacted>"))"
    }
}

/// How the canonical URI is derived from the raw path.
package enum SigV4PathStyle: Sendable, Hashable {
    /// Every service except S3 (IAM, STS, Personalize): remove `.`/`..` segments and collapse empty
    /// segments (keeping a trailing `/`), then percent-encode every byte outside `A-Za-z0-9-._~/`,
    /// which re-encodes an existing `%` as `%25` (botocore: `/a%20b` ⇒ `/a%2520b`).
    case normalized
    /// S3: the path is kept literally (no dot-segment removal, `//` kept); each segment is
    /// percent-decoded and re-encoded once (`/a%20b` and `/a b` both ⇒ `/a%20b`).
    case s3
}

/// Compares an ASCII header name with an already lower-case name, ignoring ASCII case.
func asciiCaseInsensitiveEquals(_ name: String, _ lowercased: String) -> Bool {
    var lhs = name.utf8.makeIterator()
    var rhs = lowercased.utf8.makeIterator()
    while true {
        switch (lhs.next(), rhs.next()) {
        case (nil, nil):
            return true
        case (let a?, let b?):
            if asciiLower(a) != b { return false }
        default:
            return false
        }
    }
}

@inline(__always)
func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
}

/// The ASCII-lower-cased form of a header name.
func lowercasedASCII(_ string: String) -> String {
    if !string.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
        return string
    }
    return String(decoding: string.utf8.map(asciiLower), as: UTF8.self)
}
