/// A request-context value: single-valued (`aws:username`) or multivalued (`aws:TagKeys`).
///
/// Plain operators (`StringEquals`, …) never match a multivalued key; use `ForAnyValue:`/`ForAllValues:`.
/// An empty ``strings(_:)`` is a present key with no values (`Null` says present; `ForAllValues` is true,
/// `ForAnyValue` false).
package enum ContextValue: Sendable, Hashable {
    case string(String)
    case strings([String])

    /// The values as a list (a single value is a list of one).
    package var values: [String] {
        switch self {
        case .string(let value): [value]
        case .strings(let values): values
        }
    }
}

extension ContextValue: ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    package init(stringLiteral value: String) {
        self = .string(value)
    }

    package init(arrayLiteral elements: String...) {
        self = .strings(elements)
    }
}

/// One authorization question: may `principalARN` perform `action` on `resource`, given `context`?
///
/// The request is prepared once at construction (action lowercased, resource ARN split into its
/// parts, context keys lowercased), so evaluating it against several policy sets costs no re-work.
/// The evaluator reads condition keys and policy variables **only** from `context`: the caller puts
/// `aws:username`, `aws:userid`, `aws:PrincipalTag/…`, `aws:SourceIp`, `aws:CurrentTime` and the rest there,
/// each from one trusted source.
package struct AuthorizationRequest: Sendable {
    /// The caller: `arn:aws:iam::<account>:user/<name>`, a role-session ARN, `arn:aws:iam::<account>:root`.
    package let principalARN: String
    /// The caller's account (our tenant).
    package let principalAccount: String
    /// The IAM action, `service:Action` (`personalize:CreateDatasetGroup`); case-insensitive.
    package let action: String
    /// The resource ARN, or `*` for actions that take no resource (`personalize:ListDatasetGroups`).
    package let resource: String
    /// The account that owns the resource; nil when not applicable (`*`, AWS-owned recipes). When it
    /// differs from `principalAccount` the request is cross-account, which identity policies alone never allow.
    package let resourceAccount: String?
    /// The request context as given (keys in any case).
    package let context: [String: ContextValue]

    let lowercasedAction: [UInt8]
    let preparedResource: PreparedARN
    let preparedContext: PreparedContext

    package init(
        principalARN: String, principalAccount: String, action: String, resource: String,
        resourceAccount: String?, context: [String: ContextValue] = [:]
    ) {
        self.principalARN = principalARN
        self.principalAccount = principalAccount
        self.action = action
        self.resource = resource
        self.resourceAccount = resourceAccount
        self.context = context
        self.lowercasedAction = lowercasedASCIIBytes(action)
        self.preparedResource = PreparedARN(resource)
        self.preparedContext = PreparedContext(context)
    }

    /// Whether the resource lives in another account than the caller's.
    package var isCrossAccount: Bool {
        guard let resourceAccount, !resourceAccount.isEmpty else { return false }
        return resourceAccount != principalAccount
    }
}

/// The context with lowercased keys (condition keys and variable names are case-insensitive).
struct PreparedContext: Sendable {
    private let entries: [String: (key: String, value: ContextValue)]

    init(_ context: [String: ContextValue]) {
        var entries: [String: (key: String, value: ContextValue)] = [:]
        entries.reserveCapacity(context.count)
        for (key, value) in context {
            let lowercased = lowercasedKey(key)
            // Keys that differ only in case: keep the smallest spelling, so the outcome is deterministic.
            if let existing = entries[lowercased], existing.key < key { continue }
            entries[lowercased] = (key, value)
        }
        self.entries = entries
    }

    @inline(__always)
    func value(forLowercasedKey key: String) -> ContextValue? {
        entries[key]?.value
    }

    /// The value of a single-valued key; nil when absent or multivalued (variables need one value).
    func singleValue(forLowercasedKey key: String) -> String? {
        if case .string(let value) = entries[key]?.value { return value }
        return nil
    }
}
