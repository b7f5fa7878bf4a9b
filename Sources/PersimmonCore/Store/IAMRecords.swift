/// The rows IAM keeps per account: users, groups, customer-managed policies and their versions, attachments,
/// inline policies and login profiles. Access keys stay in the credential store's table (``AccessKeyRecord``).
///
/// Entities are referenced by their unique ID (`AIDA…`, `AGPA…`), never by name, so renaming a user touches one
/// row (plus its access keys, which carry the name for the authenticator). Times are epoch milliseconds.

/// A key–value tag on an IAM user or policy.
package struct IAMTag: Sendable, Equatable, Hashable, Codable {
    package var key: String
    package var value: String
    package init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Which kind of IAM entity an attachment or inline policy belongs to.
package enum IAMEntityKind: String, Sendable, Codable, CaseIterable {
    case user
    case group
}

/// An IAM entity by kind and unique ID.
package struct IAMEntityRef: Sendable, Equatable, Hashable, Codable {
    package var kind: IAMEntityKind
    /// The entity's unique ID (`AIDA…` for users, `AGPA…` for groups).
    package var id: String
    package init(kind: IAMEntityKind, id: String) {
        self.kind = kind
        self.id = id
    }
}

package struct IAMUserRecord: Sendable, Equatable {
    package var userID: String
    package var name: String
    package var path: String
    package var arn: String
    package var createdAt: Int64
    /// The ARN of the managed policy that caps this user's permissions, if any.
    package var permissionsBoundaryARN: String?
    package var tags: [IAMTag]
    package var passwordLastUsedAt: Int64?

    package init(
        userID: String, name: String, path: String, arn: String, createdAt: Int64,
        permissionsBoundaryARN: String? = nil, tags: [IAMTag] = [], passwordLastUsedAt: Int64? = nil
    ) {
        self.userID = userID
        self.name = name
        self.path = path
        self.arn = arn
        self.createdAt = createdAt
        self.permissionsBoundaryARN = permissionsBoundaryARN
        self.tags = tags
        self.passwordLastUsedAt = passwordLastUsedAt
    }
}

package struct IAMGroupRecord: Sendable, Equatable {
    package var groupID: String
    package var name: String
    package var path: String
    package var arn: String
    package var createdAt: Int64

    package init(groupID: String, name: String, path: String, arn: String, createdAt: Int64) {
        self.groupID = groupID
        self.name = name
        self.path = path
        self.arn = arn
        self.createdAt = createdAt
    }
}

/// A customer-managed policy. Its documents are ``IAMPolicyVersionRecord``s.
package struct IAMManagedPolicyRecord: Sendable, Equatable {
    package var policyID: String
    package var arn: String
    package var name: String
    package var path: String
    package var description: String?
    /// `v1`, `v2`, …
    package var defaultVersionID: String
    /// The number the next version gets: version IDs are never reused, even after a delete.
    package var nextVersionNumber: Int64
    package var tags: [IAMTag]
    package var createdAt: Int64
    package var updatedAt: Int64

    package init(
        policyID: String, arn: String, name: String, path: String, description: String?, defaultVersionID: String,
        nextVersionNumber: Int64, tags: [IAMTag], createdAt: Int64, updatedAt: Int64
    ) {
        self.policyID = policyID
        self.arn = arn
        self.name = name
        self.path = path
        self.description = description
        self.defaultVersionID = defaultVersionID
        self.nextVersionNumber = nextVersionNumber
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

package struct IAMPolicyVersionRecord: Sendable, Equatable {
    package var policyARN: String
    package var versionID: String
    /// The policy document exactly as the caller sent it.
    package var document: String
    package var createdAt: Int64

    package init(policyARN: String, versionID: String, document: String, createdAt: Int64) {
        self.policyARN = policyARN
        self.versionID = versionID
        self.document = document
        self.createdAt = createdAt
    }
}

/// A managed policy (customer or AWS-managed) attached to a user or group.
package struct IAMAttachmentRecord: Sendable, Equatable, Hashable {
    package var entity: IAMEntityRef
    package var policyARN: String
    package var attachedAt: Int64

    package init(entity: IAMEntityRef, policyARN: String, attachedAt: Int64) {
        self.entity = entity
        self.policyARN = policyARN
        self.attachedAt = attachedAt
    }
}

/// A policy embedded in one user or group.
package struct IAMInlinePolicyRecord: Sendable, Equatable {
    package var entity: IAMEntityRef
    package var policyName: String
    package var document: String

    package init(entity: IAMEntityRef, policyName: String, document: String) {
        self.entity = entity
        self.policyName = policyName
        self.document = document
    }
}

package struct IAMGroupMembershipRecord: Sendable, Equatable, Hashable {
    package var groupID: String
    package var userID: String
    package init(groupID: String, userID: String) {
        self.groupID = groupID
        self.userID = userID
    }
}

/// A user's console password, kept only as a slow salted hash (see ``PasswordHasher``).
package struct IAMLoginProfileRecord: Sendable, Equatable {
    package var userID: String
    /// `pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>`.
    package var passwordHash: String
    package var passwordResetRequired: Bool
    package var createdAt: Int64

    package init(userID: String, passwordHash: String, passwordResetRequired: Bool, createdAt: Int64) {
        self.userID = userID
        self.passwordHash = passwordHash
        self.passwordResetRequired = passwordResetRequired
        self.createdAt = createdAt
    }
}

/// Everything IAM holds for one account, read in one consistent snapshot.
///
/// `generation` grows by one with every committed change; a cache keyed by it is exact.
package struct IAMSnapshot: Sendable, Equatable {
    package var account: AccountID
    package var generation: Int64
    package var users: [IAMUserRecord]
    package var groups: [IAMGroupRecord]
    package var memberships: [IAMGroupMembershipRecord]
    package var policies: [IAMManagedPolicyRecord]
    package var versions: [IAMPolicyVersionRecord]
    package var attachments: [IAMAttachmentRecord]
    package var inlinePolicies: [IAMInlinePolicyRecord]
    package var loginProfiles: [IAMLoginProfileRecord]
    /// The access keys of the account's IAM users (not the root's).
    package var accessKeys: [AccessKeyRecord]

    package init(
        account: AccountID, generation: Int64 = 0, users: [IAMUserRecord] = [], groups: [IAMGroupRecord] = [],
        memberships: [IAMGroupMembershipRecord] = [], policies: [IAMManagedPolicyRecord] = [],
        versions: [IAMPolicyVersionRecord] = [], attachments: [IAMAttachmentRecord] = [],
        inlinePolicies: [IAMInlinePolicyRecord] = [], loginProfiles: [IAMLoginProfileRecord] = [],
        accessKeys: [AccessKeyRecord] = []
    ) {
        self.account = account
        self.generation = generation
        self.users = users
        self.groups = groups
        self.memberships = memberships
        self.policies = policies
        self.versions = versions
        self.attachments = attachments
        self.inlinePolicies = inlinePolicies
        self.loginProfiles = loginProfiles
        self.accessKeys = accessKeys
    }
}

/// One change to an account's IAM data. A commit applies a list of them atomically.
package enum IAMChange: Sendable, Equatable {
    /// Inserts the user, or replaces the row with the same user ID.
    case putUser(IAMUserRecord)
    case deleteUser(userID: String)
    case putGroup(IAMGroupRecord)
    case deleteGroup(groupID: String)
    case addMembership(IAMGroupMembershipRecord)
    case removeMembership(IAMGroupMembershipRecord)
    /// Inserts the policy, or replaces the row with the same ARN.
    case putPolicy(IAMManagedPolicyRecord)
    /// Removes the policy and all its versions.
    case deletePolicy(arn: String)
    case putPolicyVersion(IAMPolicyVersionRecord)
    case deletePolicyVersion(policyARN: String, versionID: String)
    case attach(IAMAttachmentRecord)
    case detach(entity: IAMEntityRef, policyARN: String)
    /// Inserts or replaces the inline policy of that name on that entity.
    case putInlinePolicy(IAMInlinePolicyRecord)
    case deleteInlinePolicy(entity: IAMEntityRef, policyName: String)
    /// Inserts or replaces the user's login profile.
    case putLoginProfile(IAMLoginProfileRecord)
    case deleteLoginProfile(userID: String)
    case insertAccessKey(AccessKeyRecord)
    case setAccessKeyStatus(accessKeyID: String, status: AccessKeyRecord.Status)
    case deleteAccessKey(accessKeyID: String)
    /// A user was renamed or moved: its access keys carry the new name and ARN from now on.
    case renameAccessKeyOwner(oldUserName: String, newUserName: String, newPrincipalARN: String)
}

// MARK: - Audit

/// One authenticated request as the audit trail keeps it. Never holds a secret, a signature or a request body.
package struct AuditEvent: Sendable, Equatable, Codable {
    /// A UUID, unique per event.
    package var eventID: String
    /// The account whose trail holds the event (the operator's events use ``AuditEvent/operatorAccount``).
    package var account: AccountID
    package var time: Int64
    /// The API operation (`CreateDatasetGroup`).
    package var eventName: String
    /// `personalize.amazonaws.com`, `iam.amazonaws.com`, …
    package var eventSource: String
    package var readOnly: Bool
    package var principalARN: String
    /// `Root`, `IAMUser` or `Operator`, as CloudTrail's `userIdentity.type`.
    package var principalType: String
    package var userName: String?
    package var accessKeyID: String
    /// The IAM action that was authorized (`personalize:CreateDatasetGroup`).
    package var action: String
    /// The resource ARN the action was authorized on, or `*`.
    package var resource: String
    /// `Allow`, `ExplicitDeny` or `ImplicitDeny`.
    package var decision: String
    /// Which statement decided: `<policy>#<statement>` (e.g. `user/alice/inline/admin#0`), or nil.
    package var decidingStatement: String?
    package var sourceIP: String?
    package var userAgent: String?
    package var requestID: String
    package var region: String
    /// The error the request ended with, if any.
    package var errorCode: String?
    package var errorMessage: String?

    /// The pseudo-account under which the operator's own requests are recorded.
    package static let operatorAccount = AccountID("000000000000")

    package init(
        eventID: String, account: AccountID, time: Int64, eventName: String, eventSource: String, readOnly: Bool,
        principalARN: String, principalType: String, userName: String?, accessKeyID: String, action: String,
        resource: String, decision: String, decidingStatement: String?, sourceIP: String?, userAgent: String?,
        requestID: String, region: String, errorCode: String?, errorMessage: String?
    ) {
        self.eventID = eventID
        self.account = account
        self.time = time
        self.eventName = eventName
        self.eventSource = eventSource
        self.readOnly = readOnly
        self.principalARN = principalARN
        self.principalType = principalType
        self.userName = userName
        self.accessKeyID = accessKeyID
        self.action = action
        self.resource = resource
        self.decision = decision
        self.decidingStatement = decidingStatement
        self.sourceIP = sourceIP
        self.userAgent = userAgent
        self.requestID = requestID
        self.region = region
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
}

/// Where an audit listing continues: the sort key of the last event returned (newest first).
package struct AuditCursor: Sendable, Equatable, Codable {
    package var time: Int64
    package var eventID: String
    package init(time: Int64, eventID: String) {
        self.time = time
        self.eventID = eventID
    }
}

/// A query over one account's audit trail. Every filter that is set must match.
package struct AuditQuery: Sendable, Equatable {
    package var eventID: String?
    package var eventName: String?
    package var userName: String?
    package var accessKeyID: String?
    /// Matches the event's resource exactly.
    package var resource: String?
    package var eventSource: String?
    package var readOnly: Bool?
    /// Matches events whose resource ARN is of this type.
    package var resourceType: AuditResourceType?
    /// Inclusive bounds, epoch milliseconds.
    package var startTime: Int64?
    package var endTime: Int64?
    package var after: AuditCursor?
    package var limit: Int

    package init(
        eventID: String? = nil, eventName: String? = nil, userName: String? = nil, accessKeyID: String? = nil,
        resource: String? = nil, eventSource: String? = nil, readOnly: Bool? = nil,
        resourceType: AuditResourceType? = nil, startTime: Int64? = nil, endTime: Int64? = nil,
        after: AuditCursor? = nil, limit: Int = 50
    ) {
        self.eventID = eventID
        self.eventName = eventName
        self.userName = userName
        self.accessKeyID = accessKeyID
        self.resource = resource
        self.eventSource = eventSource
        self.readOnly = readOnly
        self.resourceType = resourceType
        self.startTime = startTime
        self.endTime = endTime
        self.after = after
        self.limit = limit
    }
}

/// A CloudTrail resource type (`AWS::Personalize::DatasetGroup`, `AWS::IAM::User`) and the ARNs it names:
/// `arn:<partition>:<service>:<region>:<account>:<type>` and `…:<type>/…`, where `<type>` is the kebab-case form of
/// the type's name (`dataset-group`).
package struct AuditResourceType: Sendable, Equatable {
    /// The ARN's service, `personalize`.
    package var service: String
    /// The ARN's resource type, `dataset-group`.
    package var type: String

    /// Parses `AWS::<Service>::<Type>`; nil when the name is not of that form.
    package init?(cloudTrailName name: String) {
        let parts = name.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        func isName(_ part: String) -> Bool {
            !part.isEmpty && part.utf8.count <= 64
                && part.utf8.allSatisfy { byte in
                    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                }
        }
        guard parts.count == 3, parts[0] == "AWS", isName(parts[1]), isName(parts[2]) else { return nil }
        switch parts[1] {
        case "IAM": service = "iam"
        default: service = parts[1].lowercased()
        }
        var kebab = ""
        for (index, character) in parts[2].enumerated() {
            if character.isUppercase && index > 0 { kebab.append("-") }
            kebab.append(contentsOf: character.lowercased())
        }
        type = kebab
    }

    /// The CloudTrail type name of a resource ARN (`AWS::Personalize::DatasetGroup`), `Unknown` for a non-ARN.
    package static func name(ofARN arn: String) -> String {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6 else { return "Unknown" }
        let service: String
        switch parts[2] {
        case "personalize": service = "Personalize"
        case "iam": service = "IAM"
        default: service = parts[2].prefix(1).uppercased() + parts[2].dropFirst()
        }
        let type = parts[5].split(separator: "/").first.map(String.init) ?? String(parts[5])
        let camel = type.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return "AWS::\(service)::\(camel)"
    }

    /// Whether `arn` names a resource of this type.
    package func matches(_ arn: String) -> Bool {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == service else { return false }
        return parts[5] == type || parts[5].hasPrefix(type + "/")
    }

    /// SQL `LIKE` patterns for the resource column: the bare type and the type followed by `/…`. Service and type
    /// are letters, digits and dashes only, so they hold no wildcard.
    package var likePatterns: [String] {
        let base = "arn:%:\(service):%:%:\(type)"
        return [base, base + "/%"]
    }
}
