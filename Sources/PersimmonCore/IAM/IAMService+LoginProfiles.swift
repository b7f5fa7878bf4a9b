extension IAMService {
    package static let minimumPasswordLength = 8

    /// Gives a user a console password, stored only as a slow salted hash.
    package func createLoginProfile(
        userName: String?, password: String, passwordResetRequired: Bool, context: OperationContext
    ) async throws -> IAMLoginProfileRecord {
        guard let name = try targetUserName(userName, context) else {
            throw IAMError(.invalidInput, "UserName is required for the account root.")
        }
        try Self.checkPassword(password)
        let hash = try await hashPassword(password)
        return try await mutate(context) { snapshot in
            let user = try self.user(named: name, in: snapshot)
            guard !snapshot.loginProfiles.contains(where: { $0.userID == user.userID }) else {
                throw IAMError(.entityAlreadyExists, "Login Profile for user \(user.name) already exists.")
            }
            let profile = IAMLoginProfileRecord(
                userID: user.userID, passwordHash: hash, passwordResetRequired: passwordResetRequired,
                createdAt: context.now.epochMilliseconds
            )
            return ([.putLoginProfile(profile)], profile)
        }
    }

    package func getLoginProfile(userName: String?, context: OperationContext) async throws
        -> (userName: String, profile: IAMLoginProfileRecord)
    {
        guard let name = try targetUserName(userName, context) else {
            throw IAMError(.noSuchEntity, "Login Profile for the account root cannot be found.")
        }
        let snapshot = try await snapshot(context)
        let user = try user(named: name, in: snapshot)
        guard let profile = snapshot.loginProfiles.first(where: { $0.userID == user.userID }) else {
            throw IAMError(.noSuchEntity, "Login Profile for User \(user.name) cannot be found.")
        }
        return (user.name, profile)
    }

    package func updateLoginProfile(
        userName: String, password: String?, passwordResetRequired: Bool?, context: OperationContext
    ) async throws {
        if let password { try Self.checkPassword(password) }
        let hash: String?
        if let password { hash = try await hashPassword(password) } else { hash = nil }
        try await mutate(context) { snapshot in
            let user = try self.user(named: userName, in: snapshot)
            guard var profile = snapshot.loginProfiles.first(where: { $0.userID == user.userID }) else {
                throw IAMError(.noSuchEntity, "Login Profile for User \(user.name) cannot be found.")
            }
            if let hash { profile.passwordHash = hash }
            if let passwordResetRequired { profile.passwordResetRequired = passwordResetRequired }
            return ([.putLoginProfile(profile)], ())
        }
    }

    package func deleteLoginProfile(userName: String?, context: OperationContext) async throws {
        guard let name = try targetUserName(userName, context) else {
            throw IAMError(.invalidInput, "UserName is required for the account root.")
        }
        try await mutate(context) { snapshot in
            let user = try self.user(named: name, in: snapshot)
            guard snapshot.loginProfiles.contains(where: { $0.userID == user.userID }) else {
                throw IAMError(.noSuchEntity, "Login Profile for User \(user.name) cannot be found.")
            }
            return ([.deleteLoginProfile(userID: user.userID)], ())
        }
    }

    /// AWS's default password policy: at least 8 characters, at most 128, printable.
    static func checkPassword(_ password: String) throws(IAMError) {
        guard password.count >= Self.minimumPasswordLength else {
            throw IAMError(
                .passwordPolicyViolation,
                "Password should have a minimum length of \(Self.minimumPasswordLength)")
        }
        guard password.count <= 128, password.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else {
            throw IAMError(.passwordPolicyViolation, "Password must be at most 128 printable characters.")
        }
    }
}
