/// How to authorize one API operation: the IAM action, the resource it acts on, and the further
/// actions some inputs require. Rows are generated into ``PersonalizeAuthorization/operations`` from
/// the Service Authorization Reference and botocore's models (`ops/codegen/generate_iam_actions.py`).
package struct OperationAuthorization: Sendable, Hashable {
    /// The botocore service name: `personalize`, `personalize-runtime` or `personalize-events`.
    package let service: String
    /// The operation's wire name (`CreateDatasetGroup`).
    package let operation: String
    /// The IAM action (`personalize:CreateDatasetGroup`).
    package let action: String
    /// The Service Authorization Reference access level: `Read`, `Write`, `List`, `Tagging`.
    package let accessLevel: String
    /// The reference's resource types for the action (`datasetGroup`); empty when it takes none.
    package let resourceTypes: [String]
    /// Where the request's resource ARN comes from.
    package let resource: ResourceLocator
    /// Service-specific condition keys the reference lists for the action (none for Personalize;
    /// the global `aws:` keys always apply).
    package let conditionKeys: [String]
    /// The input member that carries tags (`tags`, or `tagKeys` for `UntagResource`); when set, the
    /// caller should put `aws:RequestTag/<key>` and `aws:TagKeys` in the request context.
    package let tagsMember: String?
    /// Further authorizations when certain inputs are present.
    package let additionalAuthorizations: [AdditionalAuthorization]

    package init(
        service: String, operation: String, action: String, accessLevel: String, resourceTypes: [String],
        resource: ResourceLocator, conditionKeys: [String], tagsMember: String?,
        additionalAuthorizations: [AdditionalAuthorization]
    ) {
        self.service = service
        self.operation = operation
        self.action = action
        self.accessLevel = accessLevel
        self.resourceTypes = resourceTypes
        self.resource = resource
        self.conditionKeys = conditionKeys
        self.tagsMember = tagsMember
        self.additionalAuthorizations = additionalAuthorizations
    }

    /// `service:Operation`, the key of ``PersonalizeAuthorization/byOperation``.
    package var key: String { "\(service):\(operation)" }
}

/// A further action to authorize when an input member is present (and not empty): tagging on
/// create needs `personalize:TagResource`; passing `roleArn` needs `iam:PassRole`.
package struct AdditionalAuthorization: Sendable, Hashable {
    /// The IAM action (`iam:PassRole`).
    package let action: String
    /// The input member whose presence triggers the check (`tags`, `roleArn`).
    package let member: String
    /// The resource of the additional check.
    package let resource: ResourceLocator
    /// Extra request-context entries for the check (`iam:PassedToService` → `personalize.amazonaws.com`).
    package let context: [String: String]

    package init(action: String, member: String, resource: ResourceLocator, context: [String: String]) {
        self.action = action
        self.member = member
        self.resource = resource
        self.context = context
    }
}

/// Where a request's resource ARN comes from.
package enum ResourceLocator: Sendable, Hashable {
    /// The action takes no resource type: the request resource is the literal `*`.
    case wildcard
    /// The value of the first of these input members that is present (e.g. `campaignArn`, then
    /// `recommenderArn` for `GetRecommendations`).
    case inputMember([String])
    /// The ARN of the resource being created, built from a template: `${Partition}`, `${Region}` and
    /// `${Account}` come from the caller; `${member}` is an input member's value; `${member|resourceName}`
    /// is the name part of an ARN-valued member (`dataset-group/movies` → `movies`); `${member|upper}` is
    /// the value upper-cased.
    case template(String)

    /// The resource ARN of a request, or nil when a needed member is absent.
    ///
    /// - Parameter member: returns the string value of a top-level input member, nil when absent.
    package func resourceARN(
        partition: String, region: String, account: String, member: (String) -> String?
    ) -> String? {
        switch self {
        case .wildcard:
            return "*"
        case .inputMember(let names):
            for name in names {
                if let value = member(name) { return value }
            }
            return nil
        case .template(let template):
            var result = ""
            var rest = Substring(template)
            while let open = rest.firstRange(of: "${") {
                result += rest[..<open.lowerBound]
                guard let close = rest[open.upperBound...].firstIndex(of: "}") else { return nil }
                let placeholder = rest[open.upperBound..<close]
                rest = rest[rest.index(after: close)...]
                let parts = placeholder.split(separator: "|", maxSplits: 1)
                let name = String(parts.first ?? "")
                var value: String
                switch name {
                case "Partition": value = partition
                case "Region": value = region
                case "Account": value = account
                default:
                    guard let memberValue = member(name) else { return nil }
                    value = memberValue
                }
                if parts.count == 2 {
                    switch parts[1] {
                    case "upper":
                        value = value.uppercased()
                    case "resourceName":
                        let arnParts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
                        guard arnParts.count == 6, let slash = arnParts[5].firstIndex(of: "/") else { return nil }
                        value = String(arnParts[5][arnParts[5].index(after: slash)...])
                    default:
                        return nil
                    }
                }
                result += value
            }
            result += rest
            return result
        }
    }
}

/// Authorization metadata for every operation of the three Personalize APIs.
package enum PersonalizeAuthorization {
    /// The rows of ``operations`` keyed by ``OperationAuthorization/key`` (`personalize:CreateDatasetGroup`,
    /// `personalize-runtime:GetRecommendations`, `personalize-events:PutEvents`).
    package static let byOperation: [String: OperationAuthorization] = {
        var table: [String: OperationAuthorization] = [:]
        table.reserveCapacity(operations.count)
        for row in operations { table[row.key] = row }
        return table
    }()

    /// The row for a botocore service name and operation wire name.
    package static func authorization(service: String, operation: String) -> OperationAuthorization? {
        byOperation["\(service):\(operation)"]
    }
}
