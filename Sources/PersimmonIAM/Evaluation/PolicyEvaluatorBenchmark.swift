/// A self-contained timing harness for ``PolicyEvaluator`` that a release-built tool can call.
///
/// The scenario: a user with 10 policies of 10 statements each (Personalize, S3 and IAM actions,
/// wildcards, `NotAction`, a variable in a resource, `StringEquals`/`IpAddress`/`Bool`/`ArnLike`
/// conditions and one conditional `Deny`), deciding `personalize:DescribeDatasetGroup` on a dataset group
/// ARN with a 6-key context. The allowing statement is the last one, so every statement is examined.
package enum PolicyEvaluatorBenchmark {
    /// The policy set and request of the scenario.
    package static func scenario() -> (evaluator: PolicyEvaluator, request: AuthorizationRequest) {
        var policies: [CompiledPolicy] = []
        for policyIndex in 0..<10 {
            var statements: [String] = []
            for statementIndex in 0..<10 {
                statements.append(statementJSON(policy: policyIndex, statement: statementIndex))
            }
            let text = #"{"Version":"2012-10-17","Statement":["# + statements.joined(separator: ",") + "]}"
            // The fixture is valid by construction; parse permissively so size limits do not apply.
            let policy = try! CompiledPolicy(parsing: text, id: "policy-\(policyIndex)", options: .permissive)
            policies.append(policy)
        }
        let evaluator = PolicyEvaluator(policies: CompiledPolicySet(identityPolicies: policies))
        let request = AuthorizationRequest(
            principalARN: "arn:aws:iam::111122223333:user/alice",
            principalAccount: "111122223333",
            action: "personalize:DescribeDatasetGroup",
            resource: "arn:aws:personalize:us-east-1:111122223333:dataset-group/alice-movies",
            resourceAccount: "111122223333",
            context: [
                "aws:username": "alice",
                "aws:PrincipalTag/team": "recs",
                "aws:SourceIp": "10.1.2.3",
                "aws:SecureTransport": "true",
                "aws:RequestedRegion": "us-east-1",
                "aws:CurrentTime": "2026-01-01T00:00:00Z",
            ]
        )
        return (evaluator, request)
    }

    private static func statementJSON(policy: Int, statement: Int) -> String {
        let isLast = policy == 9 && statement == 9
        if isLast {
            return #"""
                {"Sid":"AllowOwnDatasetGroups","Effect":"Allow","Action":["personalize:Describe*","personalize:List*"],
                 "Resource":"arn:aws:personalize:*:111122223333:dataset-group/${aws:username}-*",
                 "Condition":{"StringEquals":{"aws:PrincipalTag/team":"recs"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},
                 "Bool":{"aws:SecureTransport":"true"}}}
                """#
        }
        switch statement % 5 {
        case 0:
            return #"""
                {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket-\#(policy)/*"}
                """#
        case 1:
            return #"""
                {"Effect":"Allow","Action":"personalize:Create*","Resource":"arn:aws:personalize:us-west-2:111122223333:*",
                 "Condition":{"StringEquals":{"aws:RequestedRegion":"us-west-2"}}}
                """#
        case 2:
            return #"""
                {"Effect":"Deny","Action":"personalize:Delete*","Resource":"*",
                 "Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"admins"}}}
                """#
        case 3:
            return #"""
                {"Effect":"Allow","NotAction":["iam:*","sts:*","personalize:*"],"Resource":"*"}
                """#
        default:
            return #"""
                {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/personalize-\#(statement)",
                 "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:*:111122223333:*"}}}
                """#
        }
    }

    /// Evaluates the scenario `iterations` times and returns nanoseconds per decision. Run it from a
    /// release build; debug builds are an order of magnitude slower.
    package static func run(iterations: Int) -> Double {
        let (evaluator, request) = scenario()
        precondition(evaluator.evaluate(request).isAllowed, "benchmark scenario must be allowed")
        var allowed = 0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<max(iterations, 1) where evaluator.evaluate(request).isAllowed {
            allowed += 1
        }
        let elapsed = clock.now - start
        precondition(allowed == max(iterations, 1))
        let nanoseconds =
            Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return nanoseconds / Double(max(iterations, 1))
    }
}
