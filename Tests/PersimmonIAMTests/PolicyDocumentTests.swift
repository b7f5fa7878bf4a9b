import PersimmonIAM
import Testing

/// A document that must be rejected with `message`.
struct InvalidDocument: Sendable, CustomTestStringConvertible {
    var document: String
    var message: String
    var options: PolicyParseOptions = .managedPolicy

    var testDescription: String { message }
}

private func wrap(_ statement: String) -> String {
    #"{"Version":"2012-10-17","Statement":[\#(statement)]}"#
}

private let allowAll = #"{"Effect":"Allow","Action":"*","Resource":"*"}"#

@Suite("Policy documents: parsing and validation")
struct PolicyDocumentTests {
    @Test("parses statements, elements and conditions into the model")
    func model() throws {
        let text = """
            {
              "Version": "2012-10-17",
              "Id": "example",
              "Statement": [
                {"Sid": "One", "Effect": "Allow", "Action": "personalize:Describe*", "Resource": "*"},
                {
                  "Sid": "Two",
                  "Effect": "Deny",
                  "NotAction": ["personalize:List*", "personalize:Get*"],
                  "NotResource": "arn:aws:personalize:*:111122223333:campaign/*",
                  "Condition": {
                    "NumericLessThan": {"s3:max-keys": 10},
                    "Bool": {"aws:SecureTransport": false},
                    "ForAnyValue:StringLike": {"aws:TagKeys": ["a*", "b"]}
                  }
                }
              ]
            }
            """
        let document = try PolicyDocument(parsing: text)
        #expect(document.version == .v2012_10_17)
        #expect(document.id == "example")
        #expect(document.statements.count == 2)
        let first = document.statements[0]
        #expect(first.sid == "One")
        #expect(first.effect == .allow)
        #expect(first.action == .action(["personalize:Describe*"]))
        #expect(first.resource == .resource(["*"]))
        #expect(first.sourceRange == SourceRange(startLine: 5, startColumn: 5, endLine: 5, endColumn: 89))
        let second = document.statements[1]
        #expect(second.action == .notAction(["personalize:List*", "personalize:Get*"]))
        #expect(second.resource == .notResource(["arn:aws:personalize:*:111122223333:campaign/*"]))
        #expect(
            second.conditions == [
                PolicyCondition(
                    conditionOperator: ConditionOperator(base: .numericLessThan), key: "s3:max-keys", values: ["10"]
                ),
                PolicyCondition(
                    conditionOperator: ConditionOperator(base: .bool), key: "aws:SecureTransport", values: ["false"]),
                PolicyCondition(
                    conditionOperator: ConditionOperator(base: .stringLike, qualifier: .forAnyValue),
                    key: "aws:TagKeys",
                    values: ["a*", "b"]
                ),
            ]
        )
        #expect(second.sourceRange?.startLine == 6)
        #expect(second.sourceRange?.endLine == 16)
        #expect(second.sourceRange?.endColumn == 5)
    }

    @Test("a single statement object equals a one-element array")
    func statementObjectOrArray() throws {
        let object = try PolicyDocument(parsing: #"{"Version":"2012-10-17","Statement":\#(allowAll)}"#)
        let array = try PolicyDocument(parsing: wrap(allowAll))
        #expect(object.statements.map(\.action) == array.statements.map(\.action))
        #expect(object.statements.map(\.resource) == array.statements.map(\.resource))
    }

    @Test("Version may be absent or 2008-10-17")
    func versions() throws {
        #expect(try PolicyDocument(parsing: #"{"Statement":\#(allowAll)}"#).version == nil)
        let legacy = try PolicyDocument(parsing: #"{"Version":"2008-10-17","Statement":\#(allowAll)}"#)
        #expect(legacy.version == .v2008_10_17)
        #expect(!legacy.supportsPolicyVariables)
        // In 2008-10-17 documents ${ is plain text, so an unterminated one is fine.
        let literal =
            #"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${x"}}"#
        #expect(throws: Never.self) { try PolicyDocument(parsing: literal) }
    }

    @Test("trust policies take principals and no resource")
    func trustPolicy() throws {
        let text = #"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"],
               "Service":"personalize.amazonaws.com"},"Action":"sts:AssumeRole"},
              {"Effect":"Deny","NotPrincipal":"*","Action":"sts:AssumeRole"}]}
            """#
        let document = try PolicyDocument(parsing: text, options: .trustPolicy)
        #expect(
            document.statements[0].principal
                == .principal(
                    .entries([
                        PrincipalEntry(type: "AWS", values: ["arn:aws:iam::111122223333:root", "444455556666"]),
                        PrincipalEntry(type: "Service", values: ["personalize.amazonaws.com"]),
                    ])
                )
        )
        #expect(document.statements[1].principal == .notPrincipal(.everyone))
        #expect(document.statements[0].resource == nil)
    }

    @Test("JSON escapes are decoded")
    func escapes() throws {
        let document = try PolicyDocument(
            parsing:
                #"{"Version":"2012-10-17","Statement":{"Sid":"A\u0042C","Effect":"Allow","Action":"s3:Get\/x","Resource":"*"}}"#
        )
        #expect(document.statements[0].sid == "ABC")
        #expect(document.statements[0].action.patterns == ["s3:Get/x"])
    }

    static let invalidDocuments: [InvalidDocument] = [
        .init(
            document: wrap(
                #"\#(allowAll),{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}"#
            ),
            message: #"Statement[1].Condition: unknown operator "StringEqualz""#
        ),
        .init(
            document: #"{"Version":"2012-10-17","Statement":[}"#,
            message: "syntax error at line 1, column 38: unexpected '}', expected a value"),
        .init(
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",}]}"#,
            message: "syntax error at line 1, column 56: unexpected '}', expected a member name"),
        .init(
            document: #"{"Version":"2012-10-17","Statement":[] } x"#,
            message: "syntax error at line 1, column 42: unexpected content after the document"),
        .init(
            document: wrap(#"{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}"#),
            message: #"Statement[0]: duplicate key "Effect" at line 1, column 56"#
        ),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":7,"Resource":"*"}"#),
            message: "Statement[0].Action: expected a string or an array of strings, found a number"),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":["s3:GetObject",null],"Resource":"*"}"#),
            message: "Statement[0].Action[1]: expected a string, found null"),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":[],"Resource":"*"}"#),
            message: "Statement[0].Action: must not be an empty array"),
        .init(
            document: wrap(#"{"Effect":"allow","Action":"*","Resource":"*"}"#),
            message: #"Statement[0].Effect: must be "Allow" or "Deny", found "allow""#),
        .init(
            document: wrap(#"{"Action":"*","Resource":"*"}"#),
            message: #"Statement[0]: missing required element "Effect""#),
        .init(
            document: wrap(#"{"Effect":"Allow","Resource":"*"}"#),
            message: #"Statement[0]: missing required element "Action" or "NotAction""#),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}"#),
            message: #"Statement[0]: must not contain both "Action" and "NotAction""#),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"*"}"#),
            message: #"Statement[0]: missing required element "Resource" or "NotResource""#),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}"#),
            message: #"Statement[0]: must not contain both "Resource" and "NotResource""#),
        .init(
            document: wrap(#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"#),
            message: "Statement[0].Principal: identity-based policies must not specify a principal"),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"*","Resource":"*","Resources":"*"}"#),
            message: #"Statement[0]: unknown element "Resources""#),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"s3GetObject","Resource":"*"}"#),
            message: #"Statement[0].Action: action "s3GetObject" must be "*" or "<service>:<action>""#),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":["*",":GetObject"],"Resource":"*"}"#),
            message: #"Statement[0].Action[1]: action ":GetObject" must be "*" or "<service>:<action>""#),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"*","Resource":"my-bucket"}"#),
            message:
                #"Statement[0].Resource: resource "my-bucket" must be "*" or an ARN (arn:partition:service:region:account:resource)"#
        ),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"*","Resource":["*","arn:aws:*:::x"]}"#),
            message:
                #"Statement[0].Resource[1]: the service in resource "arn:aws:*:::x" must be spelled out (no wildcards)"#
        ),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username"}"#),
            message:
                #"Statement[0].Resource: unterminated policy variable in "arn:aws:s3:::b/${aws:username" (missing '}')"#
        ),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username, default}"}"#),
            message:
                #"Statement[0].Resource: invalid default in policy variable "${aws:username, default}" (expected ${key, 'default'})"#
        ),
        .init(
            document: #"{"Version":"2012-10-18","Statement":\#(allowAll)}"#,
            message: #"Version: unsupported policy version "2012-10-18" (use "2012-10-17" or "2008-10-17")"#),
        .init(
            document: #"{"Version":"2012-10-17","Statement":\#(allowAll),"Extra":1}"#,
            message: #"unknown element "Extra""#),
        .init(document: #"{"Version":"2012-10-17"}"#, message: #"missing required element "Statement""#),
        .init(
            document: #"{"Version":"2012-10-17","Statement":[]}"#,
            message: "Statement: must contain at least one statement"),
        .init(
            document: #"{"Version":"2012-10-17","Statement":"Allow"}"#,
            message: "Statement: expected an object or an array of objects, found a string"),
        .init(document: #"[1]"#, message: "expected the policy document (a JSON object), found an array"),
        .init(
            document: wrap(#"{"Sid":"no-dashes","Effect":"Allow","Action":"*","Resource":"*"}"#),
            message: #"Statement[0].Sid: "no-dashes" must contain only letters and digits"#),
        .init(
            document: wrap(
                #"{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}"#
            ),
            message: #"Statement[1].Sid: duplicate Sid "A" (Sids must be unique)"#
        ),
        .init(
            document: wrap(
                #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}"#
            ),
            message:
                #"Statement[0].Condition.NumericLessThan.s3:max-keys: "ten" is not a number (NumericLessThan needs numbers)"#
        ),
        .init(
            document: wrap(
                #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":["2020-01-01","2020-13-01"]}}}"#
            ),
            message:
                #"Statement[0].Condition.DateLessThan.aws:CurrentTime[1]: "2020-13-01" is not a date (use ISO 8601, e.g. 2020-01-01T00:00:00Z, or epoch seconds)"#
        ),
        .init(
            document: wrap(
                #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}"#
            ),
            message:
                #"Statement[0].Condition.IpAddress.aws:SourceIp: "10.0.0.0/33" is not an IPv4 or IPv6 address or CIDR block"#
        ),
        .init(
            document: wrap(
                #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"yes"}}}"#
            ),
            message:
                #"Statement[0].Condition.BoolIfExists.aws:SecureTransport: "yes" is not a boolean (BoolIfExists needs true or false)"#
        ),
        .init(
            document: wrap(
                #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"maybe"}}}"#),
            message:
                #"Statement[0].Condition.Null.aws:TokenIssueTime: "maybe" is not a boolean (Null needs true or false)"#),
        .init(
            document: wrap(
                #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BinaryEquals":{"my:key":"not base64!"}}}"#
            ),
            message:
                #"Statement[0].Condition.BinaryEquals.my:key: "not base64!" is not base64 (BinaryEquals needs base64-encoded bytes)"#
        ),
        .init(
            document: wrap(
                #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"username":"a"}}}"#),
            message: #"Statement[0].Condition.StringEquals: condition key "username" must be "<service>:<key>""#),
        .init(
            document: wrap(
                #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:UserName":"a","aws:username":"b"}}}"#
            ),
            message:
                #"Statement[0].Condition.StringEquals: duplicate condition key "aws:username" (same as "aws:UserName"; keys are case-insensitive)"#
        ),
        .init(
            document: wrap(
                #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":null}}}"#),
            message:
                "Statement[0].Condition.StringEquals.aws:username: condition values must be strings, numbers or booleans, found null"
        ),
        .init(
            document: wrap(
                #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":"aws:username"}}"#),
            message: "Statement[0].Condition.StringEquals: expected condition keys (a JSON object), found a string"),
        .init(
            document: wrap(
                #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":"${aws:PrincipalTag/x"}}}"#
            ),
            message:
                #"Statement[0].Condition.StringEquals.aws:username: unterminated policy variable in "${aws:PrincipalTag/x" (missing '}')"#
        ),
        .init(
            document: wrap(#"{"Sid":"Caf\#u{00E9}\#u{1F600}","Effect":"Allow","Action":"*","Resource":"*"}"#),
            message:
                "character U+1F600 at line 1, column 50 is not allowed (IAM accepts tab, line feed, carriage return and U+0020-U+00FF)"
        ),
        .init(
            document:
                #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":01}}}}"#,
            message: "syntax error at line 1, column 128: numbers must not have leading zeros"
        ),
        .init(
            document: "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"a\tb\"}}",
            message: "syntax error at line 1, column 46: control character in a string must be escaped"
        ),
        .init(
            document: String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
            message: "syntax error at line 1, column 33: nesting deeper than 32 levels"),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::*:root"}}"#),
            message: #"Statement[0].Principal.AWS: wildcards are not allowed in principal "arn:aws:iam::*:root""#,
            options: .trustPolicy),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"bob"}}"#),
            message: #"Statement[0].Principal.AWS: "bob" is not an account ID, an ARN or "*""#, options: .trustPolicy),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Users":"x"}}"#),
            message:
                #"Statement[0].Principal: unknown principal type "Users" (use AWS, Service, Federated or CanonicalUser)"#,
            options: .trustPolicy),
        .init(
            document: wrap(#"{"Effect":"Allow","Action":"sts:AssumeRole"}"#),
            message: #"Statement[0]: missing required element "Principal" or "NotPrincipal""#, options: .trustPolicy),
        .init(
            document: wrap(#"{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}"#),
            message: "Statement[0].Resource: trust policies must not specify a resource", options: .trustPolicy),
    ]

    @Test("rejects malformed documents with a message that says what and where", arguments: invalidDocuments)
    func invalid(_ invalid: InvalidDocument) throws {
        let error = try #require(parseError(invalid.document, options: invalid.options))
        #expect(error.code == .malformedPolicyDocument)
        #expect(error.message == invalid.message)
    }

    @Test("rejects lone surrogate escapes")
    func loneSurrogate() throws {
        let error = try #require(parseError(wrap(#"{"Sid":"\ud800","Effect":"Allow","Action":"*","Resource":"*"}"#)))
        #expect(error.message.contains("unpaired surrogate"))
    }

    @Test("size limits count characters excluding whitespace", arguments: [2048, 5120, 6144])
    func sizeLimit(limit: Int) throws {
        let options = PolicyParseOptions.identityPolicy(maximumSize: limit)
        let skeleton = #"{"Version":"2012-10-17","Statement":{"Sid":"","Effect":"Allow","Action":"*","Resource":"*"}}"#
        let fill = limit - PolicyDocument.size(of: skeleton)
        func document(sidLength: Int) -> String {
            // Whitespace does not count, so pad generously with it.
            let padded = skeleton.replacingSid(with: String(repeating: "A", count: sidLength))
            return padded.replacingOccurrences(of: ",", with: ",   \n\t  ")
        }
        let atLimit = document(sidLength: fill)
        #expect(PolicyDocument.size(of: atLimit) == limit)
        #expect(atLimit.utf8.count > limit)
        #expect(throws: Never.self) { try PolicyDocument(parsing: atLimit, options: options) }
        let error = try #require(parseError(document(sidLength: fill + 1), options: options))
        #expect(error.code == .limitExceeded)
        #expect(error.message == "Cannot exceed quota for PolicySize: \(limit)")
    }

    @Test("presets carry IAM's quotas")
    func presets() {
        #expect(PolicyParseOptions.managedPolicy.maximumSize == 6144)
        #expect(PolicyParseOptions.userInlinePolicy.maximumSize == 2048)
        #expect(PolicyParseOptions.groupInlinePolicy.maximumSize == 5120)
        #expect(PolicyParseOptions.roleInlinePolicy.maximumSize == 10240)
        #expect(PolicyParseOptions.trustPolicy.maximumSize == 2048)
        #expect(PolicyParseOptions.permissive.maximumSize == nil)
    }

    @Test("the permissive preset accepts what IAM would reject in stored identity policies")
    func permissive() throws {
        let text =
            #"{"Version":"2012-10-17","Statement":[{"Sid":"with-dash","Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#
        #expect(throws: Never.self) { try PolicyDocument(parsing: text, options: .permissive) }
        #expect(throws: Never.self) {
            try PolicyDocument(parsing: #"{"Version":"2012-10-17","Statement":[]}"#, options: .permissive)
        }
    }

    @Test("the AWS-managed AmazonPersonalizeFullAccess document parses as a managed policy")
    func personalizeFullAccess() throws {
        let text = """
            {
              "Version": "2012-10-17",
              "Statement": [
                { "Effect": "Allow", "Action": ["personalize:*"], "Resource": "*" },
                { "Effect": "Allow", "Action": ["cloudwatch:PutMetricData", "cloudwatch:ListMetrics"], "Resource": "*" },
                { "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
                  "Resource": ["arn:aws:s3:::*Personalize*", "arn:aws:s3:::*personalize*"] },
                { "Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "*",
                  "Condition": { "StringEquals": { "iam:PassedToService": "personalize.amazonaws.com" } } }
              ]
            }
            """
        let document = try PolicyDocument(parsing: text, options: .managedPolicy)
        #expect(document.statements.count == 4)
    }
}

extension String {
    fileprivate func replacingSid(with sid: String) -> String {
        replacingOccurrences(of: #""Sid":"""#, with: #""Sid":"\#(sid)""#)
    }

    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
