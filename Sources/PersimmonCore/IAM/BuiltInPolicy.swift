import Crypto

/// A managed policy that ships with Persimmon (`policies/` in the repository), available to every account as
/// `arn:aws:iam::aws:policy<path><name>`. Tenants may attach and read it, never change it.
package struct BuiltInPolicy: Sendable {
    package let name: String
    package let path: String
    /// The file under `policies/` it was embedded from.
    package let file: String
    package let description: String
    /// The policy document, byte for byte as in the file.
    package let document: String

    package init(name: String, path: String, file: String, description: String, document: String) {
        self.name = name
        self.path = path
        self.file = file
        self.description = description
        self.document = document
    }

    package var arn: String {
        IAMNames.policyARN(account: IAMNames.awsManagedAccount, path: path, name: name)
    }

    /// A stable `ANPA…` ID derived from the name (the same in every deployment).
    package var policyID: String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        let digest = Array(SHA256.hash(data: Array("persimmon-builtin-policy:\(name)".utf8)))
        let suffix = digest.prefix(17).map { alphabet[Int($0 % 32)] }
        return "ANPA" + String(decoding: suffix, as: UTF8.self)
    }

    /// Built-in policies have one version, `v1`, dated when Persimmon's policy set was first published.
    package static let versionID = "v1"
    package static let createdAt: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
}

/// The catalogue of built-in managed policies.
package enum BuiltInPolicies {
    /// ``all`` by ARN.
    package static let byARN: [String: BuiltInPolicy] = {
        var table: [String: BuiltInPolicy] = [:]
        for policy in all { table[policy.arn] = policy }
        return table
    }()

    package static func policy(arn: String) -> BuiltInPolicy? { byARN[arn] }
}
