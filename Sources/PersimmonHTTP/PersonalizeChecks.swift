import PersimmonCore
import PersimmonIAM

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns a Personalize request into the authorization checks it needs, from the generated table
/// (``PersonalizeAuthorization``): the operation's action on the resource its input names (or `*`), plus
/// `personalize:TagResource` when a create passes tags and `iam:PassRole` when it passes a role.
///
/// The JSON body is decoded once into a top-level member map (no shape decoding): only string members and the
/// tag list are read. A body that is not a JSON object yields no members; the dispatcher rejects it afterwards.
enum PersonalizeChecks {
    static func checks(
        service: String, operation: String, body: [UInt8], account: AccountID, region: String
    ) -> [AuthorizationCheck] {
        let members = topLevelMembers(body)
        func string(_ name: String) -> String? {
            if case .string(let value) = members[name] { return value }
            return nil
        }
        guard let row = PersonalizeAuthorization.authorization(service: service, operation: operation) else {
            // Every operation of the models has a row (a test checks it); be safe for anything new.
            return [AuthorizationCheck(action: "personalize:\(operation)", resource: "*", resourceAccount: nil)]
        }
        let tagContext = requestTagContext(members, member: row.tagsMember)
        let primary = check(
            action: row.action, locator: row.resource, account: account, region: region, string: string,
            context: tagContext)
        var checks = [primary]
        // Another account's ARN anywhere in the input (a schema, a solution version, a role) is always denied,
        // whatever the table's primary resource is: identity policies alone never reach into another account.
        for arn in foreignARNs(in: .object(members), account: account) where arn != primary.resource {
            checks.append(
                AuthorizationCheck(
                    action: row.action, resource: arn, resourceAccount: AuthorizationCheck.account(of: arn)))
        }
        for extra in row.additionalAuthorizations where isPresent(members[extra.member]) {
            var context = extra.context.mapValues { ContextValue.string($0) }
            if extra.member == row.tagsMember {
                for (key, value) in tagContext { context[key] = value }
            }
            checks.append(
                check(
                    action: extra.action, locator: extra.resource, account: account, region: region, string: string,
                    context: context))
        }
        return checks
    }

    private static func check(
        action: String, locator: ResourceLocator, account: AccountID, region: String, string: (String) -> String?,
        context: [String: ContextValue]
    ) -> AuthorizationCheck {
        let resource =
            locator.resourceARN(
                partition: IAMNames.partition, region: region, account: account.rawValue, member: string)
            ?? "*"
        var owner = resource == "*" ? nil : AuthorizationCheck.account(of: resource)
        var tagged: String?
        switch locator {
        case .inputMember:
            tagged = resource == "*" ? nil : resource
        case .wildcard:
            // TagResource, UntagResource, ListTagsForResource: no resource type, but the ARN they act on still
            // decides the account (never another tenant's) and the tags conditions read.
            if let target = string("resourceArn") {
                owner = AuthorizationCheck.account(of: target)
                tagged = target
            }
        case .template:
            tagged = nil
        }
        return AuthorizationCheck(
            action: action, resource: resource, resourceAccount: owner, taggedResource: tagged, context: context)
    }

    /// `aws:RequestTag/<key>` and `aws:TagKeys` from `tags` (`[{tagKey, tagValue}]`) or `tagKeys` (`[String]`).
    static func requestTagContext(_ members: [String: JSONValue], member: String?) -> [String: ContextValue] {
        guard let member, case .array(let items)? = members[member] else { return [:] }
        var context: [String: ContextValue] = [:]
        var keys: [String] = []
        for item in items {
            switch item {
            case .object(let tag):
                guard case .string(let key)? = tag["tagKey"] else { continue }
                keys.append(key)
                if case .string(let value)? = tag["tagValue"] { context["aws:RequestTag/\(key)"] = .string(value) }
            case .string(let key):
                keys.append(key)
            default:
                continue
            }
        }
        if !keys.isEmpty { context["aws:TagKeys"] = .strings(keys) }
        return context
    }

    /// ARN-valued members (`…Arn`, `…Arns`) naming an account other than `account`, at any depth up to four.
    static func foreignARNs(in value: JSONValue, account: AccountID, depth: Int = 0) -> [String] {
        guard depth <= 4 else { return [] }
        var found: [String] = []
        switch value {
        case .object(let members):
            for (key, member) in members {
                if key.hasSuffix("Arn") || key.hasSuffix("Arns") || key.hasSuffix("ARN") {
                    let candidates: [JSONValue]
                    if case .array(let items) = member { candidates = items } else { candidates = [member] }
                    for case .string(let arn) in candidates {
                        if let owner = AuthorizationCheck.account(of: arn), owner != account.rawValue {
                            found.append(arn)
                        }
                    }
                } else {
                    found += foreignARNs(in: member, account: account, depth: depth + 1)
                }
            }
        case .array(let items):
            for item in items { found += foreignARNs(in: item, account: account, depth: depth + 1) }
        default:
            break
        }
        return found
    }

    static func isPresent(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: false
        case .array(let items)?: !items.isEmpty
        case .string(let text)?: !text.isEmpty
        default: true
        }
    }

    /// The body's top-level members. Read with the policy engine's byte-level parser (the per-request path);
    /// a body it refuses (deeper than its nesting cap, say) is read with `JSONDecoder` instead, so the checks never
    /// see less than the operation itself will decode.
    static func topLevelMembers(_ body: [UInt8]) -> [String: JSONValue] {
        guard !body.isEmpty else { return [:] }
        if let node = try? JSONParser.parse(body) {
            guard case .object = node.value, case .object(let members) = jsonValue(node) else { return [:] }
            return members
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body)), case .object(let members) = value
        else { return [:] }
        return members
    }

    static func jsonValue(_ node: JSONNode) -> JSONValue {
        switch node.value {
        case .string(let text): .string(text)
        case .number(let text): .number(Double(text) ?? .nan)
        case .bool(let flag): .bool(flag)
        case .null: .null
        case .array(let elements): .array(elements.map(jsonValue))
        case .object(let members):
            .object(Dictionary(members.map { ($0.key, jsonValue($0.node)) }, uniquingKeysWith: { _, last in last }))
        }
    }
}
