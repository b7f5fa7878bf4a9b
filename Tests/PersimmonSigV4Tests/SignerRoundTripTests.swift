import Foundation
import PersimmonSigV4
import Testing

/// Whatever our signer produces, our verifier accepts.
@Suite struct SignerRoundTripTests {
    @Test(
        "header-signed requests round-trip",
        arguments: [
            ("/", ""),
            ("/recommendations", ""),
            ("/my%20items/a%20b", ""),  // spaces, percent-encoded on the wire
            ("/example space/", ""),  // spaces sent raw (the vectors do this)
            ("/a%2Fb/%24x/./y/../z", ""),
            ("/%E1%88%B4", "q=%E1%88%B4"),
            ("/", "tag=b&tag=a&tag&tag=&other=1"),  // repeated keys, with and without values
            ("/", "a=b+c&a=b%2Bc&a=b%20c"),
            ("/", "X-Amz-Foo=1&x-amz-bar=2"),
        ])
    func headerRoundTrip(_ path: String, _ query: String) throws {
        for method in ["GET", "POST"] {
            let request = Fixture.signedRequest(method: method, path: path, query: query)
            try Fixture.authenticate(request)
        }
    }

    @Test("repeated and mixed-case headers, empty values and a UTF-8 body round-trip")
    func headersAndBody() throws {
        let request = Fixture.signedRequest(
            extraHeaders: [
                ("X-Custom", "  two   spaces  "), ("x-custom", "second"), ("X-Empty", ""), ("MiXeD-CaSe", "V"),
            ],
            body: Array("{\"userId\": \"u-ü 1\"}".utf8)
        )
        let auth = try Fixture.authenticate(request)
        #expect(
            auth.signedHeaders == [
                "content-type", "host", "mixed-case", "x-amz-date", "x-amz-target", "x-custom", "x-empty",
            ])
    }

    @Test("temporary credentials: the token is added, signed and reported")
    func sessionToken() throws {
        let added = Fixture.signer(sessionToken: Fixture.sessionToken).sign(
            method: "POST",
            path: "/",
            query: "",
            headers: [("Host", Fixture.host)],
            body: [],
            date: Fixture.now
        )
        #expect(added.map(\.name) == ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(added[2].value.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        let request = SignableRequest(
            method: "POST", path: "/", query: "", headers: [("Host", Fixture.host)] + added, body: [])
        #expect(try Fixture.authenticate(request).securityToken == Fixture.sessionToken)
    }

    @Test("caller-supplied Authorization, X-Amz-Date and X-Amz-Security-Token headers are replaced")
    func staleAuthHeadersIgnored() throws {
        let stale: [(name: String, value: String)] = [
            ("Host", Fixture.host), ("Authorization", "old"), ("X-Amz-Date", "19990101T000000Z"),
            ("x-amz-security-token", "old"),
        ]
        let added = Fixture.signer().sign(
            method: "GET", path: "/", query: "", headers: stale, body: [], date: Fixture.now)
        #expect(added.last?.value.contains("SignedHeaders=host;x-amz-date,") == true)
    }

    @Test(
        "presigned URLs round-trip, with paths with spaces and repeated query keys",
        arguments: [
            ("/", "Action=GetCallerIdentity&Version=2011-06-15"),
            ("/my%20items/a%20b", ""),
            ("/", "tag=b&tag=a&tag"),
        ])
    func presignRoundTrip(_ path: String, _ query: String) throws {
        let request = Fixture.presignedRequest(path: path, query: query, sessionToken: Fixture.sessionToken)
        #expect(signatureParameter(ofQuery: request.query)?.count == 64)
        #expect(
            request.query.contains("X-Amz-Credential=AKIAPERSIMMONTEST01%2F20260101%2Fus-east-1%2Fsts%2Faws4_request"))
        let auth = try Fixture.authenticate(request, expectedService: "sts")
        #expect(auth.isPresigned && auth.signedHeaders == ["host"])
    }

    @Test("a presigned POST with a body verifies only with that body")
    func presignWithBody() throws {
        let body = Array("Action=GetCallerIdentity&Version=2011-06-15".utf8)
        let query = Fixture.signer(service: "sts").presign(
            method: "POST",
            path: "/",
            query: "",
            headers: [("Host", Fixture.host)],
            date: Fixture.now,
            expires: 60,
            body: body
        )
        var request = SignableRequest(
            method: "POST", path: "/", query: query, headers: [("Host", Fixture.host)], body: body)
        try Fixture.authenticate(request, expectedService: "sts")
        request.body = []
        #expect(throws: SigV4Error.self) { try Fixture.authenticate(request, expectedService: "sts") }
    }

    @Test("the signing-key cache is shared, bounded and bound to the secret")
    func signingKeyCache() throws {
        let cache = SigV4SigningKeyCache(capacity: 2)
        let verifier = SigV4Verifier(signingKeyCache: cache)
        let request = Fixture.signedRequest()
        try Fixture.authenticate(request, verifier: verifier)
        try Fixture.authenticate(request, verifier: verifier)
        #expect(cache.count == 1)

        // Same key ID, different secret: the cached key must not be reused.
        let auth = try verifier.parse(request)
        #expect(throws: SigV4Error.self) {
            try verifier.verify(
                request, authorization: auth, secretAccessKey: "rotated", expectedService: nil, now: Fixture.now)
        }
        try verifier.verify(
            request, authorization: auth, secretAccessKey: Fixture.secret, expectedService: nil, now: Fixture.now)

        for service in ["iam", "sts", "personalize"] {
            try Fixture.authenticate(
                Fixture.signedRequest(service: service), expectedService: service, verifier: verifier)
        }
        #expect(cache.count <= 2)
        cache.removeAll(accessKeyID: Fixture.accessKeyID)
        #expect(cache.count == 0)
    }
}

@Suite struct SigV4DateTests {
    @Test(
        "X-Amz-Date parses and formats",
        arguments: [
            ("20150830T123600Z", 1_440_938_160.0),
            ("19700101T000000Z", 0.0),
            ("20240229T235959Z", 1_709_251_199.0),
            ("21000301T000000Z", 4_107_542_400.0),
        ])
    func amzDate(_ text: String, _ epoch: Double) throws {
        let date = try #require(SigV4Date.parseAMZDate(text))
        #expect(date.timeIntervalSince1970 == epoch)
        #expect(SigV4Date.formatAMZDate(date) == text)
    }

    @Test(
        "invalid X-Amz-Date values are refused",
        arguments: [
            "", "20150830T123600", "20150830T123600z", "2015-08-30T12:36:00Z", "20150230T000000Z", "20230229T000000Z",
            "20151301T000000Z", "20150830T243600Z", "20150830T126000Z", "20150830T123660Z", "2015083OT123600Z",
            "+0150830T123600Z",
        ])
    func invalidAMZDate(_ text: String) {
        #expect(SigV4Date.parseAMZDate(text) == nil)
    }

    @Test("formatting rounds down to the second")
    func formatRoundsDown() {
        #expect(SigV4Date.formatAMZDate(Date(timeIntervalSince1970: 1_440_938_160.999)) == "20150830T123600Z")
    }

    @Test(
        "HTTP Date header forms",
        arguments: [
            "Sun, 30 Aug 2015 12:36:00 GMT", "Sun, 30 Aug 2015 12:36:00 -0000", "30 Aug 2015 12:36:00 +0000",
            "Sun, 30 Aug 2015 12:36:00 UTC",
        ])
    func httpDate(_ text: String) {
        #expect(SigV4Date.parseHTTPDate(text).map(SigV4Date.formatAMZDate) == "20150830T123600Z")
    }

    @Test(
        "HTTP dates in other zones or malformed are refused",
        arguments: [
            "Sun, 30 Aug 2015 12:36:00 +0200", "Sun, 30 Foo 2015 12:36:00 GMT", "Sun, 31 Sep 2015 12:36:00 GMT",
            "20150830T123600Z", "",
        ])
    func invalidHTTPDate(_ text: String) {
        #expect(SigV4Date.parseHTTPDate(text) == nil)
    }
}
