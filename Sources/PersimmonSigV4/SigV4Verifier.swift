import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Verifies AWS Signature Version 4 (`AWS4-HMAC-SHA256`) requests, header or presigned-query style,
/// following `shared/reference/sigv4.md`.
///
/// Two phases, so the secret is looked up only for a well-formed request:
/// ```swift
/// let auth = try verifier.parse(request)                        // no secret needed
/// guard let secret = keys[auth.accessKeyID] else { throw SigV4Error.unrecognizedClient() }
/// try verifier.verify(request, authorization: auth, secretAccessKey: secret,
///                     expectedService: "personalize", now: clock.now)
/// // then: check auth.securityToken for temporary keys, then authorize.
/// ```
///
/// Security invariants:
/// - The request's path, query and headers are canonicalised exactly as received; nothing is
///   decoded or rewritten first.
/// - The signature is compared in constant time against the recomputed HMAC, as bytes
///   (`HMAC.isValidAuthenticationCode`); hex strings are never compared.
/// - An `X-Amz-Security-Token` header must be signed; a query token is always signed because every
///   query parameter except `X-Amz-Signature` is in the canonical query.
/// - Header auth is accepted only within `allowedClockSkew` of `now` (both directions); query auth
///   only from `X-Amz-Date - allowedClockSkew` to `X-Amz-Date + X-Amz-Expires`.
/// - The body is hashed whole and this type sets no size limit: the HTTP layer must bound the body
///   before calling `verify`.
/// - Not checked here (the caller's job): whether the access key exists and is active, whether the
///   session token belongs to it, and whether the scope region is one we serve.
package struct SigV4Verifier: Sendable {
    /// How far `X-Amz-Date` may be from `now` (AWS: 15 minutes).
    package var allowedClockSkew: Duration
    /// How the canonical URI is built; ``SigV4PathStyle/normalized`` for every API Persimmon serves.
    package var pathStyle: SigV4PathStyle
    /// Derived signing keys, shared by copies of this verifier.
    package let signingKeyCache: SigV4SigningKeyCache

    package init(
        allowedClockSkew: Duration = .seconds(900),
        pathStyle: SigV4PathStyle = .normalized,
        signingKeyCache: SigV4SigningKeyCache = SigV4SigningKeyCache()
    ) {
        self.allowedClockSkew = allowedClockSkew
        self.pathStyle = pathStyle
        self.signingKeyCache = signingKeyCache
    }

    /// Phase 1: finds and parses the auth material without any secret.
    ///
    /// Checks the syntax of `Authorization` / the `X-Amz-*` query parameters, the credential scope
    /// (5 parts, valid date, region and service names, `aws4_request`, date equal to the request
    /// date), `SignedHeaders` (lower-case, sorted, unique, contains `host`, and the date header for
    /// header auth; every listed header present), and that a sent `X-Amz-Security-Token` header is signed.
    ///
    /// - Throws: ``SigV4Error/Code/missingAuthenticationToken`` when there is no auth material;
    ///   ``SigV4Error/Code/incompleteSignature`` when it is malformed, both styles are present, or the
    ///   algorithm is not `AWS4-HMAC-SHA256` (SigV4a included); ``SigV4Error/Code/invalidSignature``
    ///   when the scope date differs from the request date.
    package func parse(_ request: SignableRequest) throws(SigV4Error) -> SigV4Authorization {
        try SigV4Authorization.parse(request)
    }

    /// Phase 2: checks service, time window and payload hash, then recomputes the signature with
    /// `secretAccessKey` and compares it in constant time.
    ///
    /// - Parameters:
    ///   - request: the same request that was passed to ``parse(_:)``.
    ///   - authorization: what ``parse(_:)`` returned for it.
    ///   - secretAccessKey: the secret of `authorization.accessKeyID`.
    ///   - expectedService: the signing name of the API called (`personalize`, `iam`, `sts`), or
    ///     `nil` to accept any.
    ///   - now: the current time (injected for tests).
    /// - Throws: ``SigV4Error/Code/invalidSignature`` (wrong service, payload hash or signature),
    ///   ``SigV4Error/Code/signatureExpired`` (outside the time window),
    ///   ``SigV4Error/Code/incompleteSignature`` (unsupported `x-amz-content-sha256`).
    package func verify(
        _ request: SignableRequest,
        authorization: SigV4Authorization,
        secretAccessKey: String,
        expectedService: String?,
        now: Date
    ) throws(SigV4Error) {
        if let expectedService, authorization.service != expectedService {
            throw SigV4Error(
                .invalidSignature, "Credential should be scoped to correct service: '\(expectedService)'. ")
        }
        try checkTimeWindow(authorization, now: now)
        let payloadHash = try Self.payloadHash(of: request)

        let (canonicalRequest, missingHeader) = SigV4.buildCanonicalRequest(
            method: request.method,
            path: request.path,
            query: request.query,
            headers: request.headers,
            signedHeaders: authorization.signedHeaders,
            payloadHash: payloadHash,
            pathStyle: pathStyle,
            excludingSignatureFromQuery: authorization.isPresigned
        )
        if let missingHeader {
            throw .incomplete(
                "The header '\(missingHeader)' is listed in SignedHeaders but is not present in the request.")
        }
        let stringToSign = SigV4.stringToSign(
            amzDate: authorization.amzDateString,
            credentialScope: authorization.credentialScope,
            canonicalRequest: canonicalRequest
        )
        let signingKey = signingKeyCache.signingKey(
            accessKeyID: authorization.accessKeyID,
            secretAccessKey: secretAccessKey,
            date: authorization.date,
            region: authorization.region,
            service: authorization.service
        )
        let matches = SigV4.isValidSignature(
            authorization.signature, signingKey: signingKey, stringToSign: stringToSign)
        guard matches && authorization.signatureIsLowercaseHex else {
            throw .mismatch(canonicalRequest: canonicalRequest, stringToSign: stringToSign)
        }
    }

    /// Convenience for tests and tools: ``parse(_:)`` then ``verify(_:authorization:secretAccessKey:expectedService:now:)``
    /// with a secret looked up by `secretFor` (returning `nil` ⇒ ``SigV4Error/Code/unrecognizedClient``).
    @discardableResult
    package func authenticate(
        _ request: SignableRequest,
        expectedService: String?,
        now: Date,
        secretFor: (String) -> String?
    ) throws(SigV4Error) -> SigV4Authorization {
        let authorization = try parse(request)
        guard let secret = secretFor(authorization.accessKeyID) else { throw .unrecognizedClient() }
        try verify(
            request, authorization: authorization, secretAccessKey: secret, expectedService: expectedService, now: now)
        return authorization
    }

    // MARK: Steps

    /// Header auth: `|now − X-Amz-Date| ≤ skew`. Query auth: `X-Amz-Date ≤ now + skew` and
    /// `now ≤ X-Amz-Date + X-Amz-Expires`. Bounds are inclusive; `now` is rounded down to the second.
    private func checkTimeWindow(_ authorization: SigV4Authorization, now: Date) throws(SigV4Error) {
        let skew = max(0, allowedClockSkew.components.seconds)
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let requestSeconds = Int64(authorization.requestDate.timeIntervalSince1970)
        let nowText = SigV4Date.formatAMZDate(now)

        if requestSeconds > nowSeconds + skew {
            let limit = SigV4Date.formatAMZDate(Date(timeIntervalSince1970: Double(nowSeconds + skew)))
            throw SigV4Error(
                .signatureExpired,
                "Signature not yet current: \(authorization.amzDateString) is still later than \(limit) (\(nowText) + \(Self.durationText(skew)))"
            )
        }
        let window = authorization.isPresigned ? Int64(authorization.expires ?? 0) : skew
        if requestSeconds < nowSeconds - window {
            let limit = SigV4Date.formatAMZDate(Date(timeIntervalSince1970: Double(nowSeconds - window)))
            throw SigV4Error(
                .signatureExpired,
                "Signature expired: \(authorization.amzDateString) is now earlier than \(limit) (\(nowText) - \(Self.durationText(window)))"
            )
        }
    }

    /// `15 min.` for whole minutes (AWS's wording), else `N sec.`.
    private static func durationText(_ seconds: Int64) -> String {
        seconds % 60 == 0 ? "\(seconds / 60) min." : "\(seconds) sec."
    }

    /// Hex SHA-256 of the body. A sent `x-amz-content-sha256` must be that same hash:
    /// `UNSIGNED-PAYLOAD` and `STREAMING-*` are refused (no API we serve accepts them).
    private static func payloadHash(of request: SignableRequest) throws(SigV4Error) -> String {
        let bodyHash = SigV4.hexSHA256(request.body)
        let claimed = request.values(ofHeader: "x-amz-content-sha256")
        guard let first = claimed.first else { return bodyHash }
        guard claimed.count == 1 else {
            throw .incomplete("Only one x-amz-content-sha256 header may be present in the request.")
        }
        let value = trimmingHeaderWhitespace(first[...])
        if value == "UNSIGNED-PAYLOAD" || value.hasPrefix("STREAMING-") {
            throw .incomplete(
                "x-amz-content-sha256 '\(quotedForMessage(value))' is not supported by this API; send the SHA-256 of the body."
            )
        }
        guard value == bodyHash else {
            throw SigV4Error(
                .invalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.")
        }
        return bodyHash
    }
}
