import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PersimmonCore
import PersimmonHTTP
import PersimmonIAM
import PersimmonServer
import PersimmonSigV4
import Testing

/// Signs a query-protocol (IAM, STS) request as botocore does and sends it.
func sendQuery(
    _ client: some TestClientProtocol, _ parameters: [(String, String)], keyID: String, secret: String,
    service: String = "iam"
) async throws -> TestResponse {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let body = parameters.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
        .joined(separator: "&")
    let headers: [(name: String, value: String)] = [
        (name: "Host", value: "localhost"),
        (name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
    ]
    let signer = SigV4Signer(
        credentials: SigV4Credentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: nil),
        region: "us-east-1", service: service
    )
    let bytes = Array(body.utf8)
    let added = signer.sign(method: "POST", path: "/", query: "", headers: headers, body: bytes, date: Date())
    var fields = HTTPFields()
    for (name, value) in headers + added { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
    return try await client.execute(uri: "/", method: .post, headers: fields, body: ByteBuffer(bytes: bytes))
}

/// The text of the first `<name>…</name>` in an XML body.
func xmlValue(_ response: TestResponse, _ name: String) -> String? {
    let text = String(buffer: response.body)
    guard let open = text.range(of: "<\(name)>"),
        let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
    else { return nil }
    return String(text[open.upperBound..<close.lowerBound])
}

@Suite struct IAMFrontDoorTests {
    @Test("root creates a user with a key; the user is denied until a policy allows, and an explicit deny wins")
    func userLifecycle() async throws {
        let server = try TestServer()
        let tenant = try await server.tenant()
        try await server.app.test(.router) { client in
            let root = (keyID: tenant.accessKeyID, secret: tenant.secretAccessKey)
            let created = try await sendQuery(
                client, [("Action", "CreateUser"), ("Version", "2010-05-08"), ("UserName", "alice")],
                keyID: root.keyID, secret: root.secret)
            #expect(created.status == .ok, "\(String(buffer: created.body))")
            #expect(created.headers[.contentType] == "text/xml")
            #expect(
                String(buffer: created.body).hasPrefix(
                    #"<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User>"#))
            #expect(xmlValue(created, "Arn") == "arn:aws:iam::\(tenant.accountID):user/alice")
            #expect(xmlValue(created, "RequestId") != nil)

            let key = try await sendQuery(
                client, [("Action", "CreateAccessKey"), ("Version", "2010-05-08"), ("UserName", "alice")],
                keyID: root.keyID, secret: root.secret)
            let keyID = try #require(xmlValue(key, "AccessKeyId"))
            let secret = try #require(xmlValue(key, "SecretAccessKey"))

            let denied = try await send(
                client, target: "AmazonPersonalize.ListDatasetGroups", body: "{}", keyID: keyID, secret: secret)
            #expect(try json(denied)["__type"] as? String == "AccessDeniedException")
            #expect(
                try json(denied)["message"] as? String
                    == "User: arn:aws:iam::\(tenant.accountID):user/alice is not authorized to perform: personalize:ListDatasetGroups on resource: * because no identity-based policy allows the personalize:ListDatasetGroups action"
            )

            let policy =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"personalize:List*","Resource":"*"}]}"#
            let put = try await sendQuery(
                client,
                [
                    ("Action", "PutUserPolicy"), ("Version", "2010-05-08"), ("UserName", "alice"),
                    ("PolicyName", "list"),
                    ("PolicyDocument", policy),
                ], keyID: root.keyID, secret: root.secret)
            #expect(put.status == .ok)
            #expect(String(buffer: put.body).contains("<PutUserPolicyResponse"))
            #expect(!String(buffer: put.body).contains("<PutUserPolicyResult>"))
            let allowed = try await send(
                client, target: "AmazonPersonalize.ListDatasetGroups", body: "{}", keyID: keyID, secret: secret)
            #expect(allowed.status == .ok, "\(String(buffer: allowed.body))")

            let deny =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"personalize:ListDatasetGroups","Resource":"*"}]}"#
            _ = try await sendQuery(
                client,
                [
                    ("Action", "PutUserPolicy"), ("Version", "2010-05-08"), ("UserName", "alice"),
                    ("PolicyName", "deny"),
                    ("PolicyDocument", deny),
                ], keyID: root.keyID, secret: root.secret)
            let explicit = try await send(
                client, target: "AmazonPersonalize.ListDatasetGroups", body: "{}", keyID: keyID, secret: secret)
            #expect(
                (try json(explicit)["message"] as? String)?.hasSuffix(
                    "with an explicit deny in an identity-based policy") == true)

            // IAM itself is authorized too: the user may not create users.
            let forbidden = try await sendQuery(
                client, [("Action", "CreateUser"), ("Version", "2010-05-08"), ("UserName", "mallory")], keyID: keyID,
                secret: secret)
            #expect(forbidden.status == .forbidden)
            #expect(xmlValue(forbidden, "Code") == "AccessDenied")
            #expect(xmlValue(forbidden, "Type") == "Sender")
            #expect(
                String(buffer: forbidden.body).hasPrefix(
                    #"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">"#))

            // The document comes back percent-encoded, as IAM sends it.
            let got = try await sendQuery(
                client,
                [
                    ("Action", "GetUserPolicy"), ("Version", "2010-05-08"), ("UserName", "alice"),
                    ("PolicyName", "list"),
                ],
                keyID: root.keyID, secret: root.secret)
            #expect(xmlValue(got, "PolicyDocument")?.removingPercentEncoding == policy)
        }
    }

    @Test("IAM errors: NoSuchEntity 404, EntityAlreadyExists 409, ValidationError 400, InvalidAction, bad signature")
    func errors() async throws {
        let server = try TestServer()
        let tenant = try await server.tenant()
        try await server.app.test(.router) { client in
            let missing = try await sendQuery(
                client, [("Action", "GetUser"), ("Version", "2010-05-08"), ("UserName", "nobody")],
                keyID: tenant.accessKeyID, secret: tenant.secretAccessKey)
            #expect(missing.status == .notFound)
            #expect(xmlValue(missing, "Code") == "NoSuchEntity")
            #expect(xmlValue(missing, "Message") == "The user with name nobody cannot be found.")
            for _ in 0..<2 {
                _ = try await sendQuery(
                    client, [("Action", "CreateGroup"), ("Version", "2010-05-08"), ("GroupName", "ops")],
                    keyID: tenant.accessKeyID, secret: tenant.secretAccessKey)
            }
            let duplicate = try await sendQuery(
                client, [("Action", "CreateGroup"), ("Version", "2010-05-08"), ("GroupName", "OPS")],
                keyID: tenant.accessKeyID, secret: tenant.secretAccessKey)
            #expect(duplicate.status == .conflict)
            #expect(xmlValue(duplicate, "Code") == "EntityAlreadyExists")
            let invalid = try await sendQuery(
                client, [("Action", "CreateUser"), ("Version", "2010-05-08"), ("UserName", "has space")],
                keyID: tenant.accessKeyID, secret: tenant.secretAccessKey)
            #expect(invalid.status == .badRequest)
            #expect(xmlValue(invalid, "Code") == "ValidationError")
            let unknown = try await sendQuery(
                client, [("Action", "CreateRole"), ("Version", "2010-05-08")], keyID: tenant.accessKeyID,
                secret: tenant.secretAccessKey)
            #expect(xmlValue(unknown, "Code") == "InvalidAction")
            let badSecret = try await sendQuery(
                client, [("Action", "ListUsers"), ("Version", "2010-05-08")], keyID: tenant.accessKeyID,
                secret: "wrong-secret-wrong-secret-wrong-secret-wr")
            #expect(badSecret.status == .forbidden)
            #expect(xmlValue(badSecret, "Code") == "SignatureDoesNotMatch")
            let unknownKey = try await sendQuery(
                client, [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")], keyID: "AKIAUNKNOWN000000000",
                secret: tenant.secretAccessKey, service: "sts")
            #expect(xmlValue(unknownKey, "Code") == "InvalidClientTokenId")
            #expect(String(buffer: unknownKey.body).contains("https://sts.amazonaws.com/doc/2011-06-15/"))
        }
    }

    @Test("every authenticated request is audited, denials included, without secrets")
    func audit() async throws {
        let server = try TestServer()
        let tenant = try await server.tenant()
        let parts = (storage: server.storage, audit: server.audit)
        try await server.app.test(.router) { client in
            _ = try await send(
                client, target: "AmazonPersonalize.ListSchemas", body: "{}", keyID: tenant.accessKeyID,
                secret: tenant.secretAccessKey)
            _ = try await send(
                client, target: "PersimmonAdmin.ListAccounts", body: "{}", keyID: tenant.accessKeyID,
                secret: tenant.secretAccessKey, service: "persimmon")
            _ = try await send(
                client, target: "AmazonPersonalize.ListSchemas", body: "{}", keyID: tenant.accessKeyID,
                secret: "wrong-secret-wrong-secret-wrong-secret-wr")
        }
        await parts.audit.flush()
        let events = try await parts.storage.auditEvents(account: AccountID(tenant.accountID), AuditQuery(limit: 10))
        // The unauthenticated (bad signature) request is not in the trail; the other two are.
        #expect(events.count == 2)
        let list = try #require(events.first { $0.eventName == "ListSchemas" })
        #expect(list.decision == "Allow")
        #expect(list.decidingStatement == "account-root")
        #expect(list.action == "personalize:ListSchemas")
        #expect(list.accessKeyID == tenant.accessKeyID)
        #expect(list.principalType == "Root")
        let admin = try #require(events.first { $0.eventName == "ListAccounts" })
        #expect(admin.decision == "ImplicitDeny")
        #expect(admin.errorCode == "AccessDeniedException")
        let text = "\(events)"
        #expect(!text.contains(tenant.secretAccessKey))
        #expect(!text.contains("Signature="))
    }

    @Test("the embedded managed policies equal the files in policies/ and are valid identity policies")
    func embeddedPolicies() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let manifest =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: root.appendingPathComponent("policies/manifest.json"))) as? [String: Any]
        let entries = try #require(manifest?["policies"] as? [[String: String]])
        #expect(entries.count == BuiltInPolicies.all.count)
        for (entry, policy) in zip(entries, BuiltInPolicies.all) {
            let file = try String(
                contentsOf: root.appendingPathComponent("policies/\(entry["File"]!)"), encoding: .utf8)
            #expect(
                policy.document == file,
                "\(policy.file) differs from its embedded copy: run python3 ops/embed_policies.py")
            #expect(policy.name == entry["Name"])
            #expect(policy.path == entry["Path"])
            #expect(throws: Never.self) { try PolicyDocument(parsing: policy.document, options: .managedPolicy) }
            #expect(policy.arn.hasPrefix("arn:aws:iam::aws:policy/"))
        }
    }
}
