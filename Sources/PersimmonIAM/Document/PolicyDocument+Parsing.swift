extension PolicyDocument {
    /// Parses and validates a policy document.
    ///
    /// Checks, in order: allowed characters (when ``PolicyParseOptions/restrictCharacters``), the size
    /// limit (characters excluding whitespace, as IAM counts), JSON syntax (duplicate keys are errors),
    /// then the policy grammar: `Version`, `Statement` (object or array), each statement's elements and
    /// their combinations, action and resource formats, condition operators, keys and value types, and
    /// policy-variable syntax (2012-10-17 documents only).
    ///
    /// - Throws: ``PolicyError`` with ``PolicyError/Code/limitExceeded`` for oversized documents and
    ///   ``PolicyError/Code/malformedPolicyDocument`` for everything else; the message says what and where.
    package init(parsing text: String, options: PolicyParseOptions = .managedPolicy) throws(PolicyError) {
        if options.restrictCharacters {
            var line = 1
            var column = 1
            for scalar in text.unicodeScalars {
                let value = scalar.value
                guard value == 0x09 || value == 0x0A || value == 0x0D || (0x20...0xFF).contains(value) else {
                    throw PolicyError(
                        code: .malformedPolicyDocument,
                        message: "character U+\(hex4(value)) at line \(line), column \(column) is not allowed"
                            + " (IAM accepts tab, line feed, carriage return and U+0020-U+00FF)"
                    )
                }
                if value == 0x0A {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
        }
        if let maximumSize = options.maximumSize, Self.size(of: text) > maximumSize {
            throw PolicyError(code: .limitExceeded, message: "Cannot exceed quota for PolicySize: \(maximumSize)")
        }
        let bytes = Array(text.utf8)
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            let (line, column) = lineAndColumn(of: error.offset, in: bytes)
            throw PolicyError(
                code: .malformedPolicyDocument,
                message: "syntax error at line \(line), column \(column): \(error.message)"
            )
        }
        let parser = PolicyDocumentParser(bytes: bytes, options: options)
        self = try parser.parseDocument(root)
    }

    /// The size IAM checks against its quotas: the number of characters that are not whitespace
    /// (space, tab, line feed, carriage return).
    package static func size(of text: String) -> Int {
        var count = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            default: count += 1
            }
        }
        return count
    }
}

private func hex4(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

/// Walks the JSON tree of a policy, validating as it builds the model.
private struct PolicyDocumentParser {
    let bytes: [UInt8]
    let options: PolicyParseOptions

    func parseDocument(_ root: JSONNode) throws(PolicyError) -> PolicyDocument {
        let path = PolicyPath()
        let members = try objectMembers(root, path: path, what: "the policy document")
        var version: PolicyVersion?
        var id: String?
        var statementNode: JSONNode?
        for member in members {
            switch member.key {
            case "Version":
                let text = try string(member.node, path: path.member("Version"))
                guard let parsed = PolicyVersion(rawValue: text) else {
                    throw .malformed(
                        path.member("Version"),
                        "unsupported policy version \"\(text)\" (use \"2012-10-17\" or \"2008-10-17\")"
                    )
                }
                version = parsed
            case "Id":
                id = try string(member.node, path: path.member("Id"))
            case "Statement":
                statementNode = member.node
            default:
                throw .malformed(path, "unknown element \"\(member.key)\"")
            }
        }
        guard let statementNode else { throw .malformed(path, "missing required element \"Statement\"") }
        let variables = version == .v2012_10_17
        var statements: [PolicyStatement] = []
        var sids: Set<String> = []
        let statementPath = path.member("Statement")
        switch statementNode.value {
        case .object:
            statements.append(try parseStatement(statementNode, path: statementPath, variables: variables, sids: &sids))
        case .array(let elements):
            guard !elements.isEmpty || options.allowEmptyStatementList else {
                throw .malformed(statementPath, "must contain at least one statement")
            }
            for (index, element) in elements.enumerated() {
                statements.append(
                    try parseStatement(element, path: statementPath.index(index), variables: variables, sids: &sids)
                )
            }
        default:
            throw .malformed(
                statementPath, "expected an object or an array of objects, found \(statementNode.typeName)")
        }
        return PolicyDocument(version: version, id: id, statements: statements)
    }

    // MARK: Statements

    private func parseStatement(
        _ node: JSONNode, path: PolicyPath, variables: Bool, sids: inout Set<String>
    ) throws(PolicyError) -> PolicyStatement {
        let members = try objectMembers(node, path: path, what: "a statement")
        var sid: String?
        var effect: Effect?
        var principal: PrincipalElement?
        var principalName: String?
        var action: ActionElement?
        var actionName: String?
        var resource: ResourceElement?
        var resourceName: String?
        var conditions: [PolicyCondition] = []
        for member in members {
            let elementPath = path.member(member.key)
            switch member.key {
            case "Sid":
                let text = try string(member.node, path: elementPath)
                if options.requireAlphanumericUniqueSids {
                    guard text.utf8.allSatisfy(isAlphanumeric) else {
                        throw .malformed(elementPath, "\"\(text)\" must contain only letters and digits")
                    }
                    if !text.isEmpty {
                        guard sids.insert(text).inserted else {
                            throw .malformed(elementPath, "duplicate Sid \"\(text)\" (Sids must be unique)")
                        }
                    }
                }
                sid = text
            case "Effect":
                let text = try string(member.node, path: elementPath)
                guard let parsed = Effect(rawValue: text) else {
                    throw .malformed(elementPath, "must be \"Allow\" or \"Deny\", found \"\(text)\"")
                }
                effect = parsed
            case "Principal", "NotPrincipal":
                if let principalName {
                    throw .malformed(path, "must not contain both \"\(principalName)\" and \"\(member.key)\"")
                }
                principalName = member.key
                if options.principal == .forbidden {
                    throw .malformed(elementPath, "identity-based policies must not specify a principal")
                }
                let set = try parsePrincipal(member.node, path: elementPath)
                principal = member.key == "Principal" ? .principal(set) : .notPrincipal(set)
            case "Action", "NotAction":
                if let actionName {
                    throw .malformed(path, "must not contain both \"\(actionName)\" and \"\(member.key)\"")
                }
                actionName = member.key
                let patterns = try parseActions(member.node, path: elementPath)
                action = member.key == "Action" ? .action(patterns) : .notAction(patterns)
            case "Resource", "NotResource":
                if let resourceName {
                    throw .malformed(path, "must not contain both \"\(resourceName)\" and \"\(member.key)\"")
                }
                resourceName = member.key
                if options.resource == .forbidden {
                    throw .malformed(elementPath, "trust policies must not specify a resource")
                }
                let patterns = try parseResources(member.node, path: elementPath, variables: variables)
                resource = member.key == "Resource" ? .resource(patterns) : .notResource(patterns)
            case "Condition":
                conditions = try parseConditionBlock(member.node, path: elementPath, variables: variables)
            default:
                throw .malformed(path, "unknown element \"\(member.key)\"")
            }
        }
        guard let effect else { throw .malformed(path, "missing required element \"Effect\"") }
        guard let action else { throw .malformed(path, "missing required element \"Action\" or \"NotAction\"") }
        if options.principal == .required && principal == nil {
            throw .malformed(path, "missing required element \"Principal\" or \"NotPrincipal\"")
        }
        if options.resource == .required && resource == nil {
            throw .malformed(path, "missing required element \"Resource\" or \"NotResource\"")
        }
        let (startLine, startColumn) = lineAndColumn(of: node.start, in: bytes)
        let (endLine, endColumn) = lineAndColumn(of: node.end - 1, in: bytes)
        return PolicyStatement(
            sid: sid, effect: effect, principal: principal, action: action, resource: resource,
            conditions: conditions,
            sourceRange: SourceRange(
                startLine: startLine, startColumn: startColumn, endLine: endLine, endColumn: endColumn
            )
        )
    }

    private func parseActions(_ node: JSONNode, path: PolicyPath) throws(PolicyError) -> [String] {
        let values = try stringList(node, path: path)
        for (value, valuePath) in values where value != "*" {
            guard let colon = value.utf8.firstIndex(of: UInt8(ascii: ":")), colon != value.utf8.startIndex else {
                throw .malformed(valuePath, "action \"\(value)\" must be \"*\" or \"<service>:<action>\"")
            }
        }
        return values.map(\.value)
    }

    private func parseResources(_ node: JSONNode, path: PolicyPath, variables: Bool) throws(PolicyError) -> [String] {
        let values = try stringList(node, path: path)
        for (value, valuePath) in values {
            do {
                _ = try PolicyTemplate.parse(value, variables: variables)
            } catch {
                throw .malformed(valuePath, error.message)
            }
            guard value != "*" else { continue }
            let segments = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            guard segments.count == 6, segments[0] == "arn" else {
                throw .malformed(
                    valuePath,
                    "resource \"\(value)\" must be \"*\" or an ARN (arn:partition:service:region:account:resource)"
                )
            }
            if segments[2].isEmpty || segments[2].contains("*") || segments[2].contains("?") {
                throw .malformed(valuePath, "the service in resource \"\(value)\" must be spelled out (no wildcards)")
            }
        }
        return values.map(\.value)
    }

    private func parsePrincipal(_ node: JSONNode, path: PolicyPath) throws(PolicyError) -> PrincipalSet {
        switch node.value {
        case .string(let text):
            guard text == "*" else {
                throw .malformed(path, "must be \"*\" or an object such as {\"AWS\": \"123456789012\"}")
            }
            return .everyone
        case .object:
            let members = try objectMembers(node, path: path, what: "a principal")
            guard !members.isEmpty else { throw .malformed(path, "must name at least one principal") }
            var entries: [PrincipalEntry] = []
            for member in members {
                let entryPath = path.member(member.key)
                switch member.key {
                case "AWS", "Service", "Federated", "CanonicalUser":
                    break
                default:
                    throw .malformed(
                        path,
                        "unknown principal type \"\(member.key)\" (use AWS, Service, Federated or CanonicalUser)"
                    )
                }
                let values = try stringList(member.node, path: entryPath)
                for (value, valuePath) in values {
                    guard !value.isEmpty else { throw .malformed(valuePath, "principal must not be empty") }
                    if member.key == "AWS" && value != "*" {
                        if value.contains("*") || value.contains("?") {
                            throw .malformed(valuePath, "wildcards are not allowed in principal \"\(value)\"")
                        }
                        let isAccountID = value.utf8.count == 12 && value.utf8.allSatisfy(isDigit)
                        guard isAccountID || value.hasPrefix("arn:") else {
                            throw .malformed(valuePath, "\"\(value)\" is not an account ID, an ARN or \"*\"")
                        }
                    }
                }
                entries.append(PrincipalEntry(type: member.key, values: values.map(\.value)))
            }
            return .entries(entries)
        default:
            throw .malformed(path, "expected \"*\" or an object, found \(node.typeName)")
        }
    }

    // MARK: Conditions

    private func parseConditionBlock(
        _ node: JSONNode, path: PolicyPath, variables: Bool
    ) throws(PolicyError) -> [PolicyCondition] {
        let operatorMembers = try objectMembers(node, path: path, what: "a condition block")
        var conditions: [PolicyCondition] = []
        for operatorMember in operatorMembers {
            guard let conditionOperator = ConditionOperator(operatorMember.key) else {
                throw .malformed(path, "unknown operator \"\(operatorMember.key)\"")
            }
            let operatorPath = path.member(operatorMember.key)
            let keyMembers = try objectMembers(operatorMember.node, path: operatorPath, what: "condition keys")
            var seenKeys: [String: String] = [:]
            for keyMember in keyMembers {
                let key = keyMember.key
                if let previous = seenKeys.updateValue(key, forKey: key.lowercased()) {
                    throw .malformed(
                        operatorPath,
                        "duplicate condition key \"\(key)\" (same as \"\(previous)\"; keys are case-insensitive)"
                    )
                }
                guard let colon = key.firstIndex(of: ":"), colon != key.startIndex,
                    key.index(after: colon) != key.endIndex
                else {
                    throw .malformed(operatorPath, "condition key \"\(key)\" must be \"<service>:<key>\"")
                }
                let keyPath = operatorPath.member(key)
                let values = try conditionValues(keyMember.node, path: keyPath)
                try validateValues(values, of: conditionOperator, variables: variables)
                conditions.append(
                    PolicyCondition(conditionOperator: conditionOperator, key: key, values: values.map(\.value))
                )
            }
        }
        return conditions
    }

    /// A condition value list: a string, number or boolean, or an array of them.
    private func conditionValues(
        _ node: JSONNode, path: PolicyPath
    ) throws(PolicyError) -> [(value: String, path: PolicyPath)] {
        func scalar(_ node: JSONNode, path: PolicyPath) throws(PolicyError) -> String {
            switch node.value {
            case .string(let text): return text
            case .number(let text): return text
            case .bool(let flag): return flag ? "true" : "false"
            default:
                throw .malformed(path, "condition values must be strings, numbers or booleans, found \(node.typeName)")
            }
        }
        if case .array(let elements) = node.value {
            var values: [(value: String, path: PolicyPath)] = []
            for (index, element) in elements.enumerated() {
                let elementPath = path.index(index)
                values.append((try scalar(element, path: elementPath), elementPath))
            }
            return values
        }
        return [(try scalar(node, path: path), path)]
    }

    private func validateValues(
        _ values: [(value: String, path: PolicyPath)], of conditionOperator: ConditionOperator, variables: Bool
    ) throws(PolicyError) {
        let base = conditionOperator.base
        for (value, valuePath) in values {
            let template: PolicyTemplate
            do {
                template = try PolicyTemplate.parse(value, variables: variables && base.allowsPolicyVariables)
            } catch {
                throw .malformed(valuePath, error.message)
            }
            if template.isDynamic { continue }  // Checked once substituted, at evaluation time.
            switch base {
            case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
                .numericGreaterThanEquals:
                if ConditionValueParser.number(value) == nil {
                    throw .malformed(valuePath, "\"\(value)\" is not a number (\(conditionOperator) needs numbers)")
                }
            case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan,
                .dateGreaterThanEquals:
                if ConditionValueParser.date(value) == nil {
                    throw .malformed(
                        valuePath,
                        "\"\(value)\" is not a date (use ISO 8601, e.g. 2020-01-01T00:00:00Z, or epoch seconds)"
                    )
                }
            case .bool, .null:
                if ConditionValueParser.bool(value) == nil {
                    throw .malformed(
                        valuePath, "\"\(value)\" is not a boolean (\(conditionOperator) needs true or false)")
                }
            case .binaryEquals:
                if ConditionValueParser.base64(value) == nil {
                    throw .malformed(valuePath, "\"\(value)\" is not base64 (BinaryEquals needs base64-encoded bytes)")
                }
            case .ipAddress, .notIpAddress:
                if ConditionValueParser.network(value) == nil {
                    throw .malformed(valuePath, "\"\(value)\" is not an IPv4 or IPv6 address or CIDR block")
                }
            case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .stringLike,
                .stringNotLike, .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
                break
            }
        }
    }

    // MARK: JSON helpers

    private func objectMembers(_ node: JSONNode, path: PolicyPath, what: String) throws(PolicyError) -> [JSONMember] {
        guard case .object(let members) = node.value else {
            throw .malformed(path, "expected \(what) (a JSON object), found \(node.typeName)")
        }
        if members.count > 1 {
            var seen: Set<String> = []
            for member in members where !seen.insert(member.key).inserted {
                let (line, column) = lineAndColumn(of: member.keyOffset, in: bytes)
                throw .malformed(path, "duplicate key \"\(member.key)\" at line \(line), column \(column)")
            }
        }
        return members
    }

    private func string(_ node: JSONNode, path: PolicyPath) throws(PolicyError) -> String {
        guard case .string(let text) = node.value else {
            throw .malformed(path, "expected a string, found \(node.typeName)")
        }
        return text
    }

    /// A string or a non-empty array of strings, each with its path.
    private func stringList(_ node: JSONNode, path: PolicyPath) throws(PolicyError) -> [(
        value: String, path: PolicyPath
    )] {
        switch node.value {
        case .string(let text):
            return [(text, path)]
        case .array(let elements):
            guard !elements.isEmpty else { throw .malformed(path, "must not be an empty array") }
            var values: [(value: String, path: PolicyPath)] = []
            for (index, element) in elements.enumerated() {
                let elementPath = path.index(index)
                values.append((try string(element, path: elementPath), elementPath))
            }
            return values
        default:
            throw .malformed(path, "expected a string or an array of strings, found \(node.typeName)")
        }
    }
}

private func isAlphanumeric(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        || isDigit(byte)
}

private func isDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
}
