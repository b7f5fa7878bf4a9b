/// IAM's naming rules and ARNs, checked on the server because botocore checks only lengths.
package enum IAMNames {
    /// `[\w+=,.@-]+`: the pattern of user, group and policy names (`\w` is `[A-Za-z0-9_]`).
    package static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                case UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ","), UInt8(ascii: "."),
                    UInt8(ascii: "@"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }

    /// Checks a user, group or policy name: length 1…`maxLength` and the name pattern.
    /// - Parameter member: the wire member in AWS's message style (`userName`, `groupName`, `policyName`).
    static func validateName(_ name: String, member: String, maxLength: Int) throws(IAMError) {
        guard name.utf8.count <= maxLength, name.count >= 1 else {
            throw IAMError.validation(
                member, name, "Member must have length less than or equal to \(maxLength)")
        }
        guard isValidName(name) else {
            throw IAMError.validation(member, name, "Member must satisfy regular expression pattern: [\\w+=,.@-]+")
        }
    }

    /// `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`: `/` alone, or printable ASCII between slashes; at most 512.
    package static func isValidPath(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard bytes.count >= 1, bytes.count <= 512, bytes.first == UInt8(ascii: "/"), bytes.last == UInt8(ascii: "/")
        else { return false }
        return bytes.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }

    static func validatePath(_ path: String, member: String = "path") throws(IAMError) {
        guard isValidPath(path) else {
            throw IAMError.validation(
                member, path,
                "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"
            )
        }
    }

    /// `\u002F[\u0021-\u007F]*`: a path prefix for listings.
    static func validatePathPrefix(_ prefix: String) throws(IAMError) {
        let bytes = Array(prefix.utf8)
        guard bytes.count >= 1, bytes.count <= 512, bytes.first == UInt8(ascii: "/"),
            bytes.allSatisfy({ $0 >= 0x21 && $0 <= 0x7F })
        else {
            throw IAMError.validation(
                "pathPrefix", prefix, "Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*")
        }
    }

    /// Tag keys: 1–128 of letters, digits, spaces and `_.:/=+-@`; not starting with `aws:`. Values: 0–256 of the
    /// same characters.
    static func validateTags(_ tags: [IAMTag], limit: Int = 50) throws(IAMError) {
        var keys: Set<String> = []
        for tag in tags {
            guard tag.key.count >= 1, tag.key.count <= 128, isTagText(tag.key) else {
                throw IAMError.validation(
                    "tags.member.key", tag.key,
                    "Member must have length between 1 and 128 and satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"
                )
            }
            guard tag.value.count <= 256, isTagText(tag.value) else {
                throw IAMError.validation(
                    "tags.member.value", tag.value,
                    "Member must have length less than or equal to 256 and satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"
                )
            }
            guard !tag.key.lowercased().hasPrefix("aws:") else {
                throw IAMError(.invalidInput, "Tag keys starting with 'aws:' are reserved for AWS use.")
            }
            guard keys.insert(tag.key.lowercased()).inserted else {
                throw IAMError(
                    .invalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
            }
        }
        guard tags.count <= limit else { throw IAMError.quota("TagsPerEntity", limit) }
    }

    private static func isTagText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || scalar.properties.generalCategory == .spaceSeparator || "_.:/=+-@".unicodeScalars.contains(scalar)
        }
    }

    // MARK: ARNs

    /// The partition every ARN uses.
    package static let partition = "aws"
    /// The account part of AWS-managed policy ARNs (`arn:aws:iam::aws:policy/…`).
    package static let awsManagedAccount = "aws"

    package static func userARN(account: AccountID, path: String, name: String) -> String {
        "arn:\(partition):iam::\(account.rawValue):user\(path)\(name)"
    }

    package static func groupARN(account: AccountID, path: String, name: String) -> String {
        "arn:\(partition):iam::\(account.rawValue):group\(path)\(name)"
    }

    package static func policyARN(account: String, path: String, name: String) -> String {
        "arn:\(partition):iam::\(account):policy\(path)\(name)"
    }

    /// A policy ARN split into its account, path and name: `arn:aws:iam::<account|aws>:policy<path><name>`.
    package static func parsePolicyARN(_ arn: String) -> (account: String, path: String, name: String)? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == Substring(partition), parts[2] == "iam",
            parts[3].isEmpty, !parts[4].isEmpty, parts[5].hasPrefix("policy/")
        else { return nil }
        let resource = parts[5].dropFirst("policy".count)
        guard let lastSlash = resource.lastIndex(of: "/") else { return nil }
        let path = String(resource[...lastSlash])
        let name = String(resource[resource.index(after: lastSlash)...])
        guard isValidPath(path), isValidName(name) else { return nil }
        return (String(parts[4]), path, name)
    }
}
