#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Signs requests with AWS Signature Version 4, as botocore does; used by our CLI client, tests and
/// the future S3 client. Produces exactly what ``SigV4Verifier`` accepts.
///
/// Caller's duties:
/// - `path` and `query` are what will go on the wire (already percent-encoded; see
///   ``SigV4/percentEncodedPath(_:)``), and must be sent unchanged.
/// - `headers` must contain `Host` (with the port when non-default): the signer does not add it.
/// - Every header given is signed, so leave out headers an HTTP client or proxy may add or rewrite
///   (`User-Agent`, `Connection`, `Expect`, `Transfer-Encoding`…), as botocore does.
/// - `Authorization`, `X-Amz-Date` and `X-Amz-Security-Token` in `headers` are ignored: the signer
///   produces its own.
package struct SigV4Signer: Sendable {
    package var credentials: SigV4Credentials
    package var region: String
    package var service: String
    package var pathStyle: SigV4PathStyle

    /// - Parameter pathStyle: ``SigV4PathStyle/s3`` for S3, ``SigV4PathStyle/normalized`` otherwise.
    package init(
        credentials: SigV4Credentials, region: String, service: String, pathStyle: SigV4PathStyle = .normalized
    ) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.pathStyle = pathStyle
    }

    /// Header auth. Returns the headers to add to the request: `X-Amz-Date`, `X-Amz-Security-Token`
    /// (with temporary credentials; signed) and `Authorization`. Signs every header in `headers` plus
    /// `x-amz-date` (and the token), with payload hash `sha256(body)`.
    package func sign(
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        date: Date
    ) -> [(name: String, value: String)] {
        sign(method: method, path: path, query: query, headers: headers, payloadHash: SigV4.hexSHA256(body), date: date)
    }

    /// Header auth with a precomputed payload hash (or `UNSIGNED-PAYLOAD` /
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` for S3; then also put it in an `x-amz-content-sha256`
    /// header in `headers`, so it is signed).
    package func sign(
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        payloadHash: String,
        date: Date
    ) -> [(name: String, value: String)] {
        let amzDate = SigV4Date.formatAMZDate(date)
        let scope = SigV4.credentialScope(date: String(amzDate.prefix(8)), region: region, service: service)
        var added: [(name: String, value: String)] = [("X-Amz-Date", amzDate)]
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        let allHeaders = Self.withoutAuthHeaders(headers) + added
        let signedHeaders = Self.signedHeaderNames(allHeaders)
        let canonicalRequest = SigV4.buildCanonicalRequest(
            method: method,
            path: path,
            query: query,
            headers: allHeaders,
            signedHeaders: signedHeaders,
            payloadHash: payloadHash,
            pathStyle: pathStyle,
            excludingSignatureFromQuery: false
        ).text
        let signature = signature(amzDate: amzDate, scope: scope, canonicalRequest: canonicalRequest)
        let authorization =
            "\(SigV4.algorithm) Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
        return added + [("Authorization", authorization)]
    }

    /// Query auth (presigned URL). Returns the complete query string to send: `query` (if any)
    /// followed by `X-Amz-Algorithm`, `-Credential`, `-Date`, `-Expires`, `-SignedHeaders`,
    /// `-Security-Token` (temporary credentials) and last `X-Amz-Signature`. Signs every header in
    /// `headers` (at least `Host`), with payload hash `sha256(body)` (empty body by default).
    ///
    /// - Parameter expires: seconds the URL stays valid, 1...604800 (checked with a precondition).
    package func presign(
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        date: Date,
        expires: Int,
        body: [UInt8] = []
    ) -> String {
        presign(
            method: method,
            path: path,
            query: query,
            headers: headers,
            date: date,
            expires: expires,
            payloadHash: SigV4.hexSHA256(body)
        )
    }

    /// Query auth with a precomputed payload hash (`UNSIGNED-PAYLOAD` for S3).
    package func presign(
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        date: Date,
        expires: Int,
        payloadHash: String
    ) -> String {
        precondition((1...SigV4.maximumPresignedExpiry).contains(expires), "X-Amz-Expires must be 1...604800")
        let amzDate = SigV4Date.formatAMZDate(date)
        let scope = SigV4.credentialScope(date: String(amzDate.prefix(8)), region: region, service: service)
        let signedHeaderHeaders = Self.withoutAuthHeaders(headers)
        let signedHeaders = Self.signedHeaderNames(signedHeaderHeaders)

        var parameters: [(String, String)] = [
            (SigV4QueryParameter.algorithm, SigV4.algorithm),
            (SigV4QueryParameter.credential, "\(credentials.accessKeyID)/\(scope)"),
            (SigV4QueryParameter.date, amzDate),
            (SigV4QueryParameter.expires, String(expires)),
            (SigV4QueryParameter.signedHeaders, signedHeaders.joined(separator: ";")),
        ]
        if let token = credentials.sessionToken { parameters.append((SigV4QueryParameter.securityToken, token)) }
        var fullQuery = query
        for (key, value) in parameters {
            if !fullQuery.isEmpty { fullQuery += "&" }
            fullQuery += "\(key)=\(SigV4.percentEncodedQueryComponent(value))"
        }

        let canonicalRequest = SigV4.buildCanonicalRequest(
            method: method,
            path: path,
            query: fullQuery,
            headers: signedHeaderHeaders,
            signedHeaders: signedHeaders,
            payloadHash: payloadHash,
            pathStyle: pathStyle,
            excludingSignatureFromQuery: false
        ).text
        let signature = signature(amzDate: amzDate, scope: scope, canonicalRequest: canonicalRequest)
        return fullQuery + "&\(SigV4QueryParameter.signature)=\(signature)"
    }

    // MARK: Helpers

    private func signature(amzDate: String, scope: String, canonicalRequest: String) -> String {
        let stringToSign = SigV4.stringToSign(
            amzDate: amzDate, credentialScope: scope, canonicalRequest: canonicalRequest)
        let key = SigV4.signingKey(
            secretAccessKey: credentials.secretAccessKey,
            date: String(amzDate.prefix(8)),
            region: region,
            service: service
        )
        return SigV4.signature(signingKey: key, stringToSign: stringToSign)
    }

    private static func withoutAuthHeaders(_ headers: [(name: String, value: String)]) -> [(
        name: String, value: String
    )] {
        headers.filter { header in
            !asciiCaseInsensitiveEquals(header.name, "authorization")
                && !asciiCaseInsensitiveEquals(header.name, "x-amz-date")
                && !asciiCaseInsensitiveEquals(header.name, "x-amz-security-token")
        }
    }

    /// Lower-cased, unique, sorted bytewise.
    private static func signedHeaderNames(_ headers: [(name: String, value: String)]) -> [String] {
        let names = Set(headers.map { lowercasedASCII($0.name) })
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
