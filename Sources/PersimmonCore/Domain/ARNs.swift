/// Builds and reads Personalize ARNs: `arn:aws:personalize:<region>:<account>:<type>/<path>`.
package struct ResourceARN: Sendable, Equatable {
    package var partition: String
    package var service: String
    package var region: String
    package var account: String
    /// The part after the account: `dataset-group/movies`, `dataset/movies/INTERACTIONS`, ...
    package var resource: String

    package init(
        partition: String = "aws", service: String = "personalize", region: String, account: String, resource: String
    ) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Parses any ARN with six colon-separated parts. Returns nil when the text is not an ARN.
    package init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        self.init(
            partition: String(parts[1]), service: String(parts[2]), region: String(parts[3]),
            account: String(parts[4]), resource: String(parts[5])
        )
    }

    /// The resource type: the part of `resource` before the first `/`.
    package var resourceType: Substring {
        resource.split(separator: "/", maxSplits: 1).first ?? ""
    }

    package var text: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    /// The ARN of a resource of `kind` named `path` in the caller's account and region.
    package static func make(_ kind: ResourceKind, _ path: String, in context: OperationContext) -> String {
        ResourceARN(region: context.region, account: context.account.rawValue, resource: "\(kind.rawValue)/\(path)")
            .text
    }
}
