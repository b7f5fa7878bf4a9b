import PersimmonCore
import PersimmonIAM

/// Serves IAM over AWS's query protocol: decodes form parameters, calls ``IAMService``, writes XML.
///
/// Authorization is not done here but in the front door, from ``checks(for:parameters:principal:snapshot:)``.
package struct IAMAPI: Sendable {
    package static let namespace = "https://iam.amazonaws.com/doc/2010-05-08/"
    package static let version = "2010-05-08"
    package static let signingName = "iam"

    package let service: IAMService
    package let simulator: PolicySimulator
    /// The newest audit event of an access key (for GetAccessKeyLastUsed), after pending events are written.
    package let lastUse: @Sendable (AccountID, String) async throws -> AuditEvent?

    package init(
        service: IAMService, simulator: PolicySimulator,
        lastUse: @escaping @Sendable (AccountID, String) async throws -> AuditEvent?
    ) {
        self.service = service
        self.simulator = simulator
        self.lastUse = lastUse
    }

    // MARK: Authorization

    /// The checks the front door authorizes before dispatching: `iam:<Operation>` on the user, group or policy the
    /// request names (ARNs built from the snapshot, so a user's path is part of it), with IAM's condition keys.
    package func checks(
        for operation: IAMOperation, parameters p: QueryParameters, principal: Principal, snapshot: IAMSnapshot
    ) -> [AuthorizationCheck] {
        let account = snapshot.account
        var resource = "*"
        var owner: String? = account.rawValue
        var context: [String: ContextValue] = [:]
        switch operation.target {
        case .user(let optional):
            let name = p.string("UserName") ?? (optional ? principal.userName : nil)
            if let name {
                if let user = snapshot.users.first(where: { $0.name.lowercased() == name.lowercased() }) {
                    resource = user.arn
                    for tag in user.tags {
                        context["aws:ResourceTag/\(tag.key)"] = .string(tag.value)
                        context["iam:ResourceTag/\(tag.key)"] = .string(tag.value)
                    }
                } else {
                    let path = operation == .createUser ? (p.string("Path") ?? "/") : "/"
                    resource = IAMNames.userARN(
                        account: account, path: IAMNames.isValidPath(path) ? path : "/", name: name)
                }
            } else {
                resource = principal.arn
            }
        case .group:
            let name = p.string("GroupName") ?? ""
            if let group = snapshot.groups.first(where: { $0.name.lowercased() == name.lowercased() }) {
                resource = group.arn
            } else {
                let path = operation == .createGroup ? (p.string("Path") ?? "/") : "/"
                resource = IAMNames.groupARN(
                    account: account, path: IAMNames.isValidPath(path) ? path : "/", name: name)
            }
        case .policy:
            if operation == .createPolicy {
                let path = p.string("Path") ?? "/"
                resource = IAMNames.policyARN(
                    account: account.rawValue, path: IAMNames.isValidPath(path) ? path : "/",
                    name: p.string("PolicyName") ?? "")
            } else {
                resource = p.string("PolicyArn") ?? "*"
                owner = AuthorizationCheck.account(of: resource)
                // Built-in policies are readable and attachable by every account, and changeable by none.
                if owner == IAMNames.awsManagedAccount && !operation.changesPolicy { owner = nil }
            }
        case .simulationSource:
            resource = p.string("PolicySourceArn") ?? "*"
            owner = AuthorizationCheck.account(of: resource)
        case .accessKey:
            let keyID = p.string("AccessKeyId") ?? ""
            if let key = snapshot.accessKeys.first(where: { $0.accessKeyID == keyID }) {
                resource = key.principalARN
            }
        case .none:
            owner = nil
        }
        if resource == "*" { owner = nil }
        switch operation {
        case .createUser, .tagUser, .createPolicy:
            let tags = (try? p.tags()) ?? []
            for tag in tags { context["aws:RequestTag/\(tag.key)"] = .string(tag.value) }
            if !tags.isEmpty { context["aws:TagKeys"] = .strings(tags.map(\.key)) }
        case .untagUser:
            if let keys = p.list("TagKeys") { context["aws:TagKeys"] = .strings(keys) }
        default:
            break
        }
        if let boundary = p.string("PermissionsBoundary"),
            operation == .createUser || operation == .putUserPermissionsBoundary
        {
            context["iam:PermissionsBoundary"] = .string(boundary)
        }
        if let policyARN = p.string("PolicyArn"),
            [.attachUserPolicy, .detachUserPolicy, .attachGroupPolicy, .detachGroupPolicy].contains(operation)
        {
            context["iam:PolicyARN"] = .string(policyARN)
        }
        return [
            AuthorizationCheck(action: operation.action, resource: resource, resourceAccount: owner, context: context)
        ]
    }

    // MARK: Dispatch

    /// Runs one operation and returns the response body (`<OpResponse>` XML).
    package func dispatch(_ operation: IAMOperation, _ p: QueryParameters, context: OperationContext) async throws
        -> [UInt8]
    {
        var xml = XMLWriter()
        let op = operation.rawValue
        xml.open("\(op)Response", namespace: Self.namespace)
        var result = XMLWriter()
        var hasResult = true
        switch operation {
        case .createUser:
            let user = try await service.createUser(
                name: try p.required("UserName"), path: p.string("Path"),
                permissionsBoundary: p.string("PermissionsBoundary"), tags: try p.tags(), context: context)
            Self.write(user: user, to: &result, tags: !user.tags.isEmpty)
        case .getUser:
            let user = try await service.getUser(name: p.string("UserName"), context: context)
            Self.write(user: user, to: &result, tags: !user.tags.isEmpty)
        case .listUsers:
            let page = try await service.listUsers(
                pathPrefix: p.string("PathPrefix"), marker: p.string("Marker"), maxItems: try p.int("MaxItems"),
                context: context)
            result.list("Users", page.items) { xml, user in Self.writeUserMembers(user, to: &xml, tags: false) }
            Self.write(page: page, to: &result)
        case .updateUser:
            try await service.updateUser(
                name: try p.required("UserName"), newName: p.string("NewUserName"), newPath: p.string("NewPath"),
                context: context)
            hasResult = false
        case .deleteUser:
            try await service.deleteUser(name: try p.required("UserName"), context: context)
            hasResult = false
        case .tagUser:
            try await service.tagUser(name: try p.required("UserName"), tags: try p.tags(), context: context)
            hasResult = false
        case .untagUser:
            try await service.untagUser(
                name: try p.required("UserName"), keys: p.list("TagKeys") ?? [], context: context)
            hasResult = false
        case .listUserTags:
            let page = try await service.listUserTags(
                name: try p.required("UserName"), marker: p.string("Marker"), maxItems: try p.int("MaxItems"),
                context: context)
            result.list("Tags", page.items) { xml, tag in
                xml.element("Key", tag.key)
                xml.element("Value", tag.value)
            }
            Self.write(page: page, to: &result)
        case .createAccessKey:
            let issued = try await service.createAccessKey(userName: p.string("UserName"), context: context)
            result.element("AccessKey") { xml in
                xml.element("UserName", issued.record.userName ?? "root")
                xml.element("AccessKeyId", issued.record.accessKeyID)
                xml.element("Status", issued.record.status.rawValue)
                xml.element("SecretAccessKey", issued.secretAccessKey)
                xml.element("CreateDate", epochMilliseconds: issued.record.createdAt)
            }
        case .listAccessKeys:
            let page = try await service.listAccessKeys(
                userName: p.string("UserName"), marker: p.string("Marker"), maxItems: try p.int("MaxItems"),
                context: context)
            result.list("AccessKeyMetadata", page.items) { xml, key in
                xml.element("UserName", key.userName)
                xml.element("AccessKeyId", key.accessKeyID)
                xml.element("Status", key.status.rawValue)
                xml.element("CreateDate", epochMilliseconds: key.createdAt)
            }
            Self.write(page: page, to: &result)
        case .updateAccessKey:
            let status = try p.required("Status")
            guard let parsed = AccessKeyRecord.Status(rawValue: status) else {
                throw IAMError(
                    .validationError,
                    "1 validation error detected: Value '\(status)' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]"
                )
            }
            try await service.updateAccessKey(
                userName: p.string("UserName"), accessKeyID: try p.required("AccessKeyId"), status: parsed,
                context: context)
            hasResult = false
        case .deleteAccessKey:
            try await service.deleteAccessKey(
                userName: p.string("UserName"), accessKeyID: try p.required("AccessKeyId"), context: context)
            hasResult = false
        case .getAccessKeyLastUsed:
            let use = try await service.accessKeyLastUsed(
                accessKeyID: try p.required("AccessKeyId"), context: context, auditLastUse: lastUse)
            result.element("UserName", use.userName ?? "root")
            result.element("AccessKeyLastUsed") { xml in
                if let time = use.time { xml.element("LastUsedDate", epochMilliseconds: time) }
                xml.element("ServiceName", use.serviceName)
                xml.element("Region", use.region)
            }
        case .createGroup:
            let group = try await service.createGroup(
                name: try p.required("GroupName"), path: p.string("Path"), context: context)
            result.element("Group") { xml in Self.writeGroupMembers(group, to: &xml) }
        case .getGroup:
            let (group, users) = try await service.getGroup(
                name: try p.required("GroupName"), marker: p.string("Marker"), maxItems: try p.int("MaxItems"),
                context: context)
            result.element("Group") { xml in Self.writeGroupMembers(group, to: &xml) }
            result.list("Users", users.items) { xml, user in Self.writeUserMembers(user, to: &xml, tags: false) }
            Self.write(page: users, to: &result)
        case .listGroups:
            let page = try await service.listGroups(
                pathPrefix: p.string("PathPrefix"), marker: p.string("Marker"), maxItems: try p.int("MaxItems"),
                context: context)
            result.list("Groups", page.items) { xml, group in Self.writeGroupMembers(group, to: &xml) }
            Self.write(page: page, to: &result)
        case .deleteGroup:
            try await service.deleteGroup(name: try p.required("GroupName"), context: context)
            hasResult = false
        case .addUserToGroup:
            try await service.addUserToGroup(
                groupName: try p.required("GroupName"), userName: try p.required("UserName"), context: context)
            hasResult = false
        case .removeUserFromGroup:
            try await service.removeUserFromGroup(
                groupName: try p.required("GroupName"), userName: try p.required("UserName"), context: context)
            hasResult = false
        case .listGroupsForUser:
            let page = try await service.listGroupsForUser(
                userName: try p.required("UserName"), marker: p.string("Marker"), maxItems: try p.int("MaxItems"),
                context: context)
            result.list("Groups", page.items) { xml, group in Self.writeGroupMembers(group, to: &xml) }
            Self.write(page: page, to: &result)
        case .createPolicy:
            let policy = try await service.createPolicy(
                name: try p.required("PolicyName"), path: p.string("Path"), document: try p.required("PolicyDocument"),
                description: p.string("Description"), tags: try p.tags(), context: context)
            result.element("Policy") { xml in Self.write(policy: policy, to: &xml, full: false) }
        case .getPolicy:
            let policy = try await service.getPolicy(arn: try p.required("PolicyArn"), context: context)
            result.element("Policy") { xml in Self.write(policy: policy, to: &xml, full: true) }
        case .listPolicies:
            let scopeText = p.string("Scope") ?? "All"
            guard let scope = PolicyScope(rawValue: scopeText) else {
                throw IAMError(
                    .validationError,
                    "1 validation error detected: Value '\(scopeText)' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]"
                )
            }
            let page = try await service.listPolicies(
                scope: scope, onlyAttached: try p.bool("OnlyAttached") ?? false, pathPrefix: p.string("PathPrefix"),
                usage: p.string("PolicyUsageFilter"), marker: p.string("Marker"), maxItems: try p.int("MaxItems"),
                context: context)
            result.list("Policies", page.items) { xml, policy in Self.write(policy: policy, to: &xml, full: false) }
            Self.write(page: page, to: &result)
        case .deletePolicy:
            try await service.deletePolicy(arn: try p.required("PolicyArn"), context: context)
            hasResult = false
        case .createPolicyVersion:
            let version = try await service.createPolicyVersion(
                arn: try p.required("PolicyArn"), document: try p.required("PolicyDocument"),
                setAsDefault: try p.bool("SetAsDefault") ?? false, context: context)
            result.element("PolicyVersion") { xml in Self.write(version: version, to: &xml, document: false) }
        case .getPolicyVersion:
            let version = try await service.getPolicyVersion(
                arn: try p.required("PolicyArn"), versionID: try p.required("VersionId"), context: context)
            result.element("PolicyVersion") { xml in Self.write(version: version, to: &xml, document: true) }
        case .listPolicyVersions:
            let page = try await service.listPolicyVersions(
                arn: try p.required("PolicyArn"), marker: p.string("Marker"), maxItems: try p.int("MaxItems"),
                context: context)
            result.list("Versions", page.items) { xml, version in
                Self.write(version: version, to: &xml, document: false)
            }
            Self.write(page: page, to: &result)
        case .setDefaultPolicyVersion:
            try await service.setDefaultPolicyVersion(
                arn: try p.required("PolicyArn"), versionID: try p.required("VersionId"), context: context)
            hasResult = false
        case .deletePolicyVersion:
            try await service.deletePolicyVersion(
                arn: try p.required("PolicyArn"), versionID: try p.required("VersionId"), context: context)
            hasResult = false
        case .attachUserPolicy, .attachGroupPolicy:
            let kind: IAMEntityKind = operation == .attachUserPolicy ? .user : .group
            try await service.attachPolicy(
                to: kind, name: try p.required(kind == .user ? "UserName" : "GroupName"),
                policyARN: try p.required("PolicyArn"), context: context)
            hasResult = false
        case .detachUserPolicy, .detachGroupPolicy:
            let kind: IAMEntityKind = operation == .detachUserPolicy ? .user : .group
            try await service.detachPolicy(
                from: kind, name: try p.required(kind == .user ? "UserName" : "GroupName"),
                policyARN: try p.required("PolicyArn"), context: context)
            hasResult = false
        case .listAttachedUserPolicies, .listAttachedGroupPolicies:
            let kind: IAMEntityKind = operation == .listAttachedUserPolicies ? .user : .group
            let page = try await service.listAttachedPolicies(
                of: kind, name: try p.required(kind == .user ? "UserName" : "GroupName"),
                pathPrefix: p.string("PathPrefix"), marker: p.string("Marker"), maxItems: try p.int("MaxItems"),
                context: context)
            result.list("AttachedPolicies", page.items) { xml, policy in
                xml.element("PolicyName", policy.name)
                xml.element("PolicyArn", policy.arn)
            }
            Self.write(page: page, to: &result)
        case .putUserPolicy, .putGroupPolicy:
            let kind: IAMEntityKind = operation == .putUserPolicy ? .user : .group
            try await service.putInlinePolicy(
                on: kind, entityName: try p.required(kind == .user ? "UserName" : "GroupName"),
                policyName: try p.required("PolicyName"), document: try p.required("PolicyDocument"), context: context)
            hasResult = false
        case .getUserPolicy, .getGroupPolicy:
            let kind: IAMEntityKind = operation == .getUserPolicy ? .user : .group
            let memberName = kind == .user ? "UserName" : "GroupName"
            let policyName = try p.required("PolicyName")
            let policy = try await service.getInlinePolicy(
                on: kind, entityName: try p.required(memberName), policyName: policyName, context: context)
            result.element(memberName, policy.entityName)
            result.element("PolicyName", policyName)
            result.element("PolicyDocument", percentEncodedDocument(policy.document))
        case .listUserPolicies, .listGroupPolicies:
            let kind: IAMEntityKind = operation == .listUserPolicies ? .user : .group
            let page = try await service.listInlinePolicies(
                on: kind, entityName: try p.required(kind == .user ? "UserName" : "GroupName"),
                marker: p.string("Marker"), maxItems: try p.int("MaxItems"), context: context)
            result.list("PolicyNames", strings: page.items)
            Self.write(page: page, to: &result)
        case .deleteUserPolicy, .deleteGroupPolicy:
            let kind: IAMEntityKind = operation == .deleteUserPolicy ? .user : .group
            try await service.deleteInlinePolicy(
                on: kind, entityName: try p.required(kind == .user ? "UserName" : "GroupName"),
                policyName: try p.required("PolicyName"), context: context)
            hasResult = false
        case .putUserPermissionsBoundary:
            try await service.putUserPermissionsBoundary(
                name: try p.required("UserName"), policyARN: try p.required("PermissionsBoundary"), context: context)
            hasResult = false
        case .deleteUserPermissionsBoundary:
            try await service.deleteUserPermissionsBoundary(name: try p.required("UserName"), context: context)
            hasResult = false
        case .createLoginProfile:
            let profile = try await service.createLoginProfile(
                userName: p.string("UserName"), password: try p.required("Password"),
                passwordResetRequired: try p.bool("PasswordResetRequired") ?? false, context: context)
            let name = try await service.getLoginProfile(userName: p.string("UserName"), context: context).userName
            Self.write(loginProfile: profile, userName: name, to: &result)
        case .getLoginProfile:
            let (name, profile) = try await service.getLoginProfile(userName: p.string("UserName"), context: context)
            Self.write(loginProfile: profile, userName: name, to: &result)
        case .updateLoginProfile:
            try await service.updateLoginProfile(
                userName: try p.required("UserName"), password: p.string("Password"),
                passwordResetRequired: try p.bool("PasswordResetRequired"), context: context)
            hasResult = false
        case .deleteLoginProfile:
            try await service.deleteLoginProfile(userName: p.string("UserName"), context: context)
            hasResult = false
        case .simulatePrincipalPolicy:
            let results = try await simulator.simulatePrincipalPolicy(
                sourceARN: try p.required("PolicySourceArn"), extraPolicies: p.list("PolicyInputList") ?? [],
                boundaryPolicies: p.list("PermissionsBoundaryPolicyInputList") ?? [],
                actions: try Self.requiredList(p, "ActionNames"), resources: p.list("ResourceArns") ?? [],
                context: try Self.contextEntries(p), options: Self.simulationOptions(p), account: context.account)
            try Self.write(simulation: results, parameters: p, to: &result)
        case .simulateCustomPolicy:
            let results = try simulator.simulateCustomPolicy(
                policies: try Self.requiredList(p, "PolicyInputList"),
                boundaryPolicies: p.list("PermissionsBoundaryPolicyInputList") ?? [],
                actions: try Self.requiredList(p, "ActionNames"), resources: p.list("ResourceArns") ?? [],
                context: try Self.contextEntries(p), options: Self.simulationOptions(p), account: context.account)
            try Self.write(simulation: results, parameters: p, to: &result)
        }
        if hasResult {
            xml.open("\(op)Result")
            xml.append(result)
            xml.close("\(op)Result")
        }
        Self.writeMetadata(requestID: context.requestID, to: &xml)
        xml.close("\(op)Response")
        return xml.bytes
    }

    // MARK: Parameters

    static func requiredList(_ p: QueryParameters, _ name: String) throws(IAMError) -> [String] {
        guard let list = p.list(name) else {
            throw IAMError(
                .validationError,
                "1 validation error detected: Value null at '\(QueryParameters.wireName(name))' failed to satisfy constraint: Member must not be null"
            )
        }
        return list
    }

    static func simulationOptions(_ p: QueryParameters) -> SimulationOptions {
        SimulationOptions(
            resourcePolicy: p.string("ResourcePolicy"), resourceOwner: p.string("ResourceOwner"),
            callerARN: p.string("CallerArn"), resourceHandlingOption: p.string("ResourceHandlingOption"))
    }

    static func contextEntries(_ p: QueryParameters) throws(IAMError) -> [SimulationContextEntry] {
        guard let items = p.structures("ContextEntries") else { return [] }
        var entries: [SimulationContextEntry] = []
        for (index, item) in items.enumerated() {
            guard let key = item["ContextKeyName"] else {
                throw IAMError(.invalidInput, "ContextEntries.member.\(index + 1) has no ContextKeyName.")
            }
            var values: [String] = []
            var n = 1
            while let value = item["ContextKeyValues.member.\(n)"] {
                values.append(value)
                n += 1
            }
            entries.append(SimulationContextEntry(key: key, values: values, type: item["ContextKeyType"] ?? "string"))
        }
        return entries
    }

    // MARK: XML

    static func writeMetadata(requestID: String, to xml: inout XMLWriter) {
        xml.element("ResponseMetadata") { xml in xml.element("RequestId", requestID) }
    }

    static func write<Item>(page: IAMPage<Item>, to xml: inout XMLWriter) {
        xml.element("IsTruncated", page.isTruncated)
        xml.element("Marker", page.marker)
    }

    static func write(user: IAMUserRecord, to xml: inout XMLWriter, tags: Bool) {
        xml.element("User") { xml in writeUserMembers(user, to: &xml, tags: tags) }
    }

    static func writeUserMembers(_ user: IAMUserRecord, to xml: inout XMLWriter, tags: Bool) {
        xml.element("Path", user.path)
        if !user.name.isEmpty { xml.element("UserName", user.name) }
        xml.element("UserId", user.userID)
        xml.element("Arn", user.arn)
        xml.element("CreateDate", epochMilliseconds: user.createdAt)
        if let used = user.passwordLastUsedAt { xml.element("PasswordLastUsed", epochMilliseconds: used) }
        if let boundary = user.permissionsBoundaryARN {
            xml.element("PermissionsBoundary") { xml in
                xml.element("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
                xml.element("PermissionsBoundaryArn", boundary)
            }
        }
        if tags {
            xml.list("Tags", user.tags) { xml, tag in
                xml.element("Key", tag.key)
                xml.element("Value", tag.value)
            }
        }
    }

    static func writeGroupMembers(_ group: IAMGroupRecord, to xml: inout XMLWriter) {
        xml.element("Path", group.path)
        xml.element("GroupName", group.name)
        xml.element("GroupId", group.groupID)
        xml.element("Arn", group.arn)
        xml.element("CreateDate", epochMilliseconds: group.createdAt)
    }

    static func write(policy: ManagedPolicyView, to xml: inout XMLWriter, full: Bool) {
        xml.element("PolicyName", policy.name)
        xml.element("PolicyId", policy.policyID)
        xml.element("Arn", policy.arn)
        xml.element("Path", policy.path)
        xml.element("DefaultVersionId", policy.defaultVersionID)
        xml.element("AttachmentCount", policy.attachmentCount)
        xml.element("PermissionsBoundaryUsageCount", policy.permissionsBoundaryUsageCount)
        xml.element("IsAttachable", true)
        if full || policy.description != nil { xml.element("Description", policy.description) }
        xml.element("CreateDate", epochMilliseconds: policy.createdAt)
        xml.element("UpdateDate", epochMilliseconds: policy.updatedAt)
        if !policy.tags.isEmpty {
            xml.list("Tags", policy.tags) { xml, tag in
                xml.element("Key", tag.key)
                xml.element("Value", tag.value)
            }
        }
    }

    static func write(version: PolicyVersionView, to xml: inout XMLWriter, document: Bool) {
        if document { xml.element("Document", percentEncodedDocument(version.document)) }
        xml.element("VersionId", version.versionID)
        xml.element("IsDefaultVersion", version.isDefault)
        xml.element("CreateDate", epochMilliseconds: version.createdAt)
    }

    static func write(loginProfile: IAMLoginProfileRecord, userName: String, to xml: inout XMLWriter) {
        xml.element("LoginProfile") { xml in
            xml.element("UserName", userName)
            xml.element("CreateDate", epochMilliseconds: loginProfile.createdAt)
            xml.element("PasswordResetRequired", loginProfile.passwordResetRequired)
        }
    }

    static func write(simulation results: [SimulationResult], parameters p: QueryParameters, to xml: inout XMLWriter)
        throws(IAMError)
    {
        let page = try IAMPage.of(
            Array(results.enumerated()), key: { String(format6($0.offset)) }, marker: p.string("Marker"),
            maxItems: try p.int("MaxItems"))
        func details(_ result: SimulationResult, to xml: inout XMLWriter) {
            xml.list("MatchedStatements", result.matchedStatements) { xml, statement in
                xml.element("SourcePolicyId", statement.source.id)
                xml.element("SourcePolicyType", statement.source.type)
                if let range = statement.range {
                    xml.element("StartPosition") { xml in
                        xml.element("Line", range.startLine)
                        xml.element("Column", range.startColumn)
                    }
                    xml.element("EndPosition") { xml in
                        xml.element("Line", range.endLine)
                        xml.element("Column", range.endColumn)
                    }
                }
            }
        }
        func decisionDetails(_ result: SimulationResult, to xml: inout XMLWriter) {
            guard let entries = result.decisionDetails else { return }
            xml.element("EvalDecisionDetails") { xml in
                for entry in entries {
                    xml.element("entry") { xml in
                        xml.element("key", entry.key)
                        xml.element("value", entry.value)
                    }
                }
            }
        }
        func boundary(_ result: SimulationResult, to xml: inout XMLWriter) {
            if let allowed = result.allowedByPermissionsBoundary {
                xml.element("PermissionsBoundaryDecisionDetail") { xml in
                    xml.element("AllowedByPermissionsBoundary", allowed)
                }
            }
        }
        xml.list("EvaluationResults", page.items.map(\.element)) { xml, result in
            xml.element("EvalActionName", result.action)
            xml.element("EvalResourceName", result.resource)
            xml.element("EvalDecision", result.decision)
            details(result, to: &xml)
            // As AWS does: with named resources, missing context values are reported per resource.
            xml.list("MissingContextValues", strings: result.namedResource ? [] : result.missingContextValues)
            decisionDetails(result, to: &xml)
            boundary(result, to: &xml)
            if result.namedResource {
                xml.list("ResourceSpecificResults", [result]) { xml, result in
                    xml.element("EvalResourceName", result.resource)
                    xml.element("EvalResourceDecision", result.decision)
                    details(result, to: &xml)
                    xml.list("MissingContextValues", strings: result.missingContextValues)
                    decisionDetails(result, to: &xml)
                    boundary(result, to: &xml)
                }
            }
        }
        xml.element("IsTruncated", page.isTruncated)
        xml.element("Marker", page.marker)
    }

    private static func format6(_ n: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: max(0, 6 - text.count)) + text
    }
}
