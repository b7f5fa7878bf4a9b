import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PersimmonCore
import PersimmonHTTP
import PersimmonServer
import PersimmonSigV4
import Synchronization
import Testing

/// Collects every log line so tests can assert what was (not) logged.
final class LogCapture: Sendable {
    let lines = Mutex<[String]>([])

    func handler(label: String) -> some LogHandler { CaptureHandler(capture: self) }

    struct CaptureHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            var all = metadata
            all.merge(event.metadata ?? [:]) { $1 }
            capture.lines.withLock { $0.append("\(event.message) \(all)") }
        }
    }
}

/// A server over in-memory storage with an operator and one tenant account.
struct TestServer {
    static let operatorKey = DataDirectory.OperatorCredentials(
        AccessKeyId: "AKIAOPERATOR000000001", SecretAccessKey: "operator-secret-operator-secret-operator-s"
    )
    let storage = InMemoryStorage()
    let accounts: AccountService
    let audit: AuditRecorder
    let app: Application<FrontDoor>
    let capture = LogCapture()

    init() throws {
        let box = try SecretBox(masterKey: Array(repeating: 1, count: 32))
        let parts = PersimmonServer.makeComponents(
            storage: storage, box: box, clock: SystemWallClock(), operatorCredentials: Self.operatorKey,
            region: "us-east-1"
        )
        accounts = parts.accounts
        audit = parts.audit
        let capture = capture
        var logger = Logger(label: "test") { capture.handler(label: $0) }
        logger.logLevel = .trace
        app = Application(responder: parts.frontDoor, logger: logger)
    }

    func tenant(_ name: String = "acme") async throws -> IssuedCredentials {
        try await accounts.createAccount(name: name, email: nil)
    }
}

/// Signs a request the way botocore does and sends it through the test client.
func send(
    _ client: some TestClientProtocol, target: String?, path: String = "/", body: String,
    keyID: String, secret: String, service: String = "personalize", region: String = "us-east-1",
    sessionToken: String? = nil, date: Date = Date(),
    tamper: ((inout [UInt8]) -> Void)? = nil
) async throws -> TestResponse {
    var headers: [(name: String, value: String)] = [
        (name: "Host", value: "localhost"),
        (name: "Content-Type", value: target == nil ? "application/json" : "application/x-amz-json-1.1"),
    ]
    if let target { headers.append((name: "X-Amz-Target", value: target)) }
    var bytes = Array(body.utf8)
    let signer = SigV4Signer(
        credentials: SigV4Credentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: sessionToken),
        region: region, service: service
    )
    let added = signer.sign(method: "POST", path: path, query: "", headers: headers, body: bytes, date: date)
    tamper?(&bytes)
    var fields = HTTPFields()
    for (name, value) in headers + added { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
    return try await client.execute(uri: path, method: .post, headers: fields, body: ByteBuffer(bytes: bytes))
}

func json(_ response: TestResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
}

@Suite struct FrontDoorTests {
    @Test("health answers without a signature")
    func health() async throws {
        let server = try TestServer()
        try await server.app.test(.router) { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
        }
    }

    @Test("an unsigned request is MissingAuthenticationToken in AWS's error shape")
    func unsigned() async throws {
        let server = try TestServer()
        try await server.app.test(.router) { client in
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Amz-Target")!] = "AmazonPersonalize.ListDatasetGroups"
            let response = try await client.execute(
                uri: "/", method: .post, headers: headers, body: ByteBuffer(string: "{}")
            )
            #expect(response.status == .forbidden)
            #expect(try json(response)["__type"] as? String == "MissingAuthenticationTokenException")
            #expect(response.headers[HTTPField.Name("x-amzn-ErrorType")!] == "MissingAuthenticationTokenException")
            #expect(response.headers[HTTPField.Name("x-amzn-RequestId")!] != nil)
        }
    }

    @Test("a signed create returns the ARN; a duplicate is ResourceAlreadyExistsException")
    func createAndDuplicate() async throws {
        let server = try TestServer()
        let tenant = try await server.tenant()
        try await server.app.test(.router) { client in
            let body = #"{"name": "movies"}"#
            let first = try await send(
                client, target: "AmazonPersonalize.CreateDatasetGroup", body: body, keyID: tenant.accessKeyID,
                secret: tenant.secretAccessKey
            )
            #expect(first.status == .ok, "\(String(buffer: first.body))")
            #expect(first.headers[.contentType] == "application/x-amz-json-1.1")
            #expect(
                try json(first)["datasetGroupArn"] as? String
                    == "arn:aws:personalize:us-east-1:\(tenant.accountID):dataset-group/movies"
            )
            let second = try await send(
                client, target: "AmazonPersonalize.CreateDatasetGroup", body: body, keyID: tenant.accessKeyID,
                secret: tenant.secretAccessKey
            )
            #expect(second.status == .badRequest)
            #expect(try json(second)["__type"] as? String == "ResourceAlreadyExistsException")
        }
    }

    @Test("wrong secret, stale date and tampered body are each rejected")
    func signatureFailures() async throws {
        let server = try TestServer()
        let tenant = try await server.tenant()
        try await server.app.test(.router) { client in
            let target = "AmazonPersonalize.ListDatasetGroups"
            let wrong = try await send(
                client, target: target, body: "{}", keyID: tenant.accessKeyID, secret: "x" + tenant.secretAccessKey
            )
            #expect(try json(wrong)["__type"] as? String == "InvalidSignatureException")
            let stale = try await send(
                client, target: target, body: "{}", keyID: tenant.accessKeyID, secret: tenant.secretAccessKey,
                date: Date().addingTimeInterval(-20 * 60)
            )
            #expect(try json(stale)["__type"] as? String == "InvalidSignatureException")
            #expect((try json(stale)["message"] as? String)?.contains("Signature expired") == true)
            let tampered = try await send(
                client, target: target, body: #"{"maxResults": 5}"#, keyID: tenant.accessKeyID,
                secret: tenant.secretAccessKey, tamper: { $0[$0.count - 2] = UInt8(ascii: "6") }
            )
            #expect(try json(tampered)["__type"] as? String == "InvalidSignatureException")
            let unknown = try await send(
                client, target: target, body: "{}", keyID: "AKIAUNKNOWN000000000", secret: tenant.secretAccessKey
            )
            #expect(try json(unknown)["__type"] as? String == "UnrecognizedClientException")
            let otherRegion = try await send(
                client, target: target, body: "{}", keyID: tenant.accessKeyID, secret: tenant.secretAccessKey,
                region: "eu-west-1"
            )
            #expect(try json(otherRegion)["__type"] as? String == "InvalidSignatureException")
            #expect((try json(otherRegion)["message"] as? String)?.contains("region") == true)
            let forgedSession = try await send(
                client, target: target, body: "{}", keyID: tenant.accessKeyID, secret: tenant.secretAccessKey,
                sessionToken: "FwoGZXIvYXdzEJr//////////wEaDForged"
            )
            #expect(try json(forgedSession)["__type"] as? String == "UnrecognizedClientException")
        }
    }

    @Test("validation failures name the field; unknown targets and unsupported operations are AWS errors")
    func validationAndUnknown() async throws {
        let server = try TestServer()
        let tenant = try await server.tenant()
        try await server.app.test(.router) { client in
            let invalid = try await send(
                client, target: "AmazonPersonalize.CreateDatasetGroup", body: #"{"name": "bad name!"}"#,
                keyID: tenant.accessKeyID, secret: tenant.secretAccessKey
            )
            #expect(try json(invalid)["__type"] as? String == "InvalidInputException")
            #expect((try json(invalid)["message"] as? String)?.contains("'name'") == true)
            let missing = try await send(
                client, target: "AmazonPersonalize.CreateDatasetGroup", body: "{}",
                keyID: tenant.accessKeyID, secret: tenant.secretAccessKey
            )
            #expect(try json(missing)["__type"] as? String == "InvalidInputException")
            let unknown = try await send(
                client, target: "AmazonPersonalize.MakeCoffee", body: "{}", keyID: tenant.accessKeyID,
                secret: tenant.secretAccessKey
            )
            #expect(try json(unknown)["__type"] as? String == "UnknownOperationException")
            let unsupported = try await send(
                client, target: "AmazonPersonalize.ListRecommenders", body: "{}", keyID: tenant.accessKeyID,
                secret: tenant.secretAccessKey
            )
            #expect(try json(unsupported)["__type"] as? String == "UnsupportedOperationException")
            #expect((try json(unsupported)["message"] as? String)?.contains("not supported") == true)
            let runtime = try await send(
                client, target: nil, path: "/recommendations",
                body:
                    #"{"campaignArn": "arn:aws:personalize:us-east-1:\#(tenant.accountID):campaign/c", "userId": "u"}"#,
                keyID: tenant.accessKeyID, secret: tenant.secretAccessKey
            )
            // rest-json renders a missing resource as 404, with the modelled exception name.
            #expect(runtime.status == .notFound)
            #expect(runtime.headers[.contentType] == "application/json")
            #expect(try json(runtime)["__type"] as? String == "ResourceNotFoundException")
        }
    }

    @Test("a body over the limit is refused before it is hashed")
    func bodyLimit() async throws {
        let server = try TestServer()
        let tenant = try await server.tenant()
        try await server.app.test(.router) { client in
            let huge = #"{"name": "x", "pad": ""# + String(repeating: "a", count: 2 << 20) + #""}"#
            let response = try await send(
                client, target: "AmazonPersonalize.CreateDatasetGroup", body: huge, keyID: tenant.accessKeyID,
                secret: tenant.secretAccessKey
            )
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test("only the operator may call the admin API, and closing an account stops its keys")
    func admin() async throws {
        let server = try TestServer()
        let tenant = try await server.tenant()
        try await server.app.test(.router) { client in
            let op = TestServer.operatorKey
            let created = try await send(
                client, target: "PersimmonAdmin.CreateAccount", body: #"{"Name": "beta"}"#, keyID: op.AccessKeyId,
                secret: op.SecretAccessKey, service: "persimmon"
            )
            #expect(created.status == .ok)
            let account = try json(created)
            #expect((account["AccountId"] as? String)?.count == 12)
            #expect((account["SecretAccessKey"] as? String)?.count == 40)

            let denied = try await send(
                client, target: "PersimmonAdmin.ListAccounts", body: "{}", keyID: tenant.accessKeyID,
                secret: tenant.secretAccessKey, service: "persimmon"
            )
            #expect(try json(denied)["__type"] as? String == "AccessDeniedException")

            let closed = try await send(
                client, target: "PersimmonAdmin.CloseAccount", body: #"{"AccountId": "\#(tenant.accountID)"}"#,
                keyID: op.AccessKeyId, secret: op.SecretAccessKey, service: "persimmon"
            )
            #expect(closed.status == .ok)
            let after = try await send(
                client, target: "AmazonPersonalize.ListDatasetGroups", body: "{}", keyID: tenant.accessKeyID,
                secret: tenant.secretAccessKey
            )
            #expect(try json(after)["__type"] as? String == "UnrecognizedClientException")
        }
    }

    @Test("secrets and signatures never reach the logs")
    func noSecretsLogged() async throws {
        let server = try TestServer()
        let tenant = try await server.tenant()
        try await server.app.test(.router) { client in
            _ = try await send(
                client, target: "AmazonPersonalize.CreateDatasetGroup", body: #"{"name": "g"}"#,
                keyID: tenant.accessKeyID, secret: tenant.secretAccessKey
            )
            _ = try await send(
                client, target: "AmazonPersonalize.CreateDatasetGroup", body: #"{"name": "g"}"#,
                keyID: tenant.accessKeyID, secret: "wrong" + tenant.secretAccessKey
            )
        }
        let lines = server.capture.lines.withLock { $0 }
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(!line.contains(tenant.secretAccessKey))
            #expect(!line.contains("Signature="))
            #expect(!line.contains(TestServer.operatorKey.SecretAccessKey))
        }
    }
}
