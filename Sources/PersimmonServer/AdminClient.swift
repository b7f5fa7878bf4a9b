import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PersimmonSigV4

/// The operator's client for the admin API, used by `persimmon admin ...`. Every request is SigV4-signed.
package struct AdminClient: Sendable {
    package struct Failure: Error, CustomStringConvertible {
        package var code: String
        package var message: String
        package var description: String { "\(code): \(message)" }
    }

    private let endpoint: URL
    private let signer: SigV4Signer

    /// - Parameter service: the signing name: `persimmon` for the admin API, `cloudtrail` for a tenant's trail.
    package init(
        endpointURL: String, accessKeyID: String, secretAccessKey: String, region: String,
        service: String = "persimmon"
    ) throws {
        guard let url = URL(string: endpointURL), let scheme = url.scheme, scheme == "http" || scheme == "https",
            url.host != nil
        else { throw ConfigurationError("--endpoint-url must be an http(s) URL, e.g. http://127.0.0.1:8321") }
        self.endpoint = url
        self.signer = SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: nil),
            region: region, service: service
        )
    }

    /// Calls one admin operation and returns the response body (JSON).
    package func call(_ operation: String, body: [String: String]) async throws -> Data {
        let payload = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        return try await call(target: "PersimmonAdmin.\(operation)", payload: payload)
    }

    /// Calls any awsJson1_1 operation by its `X-Amz-Target` with a JSON body.
    package func call(target: String, payload body: Data) async throws -> Data {
        let payload = Array(body)
        var host = endpoint.host ?? "127.0.0.1"
        if let port = endpoint.port { host += ":\(port)" }
        let headers: [(name: String, value: String)] = [
            (name: "host", value: host),
            (name: "content-type", value: "application/x-amz-json-1.1"),
            (name: "x-amz-target", value: target),
        ]
        let signed = signer.sign(method: "POST", path: "/", query: "", headers: headers, body: payload, date: Date())
        var request = HTTPClientRequest(
            url: endpoint.absoluteString.hasSuffix("/") ? endpoint.absoluteString : endpoint.absoluteString + "/")
        request.method = .POST
        for (name, value) in headers + signed where name.lowercased() != "host" {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: payload))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            let buffer = try await response.body.collect(upTo: 16 << 20)
            try await client.shutdown()
            let data = Data(buffer.readableBytesView)
            guard response.status == .ok else {
                let error = try? JSONDecoder().decode([String: String].self, from: data)
                throw Failure(
                    code: error?["__type"] ?? "HTTP \(response.status.code)",
                    message: error?["message"] ?? String(decoding: data, as: UTF8.self)
                )
            }
            return data
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
