import PersimmonCore

/// STS over the query protocol: `GetCallerIdentity`, which needs no permission and cannot be denied.
package struct STSAPI: Sendable {
    package static let namespace = "https://sts.amazonaws.com/doc/2011-06-15/"
    package static let version = "2011-06-15"
    package static let signingName = "sts"

    private let cache: IAMSnapshotCache

    package init(cache: IAMSnapshotCache) {
        self.cache = cache
    }

    package func dispatch(_ operation: STSOperation, principal: Principal, requestID: String) async throws -> [UInt8] {
        switch operation {
        case .getCallerIdentity:
            var userID = principal.userID
            let account = principal.account?.rawValue ?? AuditEvent.operatorAccount.rawValue
            if principal.kind == .user, let accountID = principal.account, let name = principal.userName,
                let user = try await cache.current(account: accountID).snapshot.users.first(where: { $0.name == name })
            {
                userID = user.userID
            }
            var xml = XMLWriter()
            xml.open("GetCallerIdentityResponse", namespace: Self.namespace)
            xml.element("GetCallerIdentityResult") { xml in
                xml.element("UserId", userID)
                xml.element("Account", account)
                xml.element("Arn", principal.arn)
            }
            IAMAPI.writeMetadata(requestID: requestID, to: &xml)
            xml.close("GetCallerIdentityResponse")
            return xml.bytes
        }
    }
}
