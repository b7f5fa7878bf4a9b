/// What kind of document is being parsed, and therefore which rules and limits apply.
///
/// Use the presets: ``managedPolicy``, ``userInlinePolicy``, ``groupInlinePolicy``,
/// ``roleInlinePolicy``, ``trustPolicy``, ``sessionPolicy`` (all validate as IAM does for that
/// document type), or ``permissive`` for policies we did not receive from a client (control policies,
/// test corpora).
package struct PolicyParseOptions: Sendable, Hashable {
    /// Whether an element may, must or must not appear in every statement.
    package enum ElementRule: Sendable, Hashable {
        case forbidden
        case optional
        case required
    }

    /// `Principal`/`NotPrincipal`: forbidden in identity policies, required in trust policies.
    package var principal: ElementRule
    /// `Resource`/`NotResource`: required in identity policies, forbidden in trust policies.
    package var resource: ElementRule
    /// Maximum size in characters, not counting whitespace (IAM's rule); nil for no limit.
    /// Exceeding it throws ``PolicyError/Code/limitExceeded``.
    package var maximumSize: Int?
    /// IAM identity policies accept only `[A-Za-z0-9]` in `Sid`, and Sids must be unique.
    package var requireAlphanumericUniqueSids: Bool
    /// Accept only U+0009, U+000A, U+000D and U+0020–U+00FF, as IAM's API does.
    package var restrictCharacters: Bool
    /// Accept `"Statement": []` (a policy that allows nothing). IAM rejects it in documents it stores.
    package var allowEmptyStatementList: Bool

    package init(
        principal: ElementRule, resource: ElementRule, maximumSize: Int?, requireAlphanumericUniqueSids: Bool,
        restrictCharacters: Bool, allowEmptyStatementList: Bool = false
    ) {
        self.principal = principal
        self.resource = resource
        self.maximumSize = maximumSize
        self.requireAlphanumericUniqueSids = requireAlphanumericUniqueSids
        self.restrictCharacters = restrictCharacters
        self.allowEmptyStatementList = allowEmptyStatementList
    }

    /// An identity-based policy (inline, managed or permissions boundary) with a size limit.
    package static func identityPolicy(maximumSize: Int?) -> PolicyParseOptions {
        PolicyParseOptions(
            principal: .forbidden, resource: .required, maximumSize: maximumSize,
            requireAlphanumericUniqueSids: true, restrictCharacters: true
        )
    }

    /// A customer managed policy (also used as a permissions boundary): 6,144 characters.
    package static let managedPolicy = identityPolicy(maximumSize: 6144)
    /// A user inline policy: 2,048 characters (IAM counts all of a user's inline policies together;
    /// pass the remaining budget with ``identityPolicy(maximumSize:)`` to enforce the aggregate).
    package static let userInlinePolicy = identityPolicy(maximumSize: 2048)
    /// A group inline policy: 5,120 characters (aggregate per group).
    package static let groupInlinePolicy = identityPolicy(maximumSize: 5120)
    /// A role inline policy: 10,240 characters (aggregate per role).
    package static let roleInlinePolicy = identityPolicy(maximumSize: 10240)
    /// A role trust policy: `Principal` required, `Resource` forbidden, 2,048 characters.
    package static let trustPolicy = PolicyParseOptions(
        principal: .required, resource: .forbidden, maximumSize: 2048, requireAlphanumericUniqueSids: false,
        restrictCharacters: true
    )
    /// An inline session policy passed to `AssumeRole`/`GetFederationToken`: 2,048 characters.
    package static let sessionPolicy = identityPolicy(maximumSize: 2048)
    /// Grammar checks only: any element combination, no size limit, any Sid, any characters, and an
    /// empty statement list.
    package static let permissive = PolicyParseOptions(
        principal: .optional, resource: .optional, maximumSize: nil, requireAlphanumericUniqueSids: false,
        restrictCharacters: false, allowEmptyStatementList: true
    )
}
