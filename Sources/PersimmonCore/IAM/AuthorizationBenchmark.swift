import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Times the cached end-to-end authorization decision of the front door: the IAM generation check against the store,
/// the cached compiled policy set, the request context (principal keys, tags, environment) and the evaluation.
///
/// Scenario: an IAM user with 10 attached customer-managed policies of 10 statements each (the allowing statement
/// last), deciding `personalize:DescribeDatasetGroup` on a dataset group. `persimmon bench-authorization` runs it
/// from a release build.
package enum AuthorizationBenchmark {
    package struct Result: Sendable, CustomStringConvertible {
        package var iterations: Int
        package var p50Nanoseconds: Double
        package var p90Nanoseconds: Double
        package var p99Nanoseconds: Double

        package var description: String {
            func micros(_ nanoseconds: Double) -> String { "\((nanoseconds / 10).rounded() / 100) µs" }
            return "\(iterations) decisions: p50 \(micros(p50Nanoseconds)), p90 \(micros(p90Nanoseconds)), "
                + "p99 \(micros(p99Nanoseconds))"
        }
    }

    /// Sets up the scenario in `storage` and measures `iterations` decisions one by one.
    package static func run(storage: some PersimmonStorage, iterations: Int) async throws -> Result {
        let account = AccountID("111122223333")
        let box = try SecretBox(masterKey: Array(repeating: 7, count: 32))
        let cache = IAMSnapshotCache(store: storage)
        let service = IAMService(
            store: storage, credentials: storage, cache: cache, box: box, hasher: PasswordHasher(iterations: 1))
        let context = OperationContext(
            account: account, principal: .root(of: account), operation: "Benchmark", requestID: "bench",
            region: "us-east-1", logger: Logger(label: "bench"), now: Date()
        )
        let user = try await service.createUser(
            name: "alice", path: "/", permissionsBoundary: nil, tags: [IAMTag(key: "team", value: "recs")],
            context: context)
        for index in 0..<10 {
            let policy = try await service.createPolicy(
                name: "bench-\(index)", path: "/", document: document(policy: index), description: nil, tags: [],
                context: context)
            try await service.attachPolicy(to: .user, name: "alice", policyARN: policy.arn, context: context)
        }
        let authorizer = Authorizer(cache: cache)
        let principal = Principal(
            kind: .user, account: account, arn: user.arn, userName: "alice", userID: "AKIABENCHMARK0000000")
        let checks = [
            AuthorizationCheck(
                action: "personalize:DescribeDatasetGroup",
                resource: "arn:aws:personalize:us-east-1:111122223333:dataset-group/alice-movies",
                resourceAccount: "111122223333",
                taggedResource: "arn:aws:personalize:us-east-1:111122223333:dataset-group/alice-movies")
        ]
        let environment = RequestEnvironment(
            sourceIP: "10.1.2.3", secureTransport: true, time: Date(), requestedRegion: "us-east-1",
            userAgent: "Boto3/1.40")
        let noTags: (String) async throws -> [(key: String, value: String)] = { _ in [] }
        let first = try await authorizer.authorize(
            principal, checks: checks, environment: environment, resourceTags: noTags)
        precondition(first.isAllowed, "benchmark scenario must be allowed: \(first)")
        var samples: [Double] = []
        samples.reserveCapacity(iterations)
        let clock = ContinuousClock()
        for _ in 0..<max(1, iterations) {
            let start = clock.now
            let outcome = try await authorizer.authorize(
                principal, checks: checks, environment: environment, resourceTags: noTags)
            let elapsed = clock.now - start
            precondition(outcome.isAllowed)
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
    static func document(policy: Int) -> String {
        var statements: [String] = []
        for statement in 0..<10 {
            if policy == 9 && statement == 9 {
                statements.append(
                    #"{"Sid":"AllowOwn","Effect":"Allow","Action":["personalize:Describe*","personalize:List*"],"Resource":"arn:aws:personalize:*:111122223333:dataset-group/${aws:username}-*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"recs"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"Bool":{"aws:SecureTransport":"true"}}}"#
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
                    #"{"Effect":"Allow","Action":"personalize:Create*","Resource":"arn:aws:personalize:us-west-2:111122223333:*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-west-2"}}}"#
                )
            case 2:
                statements.append(
                    #"{"Effect":"Deny","Action":"personalize:Delete*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"admins"}}}"#
                )
            case 3:
                statements.append(#"{"Effect":"Allow","NotAction":["iam:*","sts:*","personalize:*"],"Resource":"*"}"#)
            default:
                statements.append(
                    #"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/personalize-\#(statement)","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:*:111122223333:*"}}}"#
                )
            }
        }
        return #"{"Version":"2012-10-17","Statement":["# + statements.joined(separator: ",") + "]}"
    }
}
