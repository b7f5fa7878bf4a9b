import PersimmonIAM
import Testing

private let campaign = "arn:aws:personalize:us-east-1:111122223333:campaign/movies"
private let allowPersonalize = statementPolicy()
private let denyDeletes = statementPolicy(effect: "Deny", action: #""personalize:Delete*""#)

@Suite("PolicyEvaluator")
struct PolicyEvaluatorTests {
    @Test("no policies: implicitly denied by the identity policies")
    func noPolicies() throws {
        let decision = try decide([], request("personalize:DescribeCampaign", campaign))
        #expect(decision.result == .implicitlyDenied)
        #expect(decision.missingAllows == .identity)
        #expect(decision.matchedStatements.isEmpty)
        #expect(decision.denyingPolicyType == .identity)
    }

    @Test("an identity Allow allows and is reported")
    func allow() throws {
        let decision = try decide([denyDeletes, allowPersonalize], request("personalize:DescribeCampaign", campaign))
        #expect(decision.result == .allowed)
        #expect(
            decision.matchedStatements.map { "\($0.policyType):\($0.policyID):\($0.statementIndex):\($0.effect)" } == [
                "identity:policy-1:0:allow"
            ]
        )
        #expect(decision.denyingPolicyType == nil)
        #expect(decision.accessDeniedMessage(for: request("personalize:DescribeCampaign", campaign)) == nil)
    }

    @Test("an explicit Deny anywhere wins over any Allow")
    func explicitDenyWins() throws {
        let deleteRequest = request("personalize:DeleteCampaign", campaign)
        let decision = try decide([allowPersonalize, denyDeletes], deleteRequest, boundaries: [allowPersonalize])
        #expect(decision.result == .explicitlyDenied)
        #expect(decision.explicitDenies == .identity)
        #expect(decision.matchedStatements.map(\.policyID) == ["policy-1"])
        #expect(decision.matchedStatements.map(\.effect) == [.deny])
        #expect(
            decision.accessDeniedMessage(for: deleteRequest)
                == "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: personalize:DeleteCampaign"
                + " on resource: \(campaign) with an explicit deny in an identity-based policy"
        )
    }

    @Test("a permissions boundary caps identity permissions and never grants")
    func boundaries() throws {
        let describe = request("personalize:DescribeCampaign", campaign)
        let onlyLists = statementPolicy(action: #""personalize:List*""#)
        let capped = try decide([allowPersonalize], describe, boundaries: [onlyLists])
        #expect(capped.result == .implicitlyDenied)
        #expect(capped.missingAllows == .permissionsBoundary)
        #expect(
            capped.accessDeniedMessage(for: describe)
                == "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: personalize:DescribeCampaign"
                + " on resource: \(campaign) because no permissions boundary allows the personalize:DescribeCampaign action"
        )
        let boundaryOnly = try decide([], describe, boundaries: [allowPersonalize])
        #expect(boundaryOnly.result == .implicitlyDenied)
        #expect(boundaryOnly.missingAllows == .identity)
        let both = try decide([allowPersonalize], describe, boundaries: [allowPersonalize])
        #expect(both.result == .allowed)
        #expect(both.matchedStatements.map(\.policyType) == [.identity, .permissionsBoundary])
        let boundaryDeny = try decide(
            [allowPersonalize], request("personalize:DeleteCampaign", campaign), boundaries: [denyDeletes])
        #expect(boundaryDeny.result == .explicitlyDenied)
        #expect(boundaryDeny.explicitDenies == .permissionsBoundary)
        // An empty boundary list means no boundary.
        #expect(try decide([allowPersonalize], describe, boundaries: []).result == .allowed)
    }

    @Test("session policies, SCPs and RCPs must also allow")
    func otherLayers() throws {
        let describe = request("personalize:DescribeCampaign", campaign)
        let identity = try compile([allowPersonalize])
        let onlyLists = try compile([statementPolicy(action: #""personalize:List*""#)], prefix: "narrow")
        let everything = try compile([statementPolicy(action: #""*""#)], prefix: "full")

        let session = PolicyEvaluator(
            policies: CompiledPolicySet(identityPolicies: identity, sessionPolicies: onlyLists))
        #expect(session.evaluate(describe).missingAllows == .session)

        let scp = PolicyEvaluator(
            policies: CompiledPolicySet(identityPolicies: identity, serviceControlPolicies: [everything, onlyLists])
        )
        let scpDecision = scp.evaluate(describe)
        #expect(scpDecision.result == .implicitlyDenied)
        #expect(scpDecision.missingAllows == .serviceControl)
        #expect(
            scpDecision.accessDeniedMessage(for: describe)?.hasSuffix(
                "because no service control policy allows the personalize:DescribeCampaign action") == true)

        let rcp = PolicyEvaluator(
            policies: CompiledPolicySet(
                identityPolicies: identity,
                resourceControlPolicies: [everything + (try compile([denyDeletes], prefix: "rcp"))]
            )
        )
        #expect(rcp.evaluate(describe).result == .allowed)
        let rcpDeny = rcp.evaluate(request("personalize:DeleteCampaign", campaign))
        #expect(rcpDeny.result == .explicitlyDenied)
        #expect(rcpDeny.explicitDenies == .resourceControl)
    }

    @Test("cross-account requests are never allowed by identity policies alone")
    func crossAccount() throws {
        let other = "arn:aws:personalize:us-east-1:999999999999:campaign/theirs"
        let crossRequest = request("personalize:DescribeCampaign", other, resourceAccount: "999999999999")
        let decision = try decide([allowPersonalize], crossRequest)
        #expect(decision.result == .implicitlyDenied)
        #expect(decision.missingAllows == .resource)
        #expect(
            decision.accessDeniedMessage(for: crossRequest)?.hasSuffix(
                "because no resource-based policy allows the personalize:DescribeCampaign action") == true)
        // Explicit denies still apply.
        let denied = try decide([allowPersonalize, statementPolicy(effect: "Deny")], crossRequest)
        #expect(denied.result == .explicitlyDenied)
        // AWS-owned resources (no account) are not cross-account.
        let recipe = request(
            "personalize:DescribeRecipe", "arn:aws:personalize:::recipe/aws-user-personalization", resourceAccount: nil)
        #expect(try decide([allowPersonalize], recipe).result == .allowed)
    }

    @Test("sts:GetCallerIdentity is always allowed, even when denied")
    func getCallerIdentity() throws {
        let decision = try decide([statementPolicy(effect: "Deny", action: #""*""#)], request("sts:GetCallerIdentity"))
        #expect(decision.result == .allowed)
    }

    @Test("missing context keys of matching statements are reported once")
    func missingContextKeys() throws {
        let conditional = statementPolicy(
            condition:
                #"{"StringEquals":{"aws:PrincipalTag/team":"${aws:username}"},"BoolIfExists":{"aws:SecureTransport":"true"}}"#
        )
        let otherAction = statementPolicy(action: #""s3:*""#, condition: #"{"StringEquals":{"s3:prefix":"x"}}"#)
        let denyCondition = statementPolicy(
            effect: "Deny", condition: #"{"StringEquals":{"AWS:PrincipalTag/TEAM":"blocked"}}"#
        )
        let decision = try decide(
            [conditional, otherAction, denyCondition],
            request("personalize:ListCampaigns", context: ["aws:username": "alice"])
        )
        #expect(decision.result == .implicitlyDenied)
        #expect(decision.missingContextKeys == ["aws:PrincipalTag/team", "aws:SecureTransport"])
    }

    @Test("an absent resource variable is reported as a missing context key")
    func missingResourceVariable() throws {
        let own = statementPolicy(resource: #""arn:aws:personalize:*:*:dataset-group/${aws:username}""#)
        let withDefault = statementPolicy(resource: #""arn:aws:personalize:*:*:campaign/${aws:PrincipalTag/x, 'y'}""#)
        let decision = try decide(
            [own, withDefault],
            request("personalize:DescribeDatasetGroup", "arn:aws:personalize:us-east-1:111122223333:dataset-group/a")
        )
        #expect(decision.result == .implicitlyDenied)
        #expect(decision.missingContextKeys == ["aws:username"])
    }

    @Test("statement positions point into the policy text")
    func positions() throws {
        let text = """
            {
              "Version": "2012-10-17",
              "Statement": [
                {"Sid": "Lists", "Effect": "Allow", "Action": "personalize:List*", "Resource": "*"}
              ]
            }
            """
        let decision = try decide([text], request("personalize:ListCampaigns"))
        let matched = try #require(decision.matchedStatements.first)
        #expect(matched.sid == "Lists")
        #expect(matched.sourceRange?.startLine == 4)
        #expect(matched.sourceRange?.startColumn == 5)
    }

    @Test("the benchmark scenario is allowed and reports a time")
    func benchmark() {
        let (evaluator, benchmarkRequest) = PolicyEvaluatorBenchmark.scenario()
        #expect(evaluator.policies.identityPolicies.count == 10)
        #expect(evaluator.policies.identityPolicies.allSatisfy { $0.statementCount == 10 })
        #expect(evaluator.evaluate(benchmarkRequest).isAllowed)
        let nanoseconds = PolicyEvaluatorBenchmark.run(iterations: 10)
        #expect(nanoseconds > 0 && nanoseconds.isFinite)
    }
}
