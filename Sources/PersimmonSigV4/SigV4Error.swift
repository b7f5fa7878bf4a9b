/// A SigV4 authentication failure.
///
/// `message` is AWS's own text for the situation where AWS's text is known (see
/// `shared/reference/sigv4.md`), so it is safe to show to clients. The HTTP layer renders `code` once,
/// per protocol: `SignatureDoesNotMatch` / `InvalidSignatureException` and so on.
///
/// `canonicalRequest` and `stringToSign` are diagnostics for a signature mismatch: what *we*
/// computed. They never contain the secret or the signing key. They are not part of `description`
/// and are ignored by `==`; log them at debug level only.
package struct SigV4Error: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The failure family. Each maps to one AWS error code per protocol.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case incompleteSignature = "IncompleteSignature"
            case missingAuthenticationToken = "MissingAuthenticationToken"
            case invalidSignature = "SignatureDoesNotMatch"
            case signatureExpired = "SignatureExpired"
            case unrecognizedClient = "UnrecognizedClient"
            case expiredToken = "ExpiredToken"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The auth material is present but malformed (bad `Authorization` syntax, bad scope, missing
        /// date, unsigned security token…). Query: `IncompleteSignature`; JSON: `IncompleteSignatureException`.
        package static let incompleteSignature = Code(.incompleteSignature)
        /// No auth material at all. Query: `MissingAuthenticationToken`; JSON: `MissingAuthenticationTokenException`.
        package static let missingAuthenticationToken = Code(.missingAuthenticationToken)
        /// The signature (or a value bound by it: scope date, service, payload hash) does not match.
        /// Query: `SignatureDoesNotMatch`; JSON: `InvalidSignatureException`.
        package static let invalidSignature = Code(.invalidSignature)
        /// Outside the clock-skew window, or a presigned URL past `X-Amz-Expires`. AWS renders this
        /// with the same code as ``invalidSignature``; it is kept apart for logs and metrics.
        package static let signatureExpired = Code(.signatureExpired)
        /// Unknown access key. Never thrown by this module: the caller throws it after a failed key
        /// lookup (see ``SigV4Error/unrecognizedClient()``). Query: `InvalidClientTokenId`;
        /// JSON: `UnrecognizedClientException`.
        package static let unrecognizedClient = Code(.unrecognizedClient)
        /// Expired or mismatched session token. Never thrown by this module: the caller checks the
        /// token (see ``SigV4Error/expiredToken()``). Query: `ExpiredToken`; JSON: `ExpiredTokenException`.
        package static let expiredToken = Code(.expiredToken)

        package var description: String { base.rawValue }

        /// The `<Code>` of the Query protocol (IAM, STS) error, per `shared/reference/sigv4.md`.
        package var queryErrorCode: String {
            switch base {
            case .incompleteSignature: "IncompleteSignature"
            case .missingAuthenticationToken: "MissingAuthenticationToken"
            case .invalidSignature, .signatureExpired: "SignatureDoesNotMatch"
            case .unrecognizedClient: "InvalidClientTokenId"
            case .expiredToken: "ExpiredToken"
            }
        }

        /// The `__type` of the JSON protocols' (Personalize) error, per `shared/reference/sigv4.md`.
        package var jsonErrorType: String {
            switch base {
            case .incompleteSignature: "IncompleteSignatureException"
            case .missingAuthenticationToken: "MissingAuthenticationTokenException"
            case .invalidSignature, .signatureExpired: "InvalidSignatureException"
            case .unrecognizedClient: "UnrecognizedClientException"
            case .expiredToken: "ExpiredTokenException"
            }
        }
    }

    package var code: Code
    /// Client-safe text, AWS's wording where known.
    package var message: String
    /// Diagnostics for ``Code/invalidSignature``: the canonical request we computed.
    package var canonicalRequest: String?
    /// Diagnostics for ``Code/invalidSignature``: the string to sign we computed.
    package var stringToSign: String?

    package init(_ code: Code, _ message: String, canonicalRequest: String? = nil, stringToSign: String? = nil) {
        self.code = code
        self.message = message
        self.canonicalRequest = canonicalRequest
        self.stringToSign = stringToSign
    }

    /// Compares `code` and `message` only; the diagnostics are ignored.
    package static func == (lhs: SigV4Error, rhs: SigV4Error) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    package var description: String { "\(code): \(message)" }

    package var debugDescription: String {
        var text = description
        if let canonicalRequest { text += "\nCanonicalRequest:\n\(canonicalRequest)" }
        if let stringToSign { text += "\nStringToSign:\n\(stringToSign)" }
        return text
    }
}

extension SigV4Error {
    /// AWS's text for a signature mismatch.
    package static let signatureMismatchMessage =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

    /// AWS's text for an unknown access key (`InvalidClientTokenId` / `UnrecognizedClientException`).
    package static let unrecognizedClientMessage = "The security token included in the request is invalid."

    /// AWS's text for an expired session token (`ExpiredToken` / `ExpiredTokenException`).
    package static let expiredTokenMessage = "The security token included in the request is expired"

    /// AWS's text for a request without any auth material (JSON protocols). The Query protocol's
    /// wording is "Request is missing Authentication Token"; the renderer may substitute it.
    package static let missingAuthenticationTokenMessage = "Missing Authentication Token"

    /// The error for an access key ID the caller could not find.
    package static func unrecognizedClient() -> SigV4Error {
        SigV4Error(.unrecognizedClient, unrecognizedClientMessage)
    }

    /// The error for a session token that has expired or does not belong to the access key.
    package static func expiredToken() -> SigV4Error {
        SigV4Error(.expiredToken, expiredTokenMessage)
    }

    static func incomplete(_ message: String) -> SigV4Error {
        SigV4Error(.incompleteSignature, message)
    }

    static func mismatch(canonicalRequest: String? = nil, stringToSign: String? = nil) -> SigV4Error {
        SigV4Error(
            .invalidSignature,
            signatureMismatchMessage,
            canonicalRequest: canonicalRequest,
            stringToSign: stringToSign
        )
    }
}
