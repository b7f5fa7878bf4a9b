import PersimmonAPIModel
import PersimmonCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Persimmon's extensions of the Personalize JSON protocol: operations AWS does not have, sent as
/// `X-Amz-Target: AmazonPersonalize.<Op>` and signed as `personalize`, like every control-plane call.
package enum PersonalizeExtensionOperation: String, Sendable, CaseIterable {
    /// What a tenant's dataset holds (`{"datasetArn": ...}`): the admin API's `DescribeDatasetStats` answer.
    case describeDatasetStats = "DescribeDatasetStats"

    /// The Personalize operation whose authorization (action and resource) the extension borrows.
    var authorizedAs: String {
        switch self {
        case .describeDatasetStats: "DescribeDataset"
        }
    }
}

/// Serves ``PersonalizeExtensionOperation``s for tenants. The numbers come from the same ``DatasetStatsSource`` as
/// the operator's `DescribeDatasetStats`.
package struct PersonalizeExtensionAPI: Sendable {
    struct DescribeDatasetStatsRequest: Decodable {
        var datasetArn: String?
    }

    let datasetStats: (any DatasetStatsSource)?

    /// The authorization checks: those of the borrowed operation (`personalize:DescribeDataset` on the dataset ARN,
    /// another account's ARN denied), from the generated table.
    static func checks(
        _ operation: PersonalizeExtensionOperation, body: [UInt8], account: AccountID, region: String
    ) -> [AuthorizationCheck] {
        PersonalizeChecks.checks(
            service: "personalize", operation: operation.authorizedAs, body: body, account: account, region: region)
    }

    func dispatch(_ operation: PersonalizeExtensionOperation, body: Data, context: OperationContext) async throws
        -> Data
    {
        switch operation {
        case .describeDatasetStats:
            let input: DescribeDatasetStatsRequest
            do {
                input = try AWSJSONCodec.decoder.decode(
                    DescribeDatasetStatsRequest.self, from: body.isEmpty ? Data("{}".utf8) : body)
            } catch {
                throw ServiceError(.invalidInput, "The request body must be a JSON object with a datasetArn string.")
            }
            guard let arn = input.datasetArn, !arn.isEmpty else {
                throw ServiceError(
                    .invalidInput,
                    "1 validation error detected: Value null at 'datasetArn' failed to satisfy constraint: Member must not be null"
                )
            }
            guard arn.count <= 256 else {
                throw ServiceError(
                    .invalidInput,
                    "1 validation error detected: Value at 'datasetArn' failed to satisfy constraint: Member must have length less than or equal to 256"
                )
            }
            // Authorization already refused another account's ARN; never answer for one regardless.
            guard let parsed = ResourceARN(parsing: arn), parsed.account == context.account.rawValue else {
                throw ServiceError.notFound("dataset", arn)
            }
            guard let datasetStats else {
                throw ServiceError.notFound("dataset", arn)
            }
            return try AWSJSONCodec.encoder.encode(try await datasetStats.stats(datasetARN: arn))
        }
    }
}

extension AdminAPI {
    /// The tenant-facing extensions, answered from this API's dataset statistics source.
    package var personalizeExtensions: PersonalizeExtensionAPI {
        PersonalizeExtensionAPI(datasetStats: datasetStats)
    }
}
