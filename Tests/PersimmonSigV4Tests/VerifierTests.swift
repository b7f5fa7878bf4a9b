import Foundation
import PersimmonSigV4
import Testing

@Suite struct VerifierTests {
    private let verifier = SigV4Verifier()

    // MARK: Signature

    @Test("a correctly signed request verifies and reports its scope")
    func accepts() throws {
        let auth = try Fixture.authenticate(Fixture.signedRequest())
        #expect(auth.accessKeyID == Fixture.accessKeyID)
        #expect(auth.date == "20260101" && auth.region == "us-east-1" && auth.service == "personalize")
        #expect(auth.signedHeaders == ["content-type", "host", "x-amz-date", "x-amz-target"])
        #expect(auth.amzDateString == Fixture.amzDate && auth.requestDate == Fixture.now)
        #expect(!auth.isPresigned && auth.expires == nil && auth.securityToken == nil)
        #expect(auth.signature.count == 32)
        #expect(auth.credentialScope == "20260101/us-east-1/personalize/aws4_request")
    }

    @Test("a wrong secret is rejected with AWS's signature-mismatch text and our diagnostics")
    func wrongSecret() throws {
        let request = Fixture.signedRequest()
        let auth = try verifier.parse(request)
        let error = try #require(throws: SigV4Error.self) {
            try verifier.verify(
                request, authorization: auth, secretAccessKey: "not-the-secret", expectedService: "personalize",
                now: Fixture.now)
        }
        #expect(error.code == .invalidSignature)
        #expect(
            error.message
                == "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
        )
        #expect(
            error.canonicalRequest?.hasPrefix(
                "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:localhost:8080\n") == true)
        #expect(
            error.stringToSign?.hasPrefix(
                "AWS4-HMAC-SHA256\n20260101T120000Z\n20260101/us-east-1/personalize/aws4_request\n") == true)
        // Diagnostics stay out of the client-facing description.
        #expect(error.description == "SignatureDoesNotMatch: \(SigV4Error.signatureMismatchMessage)")
        #expect(error.debugDescription.contains("CanonicalRequest:"))
        #expect(!error.debugDescription.contains(Fixture.secret))
    }

    @Test("a tampered body is rejected")
    func tamperedBody() throws {
        var request = Fixture.signedRequest()
        request.body = Array(#"{"name": "movies2"}"#.utf8)
        let error = try #require(throws: SigV4Error.self) { try Fixture.authenticate(request) }
        #expect(error.code == .invalidSignature)
        #expect(error.message == SigV4Error.signatureMismatchMessage)
    }

    @Test("a tampered signed header, path, query or method is rejected")
    func tamperedRequest() throws {
        var header = Fixture.signedRequest()
        header.headers[2].value = "AmazonPersonalize.DeleteDatasetGroup"
        var path = Fixture.signedRequest(path: "/recommendations")
        path.path = "/events"
        var query = Fixture.signedRequest(query: "a=1")
        query.query = "a=2"
        var method = Fixture.signedRequest()
        method.method = "PUT"
        for request in [header, path, query, method] {
            let error = try #require(throws: SigV4Error.self) { try Fixture.authenticate(request) }
            #expect(error.code == .invalidSignature)
        }
    }

    @Test("unsigned headers may change without breaking the signature")
    func unsignedHeadersIgnored() throws {
        var request = Fixture.signedRequest()
        request.headers.append(("amz-sdk-invocation-id", "a-random-uuid"))
        request.headers[request.headers.firstIndex { $0.name == "User-Agent" }!].value = "curl/8"
        try Fixture.authenticate(request)
    }

    @Test("an upper-case hex signature never matches, as AWS compares hex text")
    func upperCaseSignature() throws {
        let request = Fixture.replacingAuthorization(Fixture.signedRequest()) { value in
            let range = value.range(of: "Signature=")!
            return String(value[..<range.upperBound]) + value[range.upperBound...].uppercased()
        }
        let error = try #require(throws: SigV4Error.self) { try Fixture.authenticate(request) }
        #expect(error.code == .invalidSignature)
    }

    @Test(
        "a signature that is not 64 hex characters is incomplete",
        arguments: ["abc", String(repeating: "g", count: 64), String(repeating: "a", count: 66)])
    func malformedSignature(_ signature: String) throws {
        let request = Fixture.replacingAuthorization(Fixture.signedRequest()) { value in
            String(value[..<value.range(of: "Signature=")!.upperBound]) + signature
        }
        let error = try #require(throws: SigV4Error.self) { try verifier.parse(request) }
        #expect(error.code == .incompleteSignature)
    }

    // MARK: Time

    @Test("a request older than 15 minutes is rejected with AWS's text")
    func expired() throws {
        let request = Fixture.signedRequest(date: Fixture.date("20150830T123600Z"))
        let error = try #require(throws: SigV4Error.self) {
            try Fixture.authenticate(request, now: Fixture.date("20150830T130600Z"))
        }
        #expect(error.code == .signatureExpired)
        #expect(
            error.message
                == "Signature expired: 20150830T123600Z is now earlier than 20150830T125100Z (20150830T130600Z - 15 min.)"
        )
    }

    @Test("a request more than 15 minutes in the future is rejected")
    func notYetCurrent() throws {
        let request = Fixture.signedRequest(date: Fixture.date("20150830T125101Z"))
        let error = try #require(throws: SigV4Error.self) {
            try Fixture.authenticate(request, now: Fixture.date("20150830T123600Z"))
        }
        #expect(error.code == .signatureExpired)
        #expect(
            error.message
                == "Signature not yet current: 20150830T125101Z is still later than 20150830T125100Z (20150830T123600Z + 15 min.)"
        )
    }

    @Test("the skew window is inclusive at exactly ±15 minutes")
    func skewEdges() throws {
        let request = Fixture.signedRequest(date: Fixture.date("20150830T123600Z"))
        try Fixture.authenticate(request, now: Fixture.date("20150830T125100Z"))
        try Fixture.authenticate(request, now: Fixture.date("20150830T122100Z"))
        // Sub-second parts of `now` are ignored.
        try Fixture.authenticate(request, now: Fixture.date("20150830T125100Z").addingTimeInterval(0.9))
    }

    @Test("a custom clock skew is honoured and named in the message")
    func customSkew() throws {
        let verifier = SigV4Verifier(allowedClockSkew: .seconds(90))
        let request = Fixture.signedRequest(date: Fixture.date("20150830T123600Z"))
        let error = try #require(throws: SigV4Error.self) {
            try Fixture.authenticate(request, now: Fixture.date("20150830T123731Z"), verifier: verifier)
        }
        #expect(
            error.message
                == "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T123731Z - 90 sec.)"
        )
    }

    // MARK: Missing and malformed auth

    @Test("a request without any auth material is missingAuthenticationToken")
    func missingAuthorization() throws {
        var request = Fixture.signedRequest()
        request.headers.removeAll { $0.name == "Authorization" }
        let error = try #require(throws: SigV4Error.self) { try verifier.parse(request) }
        #expect(error.code == .missingAuthenticationToken)
        #expect(error.message == "Missing Authentication Token")
    }

    /// A malformed variant of a valid `Authorization` value and the expected message (`nil`: any).
    struct MalformedCase: Sendable, CustomTestStringConvertible {
        var label: String
        var transform: @Sendable (String) -> String
        var message: String?
        var testDescription: String { label }
    }

    static let malformedCases: [MalformedCase] = [
        MalformedCase(
            label: "missing Signature",
            transform: { v in String(v[..<v.range(of: ", Signature=")!.lowerBound]) },
            message: "Authorization header requires 'Signature' parameter."
        ),
        MalformedCase(
            label: "missing Credential",
            transform: { v in
                v.replacingOccurrences(
                    of: "Credential=AKIAPERSIMMONTEST01/20260101/us-east-1/personalize/aws4_request, ", with: "")
            },
            message: "Authorization header requires 'Credential' parameter."
        ),
        MalformedCase(
            label: "missing SignedHeaders",
            transform: { v in
                v.replacingOccurrences(of: "SignedHeaders=content-type;host;x-amz-date;x-amz-target, ", with: "")
            },
            message: "Authorization header requires 'SignedHeaders' parameter."
        ),
        MalformedCase(
            label: "only the algorithm",
            transform: { _ in "AWS4-HMAC-SHA256" },
            message:
                "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."
        ),
        MalformedCase(
            label: "wrong terminator",
            transform: { v in v.replacingOccurrences(of: "/aws4_request", with: "/aws4_reques") },
            message: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_reques'. "
        ),
        MalformedCase(
            label: "four-part credential",
            transform: { v in v.replacingOccurrences(of: "/us-east-1/", with: "/") },
            message:
                "Credential must have exactly 5 slash-separated parts: '<access key ID>/<date>/<region>/<service>/aws4_request', not 'AKIAPERSIMMONTEST01/20260101/personalize/aws4_request'."
        ),
        MalformedCase(
            label: "bad scope date",
            transform: { v in v.replacingOccurrences(of: "/20260101/", with: "/2026011/") },
            message: "Credential should be scoped to a valid date in the form YYYYMMDD, not '2026011'."
        ),
        MalformedCase(
            label: "bad region",
            transform: { v in v.replacingOccurrences(of: "/us-east-1/", with: "/US_EAST/") },
            message: "Credential should be scoped to a valid region, not 'US_EAST'. "
        ),
        MalformedCase(
            label: "empty access key",
            transform: { v in v.replacingOccurrences(of: "AKIAPERSIMMONTEST01/", with: "/") },
            message: "Credential should contain a valid access key ID."
        ),
        MalformedCase(
            label: "unknown algorithm",
            transform: { v in v.replacingOccurrences(of: "AWS4-HMAC-SHA256", with: "AWS4-HMAC-SHA512") },
            message: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'. Only 'AWS4-HMAC-SHA256' is supported."
        ),
        MalformedCase(
            label: "no space after the algorithm",
            transform: { v in v.replacingOccurrences(of: "AWS4-HMAC-SHA256 ", with: "AWS4-HMAC-SHA256") },
            message: nil
        ),
        MalformedCase(
            label: "component without '='",
            transform: { v in v + ", Junk" },
            message: "'Junk' not a valid key=value pair (missing equal-sign) in Authorization header."
        ),
        MalformedCase(
            label: "repeated component",
            transform: { v in v + ", Signature=" + String(repeating: "0", count: 64) },
            message: "Authorization header contains 'Signature' more than once."
        ),
        MalformedCase(
            label: "unknown component",
            transform: { v in v + ", Foo=bar" },
            message: "Unknown Authorization header component 'Foo'."
        ),
        MalformedCase(
            label: "unsorted SignedHeaders",
            transform: { v in v.replacingOccurrences(of: "content-type;host", with: "host;content-type") },
            message: "SignedHeaders must be sorted and unique, not 'host;content-type;x-amz-date;x-amz-target'."
        ),
        MalformedCase(
            label: "upper-case SignedHeaders",
            transform: { v in v.replacingOccurrences(of: "content-type;host", with: "Content-Type;host") },
            message: nil
        ),
        MalformedCase(
            label: "host not signed",
            transform: { v in v.replacingOccurrences(of: "content-type;host;", with: "content-type;") },
            message: "The 'host' header must be listed in SignedHeaders."
        ),
        MalformedCase(
            label: "x-amz-date not signed",
            transform: { v in v.replacingOccurrences(of: "host;x-amz-date;", with: "host;") },
            message: "The 'x-amz-date' header must be listed in SignedHeaders."
        ),
        MalformedCase(
            label: "signed header absent",
            transform: { v in v.replacingOccurrences(of: "host;", with: "host;x-amz-a-missing;") },
            message: "The header 'x-amz-a-missing' is listed in SignedHeaders but is not present in the request."
        ),
    ]

    @Test("malformed Authorization values are incompleteSignature", arguments: malformedCases)
    func malformedAuthorization(_ malformed: MalformedCase) throws {
        let request = Fixture.replacingAuthorization(Fixture.signedRequest(), malformed.transform)
        let error = try #require(throws: SigV4Error.self, "\(malformed.label)") { try verifier.parse(request) }
        #expect(error.code == .incompleteSignature, "\(malformed.label)")
        if let message = malformed.message { #expect(error.message == message, "\(malformed.label)") }
    }

    @Test("extra spaces around Authorization components are tolerated")
    func extraSpaces() throws {
        let request = Fixture.replacingAuthorization(Fixture.signedRequest()) { value in
            "  "
                + value.replacingOccurrences(of: ", ", with: " ,   ").replacingOccurrences(
                    of: "SHA256 ", with: "SHA256   ") + "  "
        }
        try Fixture.authenticate(request)
    }

    @Test("two Authorization headers are incompleteSignature")
    func duplicateAuthorization() throws {
        var request = Fixture.signedRequest()
        request.headers.append(("authorization", Fixture.authorization(of: request)))
        let error = try #require(throws: SigV4Error.self) { try verifier.parse(request) }
        #expect(error.code == .incompleteSignature)
    }

    @Test("header auth and query auth together are incompleteSignature")
    func bothStyles() throws {
        let presigned = Fixture.presignedRequest()
        let request = Fixture.signedRequest(query: presigned.query)
        let error = try #require(throws: SigV4Error.self) { try verifier.parse(request) }
        #expect(error.code == .incompleteSignature)
        #expect(error.message.hasPrefix("Only one auth mechanism allowed"))
    }

    @Test("a missing or malformed X-Amz-Date is incompleteSignature")
    func badAmzDate() throws {
        var missing = Fixture.signedRequest()
        missing.headers.removeAll { $0.name == "X-Amz-Date" }
        let missingError = try #require(throws: SigV4Error.self) { try verifier.parse(missing) }
        #expect(missingError.code == .incompleteSignature)
        #expect(
            missingError.message
                == "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")

        var malformed = Fixture.signedRequest()
        malformed.headers[malformed.headers.firstIndex { $0.name == "X-Amz-Date" }!].value = "2026-01-01T12:00:00Z"
        let malformedError = try #require(throws: SigV4Error.self) { try verifier.parse(malformed) }
        #expect(malformedError.code == .incompleteSignature)
        #expect(
            malformedError.message.hasPrefix("Date must be in ISO-8601 'basic format'. Got '2026-01-01T12:00:00Z'."))
    }

    @Test("a scope date different from X-Amz-Date is a signature mismatch with AWS's text")
    func scopeDateMismatch() throws {
        let request = Fixture.replacingAuthorization(Fixture.signedRequest()) {
            $0.replacingOccurrences(of: "/20260101/", with: "/20251231/")
        }
        let error = try #require(throws: SigV4Error.self) { try verifier.parse(request) }
        #expect(error.code == .invalidSignature)
        #expect(
            error.message
                == "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20251231' != '20260101', from '20260101T120000Z'."
        )
    }

    @Test("a lower-case x-amz-date header name works like X-Amz-Date")
    func lowerCaseDateHeader() throws {
        var request = Fixture.signedRequest()
        let index = request.headers.firstIndex { $0.name == "X-Amz-Date" }!
        request.headers[index].name = "x-amz-date"
        try Fixture.authenticate(request)
    }

    @Test("a Date header (botocore's form when the caller set one) is accepted instead of X-Amz-Date")
    func httpDateHeader() throws {
        let headers: [(name: String, value: String)] = [
            ("Host", Fixture.host), ("Date", "Thu, 01 Jan 2026 12:00:00 -0000"),
        ]
        let canonicalRequest = try SigV4.canonicalRequest(
            method: "GET",
            path: "/",
            query: "",
            headers: headers,
            signedHeaders: ["date", "host"],
            payloadHash: SigV4.emptyPayloadHash,
            pathStyle: .normalized
        )
        let scope = "20260101/us-east-1/personalize/aws4_request"
        let stringToSign = SigV4.stringToSign(
            amzDate: Fixture.amzDate, credentialScope: scope, canonicalRequest: canonicalRequest)
        let key = SigV4.signingKey(
            secretAccessKey: Fixture.secret, date: "20260101", region: "us-east-1", service: "personalize")
        let signature = SigV4.signature(signingKey: key, stringToSign: stringToSign)
        let request = SignableRequest(
            method: "GET",
            path: "/",
            query: "",
            headers: headers + [
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=\(Fixture.accessKeyID)/\(scope), SignedHeaders=date;host, Signature=\(signature)"
                )
            ],
            body: []
        )
        let auth = try Fixture.authenticate(request)
        #expect(auth.amzDateString == Fixture.amzDate)

        // The Date header must be signed when it carries the request time.
        let unsigned = Fixture.replacingAuthorization(request) {
            $0.replacingOccurrences(of: "date;host", with: "host")
        }
        let error = try #require(throws: SigV4Error.self) { try verifier.parse(unsigned) }
        #expect(error.code == .incompleteSignature)
    }

    // MARK: Service

    @Test("a scope for another service is rejected with AWS's text; nil accepts any service")
    func wrongService() throws {
        let request = Fixture.signedRequest(service: "iam")
        let error = try #require(throws: SigV4Error.self) {
            try Fixture.authenticate(request, expectedService: "personalize")
        }
        #expect(error.code == .invalidSignature)
        #expect(error.message == "Credential should be scoped to correct service: 'personalize'. ")
        let auth = try Fixture.authenticate(request, expectedService: nil)
        #expect(auth.service == "iam")
    }

    @Test("an unknown access key is reported by the caller as unrecognizedClient")
    func unknownKey() throws {
        let request = SigV4Signer(
            credentials: SigV4Credentials(accessKeyID: "AKIAUNKNOWN", secretAccessKey: "x"),
            region: "us-east-1",
            service: "personalize"
        )
        let added = request.sign(
            method: "GET", path: "/", query: "", headers: [("Host", Fixture.host)], body: [], date: Fixture.now)
        let signable = SignableRequest(
            method: "GET", path: "/", query: "", headers: [("Host", Fixture.host)] + added, body: [])
        let error = try #require(throws: SigV4Error.self) { try Fixture.authenticate(signable) }
        #expect(error == SigV4Error.unrecognizedClient())
        #expect(error.message == "The security token included in the request is invalid.")
    }

    // MARK: Session token

    @Test("a signed session token is accepted and reported")
    func signedToken() throws {
        let auth = try Fixture.authenticate(Fixture.signedRequest(sessionToken: Fixture.sessionToken))
        #expect(auth.securityToken == Fixture.sessionToken)
        #expect(auth.signedHeaders.contains("x-amz-security-token"))
    }

    @Test("an unsigned X-Amz-Security-Token header is rejected")
    func unsignedToken() throws {
        var request = Fixture.signedRequest()
        request.headers.append(("X-Amz-Security-Token", Fixture.sessionToken))
        let error = try #require(throws: SigV4Error.self) { try verifier.parse(request) }
        #expect(error.code == .incompleteSignature)
        #expect(error.message == "The 'x-amz-security-token' header must be listed in SignedHeaders when it is sent.")
    }

    @Test("a swapped session token breaks the signature")
    func swappedToken() throws {
        var request = Fixture.signedRequest(sessionToken: Fixture.sessionToken)
        request.headers[request.headers.firstIndex { $0.name == "X-Amz-Security-Token" }!].value = "another-token"
        let error = try #require(throws: SigV4Error.self) { try Fixture.authenticate(request) }
        #expect(error.code == .invalidSignature)
    }

    // MARK: Payload hash header

    @Test("x-amz-content-sha256 must equal the body's hash; UNSIGNED-PAYLOAD and STREAMING-* are refused")
    func contentSHA256() throws {
        let body = Array(#"{"a": 1}"#.utf8)
        let good = Fixture.signedRequest(extraHeaders: [("x-amz-content-sha256", SigV4.hexSHA256(body))], body: body)
        try Fixture.authenticate(good)

        let wrongHash = Fixture.signedRequest(
            extraHeaders: [("x-amz-content-sha256", SigV4.emptyPayloadHash)], body: body)
        let mismatch = try #require(throws: SigV4Error.self) { try Fixture.authenticate(wrongHash) }
        #expect(mismatch.code == .invalidSignature)
        #expect(mismatch.message == "The provided 'x-amz-content-sha256' header does not match what was computed.")

        for literal in ["UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"]
        {
            let request = Fixture.signedRequest(extraHeaders: [("x-amz-content-sha256", literal)], body: body)
            let error = try #require(throws: SigV4Error.self) { try Fixture.authenticate(request) }
            #expect(error.code == .incompleteSignature, "\(literal)")
        }
    }

    // MARK: Presigned URLs

    @Test("a presigned URL verifies until X-Amz-Expires and not one second later")
    func presignedExpiry() throws {
        let request = Fixture.presignedRequest(expires: 900)
        let auth = try Fixture.authenticate(request, expectedService: "sts")
        #expect(auth.isPresigned && auth.expires == 900)
        try Fixture.authenticate(request, expectedService: "sts", now: Fixture.date("20260101T121500Z"))
        let error = try #require(throws: SigV4Error.self) {
            try Fixture.authenticate(request, expectedService: "sts", now: Fixture.date("20260101T121501Z"))
        }
        #expect(error.code == .signatureExpired)
        #expect(
            error.message
                == "Signature expired: 20260101T120000Z is now earlier than 20260101T120001Z (20260101T121501Z - 15 min.)"
        )

        let long = Fixture.presignedRequest(expires: 3601)
        try Fixture.authenticate(long, expectedService: "sts", now: Fixture.date("20260101T130001Z"))
        let longError = try #require(throws: SigV4Error.self) {
            try Fixture.authenticate(long, expectedService: "sts", now: Fixture.date("20260101T130002Z"))
        }
        #expect(
            longError.message
                == "Signature expired: 20260101T120000Z is now earlier than 20260101T120001Z (20260101T130002Z - 3601 sec.)"
        )
    }

    @Test("a presigned URL dated more than 15 minutes ahead is not yet current")
    func presignedFuture() throws {
        let request = Fixture.presignedRequest(date: Fixture.date("20260101T121501Z"))
        let error = try #require(throws: SigV4Error.self) { try Fixture.authenticate(request, expectedService: "sts") }
        #expect(error.code == .signatureExpired)
        #expect(error.message.hasPrefix("Signature not yet current: 20260101T121501Z"))
        try Fixture.authenticate(
            Fixture.presignedRequest(date: Fixture.date("20260101T121500Z")), expectedService: "sts")
    }

    @Test("a presigned URL with a session token reports it; a tampered token fails")
    func presignedToken() throws {
        let request = Fixture.presignedRequest(sessionToken: Fixture.sessionToken)
        let auth = try Fixture.authenticate(request, expectedService: "sts")
        #expect(auth.securityToken == Fixture.sessionToken)
        var tampered = request
        tampered.query = request.query.replacingOccurrences(
            of: "X-Amz-Security-Token=FQoG", with: "X-Amz-Security-Token=XQoG")
        let error = try #require(throws: SigV4Error.self) { try Fixture.authenticate(tampered, expectedService: "sts") }
        #expect(error.code == .invalidSignature)
    }

    @Test("a presigned URL with an appended parameter fails; one without X-Amz-Signature is incomplete")
    func presignedTampered() throws {
        var appended = Fixture.presignedRequest()
        appended.query += "&Extra=1"
        #expect(throws: SigV4Error.self) { try Fixture.authenticate(appended, expectedService: "sts") }

        var unsigned = Fixture.presignedRequest()
        unsigned.query = String(unsigned.query[..<unsigned.query.range(of: "&X-Amz-Signature=")!.lowerBound])
        let error = try #require(throws: SigV4Error.self) { try verifier.parse(unsigned) }
        #expect(error.code == .incompleteSignature)
        #expect(
            error.message
                == "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters."
        )
    }

    @Test(
        "X-Amz-Expires outside 1...604800 or not a number is incomplete",
        arguments: ["0", "604801", "-5", "1e3", "", "99999999999999999999"])
    func presignedBadExpires(_ expires: String) throws {
        var request = Fixture.presignedRequest()
        request.query = request.query.replacingOccurrences(of: "X-Amz-Expires=900", with: "X-Amz-Expires=\(expires)")
        let error = try #require(throws: SigV4Error.self) { try verifier.parse(request) }
        #expect(error.code == .incompleteSignature)
    }

    @Test("a repeated query-auth parameter or a missing X-Amz-Algorithm is incomplete")
    func presignedRepeated() throws {
        var repeated = Fixture.presignedRequest()
        repeated.query += "&X-Amz-Date=20260101T120000Z"
        let repeatedError = try #require(throws: SigV4Error.self) { try verifier.parse(repeated) }
        #expect(repeatedError.message == "The query parameter 'X-Amz-Date' must not be repeated.")

        var noAlgorithm = Fixture.presignedRequest()
        noAlgorithm.query = noAlgorithm.query.replacingOccurrences(of: "X-Amz-Algorithm=AWS4-HMAC-SHA256&", with: "")
        let error = try #require(throws: SigV4Error.self) { try verifier.parse(noAlgorithm) }
        #expect(
            error.message
                == "AWS query-string parameters must include 'X-Amz-Algorithm'. Re-examine the query-string parameters."
        )
    }

    @Test("the 7-day maximum X-Amz-Expires is accepted")
    func presignedMaximum() throws {
        let request = Fixture.presignedRequest(expires: 604_800)
        try Fixture.authenticate(request, expectedService: "sts", now: Fixture.date("20260108T120000Z"))
    }

    // MARK: Errors

    @Test("SigV4Error equality ignores diagnostics")
    func errorEquality() {
        let a = SigV4Error(.invalidSignature, "m", canonicalRequest: "x", stringToSign: "y")
        let b = SigV4Error(.invalidSignature, "m")
        #expect(a == b)
        #expect(a != SigV4Error(.incompleteSignature, "m"))
        #expect(SigV4Error.expiredToken().code == .expiredToken)
        #expect(SigV4Error.expiredToken().message == "The security token included in the request is expired")
    }

    @Test("error codes map to AWS's Query and JSON error names")
    func errorNames() {
        let expected: [(SigV4Error.Code, String, String)] = [
            (.incompleteSignature, "IncompleteSignature", "IncompleteSignatureException"),
            (.missingAuthenticationToken, "MissingAuthenticationToken", "MissingAuthenticationTokenException"),
            (.invalidSignature, "SignatureDoesNotMatch", "InvalidSignatureException"),
            (.signatureExpired, "SignatureDoesNotMatch", "InvalidSignatureException"),
            (.unrecognizedClient, "InvalidClientTokenId", "UnrecognizedClientException"),
            (.expiredToken, "ExpiredToken", "ExpiredTokenException"),
        ]
        for (code, query, json) in expected {
            #expect(code.queryErrorCode == query)
            #expect(code.jsonErrorType == json)
        }
    }
}
