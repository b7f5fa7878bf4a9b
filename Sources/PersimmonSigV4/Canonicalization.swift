import Crypto

/// The SigV4 building blocks: canonical request, string to sign, signing key and signature.
///
/// They are exposed separately so tests can assert each step against the vectors
/// (`.creq`, `.sts`, `.authz`) and so a failure names the step that broke. The verifier and the signer
/// are built only from these functions, so both sides canonicalise identically.
///
/// Canonical request (`shared/reference/sigv4.md`, step 4):
/// ```
/// METHOD \n CANONICAL_URI \n CANONICAL_QUERY \n (name:value \n)* \n SIGNED_HEADERS \n PAYLOAD_HASH
/// ```
package enum SigV4 {
    /// The only algorithm this module accepts and produces.
    package static let algorithm = "AWS4-HMAC-SHA256"
    /// The SigV4a algorithm name; recognised only to reject it with a clear message.
    package static let sigV4aAlgorithm = "AWS4-ECDSA-P256-SHA256"
    /// The last component of every credential scope.
    package static let scopeTerminator = "aws4_request"
    /// Hex SHA-256 of the empty body.
    package static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// The largest `X-Amz-Expires` AWS allows (seven days).
    package static let maximumPresignedExpiry = 604_800

    // MARK: Hashing

    /// Lower-case hex SHA-256 of `bytes`.
    package static func hexSHA256(_ bytes: [UInt8]) -> String {
        hexEncodedString(SHA256.hash(data: bytes))
    }

    /// Lower-case hex SHA-256 of the UTF-8 bytes of `text`.
    package static func hexSHA256(_ text: String) -> String {
        hexSHA256(Array(text.utf8))
    }

    // MARK: Canonical URI

    /// The canonical URI of a raw (still percent-encoded) request path.
    ///
    /// - ``SigV4PathStyle/normalized`` (all services but S3), botocore's algorithm: split on `/`,
    ///   drop empty and `.` segments, let `..` pop, rejoin with a leading `/` and keep a trailing `/`
    ///   when the raw path had one and something is left; then percent-encode every byte outside
    ///   `A-Za-z0-9-._~/` (so `%` becomes `%25`: `/a%20b/c%2Fd/./e` ⇒ `/a%2520b/c%252Fd/e`).
    /// - ``SigV4PathStyle/s3``: segments are kept literally; each is percent-decoded and encoded once.
    ///
    /// An empty path is `/`. The path is never decoded before dot-segment removal, so `%2E%2E` is
    /// not a `..` segment.
    package static func canonicalURI(path: String, style: SigV4PathStyle) -> String {
        let raw = Array(path.utf8)
        if raw.isEmpty { return "/" }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count + 8)
        switch style {
        case .normalized:
            var kept: [[UInt8]] = []
            for segment in split(raw, on: UInt8(ascii: "/")) {
                if segment.isEmpty || segment == [UInt8(ascii: ".")] { continue }
                if segment == [UInt8(ascii: "."), UInt8(ascii: ".")] {
                    if !kept.isEmpty { kept.removeLast() }
                    continue
                }
                kept.append(segment)
            }
            var normalized: [UInt8] = []
            if raw.first == UInt8(ascii: "/") { normalized.append(UInt8(ascii: "/")) }
            for (index, segment) in kept.enumerated() {
                if index > 0 { normalized.append(UInt8(ascii: "/")) }
                normalized.append(contentsOf: segment)
            }
            if raw.last == UInt8(ascii: "/") && !kept.isEmpty { normalized.append(UInt8(ascii: "/")) }
            if normalized.isEmpty { normalized.append(UInt8(ascii: "/")) }
            appendPercentEncoded(normalized, keepSlash: true, to: &out)
        case .s3:
            for (index, segment) in split(raw, on: UInt8(ascii: "/")).enumerated() {
                if index > 0 { out.append(UInt8(ascii: "/")) }
                appendPercentEncoded(percentDecoded(segment), keepSlash: false, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes a decoded path for the wire, keeping `/`: what a client puts in the request
    /// line for a path whose segments contain spaces or UTF-8 (`/a b` ⇒ `/a%20b`).
    package static func percentEncodedPath(_ decodedPath: String) -> String {
        var out: [UInt8] = []
        appendPercentEncoded(decodedPath.utf8, keepSlash: true, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes a query key or value with the unreserved set (`/`, `+`, `=`, `&`, space… are encoded).
    package static func percentEncodedQueryComponent(_ text: String) -> String {
        var out: [UInt8] = []
        appendPercentEncoded(text.utf8, keepSlash: false, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Canonical query

    /// The canonical query of a raw query string (without `?`).
    ///
    /// Splits on `&` (empty pieces are dropped), takes `k=v` at the first `=` (no `=` ⇒ value ``),
    /// percent-**decodes** both (never `+` ⇒ space), re-encodes them with the unreserved set, sorts by
    /// encoded key then encoded value (bytewise) and joins `k=v` with `&`.
    ///
    /// - Parameter excludingSignature: drop `X-Amz-Signature` (query/presigned auth); every other
    ///   parameter, `X-Amz-Security-Token` included, stays.
    package static func canonicalQuery(_ rawQuery: String, excludingSignature: Bool = false) -> String {
        if rawQuery.isEmpty { return "" }
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        for piece in split(rawQuery.utf8, on: UInt8(ascii: "&")) where !piece.isEmpty {
            let decodedKey: [UInt8]
            let decodedValue: [UInt8]
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                decodedKey = percentDecoded(piece[..<equals])
                decodedValue = percentDecoded(piece[(equals + 1)...])
            } else {
                decodedKey = percentDecoded(piece)
                decodedValue = []
            }
            if excludingSignature && decodedKey.elementsEqual(SigV4QueryParameter.signature.utf8) { continue }
            var key: [UInt8] = []
            var value: [UInt8] = []
            appendPercentEncoded(decodedKey, keepSlash: false, to: &key)
            appendPercentEncoded(decodedValue, keepSlash: false, to: &value)
            pairs.append((key, value))
        }
        pairs.sort { lhs, rhs in
            if lhs.key != rhs.key { return lhs.key.lexicographicallyPrecedes(rhs.key) }
            return lhs.value.lexicographicallyPrecedes(rhs.value)
        }
        var out: [UInt8] = []
        for (index, pair) in pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "&")) }
            out.append(contentsOf: pair.key)
            out.append(UInt8(ascii: "="))
            out.append(contentsOf: pair.value)
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Canonical headers

    /// The canonical value of a header that was sent `values.count` times: each occurrence trimmed,
    /// runs of SP/HTAB/CR/LF inside it collapsed to one space (this also joins obs-folded lines),
    /// occurrences joined with `,` in arrival order (never sorted).
    package static func canonicalHeaderValue(_ values: [String]) -> String {
        var out: [UInt8] = []
        appendCanonicalHeaderValue(values, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendCanonicalHeaderValue(_ values: [String], to out: inout [UInt8]) {
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            var pendingSpace = false
            var wroteAny = false
            for byte in value.utf8 {
                if isHeaderWhitespace(byte) {
                    pendingSpace = wroteAny
                } else {
                    if pendingSpace { out.append(UInt8(ascii: " ")) }
                    pendingSpace = false
                    out.append(byte)
                    wroteAny = true
                }
            }
        }
    }

    /// The canonical header block: `name:value\n` for each name in `signedHeaders` (lower-case, in the
    /// given order). Returns the first signed name that the request does not carry, if any.
    static func appendCanonicalHeaders(
        _ headers: [(name: String, value: String)],
        signedHeaders: [String],
        to out: inout [UInt8]
    ) -> String? {
        for name in signedHeaders {
            var values: [String] = []
            for header in headers where asciiCaseInsensitiveEquals(header.name, name) {
                values.append(header.value)
            }
            if values.isEmpty { return name }
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: ":"))
            appendCanonicalHeaderValue(values, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return nil
    }

    // MARK: Canonical request

    /// The canonical request for `request`, signing `signedHeaders` (lower-case, sorted, as they
    /// appear in `SignedHeaders=`).
    ///
    /// - Parameters:
    ///   - payloadHash: hex SHA-256 of the body, or a literal such as `UNSIGNED-PAYLOAD` /
    ///     `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` (S3 only).
    ///   - excludingSignatureFromQuery: `true` for query (presigned) auth.
    /// - Throws: ``SigV4Error/Code/incompleteSignature`` when a signed header is absent from the request.
    package static func canonicalRequest(
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        signedHeaders: [String],
        payloadHash: String,
        pathStyle: SigV4PathStyle,
        excludingSignatureFromQuery: Bool = false
    ) throws(SigV4Error) -> String {
        let result = buildCanonicalRequest(
            method: method,
            path: path,
            query: query,
            headers: headers,
            signedHeaders: signedHeaders,
            payloadHash: payloadHash,
            pathStyle: pathStyle,
            excludingSignatureFromQuery: excludingSignatureFromQuery
        )
        if let missing = result.missingHeader {
            throw .incomplete(
                "The header '\(quotedForMessage(missing))' is listed in SignedHeaders but is not present in the request."
            )
        }
        return result.text
    }

    /// As ``canonicalRequest(method:path:query:headers:signedHeaders:payloadHash:pathStyle:excludingSignatureFromQuery:)``,
    /// reporting a missing signed header instead of throwing.
    static func buildCanonicalRequest(
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        signedHeaders: [String],
        payloadHash: String,
        pathStyle: SigV4PathStyle,
        excludingSignatureFromQuery: Bool
    ) -> (text: String, missingHeader: String?) {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(contentsOf: method.utf8)
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: canonicalURI(path: path, style: pathStyle).utf8)
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: canonicalQuery(query, excludingSignature: excludingSignatureFromQuery).utf8)
        out.append(UInt8(ascii: "\n"))
        let missing = appendCanonicalHeaders(headers, signedHeaders: signedHeaders, to: &out)
        out.append(UInt8(ascii: "\n"))
        for (index, name) in signedHeaders.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ";")) }
            out.append(contentsOf: name.utf8)
        }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: payloadHash.utf8)
        return (String(decoding: out, as: UTF8.self), missing)
    }

    // MARK: String to sign

    /// `<date>/<region>/<service>/aws4_request`.
    package static func credentialScope(date: String, region: String, service: String) -> String {
        "\(date)/\(region)/\(service)/\(scopeTerminator)"
    }

    /// `AWS4-HMAC-SHA256\n<amzDate>\n<scope>\n<hex sha256(canonicalRequest)>`.
    package static func stringToSign(amzDate: String, credentialScope: String, canonicalRequest: String) -> String {
        "\(algorithm)\n\(amzDate)\n\(credentialScope)\n\(hexSHA256(canonicalRequest))"
    }

    /// The string to sign of one chunk of an S3 `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` upload:
    /// `AWS4-HMAC-SHA256-PAYLOAD\n<amzDate>\n<scope>\n<previous signature>\n<sha256("")>\n<sha256(chunk)>`.
    package static func chunkStringToSign(
        amzDate: String,
        credentialScope: String,
        previousSignature: String,
        chunk: [UInt8]
    ) -> String {
        "\(algorithm)-PAYLOAD\n\(amzDate)\n\(credentialScope)\n\(previousSignature)\n\(emptyPayloadHash)\n\(hexSHA256(chunk))"
    }

    // MARK: Key and signature

    /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    ///
    /// The result is as sensitive as the secret for that day, region and service; never log it.
    /// Servers should go through ``SigV4SigningKeyCache``.
    package static func signingKey(secretAccessKey: String, date: String, region: String, service: String)
        -> SymmetricKey
    {
        let secret = SymmetricKey(data: Array("AWS4\(secretAccessKey)".utf8))
        let kDate = HMAC<SHA256>.authenticationCode(for: Array(date.utf8), using: secret)
        let kRegion = HMAC<SHA256>.authenticationCode(for: Array(region.utf8), using: SymmetricKey(data: kDate))
        let kService = HMAC<SHA256>.authenticationCode(for: Array(service.utf8), using: SymmetricKey(data: kRegion))
        let kSigning = HMAC<SHA256>.authenticationCode(
            for: Array(scopeTerminator.utf8),
            using: SymmetricKey(data: kService)
        )
        return SymmetricKey(data: kSigning)
    }

    /// Lower-case hex `HMAC-SHA256(signingKey, stringToSign)`: the value of `Signature=`.
    ///
    /// For producing signatures only. To check a client's signature use
    /// ``isValidSignature(_:signingKey:stringToSign:)``, which compares in constant time.
    package static func signature(signingKey: SymmetricKey, stringToSign: String) -> String {
        hexEncodedString(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey))
    }

    /// Whether `signature` (raw bytes, hex-decoded from the request) is the HMAC of `stringToSign`.
    /// Compares in constant time (swift-crypto's `safeCompare`); never compares hex strings.
    package static func isValidSignature(_ signature: [UInt8], signingKey: SymmetricKey, stringToSign: String) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Array(stringToSign.utf8), using: signingKey)
    }
}

/// Names of the query-auth (presigned URL) parameters, exactly as AWS spells them.
package enum SigV4QueryParameter {
    package static let algorithm = "X-Amz-Algorithm"
    package static let credential = "X-Amz-Credential"
    package static let date = "X-Amz-Date"
    package static let expires = "X-Amz-Expires"
    package static let signedHeaders = "X-Amz-SignedHeaders"
    package static let securityToken = "X-Amz-Security-Token"
    package static let signature = "X-Amz-Signature"
}
