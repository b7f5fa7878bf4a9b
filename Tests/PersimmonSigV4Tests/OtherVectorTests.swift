import Foundation
import PersimmonSigV4
import Testing

/// One `aws-c-auth/v4a/<case>/` folder with a signed request (two upstream folders have none).
struct SigV4aCase: Sendable, CustomTestStringConvertible {
    var signedRequest: URL
    var testDescription: String {
        "\(signedRequest.deletingLastPathComponent().lastPathComponent)/\(signedRequest.lastPathComponent)"
    }

    static let all: [SigV4aCase] = SharedVectors.subdirectories("aws-c-auth/v4a").flatMap { directory in
        ["header-signed-request.txt", "query-signed-request.txt"].compactMap { name in
            let url = directory.appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: url.path) ? SigV4aCase(signedRequest: url) : nil
        }
    }
}

@Suite(.enabled(if: SharedVectors.isAvailable, "shared/sigv4-testsuite is not present (set PERSIMMON_SHARED_DIR)"))
struct OtherVectorTests {
    struct ChunkedExample: Decodable {
        struct Chunk: Decodable {
            var size: Int
            var string_to_sign: String
            var signature: String
        }
        var access_key_id: String
        var secret_access_key: String
        var timestamp: String
        var region: String
        var service: String
        var canonical_request: String
        var string_to_sign: String
        var seed_signature: String
        var chunks: [Chunk]
        var authorization: String
    }

    @Test("S3 streaming example: seed canonical request, string to sign, signature and chained chunk signatures")
    func s3Chunked() throws {
        let url = try #require(SharedVectors.root).appendingPathComponent("s3-chunked/streaming-put-object.json")
        let example = try JSONDecoder().decode(ChunkedExample.self, from: Data(contentsOf: url))
        let date = try #require(SigV4Date.parseAMZDate(example.timestamp))
        let headers: [(name: String, value: String)] = [
            ("Host", "s3.amazonaws.com"),
            ("x-amz-date", example.timestamp),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            ("Content-Encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", "66560"),
            ("Content-Length", "66824"),
        ]
        let signedHeaders = Set(headers.map { $0.name.lowercased() }).sorted()
        let canonicalRequest = try SigV4.canonicalRequest(
            method: "PUT",
            path: "/examplebucket/chunkObject.txt",
            query: "",
            headers: headers,
            signedHeaders: signedHeaders,
            payloadHash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            pathStyle: .s3
        )
        #expect(canonicalRequest == example.canonical_request, "canonical request")
        let scope = SigV4.credentialScope(
            date: String(example.timestamp.prefix(8)), region: example.region, service: example.service)
        let stringToSign = SigV4.stringToSign(
            amzDate: example.timestamp, credentialScope: scope, canonicalRequest: canonicalRequest)
        #expect(stringToSign == example.string_to_sign, "string to sign")
        let key = SigV4.signingKey(
            secretAccessKey: example.secret_access_key,
            date: String(example.timestamp.prefix(8)),
            region: example.region,
            service: example.service
        )
        #expect(
            SigV4.signature(signingKey: key, stringToSign: stringToSign) == example.seed_signature, "seed signature")

        var previous = example.seed_signature
        for chunk in example.chunks {
            let chunkStringToSign = SigV4.chunkStringToSign(
                amzDate: example.timestamp,
                credentialScope: scope,
                previousSignature: previous,
                chunk: [UInt8](repeating: UInt8(ascii: "a"), count: chunk.size)
            )
            #expect(chunkStringToSign == chunk.string_to_sign, "chunk of \(chunk.size) bytes: string to sign")
            previous = SigV4.signature(signingKey: key, stringToSign: chunkStringToSign)
            #expect(previous == chunk.signature, "chunk of \(chunk.size) bytes: signature")
        }

        // The signer (S3 style, precomputed payload hash) produces the example's Authorization.
        let signer = SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: example.access_key_id, secretAccessKey: example.secret_access_key),
            region: example.region,
            service: example.service,
            pathStyle: .s3
        )
        let added = signer.sign(
            method: "PUT",
            path: "/examplebucket/chunkObject.txt",
            query: "",
            headers: headers,
            payloadHash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            date: date
        )
        #expect(added.first { $0.name == "Authorization" }?.value == example.authorization)
    }

    @Test("SigV4a signed requests are refused as an unsupported algorithm", arguments: SigV4aCase.all)
    func sigV4aRejected(_ vector: SigV4aCase) throws {
        let request = try RawHTTPRequest.parse(contentsOf: vector.signedRequest).signable
        let error = try #require(throws: SigV4Error.self) { try SigV4Verifier().parse(request) }
        #expect(error.code == .incompleteSignature)
        #expect(
            error.message
                == "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'. Only 'AWS4-HMAC-SHA256' is supported.")
    }

    @Test("the v4a folder holds 38 cases with both signed requests")
    func sigV4aCount() {
        #expect(SigV4aCase.all.count == 76)
    }
}
