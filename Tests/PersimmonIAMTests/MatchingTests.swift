import PersimmonIAM
import Testing

/// Whether one Allow statement with `action`/`resource` JSON values allows `request`.
private func allows(
    action: String = #""personalize:*""#, resource: String = #""*""#, actionKey: String = "Action",
    resourceKey: String = "Resource", _ request: AuthorizationRequest
) throws -> Bool {
    try decide(
        [statementPolicy(action: action, resource: resource, actionKey: actionKey, resourceKey: resourceKey)], request
    ).isAllowed
}

private let datasetGroup = "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"

@Suite("Action and resource matching")
struct MatchingTests {
    @Test(
        "actions match case-insensitively with * and ?",
        arguments: [
            (#""personalize:DescribeDatasetGroup""#, true),
            (#""PERSONALIZE:describedatasetgroup""#, true),
            (#""personalize:Describe*""#, true),
            (#""personalize:*DatasetGroup""#, true),
            (#""personalize:Describe?atasetGroup""#, true),
            (#""personalize:Describe?""#, false),
            (#""personalize:DescribeDataset""#, false),
            (#""*""#, true),
            (#""s3:*""#, false),
            (#"["s3:GetObject","personalize:Describe*"]"#, true),
        ]
    )
    func actions(pattern: String, expected: Bool) throws {
        let decision = try decide(
            [statementPolicy(action: pattern)], request("personalize:DescribeDatasetGroup", datasetGroup)
        )
        #expect(decision.isAllowed == expected)
    }

    @Test("a pattern without a colon is only valid as *")
    func actionWithoutColon() {
        #expect(parseError(statementPolicy(action: #""personalize*""#)) != nil)
    }

    @Test("NotAction applies to every other action")
    func notAction() throws {
        let notDelete = #"["personalize:Delete*"]"#
        #expect(try allows(action: notDelete, actionKey: "NotAction", request("personalize:ListCampaigns")))
        #expect(try !allows(action: notDelete, actionKey: "NotAction", request("personalize:DeleteCampaign", "*")))
        // Deny + NotAction: "deny everything but".
        let policies = [
            statementPolicy(action: #""*""#),
            statementPolicy(
                effect: "Deny", action: #"["personalize:Describe*","personalize:List*"]"#, actionKey: "NotAction"),
        ]
        #expect(try decide(policies, request("personalize:ListCampaigns")).result == .allowed)
        #expect(try decide(policies, request("personalize:DeleteCampaign", "*")).result == .explicitlyDenied)
    }

    @Test(
        "resources match case-sensitively, part by part",
        arguments: [
            (#""arn:aws:personalize:us-east-1:111122223333:dataset-group/movies""#, true),
            (#""arn:aws:personalize:us-east-1:111122223333:dataset-group/Movies""#, false),
            (#""arn:aws:personalize:*:111122223333:dataset-group/*""#, true),
            (#""arn:aws:personalize:us-east-?:111122223333:dataset-group/movie?""#, true),
            (#""arn:aws:personalize:*:*:*""#, true),
            (#""arn:aws:personalize:us-west-2:111122223333:*""#, false),
            (#""arn:aws:personalize:us-east-1:*:dataset-group""#, false),
            (#""arn:aws:personalize:us-east-1:111122223333:dataset-group/mov*""#, true),
            (#""arn:aws:personalize:*1:111122223333:dataset-group/movies""#, true),
            (#""*""#, true),
        ]
    )
    func resources(pattern: String, expected: Bool) throws {
        #expect(try allows(resource: pattern, request("personalize:DescribeDatasetGroup", datasetGroup)) == expected)
    }

    @Test("* in the resource part spans / so solution patterns cover solution versions")
    func resourcePartWildcardSpansSlash() throws {
        let version = "arn:aws:personalize:us-east-1:111122223333:solution/movies-sims/a1b2c3d4"
        let pattern = #""arn:aws:personalize:us-east-1:111122223333:solution/movies-*""#
        #expect(try allows(resource: pattern, request("personalize:DescribeSolutionVersion", version)))
    }

    @Test("a wildcard in the region part does not cross a colon")
    func wildcardStaysInItsPart() throws {
        // The * stands for the region only; the account part still has to match literally.
        let pattern = #""arn:aws:personalize:*:999999999999:dataset-group/movies""#
        #expect(try !allows(resource: pattern, request("personalize:DescribeDatasetGroup", datasetGroup)))
    }

    @Test("an action without a resource type (request resource *) is matched only by Resource *")
    func wildcardOnlyActions() throws {
        let list = request("personalize:ListDatasetGroups", "*")
        #expect(try allows(resource: #""*""#, list))
        #expect(try !allows(resource: #""arn:aws:personalize:*:*:*""#, list))
        #expect(try allows(resource: #""arn:aws:personalize:*:*:*""#, resourceKey: "NotResource", list))
        #expect(try !allows(resource: #""*""#, resourceKey: "NotResource", list))
    }

    @Test("NotResource applies to every other resource")
    func notResource() throws {
        let others = #"["arn:aws:personalize:*:*:dataset-group/secret*"]"#
        #expect(
            try allows(
                resource: others, resourceKey: "NotResource", request("personalize:DescribeDatasetGroup", datasetGroup))
        )
        let secret = "arn:aws:personalize:us-east-1:111122223333:dataset-group/secret-1"
        #expect(
            try !allows(
                resource: others, resourceKey: "NotResource", request("personalize:DescribeDatasetGroup", secret)))
    }

    @Test("policy variables in resources are substituted and taken literally")
    func resourceVariables() throws {
        let pattern = #""arn:aws:personalize:*:111122223333:dataset-group/${aws:username}-*""#
        let own = "arn:aws:personalize:us-east-1:111122223333:dataset-group/alice-movies"
        let other = "arn:aws:personalize:us-east-1:111122223333:dataset-group/bob-movies"
        #expect(
            try allows(
                resource: pattern, request("personalize:DescribeDatasetGroup", own, context: ["aws:username": "alice"]))
        )
        #expect(
            try !allows(
                resource: pattern,
                request("personalize:DescribeDatasetGroup", other, context: ["aws:username": "alice"])))
        // Unresolvable: the resource matches nothing.
        #expect(try !allows(resource: pattern, request("personalize:DescribeDatasetGroup", own)))
        // A * inside the substituted value is not a wildcard.
        #expect(
            try !allows(
                resource: pattern, request("personalize:DescribeDatasetGroup", own, context: ["aws:username": "a*"])))
        // Defaults.
        let withDefault = #""arn:aws:personalize:*:111122223333:dataset-group/${aws:PrincipalTag/team, 'shared'}""#
        let shared = "arn:aws:personalize:us-east-1:111122223333:dataset-group/shared"
        #expect(try allows(resource: withDefault, request("personalize:DescribeDatasetGroup", shared)))
        // Unresolvable variable in NotResource: the pattern matches nothing, so NotResource applies.
        #expect(
            try allows(resource: pattern, resourceKey: "NotResource", request("personalize:DescribeDatasetGroup", own)))
    }

    @Test("principal-ID variables resolve from the context")
    func userIDVariable() throws {
        let pattern = #""arn:aws:personalize:*:111122223333:dataset-group/${aws:userid}""#
        let arn = "arn:aws:personalize:us-east-1:111122223333:dataset-group/AIDAEXAMPLE"
        #expect(
            try allows(
                resource: pattern,
                request("personalize:DescribeDatasetGroup", arn, context: ["aws:userid": "AIDAEXAMPLE"])))
    }
}
