import PersimmonSigV4
import Testing

/// The building blocks on cases the vectors do not cover (`shared/reference/sigv4.md`, last section).
@Suite struct CanonicalizationTests {
    @Test(
        "non-S3 canonical URI",
        arguments: [
            ("/a%20b/c%2Fd/./e", "/a%2520b/c%252Fd/e"),  // botocore double-encodes an encoded path
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/a/b/..", "/a"),
            ("/a/b/../", "/a/"),
            ("/../..", "/"),
            ("/./example", "/example"),
            ("//example//", "/example/"),
            ("/example space/", "/example%20space/"),
            ("/example/$delete", "/example/%24delete"),
            ("/ሴ", "/%E1%88%B4"),
            ("/-._~AZaz09", "/-._~AZaz09"),
            ("/%2E%2E/x", "/%252E%252E/x"),  // encoded dots are not dot segments
            ("/recommendations", "/recommendations"),
        ])
    func normalizedURI(_ path: String, _ expected: String) {
        #expect(SigV4.canonicalURI(path: path, style: .normalized) == expected)
    }

    @Test(
        "S3 canonical URI keeps the path literally and encodes once",
        arguments: [
            ("/a%20b", "/a%20b"),
            ("/a b", "/a%20b"),
            ("//example//", "//example//"),
            ("/example1/example2/../..", "/example1/example2/../.."),
            ("/a%2Fb/c", "/a%2Fb/c"),
            ("/100%", "/100%25"),
            ("", "/"),
        ])
    func s3URI(_ path: String, _ expected: String) {
        #expect(SigV4.canonicalURI(path: path, style: .s3) == expected)
    }

    @Test(
        "canonical query",
        arguments: [
            ("", ""),
            ("b=2&a=1", "a=1&b=2"),
            ("a=b+c", "a=b%2Bc"),  // '+' is a literal plus, never a space
            ("a=b%2Bc", "a=b%2Bc"),
            ("a=b%2bc", "a=b%2Bc"),  // hex case normalised
            ("a=b%20c", "a=b%20c"),
            ("a=b c", "a=b%20c"),
            ("k=2&k&k=1", "k=&k=1&k=2"),  // repeated key with and without values, sorted by value
            ("k&k=", "k=&k="),
            ("Param=Value2&%E1%88%B4=Value1&Param-3=Value3", "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"),
            ("b=1&B=2&a=3", "B=2&a=3&b=1"),  // bytewise: upper before lower
            ("a=x=y", "a=x%3Dy"),
            ("a=1&&b=2&", "a=1&b=2"),  // empty pieces dropped
            ("a=%zz", "a=%25zz"),  // a broken escape is a literal '%'
            ("path=/a/b", "path=%2Fa%2Fb"),
            ("-._~=-._~", "-._~=-._~"),
        ])
    func query(_ raw: String, _ expected: String) {
        #expect(SigV4.canonicalQuery(raw) == expected)
    }

    @Test("query auth drops only X-Amz-Signature from the canonical query")
    func queryExcludingSignature() {
        let raw = "X-Amz-Signature=abc&X-Amz-Security-Token=t%2Bo&a=1&X-Amz-Signatures=keep"
        #expect(
            SigV4.canonicalQuery(raw, excludingSignature: true)
                == "X-Amz-Security-Token=t%2Bo&X-Amz-Signatures=keep&a=1")
        #expect(SigV4.canonicalQuery(raw).hasPrefix("X-Amz-Security-Token=t%2Bo&X-Amz-Signature=abc&"))
    }

    @Test(
        "canonical header values: trim, collapse whitespace runs, join repeats with ',' in arrival order",
        arguments: [
            (["  value1  "], "value1"),
            (["\"a   b   c\""], "\"a b c\""),
            (["value1\n  value2\n     value3"], "value1 value2 value3"),
            (["a\tb\r\n c"], "a b c"),
            (["z", "a"], "z,a"),
            ([" v1 ", "", "v3"], "v1,,v3"),
            ([""], ""),
            (["   "], ""),
        ])
    func headerValue(_ values: [String], _ expected: String) {
        #expect(SigV4.canonicalHeaderValue(values) == expected)
    }

    @Test("canonical request layout, including an empty header value and repeated headers")
    func canonicalRequestLayout() throws {
        let request = try SigV4.canonicalRequest(
            method: "POST",
            path: "/",
            query: "b=2&a=1",
            headers: [
                ("Host", "localhost:8080"), ("X-Empty", ""), ("x-multi", "2"), ("X-Multi", " 1 "), ("Unsigned", "x"),
            ],
            signedHeaders: ["host", "x-empty", "x-multi"],
            payloadHash: SigV4.emptyPayloadHash,
            pathStyle: .normalized
        )
        #expect(
            request
                == "POST\n/\na=1&b=2\nhost:localhost:8080\nx-empty:\nx-multi:2,1\n\nhost;x-empty;x-multi\n\(SigV4.emptyPayloadHash)"
        )
    }

    @Test("a signed header missing from the request is incompleteSignature")
    func missingSignedHeader() throws {
        let error = try #require(throws: SigV4Error.self) {
            try SigV4.canonicalRequest(
                method: "GET",
                path: "/",
                query: "",
                headers: [("Host", "h")],
                signedHeaders: ["host", "x-amz-date"],
                payloadHash: SigV4.emptyPayloadHash,
                pathStyle: .normalized
            )
        }
        #expect(error.code == .incompleteSignature)
    }

    @Test("string to sign layout")
    func stringToSignLayout() {
        #expect(
            SigV4.stringToSign(amzDate: "20150830T123600Z", credentialScope: "s", canonicalRequest: "")
                == "AWS4-HMAC-SHA256\n20150830T123600Z\ns\n\(SigV4.emptyPayloadHash)"
        )
        #expect(
            SigV4.credentialScope(date: "20150830", region: "us-east-1", service: "iam")
                == "20150830/us-east-1/iam/aws4_request")
    }

    @Test("isValidSignature accepts the exact MAC only")
    func constantTimeCheck() {
        let key = SigV4.signingKey(secretAccessKey: "s", date: "20260101", region: "r", service: "x")
        let hex = SigV4.signature(signingKey: key, stringToSign: "sts")
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        #expect(SigV4.isValidSignature(bytes, signingKey: key, stringToSign: "sts"))
        #expect(!SigV4.isValidSignature(bytes, signingKey: key, stringToSign: "sts2"))
        #expect(!SigV4.isValidSignature(Array(bytes.dropLast()), signingKey: key, stringToSign: "sts"))
        bytes[31] ^= 1
        #expect(!SigV4.isValidSignature(bytes, signingKey: key, stringToSign: "sts"))
    }

    @Test("percent-encoding helpers for clients")
    func encodingHelpers() {
        #expect(SigV4.percentEncodedPath("/my items/ü+x") == "/my%20items/%C3%BC%2Bx")
        #expect(SigV4.percentEncodedQueryComponent("a/b c+d=e&f") == "a%2Fb%20c%2Bd%3De%26f")
    }
}
