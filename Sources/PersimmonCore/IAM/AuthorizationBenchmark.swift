import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Times the per-request cost of authorization as the front door pays it, over one store.
///
/// Scenario: an IAM user with 10 attached customer-managed policies of 10 statements each (the allowing statement
/// last), deciding `personalize:DescribeDatasetGroup` on a dataset group. Three measurements:
///
/// - **decision**: what authorization adds to a request — the IAM generation comes with the access key read by
///   authentication, so this is the cached compiled policy set, the request context (principal keys, tags,
///   environment) and the evaluation, with no store read;
/// - **key lookup + decision**: authentication's one store read (the key, its account's status and the IAM
///   generation in one statement, then opening the sealed secret) followed by the decision — everything a request
///   pays before its handler except the SigV4 HMAC;
/// - **decision reading the generation**: the decision when the generation is not known and is read from the store;
/// - **three reads + decision**: what a request paid before the generation came with the key — the key (and opening
///   its secret), the account and the generation read one by one, then the decision.
///
/// `persimmon bench-authorization` runs it from a release build.
package enum AuthorizationBenchmark {
    package struct Result: Sendable, CustomStringConvertible {
        package var iterations: Int
        package var p50Nanoseconds: Double
        package var p90Nanoseconds: Double
        package var p99Nanoseconds: Double

        package var description: String {
            func micros(_ nanoseconds: Double) -> String { "\((nanoseconds / 10).rounded() / 100) µs" }
            return "\(iterations) runs: p50 \(micros(p50Nanoseconds)), p90 \(micros(p90Nanoseconds)), "
                + "p99 \(micros(p99Nanoseconds))"
        }
    }

    /// The three measurements of one store.
    package struct Report: Sendable {
        package var decision: Result
        package var lookupAndDecision: Result
        package var decisionReadingGeneration: Result
        package var threeReadsAndDecision: Result
    }

    /// Sets up the scenario in `storage` and measures `iterations` runs of each path one by one.
    /// - Parameter accountID: a 12-digit account ID not yet used in `storage`.
    package static func run(storage: some PersimmonStorage, iterations: Int, accountID: String = "111122223333")
        async throws -> Report
    {
        let account = AccountID(accountID)
        let box = try SecretBox(masterKey: Array(repeating: 7, count: 32))
        let cache = IAMSnapshotCache(store: storage)
        let service = IAMService(
            store: storage, credentials: storage, cache: cache, box: box, compute: InlineComputeExecutor(),
            hasher: PasswordHasher(iterations: 1))
        let clock = SystemWallClock()
        let accounts = AccountService(
            store: storage, box: box, clock: clock, operatorAccessKeyID: "AKIAOPERATOR00000000",
            operatorSecret: "operator-secret")
        try await storage.insertAccount(
            AccountRecord(
                id: account, name: "bench", email: nil, status: .active, createdAt: clock.now().epochMilliseconds))
        let context = OperationContext(
            account: account, principal: .root(of: account), operation: "Benchmark", requestID: "bench",
            region: "us-east-1", logger: Logger(label: "bench"), now: Date()
        )
        _ = try await service.createUser(
            name: "alice", path: "/", permissionsBoundary: nil, tags: [IAMTag(key: "team", value: "recs")],
            context: context)
        for index in 0..<10 {
            let policy = try await service.createPolicy(
                name: "bench-\(index)", path: "/", document: document(policy: index, account: accountID),
                description: nil, tags: [], context: context)
            try await service.attachPolicy(to: .user, name: "alice", policyARN: policy.arn, context: context)
        }
        let key = try await service.createAccessKey(userName: "alice", context: context)
        let authorizer = Authorizer(cache: cache)
        let checks = [
            AuthorizationCheck(
                action: "personalize:DescribeDatasetGroup",
                resource: "arn:aws:personalize:us-east-1:\(accountID):dataset-group/alice-movies",
                resourceAccount: accountID,
                taggedResource: "arn:aws:personalize:us-east-1:\(accountID):dataset-group/alice-movies")
        ]
        let environment = RequestEnvironment(
            sourceIP: "10.1.2.3", secureTransport: true, time: Date(), requestedRegion: "us-east-1",
            userAgent: "Boto3/1.40")
        let noTags: (String) async throws -> [(key: String, value: String)] = { _ in [] }
        guard let resolved = try await accounts.resolve(accessKeyID: key.record.accessKeyID),
            let generation = resolved.iamGeneration
        else { preconditionFailure("the benchmark user's key must resolve") }
        let principal = resolved.principal
        let first = try await authorizer.authorize(
            principal, iamGeneration: generation, checks: checks, environment: environment, resourceTags: noTags)
        precondition(first.isAllowed, "benchmark scenario must be allowed: \(first)")

        let decision = try await measure(iterations) {
            try await authorizer.authorize(
                principal, iamGeneration: generation, checks: checks, environment: environment, resourceTags: noTags
            ).isAllowed
        }
        let lookupAndDecision = try await measure(iterations) {
            guard let credential = try await accounts.resolve(accessKeyID: key.record.accessKeyID) else {
                return false
            }
            return try await authorizer.authorize(
                credential.principal, iamGeneration: credential.iamGeneration, checks: checks,
                environment: environment, resourceTags: noTags
            ).isAllowed
        }
        let readingGeneration = try await measure(iterations) {
            try await authorizer.authorize(
                principal, checks: checks, environment: environment, resourceTags: noTags
            ).isAllowed
        }
        // The path before the generation came with the key: key read, account read, generation read, decision.
        let threeReads = try await measure(iterations) {
            guard let key = try await storage.accessKey(id: key.record.accessKeyID), key.status == .active,
                let owner = try await storage.account(key.account), owner.status == .active,
                !(try box.open(key.sealedSecret, boundTo: key.accessKeyID)).isEmpty
            else { return false }
            return try await authorizer.authorize(
                principal, checks: checks, environment: environment, resourceTags: noTags
            ).isAllowed
        }
        return Report(
            decision: decision, lookupAndDecision: lookupAndDecision, decisionReadingGeneration: readingGeneration,
            threeReadsAndDecision: threeReads)
    }

    private static func measure(_ iterations: Int, _ body: () async throws -> Bool) async throws -> Result {
        var samples: [Double] = []
        samples.reserveCapacity(iterations)
        let clock = ContinuousClock()
        for _ in 0..<max(1, iterations) {
            let start = clock.now
            let allowed = try await body()
            let elapsed = clock.now - start
            precondition(allowed, "every benchmark decision must allow")
            samples.append(Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9)
        }
        samples.sort()
        func percentile(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
        return Result(
            iterations: samples.count, p50Nanoseconds: percentile(0.5), p90Nanoseconds: percentile(0.9),
            p99Nanoseconds: percentile(0.99))
    }

    /// Ten statements: nine that do not apply (other services, other regions, conditions, a conditional deny),
    /// and, in the last policy, the allowing one with a policy variable and three conditions.
    static func document(policy: Int, account: String) -> String {
        var statements: [String] = []
        for statement in 0..<10 {
            if policy == 9 && statement == 9 {
                statements.append(
                    #"{"Sid":"AllowOwn","Effect":"Allow","Action":["personalize:Describe*","personalize:List*"],"Resource":"arn:aws:personalize:*:\#(account):dataset-group/${aws:username}-*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"recs"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"Bool":{"aws:SecureTransport":"true"}}}"#
                )
                continue
            }
            switch statement % 5 {
            case 0:
                statements.append(
                    #"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket-\#(policy)/*"}"#
                )
            case 1:
                statements.append(
                    #"{"Effect":"Allow","Action":"personalize:Create*","Resource":"arn:aws:personalize:us-west-2:\#(account):*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-west-2"}}}"#
                )
            case 2:
                statements.append(
                    #"{"Effect":"Deny","Action":"personalize:Delete*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"admins"}}}"#
                )
            case 3:
                statements.append(#"{"Effect":"Allow","NotAction":["iam:*","sts:*","personalize:*"],"Resource":"*"}"#)
            default:
                statements.append(
                    #"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::\#(account):role/personalize-\#(statement)","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:*:\#(account):*"}}}"#
                )
            }
        }
        return #"{"Version":"2012-10-17","Statement":["# + statements.joined(separator: ",") + "]}"
    }
}
