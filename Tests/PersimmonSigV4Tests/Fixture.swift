import Foundation
import PersimmonSigV4

/// Hand-built requests signed by our signer, for the unit tests (no vector files needed).
enum Fixture {
    static let accessKeyID = "AKIAPERSIMMONTEST01"
    static let secret = "persimmon/test+secret/0123456789abcdefABCDEF"
    static let sessionToken = "FQoGZXIvYXdzEXAMPLE//////////wEaDPersimmon+/="
    static let amzDate = "20260101T120000Z"
    static let now = SigV4Date.parseAMZDate(amzDate)!
    static let host = "localhost:8080"

    static func signer(service: String = "personalize", sessionToken: String? = nil) -> SigV4Signer {
        SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: sessionToken),
            region: "us-east-1",
            service: service
        )
    }

    /// A Personalize control-plane request (awsJson1_1), header-signed at `date`.
    static func signedRequest(
        method: String = "POST",
        path: String = "/",
        query: String = "",
        extraHeaders: [(name: String, value: String)] = [],
        body: [UInt8] = Array(#"{"name": "movies"}"#.utf8),
        service: String = "personalize",
        sessionToken: String? = nil,
        date: Date = now
    ) -> SignableRequest {
        let headers: [(name: String, value: String)] =
            [
                ("Host", host),
                ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "AmazonPersonalize.CreateDatasetGroup"),
            ] + extraHeaders
        let added = signer(service: service, sessionToken: sessionToken).sign(
            method: method,
            path: path,
            query: query,
            headers: headers,
            body: body,
            date: date
        )
        // Unsigned extras a real client sends too.
        let unsigned: [(name: String, value: String)] = [
            ("User-Agent", "Boto3/1.43.11"), ("Content-Length", String(body.count)),
        ]
        return SignableRequest(
            method: method, path: path, query: query, headers: headers + added + unsigned, body: body)
    }

    /// A presigned GET, query-signed at `date`.
    static func presignedRequest(
        path: String = "/",
        query: String = "Action=GetCallerIdentity&Version=2011-06-15",
        expires: Int = 900,
        sessionToken: String? = nil,
        date: Date = now
    ) -> SignableRequest {
        let fullQuery = signer(service: "sts", sessionToken: sessionToken).presign(
            method: "GET",
            path: path,
            query: query,
            headers: [("Host", host)],
            date: date,
            expires: expires
        )
        return SignableRequest(method: "GET", path: path, query: fullQuery, headers: [("Host", host)], body: [])
    }

    @discardableResult
    static func authenticate(
        _ request: SignableRequest,
        expectedService: String? = "personalize",
        now: Date = now,
        verifier: SigV4Verifier = SigV4Verifier()
    ) throws(SigV4Error) -> SigV4Authorization {
        try verifier.authenticate(request, expectedService: expectedService, now: now) { akid in
            akid == accessKeyID ? secret : nil
        }
    }

    /// `request` with its `Authorization` header value transformed.
    static func replacingAuthorization(_ request: SignableRequest, _ transform: (String) -> String) -> SignableRequest {
        var copy = request
        for index in copy.headers.indices where copy.headers[index].name == "Authorization" {
            copy.headers[index].value = transform(copy.headers[index].value)
        }
        return copy
    }

    static func authorization(of request: SignableRequest) -> String {
        request.headers.first { $0.name == "Authorization" }!.value
    }

    static func date(_ amzDate: String) -> Date {
        SigV4Date.parseAMZDate(amzDate)!
    }
}
