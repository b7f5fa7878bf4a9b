import HTTPTypes
import Hummingbird
import PersimmonCore
import PersimmonSigV4

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Who signed a request, with the parts of the signature the audit trail and `aws:RequestedRegion` need.
package struct AuthenticatedCaller: Sendable {
    package var principal: Principal
    /// The access key ID the request was signed with (never the secret).
    package var accessKeyID: String
    /// The region of the credential scope.
    package var region: String
    /// The account's IAM generation, read with the access key: pass it to ``Authorizer/authorize`` so that the
    /// decision needs no store read of its own.
    package var iamGeneration: Int64? = nil
}

/// Verifies a request's SigV4 signature and returns who signed it.
///
/// The body must already be collected, and bounded, by the caller: its hash is part of the signature.
package struct Authenticator: Sendable {
    private let verifier: SigV4Verifier
    private let accounts: AccountService
    /// The region this server serves; Personalize requests must be scoped to it.
    private let region: String

    package init(accounts: AccountService, region: String, verifier: SigV4Verifier = SigV4Verifier()) {
        self.accounts = accounts
        self.region = region
        self.verifier = verifier
    }

    /// - Parameter service: the signing name the API expects (`personalize`, `persimmon`, ...).
    package func authenticate(_ request: Request, body: [UInt8], service: String, now: Date) async throws
        -> AuthenticatedCaller
    {
        let signable = Self.signableRequest(request, body: body)
        let authorization = try verifier.parse(signable)
        // No temporary credentials are issued (yet), so a session token can only be foreign or forged.
        if authorization.securityToken != nil {
            throw SigV4Error.unrecognizedClient()
        }
        if service == "personalize", authorization.region != region {
            throw SigV4Error(
                .invalidSignature,
                "Credential should be scoped to a valid region. The region '\(authorization.region)' is not served here; this server serves '\(region)'."
            )
        }
        guard let credential = try await accounts.resolve(accessKeyID: authorization.accessKeyID) else {
            throw SigV4Error.unrecognizedClient()
        }
        try verifier.verify(
            signable, authorization: authorization, secretAccessKey: credential.secretAccessKey,
            expectedService: service, now: now
        )
        return AuthenticatedCaller(
            principal: credential.principal, accessKeyID: authorization.accessKeyID, region: authorization.region,
            iamGeneration: credential.iamGeneration)
    }

    /// The service named in a request's credential scope (`Credential=AKID/date/region/<service>/aws4_request`, in
    /// the `Authorization` header or a presigned URL's `X-Amz-Credential`), read without verifying anything: it only
    /// picks which API's error format and signing name apply.
    static func scopeService(_ request: Request) -> String? {
        var credential: Substring?
        if let header = request.headers[.authorization], let range = header.firstRange(of: "Credential=") {
            credential = header[range.upperBound...].prefix { $0 != "," && $0 != " " }
        } else if let query = request.uri.query, let range = query.firstRange(of: "X-Amz-Credential=") {
            credential = Substring(
                query[range.upperBound...].prefix { $0 != "&" }.replacing("%2F", with: "/").replacing("%2f", with: "/"))
        }
        guard let parts = credential?.split(separator: "/"), parts.count == 5 else { return nil }
        return String(parts[3])
    }

    /// The request exactly as received: raw path and query, every header, and the `Host` that HTTP/1 carried
    /// (HTTP/1 decoding moves it to the authority pseudo-header, so it is put back here unless a `Host` field
    /// is still present).
    static func signableRequest(_ request: Request, body: [UInt8]) -> SignableRequest {
        let target = request.head.path ?? "/"
        let path: String
        let query: String
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = ""
        }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(request.headers.count + 1)
        if let authority = request.head.authority, request.headers[.hostField] == nil {
            headers.append((name: "host", value: authority))
        }
        for field in request.headers {
            headers.append((name: field.name.canonicalName, value: field.value))
        }
        return SignableRequest(
            method: request.method.rawValue, path: path, query: query, headers: headers, body: body
        )
    }
}
