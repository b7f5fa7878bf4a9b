import HTTPTypes
import Hummingbird
import PersimmonCore
import PersimmonSigV4

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
    package func authenticate(_ request: Request, body: [UInt8], service: String, now: Date) async throws -> Principal {
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
        return credential.principal
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
