import PersimmonIAM
import Testing

/// One condition-block check: an Allow statement with `condition` must (not) allow a request with `context`.
struct ConditionCase: Sendable, CustomTestStringConvertible {
    var name: String
    var condition: String
    var context: [String: ContextValue]
    var allows: Bool

    init(_ name: String, _ condition: String, _ context: [String: ContextValue], _ allows: Bool) {
        self.name = name
        self.condition = condition
        self.context = context
        self.allows = allows
    }

    var testDescription: String { name }
}

@Suite("Condition operators")
struct ConditionOperatorTests {
    static let stringCases: [ConditionCase] = [
        .init("StringEquals matches", #"{"StringEquals":{"aws:username":"alice"}}"#, ["aws:username": "alice"], true),
        .init(
            "StringEquals is case-sensitive", #"{"StringEquals":{"aws:username":"Alice"}}"#, ["aws:username": "alice"],
            false),
        .init(
            "StringEquals values are OR-ed", #"{"StringEquals":{"aws:username":["bob","alice"]}}"#,
            ["aws:username": "alice"], true),
        .init(
            "StringEquals is false when the key is missing", #"{"StringEquals":{"aws:username":"alice"}}"#, [:], false),
        .init(
            "StringEquals does not match a multivalued key", #"{"StringEquals":{"aws:TagKeys":"a"}}"#,
            ["aws:TagKeys": ["a"]], false),
        .init(
            "StringNotEquals matches another value", #"{"StringNotEquals":{"aws:username":"bob"}}"#,
            ["aws:username": "alice"], true),
        .init(
            "StringNotEquals fails on an equal value", #"{"StringNotEquals":{"aws:username":"alice"}}"#,
            ["aws:username": "alice"], false),
        .init(
            "StringNotEquals is NOR over values", #"{"StringNotEquals":{"aws:username":["bob","alice"]}}"#,
            ["aws:username": "alice"], false),
        .init(
            "StringNotEquals is true when the key is missing", #"{"StringNotEquals":{"aws:username":"bob"}}"#, [:], true
        ),
        .init(
            "StringNotEquals does not match a multivalued key", #"{"StringNotEquals":{"aws:TagKeys":"a"}}"#,
            ["aws:TagKeys": ["b"]], false),
        .init(
            "StringEqualsIgnoreCase ignores case", #"{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}"#,
            ["aws:username": "alice"], true),
        .init(
            "StringNotEqualsIgnoreCase ignores case", #"{"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}}"#,
            ["aws:username": "Alice"], false),
        .init(
            "StringLike * matches a run", #"{"StringLike":{"aws:PrincipalTag/team":"rec*"}}"#,
            ["aws:PrincipalTag/team": "recs-eu"], true),
        .init(
            "StringLike ? matches one character", #"{"StringLike":{"aws:PrincipalTag/team":"r?cs"}}"#,
            ["aws:PrincipalTag/team": "recs"], true),
        .init(
            "StringLike ? does not match two", #"{"StringLike":{"aws:PrincipalTag/team":"r?s"}}"#,
            ["aws:PrincipalTag/team": "recs"], false),
        .init(
            "StringLike ? matches one non-ASCII character", #"{"StringLike":{"aws:PrincipalTag/team":"caf?"}}"#,
            ["aws:PrincipalTag/team": "café"], true),
        .init(
            "StringLike is case-sensitive", #"{"StringLike":{"aws:PrincipalTag/team":"REC*"}}"#,
            ["aws:PrincipalTag/team": "recs"], false),
        .init(
            "StringNotLike excludes matches", #"{"StringNotLike":{"aws:PrincipalTag/team":"admin*"}}"#,
            ["aws:PrincipalTag/team": "admin-1"], false),
        .init(
            "StringNotLike allows non-matches", #"{"StringNotLike":{"aws:PrincipalTag/team":"admin*"}}"#,
            ["aws:PrincipalTag/team": "recs"], true),
        .init(
            "StringNotLike is true when the key is missing", #"{"StringNotLike":{"aws:PrincipalTag/team":"admin*"}}"#,
            [:], true),
    ]

    static let numericAndDateCases: [ConditionCase] = [
        .init("NumericLessThan true", #"{"NumericLessThan":{"s3:max-keys":"10"}}"#, ["s3:max-keys": "5"], true),
        .init(
            "NumericLessThan false at equality", #"{"NumericLessThan":{"s3:max-keys":"10"}}"#, ["s3:max-keys": "10"],
            false),
        .init(
            "NumericLessThanEquals true at equality", #"{"NumericLessThanEquals":{"s3:max-keys":10}}"#,
            ["s3:max-keys": "10"], true),
        .init("NumericGreaterThan true", #"{"NumericGreaterThan":{"s3:max-keys":10}}"#, ["s3:max-keys": "10.5"], true),
        .init(
            "NumericGreaterThanEquals false", #"{"NumericGreaterThanEquals":{"s3:max-keys":10}}"#,
            ["s3:max-keys": "-3"], false),
        .init(
            "NumericEquals compares values, not text", #"{"NumericEquals":{"s3:max-keys":"10.0"}}"#,
            ["s3:max-keys": "10"], true),
        .init("NumericNotEquals true", #"{"NumericNotEquals":{"s3:max-keys":["1","2"]}}"#, ["s3:max-keys": "3"], true),
        .init(
            "NumericNotEquals false", #"{"NumericNotEquals":{"s3:max-keys":["1","2"]}}"#, ["s3:max-keys": "2"], false),
        .init(
            "a non-numeric request value never matches", #"{"NumericLessThan":{"s3:max-keys":10}}"#,
            ["s3:max-keys": "ten"], false),
        .init(
            "a non-numeric request value fails NumericNotEquals", #"{"NumericNotEquals":{"s3:max-keys":10}}"#,
            ["s3:max-keys": "ten"], false),
        .init(
            "NumericNotEquals is true when the key is missing", #"{"NumericNotEquals":{"s3:max-keys":10}}"#, [:], true),
        .init(
            "DateGreaterThan with ISO 8601", #"{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
            ["aws:CurrentTime": "2021-06-01T12:00:00Z"], true),
        .init(
            "DateLessThan with an epoch request value", #"{"DateLessThan":{"aws:EpochTime":"2020-01-01T00:00:01Z"}}"#,
            ["aws:EpochTime": "1577836800"], true),
        .init(
            "DateEquals honours zone offsets", #"{"DateEquals":{"aws:CurrentTime":"2020-01-01T01:00:00+01:00"}}"#,
            ["aws:CurrentTime": "2020-01-01T00:00:00Z"], true),
        .init(
            "DateEquals with a date only", #"{"DateEquals":{"aws:CurrentTime":"2020-01-01"}}"#,
            ["aws:CurrentTime": "2020-01-01T00:00:00.000Z"], true),
        .init(
            "DateLessThanEquals with fractions",
            #"{"DateLessThanEquals":{"aws:CurrentTime":"2020-01-01T00:00:00.5Z"}}"#,
            ["aws:CurrentTime": "2020-01-01T00:00:00.25Z"], true),
        .init(
            "DateGreaterThanEquals false", #"{"DateGreaterThanEquals":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"#,
            ["aws:CurrentTime": "2026-01-01T00:00:00Z"], false),
        .init(
            "DateNotEquals true", #"{"DateNotEquals":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"#,
            ["aws:CurrentTime": "2026-01-01T00:00:00Z"], true),
        .init(
            "an unparseable request date never matches",
            #"{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": "yesterday"], false),
    ]

    static let otherCases: [ConditionCase] = [
        .init("Bool matches true", #"{"Bool":{"aws:SecureTransport":"true"}}"#, ["aws:SecureTransport": "true"], true),
        .init(
            "Bool accepts JSON booleans and any case", #"{"Bool":{"aws:SecureTransport":true}}"#,
            ["aws:SecureTransport": "TRUE"], true),
        .init("Bool mismatch", #"{"Bool":{"aws:SecureTransport":"true"}}"#, ["aws:SecureTransport": "false"], false),
        .init("Bool is false when the key is missing", #"{"Bool":{"aws:SecureTransport":"false"}}"#, [:], false),
        .init(
            "Bool never matches a non-boolean request value", #"{"Bool":{"aws:SecureTransport":"true"}}"#,
            ["aws:SecureTransport": "yes"], false),
        .init("BinaryEquals compares bytes", #"{"BinaryEquals":{"my:key":"aGVsbG8="}}"#, ["my:key": "aGVsbG8="], true),
        .init("BinaryEquals mismatch", #"{"BinaryEquals":{"my:key":"aGVsbG8="}}"#, ["my:key": "d29ybGQ="], false),
        .init(
            "IpAddress matches a CIDR", #"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, ["aws:SourceIp": "10.1.2.3"],
            true),
        .init(
            "IpAddress outside the CIDR", #"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, ["aws:SourceIp": "11.0.0.1"],
            false),
        .init(
            "IpAddress bare address is /32", #"{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}"#,
            ["aws:SourceIp": "203.0.113.7"], true),
        .init(
            "IpAddress bare address is not /24", #"{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}"#,
            ["aws:SourceIp": "203.0.113.8"], false),
        .init(
            "IpAddress IPv6 CIDR", #"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#,
            ["aws:SourceIp": "2001:db8:1::1"], true),
        .init(
            "IpAddress IPv6 outside", #"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#,
            ["aws:SourceIp": "2001:db9::1"], false),
        .init(
            "IpAddress compares IPv6 values, not spellings", #"{"IpAddress":{"aws:SourceIp":"::1"}}"#,
            ["aws:SourceIp": "0:0:0:0:0:0:0:1"], true),
        .init(
            "IpAddress IPv6 with an embedded IPv4 tail", #"{"IpAddress":{"aws:SourceIp":"64:ff9b::/96"}}"#,
            ["aws:SourceIp": "64:ff9b::192.0.2.33"], true),
        .init(
            "IpAddress IPv4 request never matches IPv6 CIDR", #"{"IpAddress":{"aws:SourceIp":"::/0"}}"#,
            ["aws:SourceIp": "10.0.0.1"], false),
        .init(
            "IpAddress reads IPv4-mapped IPv6 as IPv4", #"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            ["aws:SourceIp": "::ffff:10.1.2.3"], true),
        .init(
            "IpAddress /0 matches every IPv4", #"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#,
            ["aws:SourceIp": "198.51.100.1"], true),
        .init(
            "NotIpAddress outside the CIDR", #"{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}"#,
            ["aws:SourceIp": "203.0.113.1"], true),
        .init(
            "NotIpAddress inside one CIDR", #"{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}"#,
            ["aws:SourceIp": "192.168.4.4"], false),
        .init(
            "NotIpAddress is true when the key is missing", #"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, [:],
            true),
        .init(
            "NotIpAddress fails on a malformed request address", #"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            ["aws:SourceIp": "10.0.0"], false),
        .init(
            "ArnLike per-part wildcards", #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:role/team-*"}}"#,
            ["aws:SourceArn": "arn:aws:iam::111122223333:role/team-a"], true),
        .init(
            "ArnLike wildcard within the account part", #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::1111*:role/*"}}"#,
            ["aws:SourceArn": "arn:aws:iam::111122223333:role/x"], true),
        .init(
            "ArnLike service part must match", #"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}"#,
            ["aws:SourceArn": "arn:aws:iam::111122223333:role/x"], false),
        .init(
            "ArnLike * in the resource part spans / and :",
            #"{"ArnLike":{"aws:SourceArn":"arn:aws:logs:us-east-1:111122223333:log-group:*"}}"#,
            ["aws:SourceArn": "arn:aws:logs:us-east-1:111122223333:log-group:a:log-stream:b/c"], true),
        .init(
            "ArnLike * does not cross a colon in the first five parts",
            #"{"ArnLike":{"aws:SourceArn":"arn:aws:*:role/x"}}"#, ["aws:SourceArn": "arn:aws:iam::111122223333:role/x"],
            false),
        .init(
            "StringLike * does cross colons", #"{"StringLike":{"aws:SourceArn":"arn:aws:*:role/x"}}"#,
            ["aws:SourceArn": "arn:aws:iam::111122223333:role/x"], true),
        .init(
            "ArnEquals behaves like ArnLike",
            #"{"ArnEquals":{"aws:SourceArn":"arn:aws:personalize:*:111122223333:campaign/*"}}"#,
            ["aws:SourceArn": "arn:aws:personalize:us-east-1:111122223333:campaign/c"], true),
        .init(
            "ArnNotLike true for a different ARN", #"{"ArnNotLike":{"aws:SourceArn":"arn:aws:iam::*:role/admin*"}}"#,
            ["aws:SourceArn": "arn:aws:iam::111122223333:role/user"], true),
        .init(
            "ArnNotEquals false for a matching ARN",
            #"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:iam::*:role/admin*"}}"#,
            ["aws:SourceArn": "arn:aws:iam::111122223333:role/admin1"], false),
        .init(
            "ArnLike never matches a non-ARN value", #"{"ArnLike":{"aws:SourceArn":"*"}}"#,
            ["aws:SourceArn": "not-an-arn"], false),
        .init(
            "ArnNotLike fails on a non-ARN value", #"{"ArnNotLike":{"aws:SourceArn":"arn:aws:iam::*:role/x"}}"#,
            ["aws:SourceArn": "not-an-arn"], false),
        .init(
            "ArnNotLike is true when the key is missing", #"{"ArnNotLike":{"aws:SourceArn":"arn:aws:iam::*:role/x"}}"#,
            [:], true),
        .init("Null true matches an absent key", #"{"Null":{"aws:TokenIssueTime":"true"}}"#, [:], true),
        .init(
            "Null true fails on a present key", #"{"Null":{"aws:TokenIssueTime":"true"}}"#,
            ["aws:TokenIssueTime": "2020-01-01T00:00:00Z"], false),
        .init(
            "Null false matches a present key", #"{"Null":{"aws:TokenIssueTime":false}}"#, ["aws:TokenIssueTime": "x"],
            true),
        .init("Null false fails on an absent key", #"{"Null":{"aws:TokenIssueTime":"FALSE"}}"#, [:], false),
        .init(
            "Null sees an empty multivalued key as present", #"{"Null":{"aws:TagKeys":"false"}}"#, ["aws:TagKeys": []],
            true),
    ]

    static let qualifierCases: [ConditionCase] = [
        .init(
            "IfExists is true when the key is missing", #"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"recs"}}"#,
            [:], true),
        .init(
            "IfExists evaluates a present key", #"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"recs"}}"#,
            ["aws:PrincipalTag/team": "ads"], false),
        .init(
            "IfExists matches a present key", #"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"recs"}}"#,
            ["aws:PrincipalTag/team": "recs"], true),
        .init(
            "BoolIfExists is true when the key is missing", #"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}"#,
            [:], true),
        .init(
            "NumericLessThanIfExists is true when missing", #"{"NumericLessThanIfExists":{"s3:max-keys":"1"}}"#, [:],
            true),
        .init(
            "IpAddressIfExists checks a present key", #"{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            ["aws:SourceIp": "8.8.8.8"], false),
        .init(
            "ForAllValues: every request value in the set", #"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#,
            ["aws:TagKeys": ["a", "b"]], true),
        .init(
            "ForAllValues: one value outside the set", #"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#,
            ["aws:TagKeys": ["a", "c"]], false),
        .init(
            "ForAllValues is true when the key is missing", #"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#,
            [:], true),
        .init(
            "ForAllValues is true for an empty set", #"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#,
            ["aws:TagKeys": []], true),
        .init(
            "ForAllValues treats a single value as a set of one",
            #"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#, ["aws:TagKeys": "b"], true),
        .init(
            "ForAllValues:StringNotEquals: no request value in the set",
            #"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["x"]}}"#, ["aws:TagKeys": ["a", "b"]], true),
        .init(
            "ForAllValues:StringNotEquals: one request value in the set",
            #"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["x"]}}"#, ["aws:TagKeys": ["a", "x"]], false),
        .init(
            "ForAllValues:StringLike with patterns", #"{"ForAllValues:StringLike":{"aws:TagKeys":["team-*","cost*"]}}"#,
            ["aws:TagKeys": ["team-a", "costcenter"]], true),
        .init(
            "ForAnyValue: one request value in the set", #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}"#,
            ["aws:TagKeys": ["c", "a"]], true),
        .init(
            "ForAnyValue: no request value in the set", #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}"#,
            ["aws:TagKeys": ["c"]], false),
        .init(
            "ForAnyValue is false when the key is missing", #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}"#, [:],
            false),
        .init(
            "ForAnyValue is false for an empty set", #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}"#,
            ["aws:TagKeys": []], false),
        .init(
            "ForAnyValue with IfExists is true when the key is missing",
            #"{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["a"]}}"#, [:], true),
        .init(
            "ForAnyValue:StringNotEquals: some value outside the set",
            #"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["x"]}}"#, ["aws:TagKeys": ["x", "a"]], true),
        .init(
            "ForAnyValue:StringNotEquals: every value in the set",
            #"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["x"]}}"#, ["aws:TagKeys": ["x"]], false),
        .init(
            "ForAnyValue:StringLike", #"{"ForAnyValue:StringLike":{"aws:TagKeys":"a*"}}"#,
            ["aws:TagKeys": ["b", "ab"]], true),
    ]

    static let blockCases: [ConditionCase] = [
        .init(
            "keys under one operator are AND-ed",
            #"{"StringEquals":{"aws:username":"alice","aws:PrincipalTag/team":"recs"}}"#,
            ["aws:username": "alice", "aws:PrincipalTag/team": "ads"], false),
        .init(
            "operators are AND-ed", #"{"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}}"#,
            ["aws:username": "alice", "aws:SecureTransport": "false"], false),
        .init(
            "all conditions hold", #"{"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}}"#,
            ["aws:username": "alice", "aws:SecureTransport": "true"], true),
        .init(
            "condition keys are case-insensitive", #"{"StringEquals":{"AWS:UserName":"alice"}}"#,
            ["aws:username": "alice"], true),
        .init(
            "tag keys in condition keys are case-insensitive", #"{"StringEquals":{"aws:PrincipalTag/Team":"recs"}}"#,
            ["aws:principaltag/team": "recs"], true),
        .init("an empty condition block holds", #"{}"#, [:], true),
    ]

    static let variableCases: [ConditionCase] = [
        .init(
            "a variable in StringEquals", #"{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}"#,
            ["aws:username": "alice", "aws:ResourceTag/owner": "alice"], true),
        .init(
            "a variable is looked up case-insensitively",
            #"{"StringEquals":{"aws:ResourceTag/owner":"${AWS:UserName}"}}"#,
            ["aws:username": "alice", "aws:ResourceTag/owner": "alice"], true),
        .init(
            "an unresolvable variable never matches", #"{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}"#,
            ["aws:ResourceTag/owner": "alice"], false),
        .init(
            "an unresolvable variable fails a negated operator",
            #"{"StringNotEquals":{"aws:ResourceTag/owner":"${aws:username}"}}"#, ["aws:ResourceTag/owner": "alice"],
            false),
        .init(
            "a variable default applies when the key is missing",
            #"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'shared'}"}}"#,
            ["aws:ResourceTag/team": "shared"], true),
        .init(
            "a variable default is ignored when the key is present",
            #"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'shared'}"}}"#,
            ["aws:ResourceTag/team": "shared", "aws:PrincipalTag/team": "recs"], false),
        .init(
            "substituted text is literal in StringLike", #"{"StringLike":{"aws:PrincipalTag/p":"${aws:username}"}}"#,
            ["aws:username": "a*", "aws:PrincipalTag/p": "abc"], false),
        .init(
            "substituted text matches itself in StringLike",
            #"{"StringLike":{"aws:PrincipalTag/p":"${aws:username}-*"}}"#,
            ["aws:username": "a*", "aws:PrincipalTag/p": "a*-x"], true),
        .init(
            "${*} is a literal star", #"{"StringLike":{"aws:PrincipalTag/p":"a${*}b"}}"#, ["aws:PrincipalTag/p": "a*b"],
            true),
        .init(
            "${*} is not a wildcard", #"{"StringLike":{"aws:PrincipalTag/p":"a${*}b"}}"#, ["aws:PrincipalTag/p": "axb"],
            false),
        .init(
            "${?} and ${$} are literals", #"{"StringEquals":{"aws:PrincipalTag/p":"${?}${$}"}}"#,
            ["aws:PrincipalTag/p": "?$"], true),
        .init(
            "a variable in ArnLike",
            #"{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:*:*:dataset-group/${aws:username}"}}"#,
            [
                "aws:username": "alice",
                "aws:SourceArn": "arn:aws:personalize:us-east-1:111122223333:dataset-group/alice",
            ], true),
        .init(
            "a multivalued key cannot be a variable", #"{"StringEquals":{"aws:PrincipalTag/p":"${aws:TagKeys}"}}"#,
            ["aws:TagKeys": ["a"], "aws:PrincipalTag/p": "a"], false),
    ]

    @Test("string operators", arguments: stringCases)
    func strings(_ testCase: ConditionCase) throws {
        #expect(try conditionAllows(testCase.condition, testCase.context) == testCase.allows)
    }

    @Test("numeric and date operators", arguments: numericAndDateCases)
    func numericAndDates(_ testCase: ConditionCase) throws {
        #expect(try conditionAllows(testCase.condition, testCase.context) == testCase.allows)
    }

    @Test("Bool, BinaryEquals, IP, ARN and Null operators", arguments: otherCases)
    func otherOperators(_ testCase: ConditionCase) throws {
        #expect(try conditionAllows(testCase.condition, testCase.context) == testCase.allows)
    }

    @Test("IfExists and set qualifiers", arguments: qualifierCases)
    func qualifiers(_ testCase: ConditionCase) throws {
        #expect(try conditionAllows(testCase.condition, testCase.context) == testCase.allows)
    }

    @Test("condition blocks combine with AND", arguments: blockCases)
    func blocks(_ testCase: ConditionCase) throws {
        #expect(try conditionAllows(testCase.condition, testCase.context) == testCase.allows)
    }

    @Test("policy variables in condition values", arguments: variableCases)
    func variables(_ testCase: ConditionCase) throws {
        #expect(try conditionAllows(testCase.condition, testCase.context) == testCase.allows)
    }

    @Test("a 2008-10-17 document treats ${...} as literal text")
    func legacyVersionHasNoVariables() throws {
        let policy = #"""
            {"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"personalize:*","Resource":"*",
             "Condition":{"StringEquals":{"aws:PrincipalTag/p":"${aws:username}"}}}}
            """#
        let literal = request("personalize:ListCampaigns", context: ["aws:PrincipalTag/p": "${aws:username}"])
        let substituted = request(
            "personalize:ListCampaigns", context: ["aws:PrincipalTag/p": "alice", "aws:username": "alice"]
        )
        #expect(try decide([policy], literal).isAllowed)
        #expect(try !decide([policy], substituted).isAllowed)
    }

    @Test("operator names parse with qualifiers and IfExists")
    func operatorNames() {
        let parsed = ConditionOperator("ForAnyValue:StringLikeIfExists")
        #expect(parsed == ConditionOperator(base: .stringLike, qualifier: .forAnyValue, ifExists: true))
        #expect(parsed?.description == "ForAnyValue:StringLikeIfExists")
        #expect(ConditionOperator("StringEqualz") == nil)
        #expect(ConditionOperator("NullIfExists") == nil)
        #expect(ConditionOperator("stringequals") == nil)
        #expect(ConditionOperator("ForSomeValues:StringEquals") == nil)
        for base in ConditionOperator.Base.allCases {
            #expect(ConditionOperator(base.rawValue)?.base == base)
        }
    }
}
