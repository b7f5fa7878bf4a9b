import Foundation
import PersimmonIAM
import Testing

/// Runs the cloud-copilot iam-simulate `core_engine` corpus (read from `../shared` at test time).
///
/// Every case whose inputs we model is run and its expected decision asserted: identity policies,
/// permissions boundaries, session policies, SCPs and RCPs, same- and cross-account requests without
/// resource policies. Cases that need features outside this module are skipped with a printed reason:
/// resource-based and VPC-endpoint policies, the simulator's discovery mode and wildcard request
/// resources, anonymous and service principals, and service-specific rules (KMS, IAM, STS trust).
@Suite("iam-simulate core_engine corpus", .enabled(if: SharedCases.isAvailable))
struct IAMSimulateCaseTests {
    /// Files (or folders, ending in `/`) skipped as a whole, and why.
    static let skippedFiles: [(prefix: String, reason: String)] = [
        ("kms/", "KMS key policies are resource policies with KMS-specific rules"),
        ("iam/managedPolicies/aws/denied.json", "IAM service rule: AWS-managed policies are read-only"),
        ("iam/roles/reserved/denied.json", "IAM service rule: service-linked/reserved roles are read-only"),
        ("sts/assumeRole/", "sts:AssumeRole needs the role trust policy (resource-based)"),
        ("resourceWildcards/requestWildcards.json", "simulator-only: a request resource of '*' means any resource"),
        ("discoveryMode/", "simulator-only discovery mode"),
        ("endpoints/", "VPC endpoint policies"),
        ("anonymous.json", "anonymous (unsigned) requests"),
    ]

    /// The default `RCPFullAWSAccess` that AWS attaches to every organisation level.
    static let fullAccessRCP = try! CompiledPolicy(
        parsing: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        id: "RCPFullAWSAccess", options: .permissive
    )

    /// Identity-type policies from the corpus: grammar as for IAM identity policies, except that a
    /// (meaningless) `Principal` is tolerated and there is no size limit.
    static let identityOptions = PolicyParseOptions(
        principal: .optional, resource: .required, maximumSize: nil, requireAlphanumericUniqueSids: true,
        restrictCharacters: true
    )

    @Test("every case of the file decides as expected", arguments: SharedCases.files)
    func file(_ relativePath: String) throws {
        let cases = try SharedCases.load(relativePath)
        var run = 0
        var passed = 0
        var skipReasons: [String: Int] = [:]
        for testCase in cases {
            let name = testCase["name"] as? String ?? "?"
            if let reason = Self.skipReason(file: relativePath, testCase: testCase) {
                skipReasons[reason, default: 0] += 1
                continue
            }
            run += 1
            do {
                let failure = try Self.check(testCase)
                if let failure {
                    Issue.record("\(relativePath) — \(name): \(failure)")
                } else {
                    passed += 1
                }
            } catch {
                Issue.record("\(relativePath) — \(name): \(error)")
            }
        }
        let skipped = cases.count - run
        var line = "iam-simulate \(relativePath): run \(run), passed \(passed), skipped \(skipped)"
        if !skipReasons.isEmpty {
            line +=
                " (" + skipReasons.sorted { $0.key < $1.key }.map { "\($0.value): \($0.key)" }.joined(separator: "; ")
                + ")"
        }
        print(line)
    }

    static func skipReason(file: String, testCase: [String: Any]) -> String? {
        for (prefix, reason) in skippedFiles where file == prefix || (prefix.hasSuffix("/") && file.hasPrefix(prefix)) {
            return reason
        }
        if testCase["resourcePolicy"] != nil || testCase["resourcePolicies"] != nil {
            return "resource-based policies"
        }
        if testCase["endpointPolicies"] != nil { return "VPC endpoint policies" }
        if let simulation = testCase["simulation"] as? [String: Any], (simulation["mode"] as? String) != "Strict" {
            return "simulator discovery mode"
        }
        guard let request = testCase["request"] as? [String: Any] else { return "no request" }
        guard let principal = request["principal"] as? String else { return "anonymous principal" }
        if !principal.hasPrefix("arn:") { return "service principal" }
        if let resource = request["resource"] as? [String: Any], let arn = resource["resource"] as? String,
            arn != "*", arn.contains("*") || arn.contains("?")
        {
            return "wildcard request resource (simulator pattern intersection)"
        }
        return nil
    }

    /// Evaluates one case; returns a description of the mismatch, or nil when it passes.
    static func check(_ testCase: [String: Any]) throws -> String? {
        let request = try makeRequest(testCase)
        let policies = try makePolicies(testCase)
        let decision = PolicyEvaluator(policies: policies).evaluate(request)

        let expected = testCase["expected"] as? [String: Any] ?? [:]
        let expectedResponse = expected["response"] as? String ?? "?"
        if decision.result.rawValue != expectedResponse {
            return "expected \(expectedResponse), got \(decision.result.rawValue) \(decision)"
        }
        let expectedBlockedBy = Set(expected["blockedBy"] as? [String] ?? [])
        let actualBlockedBy = simulatorBlockedBy(decision)
        if expectedBlockedBy != actualBlockedBy {
            return "expected blockedBy \(expectedBlockedBy.sorted()), got \(actualBlockedBy.sorted())"
        }
        return nil
    }

    /// iam-simulate's `blockedBy`: the guardrails (SCP, RCP, permissions boundary) that turned a
    /// request the identity policies allow into a denial.
    static func simulatorBlockedBy(_ decision: AuthorizationDecision) -> Set<String> {
        let failed = decision.explicitDenies.union(decision.missingAllows)
        let coreAllowed = !failed.contains(.identity) && !failed.contains(.session) && !failed.contains(.resource)
        guard coreAllowed else { return [] }
        var blocked: Set<String> = []
        if failed.contains(.serviceControl) { blocked.insert("scp") }
        if failed.contains(.resourceControl) { blocked.insert("rcp") }
        if failed.contains(.permissionsBoundary) { blocked.insert("pb") }
        return blocked
    }

    static func makeRequest(_ testCase: [String: Any]) throws -> AuthorizationRequest {
        guard let request = testCase["request"] as? [String: Any], let principal = request["principal"] as? String,
            let action = request["action"] as? String, let resource = request["resource"] as? [String: Any],
            let resourceARN = resource["resource"] as? String
        else { throw CaseFileError(description: "malformed request") }
        let principalParts = principal.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let principalAccount = principalParts.count == 6 ? String(principalParts[4]) : ""
        var context: [String: ContextValue] = [:]
        for (key, value) in request["context"] as? [String: Any] ?? [:] {
            if let values = value as? [Any] {
                context[key] = .strings(values.map { "\($0)" })
            } else {
                context[key] = .string("\(value)")
            }
        }
        return AuthorizationRequest(
            principalARN: principal, principalAccount: principalAccount, action: action, resource: resourceARN,
            resourceAccount: resource["accountId"] as? String, context: context
        )
    }

    static func makePolicies(_ testCase: [String: Any]) throws -> CompiledPolicySet {
        func compile(_ objects: [Any], prefix: String, options: PolicyParseOptions) throws -> [CompiledPolicy] {
            try objects.enumerated().map { index, object in
                try CompiledPolicy(parsing: try policyText(object), id: "\(prefix)-\(index)", options: options)
            }
        }
        let identity = try compile(
            testCase["identityPolicies"] as? [Any] ?? [], prefix: "identity", options: identityOptions
        )
        let boundaries = try (testCase["permissionBoundaries"] as? [Any]).map {
            try compile($0, prefix: "boundary", options: identityOptions)
        }
        let session = try (testCase["sessionPolicy"]).map {
            try compile([$0], prefix: "session", options: identityOptions)
        }
        func levels(_ key: String, addFullAccess: Bool) throws -> [[CompiledPolicy]]? {
            guard let levels = testCase[key] as? [[String: Any]] else { return nil }
            return try levels.map { level in
                let organisationLevel = level["orgIdentifier"] as? String ?? "level"
                let policies = try compile(
                    level["policies"] as? [Any] ?? [], prefix: "\(key)-\(organisationLevel)", options: .permissive
                )
                return addFullAccess ? [fullAccessRCP] + policies : policies
            }
        }
        return CompiledPolicySet(
            identityPolicies: identity, permissionsBoundaries: boundaries, sessionPolicies: session,
            serviceControlPolicies: try levels("serviceControlPolicies", addFullAccess: false),
            resourceControlPolicies: try levels("resourceControlPolicies", addFullAccess: true)
        )
    }
}

/// Prints the corpus totals once the per-file tests have run.
@Suite("iam-simulate corpus totals", .enabled(if: SharedCases.isAvailable), .serialized)
struct IAMSimulateTotals {
    @Test("the corpus has runnable cases")
    func totals() throws {
        // Count independently of the (parallel) per-file tests so the numbers are complete.
        var run = 0
        var skipped = 0
        for file in SharedCases.files {
            for testCase in try SharedCases.load(file) {
                if IAMSimulateCaseTests.skipReason(file: file, testCase: testCase) == nil {
                    run += 1
                } else {
                    skipped += 1
                }
            }
        }
        print("iam-simulate core_engine total: \(run) cases run, \(skipped) skipped, \(SharedCases.files.count) files")
        #expect(run > 150)
    }
}
