#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The auth material of a request, parsed without any secret (phase 1 of verification).
///
/// Produced by ``SigV4Verifier/parse(_:)`` from either the `Authorization` header or the presigned
/// query parameters. Everything here is **unauthenticated** client input until
/// ``SigV4Verifier/verify(_:authorization:secretAccessKey:expectedService:now:)`` succeeded; use
/// `accessKeyID` only to look up the secret.
package struct SigV4Authorization: Sendable {
    /// The access key ID from the credential scope.
    package var accessKeyID: String
    /// The scope date, `YYYYMMDD`; equal to the first 8 characters of ``amzDateString``.
    package var date: String
    /// The scope region (syntactically valid; not checked against a list).
    package var region: String
    /// The scope service (signing name), e.g. `personalize`, `iam`, `sts`.
    package var service: String
    /// `SignedHeaders`: lower-case, strictly ascending, contains `host`.
    package var signedHeaders: [String]
    /// The client's signature, hex-decoded (32 bytes).
    package var signature: [UInt8]
    /// The request time from `X-Amz-Date` (or the `Date` header).
    package var requestDate: Date
    /// The request time as `YYYYMMDDTHHMMSSZ`, as used in the string to sign.
    package var amzDateString: String
    /// `true` for query auth (presigned URL), `false` for the `Authorization` header.
    package var isPresigned: Bool
    /// `X-Amz-Expires` in seconds (presigned only, 1...604800).
    package var expires: Int?
    /// The session token (`X-Amz-Security-Token` header or query parameter). Always covered by the
    /// signature when present: an unsigned token header is rejected by `parse`. The caller must check
    /// that it belongs to ``accessKeyID`` and has not expired.
    package var securityToken: String?
    /// Whether `Signature` was written in lower-case hex. AWS compares hex text, so an upper-case
    /// signature never matches; ``SigV4Verifier`` rejects it as a mismatch.
    var signatureIsLowercaseHex: Bool

    /// `<date>/<region>/<service>/aws4_request`.
    package var credentialScope: String {
        SigV4.credentialScope(date: date, region: region, service: service)
    }
}

// MARK: - Parsing

extension SigV4Authorization {
    /// Parses the auth material of `request`; see ``SigV4Verifier/parse(_:)``.
    static func parse(_ request: SignableRequest) throws(SigV4Error) -> SigV4Authorization {
        let authorizationHeaders = request.values(ofHeader: "authorization")
        let queryAuth = try QueryAuthParameters(rawQuery: request.query)
        if authorizationHeaders.count > 1 {
            throw .incomplete("Only one Authorization header may be present in the request.")
        }
        if let header = authorizationHeaders.first {
            if queryAuth.isPresent {
                throw .incomplete(
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified."
                )
            }
            return try parseHeaderAuth(header, request: request)
        }
        if queryAuth.isPresent {
            return try parseQueryAuth(queryAuth, request: request)
        }
        throw SigV4Error(.missingAuthenticationToken, SigV4Error.missingAuthenticationTokenMessage)
    }

    /// `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
    private static func parseHeaderAuth(_ header: String, request: SignableRequest) throws(SigV4Error)
        -> SigV4Authorization
    {
        let value = trimmingHeaderWhitespace(header[...])
        let algorithmEnd = value.utf8.firstIndex(where: isHeaderWhitespace) ?? value.endIndex
        let algorithm = value[..<algorithmEnd]
        guard algorithm == SigV4.algorithm else {
            throw unsupportedAlgorithm(algorithm)
        }

        var credential: Substring?
        var signedHeaders: Substring?
        var signature: Substring?
        let componentsText = trimmingHeaderWhitespace(value[algorithmEnd...])
        let rawComponents =
            componentsText.isEmpty ? [] : componentsText.split(separator: ",", omittingEmptySubsequences: false)
        for rawComponent in rawComponents {
            let component = trimmingHeaderWhitespace(rawComponent)
            guard let equals = component.utf8.firstIndex(of: UInt8(ascii: "=")) else {
                throw .incomplete(
                    "'\(quotedForMessage(component))' not a valid key=value pair (missing equal-sign) in Authorization header."
                )
            }
            let key = component[..<equals]
            let componentValue = component[component.index(after: equals)...]
            switch key {
            case "Credential":
                guard credential == nil else { throw duplicateComponent(key) }
                credential = componentValue
            case "SignedHeaders":
                guard signedHeaders == nil else { throw duplicateComponent(key) }
                signedHeaders = componentValue
            case "Signature":
                guard signature == nil else { throw duplicateComponent(key) }
                signature = componentValue
            default:
                throw .incomplete("Unknown Authorization header component '\(quotedForMessage(key))'.")
            }
        }

        let amzDates = request.values(ofHeader: "x-amz-date")
        let httpDates = request.values(ofHeader: "date")
        var missing: [String] = []
        if credential == nil { missing.append("Authorization header requires 'Credential' parameter.") }
        if signature == nil { missing.append("Authorization header requires 'Signature' parameter.") }
        if signedHeaders == nil { missing.append("Authorization header requires 'SignedHeaders' parameter.") }
        if amzDates.isEmpty && httpDates.isEmpty {
            missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        guard missing.isEmpty, let credential, let signedHeaders, let signature else {
            throw .incomplete(missing.joined(separator: " "))
        }

        // X-Amz-Date wins over Date, as in AWS and botocore.
        let requestDate: Date
        let amzDateString: String
        let dateHeaderName: String
        if let amzDate = amzDates.first {
            guard amzDates.count == 1 else {
                throw .incomplete("Only one X-Amz-Date header may be present in the request.")
            }
            guard let parsed = SigV4Date.parseAMZDate(trimmingHeaderWhitespace(amzDate[...])) else {
                throw invalidAMZDate(amzDate)
            }
            requestDate = parsed
            amzDateString = SigV4Date.formatAMZDate(parsed)
            dateHeaderName = "x-amz-date"
        } else {
            guard httpDates.count == 1 else { throw .incomplete("Only one Date header may be present in the request.") }
            guard let parsed = SigV4Date.parseHTTPDate(trimmingHeaderWhitespace(httpDates[0][...])) else {
                throw .incomplete("Date header '\(quotedForMessage(httpDates[0]))' is not a valid HTTP date in UTC.")
            }
            requestDate = parsed
            amzDateString = SigV4Date.formatAMZDate(parsed)
            dateHeaderName = "date"
        }

        let scope = try CredentialScope(credential, amzDateString: amzDateString)
        let signedHeaderList = try parseSignedHeaders(signedHeaders)
        guard signedHeaderList.contains(dateHeaderName) else {
            throw .incomplete("The '\(dateHeaderName)' header must be listed in SignedHeaders.")
        }
        try checkSignedHeadersPresent(signedHeaderList, in: request)

        let tokens = request.values(ofHeader: "x-amz-security-token")
        guard tokens.count <= 1 else {
            throw .incomplete("Only one X-Amz-Security-Token header may be present in the request.")
        }
        if !tokens.isEmpty && !signedHeaderList.contains("x-amz-security-token") {
            throw unsignedTokenHeader()
        }
        let decodedSignature = try decodeSignature(signature)

        return SigV4Authorization(
            accessKeyID: scope.accessKeyID,
            date: scope.date,
            region: scope.region,
            service: scope.service,
            signedHeaders: signedHeaderList,
            signature: decodedSignature.bytes,
            requestDate: requestDate,
            amzDateString: amzDateString,
            isPresigned: false,
            expires: nil,
            securityToken: tokens.first,
            signatureIsLowercaseHex: decodedSignature.isLowercase
        )
    }

    /// Query auth: `X-Amz-Algorithm`, `-Credential`, `-Date`, `-Expires`, `-SignedHeaders`,
    /// optional `-Security-Token`, `-Signature`.
    private static func parseQueryAuth(_ query: QueryAuthParameters, request: SignableRequest) throws(SigV4Error)
        -> SigV4Authorization
    {
        guard let algorithm = query.algorithm else {
            throw .incomplete(
                "AWS query-string parameters must include 'X-Amz-Algorithm'. Re-examine the query-string parameters.")
        }
        guard algorithm == SigV4.algorithm else { throw unsupportedAlgorithm(algorithm[...]) }
        var missing: [String] = []
        if query.credential == nil { missing.append(SigV4QueryParameter.credential) }
        if query.date == nil { missing.append(SigV4QueryParameter.date) }
        if query.expires == nil { missing.append(SigV4QueryParameter.expires) }
        if query.signedHeaders == nil { missing.append(SigV4QueryParameter.signedHeaders) }
        if query.signature == nil { missing.append(SigV4QueryParameter.signature) }
        guard missing.isEmpty, let credential = query.credential, let amzDate = query.date,
            let expiresText = query.expires, let signedHeaders = query.signedHeaders, let signature = query.signature
        else {
            throw .incomplete(
                "AWS query-string parameters must include \(missing.map { "'\($0)'" }.joined(separator: ", ")). Re-examine the query-string parameters."
            )
        }

        guard let requestDate = SigV4Date.parseAMZDate(amzDate) else { throw invalidAMZDate(amzDate) }
        let amzDateString = SigV4Date.formatAMZDate(requestDate)
        guard expiresText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            expiresText.utf8.count <= 7, let expires = Int(expiresText), expires >= 1
        else {
            throw .incomplete(
                "X-Amz-Expires must be a whole number of seconds from 1 to \(SigV4.maximumPresignedExpiry).")
        }
        guard expires <= SigV4.maximumPresignedExpiry else {
            throw .incomplete(
                "X-Amz-Expires must be less than a week (in seconds) that is \(SigV4.maximumPresignedExpiry)."
            )
        }

        let scope = try CredentialScope(credential[...], amzDateString: amzDateString)
        let signedHeaderList = try parseSignedHeaders(signedHeaders[...])
        try checkSignedHeadersPresent(signedHeaderList, in: request)

        let headerTokens = request.values(ofHeader: "x-amz-security-token")
        if !headerTokens.isEmpty {
            guard signedHeaderList.contains("x-amz-security-token") else { throw unsignedTokenHeader() }
            guard headerTokens.count == 1, query.securityToken == nil || query.securityToken == headerTokens[0] else {
                throw .incomplete("Conflicting security tokens in the X-Amz-Security-Token header and query parameter.")
            }
        }
        let decodedSignature = try decodeSignature(signature[...])

        return SigV4Authorization(
            accessKeyID: scope.accessKeyID,
            date: scope.date,
            region: scope.region,
            service: scope.service,
            signedHeaders: signedHeaderList,
            signature: decodedSignature.bytes,
            requestDate: requestDate,
            amzDateString: amzDateString,
            isPresigned: true,
            expires: expires,
            securityToken: query.securityToken ?? headerTokens.first,
            signatureIsLowercaseHex: decodedSignature.isLowercase
        )
    }

    // MARK: Components

    /// `SignedHeaders`: `;`-separated, each non-empty, lower-case token characters, strictly ascending
    /// (so sorted and unique), and containing `host`.
    private static func parseSignedHeaders(_ text: Substring) throws(SigV4Error) -> [String] {
        let names = text.split(separator: ";", omittingEmptySubsequences: false)
        var result: [String] = []
        result.reserveCapacity(names.count)
        for name in names {
            guard !name.isEmpty, name.utf8.allSatisfy(isLowercaseHeaderNameByte) else {
                throw .incomplete(
                    "SignedHeaders must be lower-case header names separated by ';', not '\(quotedForMessage(text))'.")
            }
            if let previous = result.last, !previous.utf8.lexicographicallyPrecedes(name.utf8) {
                throw .incomplete("SignedHeaders must be sorted and unique, not '\(quotedForMessage(text))'.")
            }
            result.append(String(name))
        }
        guard result.contains("host") else {
            throw .incomplete("The 'host' header must be listed in SignedHeaders.")
        }
        return result
    }

    private static func checkSignedHeadersPresent(_ names: [String], in request: SignableRequest) throws(SigV4Error) {
        for name in names where !request.headers.contains(where: { asciiCaseInsensitiveEquals($0.name, name) }) {
            throw .incomplete("The header '\(name)' is listed in SignedHeaders but is not present in the request.")
        }
    }

    /// RFC 9110 token characters, with upper-case letters excluded.
    private static func isLowercaseHeaderNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// 64 hex characters. Upper-case hex is decoded but flagged (it can never match).
    private static func decodeSignature(_ text: Substring) throws(SigV4Error) -> (bytes: [UInt8], isLowercase: Bool) {
        guard text.utf8.count == 64, let decoded = hexDecode(text.utf8) else {
            throw .incomplete("Signature must be 64 hexadecimal characters.")
        }
        return decoded
    }

    private static func unsupportedAlgorithm(_ algorithm: Substring) -> SigV4Error {
        .incomplete(
            "Unsupported AWS 'algorithm': '\(quotedForMessage(algorithm))'. Only '\(SigV4.algorithm)' is supported.")
    }

    private static func duplicateComponent(_ key: Substring) -> SigV4Error {
        .incomplete("Authorization header contains '\(key)' more than once.")
    }

    private static func invalidAMZDate(_ text: String) -> SigV4Error {
        .incomplete(
            "Date must be in ISO-8601 'basic format'. Got '\(quotedForMessage(text))'. See http://en.wikipedia.org/wiki/ISO_8601"
        )
    }

    private static func unsignedTokenHeader() -> SigV4Error {
        .incomplete("The 'x-amz-security-token' header must be listed in SignedHeaders when it is sent.")
    }
}

// MARK: - Credential scope

/// `Credential=<access key ID>/<YYYYMMDD>/<region>/<service>/aws4_request`.
private struct CredentialScope {
    var accessKeyID: String
    var date: String
    var region: String
    var service: String

    /// Parses and checks the scope. Structural problems are ``SigV4Error/Code/incompleteSignature``;
    /// a scope date that differs from the request date is ``SigV4Error/Code/invalidSignature`` (as AWS).
    init(_ text: Substring, amzDateString: String) throws(SigV4Error) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5 else {
            throw .incomplete(
                "Credential must have exactly 5 slash-separated parts: '<access key ID>/<date>/<region>/<service>/aws4_request', not '\(quotedForMessage(text))'."
            )
        }
        let accessKeyID = parts[0]
        guard !accessKeyID.isEmpty, accessKeyID.utf8.count <= 128,
            accessKeyID.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw .incomplete("Credential should contain a valid access key ID.")
        }
        guard SigV4Date.isValidScopeDate(parts[1]) else {
            throw .incomplete(
                "Credential should be scoped to a valid date in the form YYYYMMDD, not '\(quotedForMessage(parts[1]))'."
            )
        }
        guard Self.isScopeName(parts[2]) else {
            throw .incomplete("Credential should be scoped to a valid region, not '\(quotedForMessage(parts[2]))'. ")
        }
        guard Self.isScopeName(parts[3]) else {
            throw .incomplete("Credential should be scoped to a valid service, not '\(quotedForMessage(parts[3]))'. ")
        }
        guard parts[4] == SigV4.scopeTerminator else {
            throw .incomplete(
                "Credential should be scoped with a valid terminator: '\(SigV4.scopeTerminator)', not '\(quotedForMessage(parts[4]))'. "
            )
        }
        let requestDay = amzDateString.prefix(8)
        guard parts[1] == requestDay else {
            throw SigV4Error(
                .invalidSignature,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(parts[1])' != '\(requestDay)', from '\(amzDateString)'."
            )
        }
        self.accessKeyID = String(accessKeyID)
        self.date = String(parts[1])
        self.region = String(parts[2])
        self.service = String(parts[3])
    }

    /// Regions and signing names: 1...64 of `a-z 0-9 -`.
    private static func isScopeName(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            }
    }
}

// MARK: - Query auth parameters

/// The decoded `X-Amz-*` auth parameters of a raw query string.
private struct QueryAuthParameters {
    var algorithm: String?
    var credential: String?
    var date: String?
    var expires: String?
    var signedHeaders: String?
    var securityToken: String?
    var signature: String?

    /// Whether the query attempts query auth at all.
    var isPresent: Bool { algorithm != nil || credential != nil || signature != nil }

    /// Collects the auth parameters; a repeated one is ``SigV4Error/Code/incompleteSignature``.
    init(rawQuery: String) throws(SigV4Error) {
        guard rawQuery.utf8.contains(where: { $0 == UInt8(ascii: "X") || $0 == UInt8(ascii: "%") }) else { return }
        for piece in split(rawQuery.utf8, on: UInt8(ascii: "&")) where !piece.isEmpty {
            let equals = piece.firstIndex(of: UInt8(ascii: "=")) ?? piece.endIndex
            let key = String(decoding: percentDecoded(piece[..<equals]), as: UTF8.self)
            guard key.hasPrefix("X-Amz-") else { continue }
            let value =
                equals == piece.endIndex
                ? "" : String(decoding: percentDecoded(piece[(equals + 1)...]), as: UTF8.self)
            switch key {
            case SigV4QueryParameter.algorithm: try Self.set(&algorithm, value, key)
            case SigV4QueryParameter.credential: try Self.set(&credential, value, key)
            case SigV4QueryParameter.date: try Self.set(&date, value, key)
            case SigV4QueryParameter.expires: try Self.set(&expires, value, key)
            case SigV4QueryParameter.signedHeaders: try Self.set(&signedHeaders, value, key)
            case SigV4QueryParameter.securityToken: try Self.set(&securityToken, value, key)
            case SigV4QueryParameter.signature: try Self.set(&signature, value, key)
            default: continue
            }
        }
    }

    private static func set(_ slot: inout String?, _ value: String, _ key: String) throws(SigV4Error) {
        guard slot == nil else { throw .incomplete("The query parameter '\(key)' must not be repeated.") }
        slot = value
    }
}
