import PersimmonIAM

let testAccount = "111122223333"
let testUser = "arn:aws:iam::111122223333:user/alice"

/// A request from `alice` in `testAccount`.
func request(
    _ action: String, _ resource: String = "*", context: [String: ContextValue] = [:],
    resourceAccount: String? = testAccount
) -> AuthorizationRequest {
    AuthorizationRequest(
        principalARN: testUser, principalAccount: testAccount, action: action, resource: resource,
        resourceAccount: resourceAccount, context: context
    )
}

/// Compiles each text as a managed policy (`policy-0`, `policy-1`, …).
func compile(_ texts: [String], prefix: String = "policy") throws -> [CompiledPolicy] {
    try texts.enumerated().map { index, text in
        try CompiledPolicy(parsing: text, id: "\(prefix)-\(index)", options: .managedPolicy)
    }
}

/// Evaluates identity policies (and optionally a boundary) for a request.
func decide(
    _ identity: [String], _ request: AuthorizationRequest, boundaries: [String]? = nil
) throws -> AuthorizationDecision {
    let set = CompiledPolicySet(
        identityPolicies: try compile(identity),
        permissionsBoundaries: try boundaries.map { try compile($0, prefix: "pb") }
    )
    return PolicyEvaluator(policies: set).evaluate(request)
}

/// A one-statement 2012-10-17 policy.
func statementPolicy(
    effect: String = "Allow", action: String = #""personalize:*""#, resource: String = #""*""#,
    condition: String? = nil, actionKey: String = "Action", resourceKey: String = "Resource"
) -> String {
    var statement = #"{"Effect":"\#(effect)","\#(actionKey)":\#(action),"\#(resourceKey)":\#(resource)"#
    if let condition { statement += #","Condition":\#(condition)"# }
    statement += "}"
    return #"{"Version":"2012-10-17","Statement":[\#(statement)]}"#
}

/// Whether an Allow of `personalize:*` on `*` with `condition` allows a request with `context`.
func conditionAllows(_ condition: String, _ context: [String: ContextValue]) throws -> Bool {
    try decide([statementPolicy(condition: condition)], request("personalize:ListDatasetGroups", context: context))
        .isAllowed
}

/// A parse that must fail; returns the error.
func parseError(_ text: String, options: PolicyParseOptions = .managedPolicy) -> PolicyError? {
    do {
        _ = try PolicyDocument(parsing: text, options: options)
        return nil
    } catch {
        return error
    }
}
