import Foundation
import PersimmonCore
import PersimmonHTTP
import Testing

@Suite("Query protocol parameters")
struct QueryParametersTests {
    @Test("decodes botocore's form encoding: %XX, + as space, later duplicates win")
    func decoding() throws {
        let body = "Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Feng%2F&Note=a+b%20c&UserName=bob"
        let p = try QueryParameters(form: Array(body.utf8), query: nil)
        #expect(p.action == "CreateUser")
        #expect(p.string("Path") == "/eng/")
        #expect(p.string("Note") == "a b c")
        #expect(p.string("UserName") == "bob")
        #expect(p.string("Missing") == nil)
    }

    @Test("merges the URL's query string with the body")
    func queryString() throws {
        let p = try QueryParameters(form: Array("UserName=alice".utf8), query: "Action=GetUser&Version=2010-05-08")
        #expect(p.action == "GetUser")
        #expect(p.string("UserName") == "alice")
    }

    @Test("reads lists, lists of structures, empty lists and tags")
    func nested() throws {
        let body = [
            "ActionNames.member.1=personalize%3ACreateSchema", "ActionNames.member.2=iam%3AGetUser",
            "Tags.member.1.Key=team", "Tags.member.1.Value=recs", "Tags.member.2.Key=env", "Tags.member.2.Value=",
            "ContextEntries=",
            "ContextEntries2.member.1.ContextKeyName=aws%3ASourceIp",
            "ContextEntries2.member.1.ContextKeyValues.member.1=10.0.0.1",
        ].joined(separator: "&")
        let p = try QueryParameters(form: Array(body.utf8), query: nil)
        #expect(p.list("ActionNames") == ["personalize:CreateSchema", "iam:GetUser"])
        #expect(p.list("ResourceArns") == nil)
        #expect(p.list("ContextEntries") == [])
        #expect(p.structures("ContextEntries") == [])
        #expect(try p.tags() == [IAMTag(key: "team", value: "recs"), IAMTag(key: "env", value: "")])
        let entry = try #require(p.structures("ContextEntries2")?.first)
        #expect(entry["ContextKeyName"] == "aws:SourceIp")
        #expect(entry["ContextKeyValues.member.1"] == "10.0.0.1")
    }

    @Test("a policy document survives the round trip byte for byte")
    func policyDocument() throws {
        let document =
            #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "personalize:*", "Resource": "*"}]}"#
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = document.addingPercentEncoding(withAllowedCharacters: allowed)!
        let p = try QueryParameters(form: Array("PolicyDocument=\(encoded)".utf8), query: nil)
        #expect(p.string("PolicyDocument") == document)
    }

    @Test("typed members: booleans, integers, required")
    func typed() throws {
        let p = try QueryParameters(form: Array("SetAsDefault=true&MaxItems=10&Bad=yes".utf8), query: nil)
        #expect(try p.bool("SetAsDefault") == true)
        #expect(try p.int("MaxItems") == 10)
        #expect(throws: IAMError.self) { try p.bool("Bad") }
        let error = try #require(throws: IAMError.self) { try p.required("UserName") }
        #expect(error.code == .validationError)
        #expect(error.message.contains("'userName'"))
    }

    @Test("refuses broken percent-encoding and invalid UTF-8")
    func malformed() {
        #expect(throws: IAMError.self) { try QueryParameters(form: Array("UserName=%4".utf8), query: nil) }
        #expect(throws: IAMError.self) { try QueryParameters(form: Array("UserName=%zz".utf8), query: nil) }
        #expect(throws: IAMError.self) { try QueryParameters(form: Array("UserName=%FF%FE".utf8), query: nil) }
    }
}

@Suite("XML writer")
struct XMLWriterTests {
    @Test("writes nested elements, lists and escaped text")
    func elements() {
        var xml = XMLWriter()
        xml.open("GetUserResponse", namespace: "https://iam.amazonaws.com/doc/2010-05-08/")
        xml.element("GetUserResult") { xml in
            xml.element("User") { xml in
                xml.element("UserName", "a<b>&\"c'")
                xml.element("Missing", nil as String?)
                xml.element("IsTruncated", false)
                xml.list("Tags", [("k", "v")]) { xml, tag in
                    xml.element("Key", tag.0)
                    xml.element("Value", tag.1)
                }
            }
        }
        xml.close("GetUserResponse")
        #expect(
            xml.text
                == #"<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User><UserName>a&lt;b&gt;&amp;&quot;c&apos;</UserName><IsTruncated>false</IsTruncated><Tags><member><Key>k</Key><Value>v</Value></member></Tags></User></GetUserResult></GetUserResponse>"#
        )
    }

    @Test("replaces characters XML cannot carry, keeps tabs and newlines, escapes CR")
    func controlCharacters() {
        var xml = XMLWriter()
        xml.element("M", "a\u{1}b\tc\nd\re")
        #expect(xml.text == "<M>a\u{FFFD}b\tc\nd&#xD;e</M>")
    }

    @Test("formats timestamps as ISO 8601 UTC with milliseconds")
    func timestamps() {
        #expect(XMLWriter.timestamp(1_440_938_160_000) == "2015-08-30T12:36:00.000Z")
        #expect(XMLWriter.timestamp(1_440_938_160_123) == "2015-08-30T12:36:00.123Z")
        #expect(XMLWriter.timestamp(0) == "1970-01-01T00:00:00.000Z")
        #expect(XMLWriter.timestamp(1_709_164_800_000) == "2024-02-29T00:00:00.000Z")
        #expect(XMLWriter.timestamp(1_767_225_599_999) == "2025-12-31T23:59:59.999Z")
        #expect(XMLWriter.timestamp(-1) == "1969-12-31T23:59:59.999Z")
    }

    @Test("percent-encodes policy documents as IAM returns them")
    func documents() {
        #expect(percentEncodedDocument(#"{"A": "b/c"}"#) == "%7B%22A%22%3A%20%22b%2Fc%22%7D")
        #expect(percentEncodedDocument("é") == "%C3%A9")
        #expect(percentEncodedDocument("a-b.c_d~e") == "a-b.c_d~e")
    }
}

@Suite("Trusted proxies")
struct TrustedProxiesTests {
    @Test("uses the socket peer unless it is a trusted proxy")
    func sourceAddress() throws {
        let none = TrustedProxies()
        #expect(none.clientAddress(peer: "10.0.0.5", forwardedFor: "1.2.3.4") == "10.0.0.5")
        let proxies = try #require(TrustedProxies(parsing: "10.0.0.0/8, fd00::/8"))
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: "1.2.3.4") == "1.2.3.4")
        // The right-most untrusted hop wins; what the client wrote on the left is not believed.
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: "6.6.6.6, 1.2.3.4, 10.1.1.1") == "1.2.3.4")
        #expect(proxies.clientAddress(peer: "192.168.0.1", forwardedFor: "1.2.3.4") == "192.168.0.1")
        #expect(proxies.clientAddress(peer: "fd12::1", forwardedFor: "2001:db8::7") == "2001:db8::7")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: "not-an-ip") == "10.0.0.5")
        #expect(proxies.isSecureTransport(peer: "10.0.0.5", forwardedProto: "https"))
        #expect(!proxies.isSecureTransport(peer: "192.168.0.1", forwardedProto: "https"))
        #expect(!none.isSecureTransport(peer: "10.0.0.5", forwardedProto: "https"))
    }

    @Test("parses CIDRs and refuses malformed ones")
    func parsing() {
        #expect(TrustedProxies(parsing: "127.0.0.1")?.isTrusted("127.0.0.1") == true)
        #expect(TrustedProxies(parsing: "127.0.0.1")?.isTrusted("127.0.0.2") == false)
        #expect(TrustedProxies(parsing: "172.16.0.0/12")?.isTrusted("172.31.255.255") == true)
        #expect(TrustedProxies(parsing: "172.16.0.0/12")?.isTrusted("172.32.0.0") == false)
        #expect(TrustedProxies(parsing: "::1")?.isTrusted("::1") == true)
        #expect(TrustedProxies(parsing: "0.0.0.0/0")?.isTrusted("8.8.8.8") == true)
        #expect(TrustedProxies(parsing: "10.0.0.0/33") == nil)
        #expect(TrustedProxies(parsing: "10.0.0") == nil)
        #expect(TrustedProxies(parsing: "fd00::/129") == nil)
    }
}

@Suite("Password hashing")
struct PasswordHasherTests {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("PBKDF2-HMAC-SHA256 matches RFC 7914's test vectors")
    func vectors() {
        #expect(
            hex(PasswordHasher.pbkdf2(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1))
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
        #expect(
            hex(PasswordHasher.pbkdf2(password: Array("Password".utf8), salt: Array("NaCl".utf8), iterations: 80_000))
                == "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56")
    }

    @Test("stores a salted hash that verifies the password and nothing else")
    func roundTrip() {
        let hasher = PasswordHasher(iterations: 1000)
        let stored = hasher.hash("correct horse")
        #expect(stored.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(!stored.contains("correct horse"))
        #expect(hasher.verify("correct horse", against: stored))
        #expect(!hasher.verify("correct horsf", against: stored))
        #expect(hasher.hash("correct horse") != stored)  // a fresh salt every time
        #expect(!hasher.verify("x", against: "garbage"))
        #expect(PasswordHasher.defaultIterations >= 600_000)
    }
}
