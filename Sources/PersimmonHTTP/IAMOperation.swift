/// The IAM operations Persimmon serves (query protocol, `Version=2010-05-08`, signed as `iam`).
package enum IAMOperation: String, Sendable, CaseIterable {
    case createUser = "CreateUser"
    case getUser = "GetUser"
    case listUsers = "ListUsers"
    case updateUser = "UpdateUser"
    case deleteUser = "DeleteUser"
    case tagUser = "TagUser"
    case untagUser = "UntagUser"
    case listUserTags = "ListUserTags"
    case createAccessKey = "CreateAccessKey"
    case listAccessKeys = "ListAccessKeys"
    case updateAccessKey = "UpdateAccessKey"
    case deleteAccessKey = "DeleteAccessKey"
    case getAccessKeyLastUsed = "GetAccessKeyLastUsed"
    case createGroup = "CreateGroup"
    case getGroup = "GetGroup"
    case listGroups = "ListGroups"
    case deleteGroup = "DeleteGroup"
    case addUserToGroup = "AddUserToGroup"
    case removeUserFromGroup = "RemoveUserFromGroup"
    case listGroupsForUser = "ListGroupsForUser"
    case createPolicy = "CreatePolicy"
    case getPolicy = "GetPolicy"
    case listPolicies = "ListPolicies"
    case deletePolicy = "DeletePolicy"
    case createPolicyVersion = "CreatePolicyVersion"
    case getPolicyVersion = "GetPolicyVersion"
    case listPolicyVersions = "ListPolicyVersions"
    case setDefaultPolicyVersion = "SetDefaultPolicyVersion"
    case deletePolicyVersion = "DeletePolicyVersion"
    case attachUserPolicy = "AttachUserPolicy"
    case detachUserPolicy = "DetachUserPolicy"
    case listAttachedUserPolicies = "ListAttachedUserPolicies"
    case attachGroupPolicy = "AttachGroupPolicy"
    case detachGroupPolicy = "DetachGroupPolicy"
    case listAttachedGroupPolicies = "ListAttachedGroupPolicies"
    case putUserPolicy = "PutUserPolicy"
    case getUserPolicy = "GetUserPolicy"
    case listUserPolicies = "ListUserPolicies"
    case deleteUserPolicy = "DeleteUserPolicy"
    case putGroupPolicy = "PutGroupPolicy"
    case getGroupPolicy = "GetGroupPolicy"
    case listGroupPolicies = "ListGroupPolicies"
    case deleteGroupPolicy = "DeleteGroupPolicy"
    case putUserPermissionsBoundary = "PutUserPermissionsBoundary"
    case deleteUserPermissionsBoundary = "DeleteUserPermissionsBoundary"
    case createLoginProfile = "CreateLoginProfile"
    case getLoginProfile = "GetLoginProfile"
    case updateLoginProfile = "UpdateLoginProfile"
    case deleteLoginProfile = "DeleteLoginProfile"
    case simulatePrincipalPolicy = "SimulatePrincipalPolicy"
    case simulateCustomPolicy = "SimulateCustomPolicy"

    /// The IAM action that authorizes the operation (`iam:CreateUser`): always the same name.
    package var action: String { "iam:\(rawValue)" }

    /// Read-only operations (for the audit trail's `readOnly`).
    package var isReadOnly: Bool {
        rawValue.hasPrefix("Get") || rawValue.hasPrefix("List") || rawValue.hasPrefix("Simulate")
    }

    /// What the operation acts on, for authorization: a user, a group, a managed policy, or nothing (`*`).
    enum Target {
        /// `UserName` (or the caller when it is omitted and `optional`).
        case user(optional: Bool)
        case group
        /// `PolicyArn` (or, for `CreatePolicy`, the ARN being created).
        case policy
        case simulationSource
        case accessKey
        case none
    }

    var target: Target {
        switch self {
        case .createUser, .getUser, .updateUser, .deleteUser, .tagUser, .untagUser, .listUserTags,
            .attachUserPolicy, .detachUserPolicy, .listAttachedUserPolicies, .putUserPolicy, .getUserPolicy,
            .listUserPolicies, .deleteUserPolicy, .putUserPermissionsBoundary, .deleteUserPermissionsBoundary,
            .listGroupsForUser, .updateLoginProfile:
            .user(optional: self == .getUser)
        case .createAccessKey, .listAccessKeys, .updateAccessKey, .deleteAccessKey, .createLoginProfile,
            .getLoginProfile, .deleteLoginProfile:
            .user(optional: true)
        case .createGroup, .getGroup, .deleteGroup, .addUserToGroup, .removeUserFromGroup, .attachGroupPolicy,
            .detachGroupPolicy, .listAttachedGroupPolicies, .putGroupPolicy, .getGroupPolicy, .listGroupPolicies,
            .deleteGroupPolicy:
            .group
        case .createPolicy, .getPolicy, .deletePolicy, .createPolicyVersion, .getPolicyVersion, .listPolicyVersions,
            .setDefaultPolicyVersion, .deletePolicyVersion:
            .policy
        case .simulatePrincipalPolicy:
            .simulationSource
        case .getAccessKeyLastUsed:
            .accessKey
        case .listUsers, .listGroups, .listPolicies, .simulateCustomPolicy:
            .none
        }
    }

    /// Operations that change a managed policy itself: refused on built-in (`aws`) policies.
    var changesPolicy: Bool {
        switch self {
        case .deletePolicy, .createPolicyVersion, .setDefaultPolicyVersion, .deletePolicyVersion: true
        default: false
        }
    }
}

/// The STS operations Persimmon serves.
package enum STSOperation: String, Sendable, CaseIterable {
    case getCallerIdentity = "GetCallerIdentity"
}
