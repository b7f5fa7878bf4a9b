import PersimmonCore
import PersimmonStore
import Testing

private func iamUser(_ account: AccountID, _ name: String, id: String? = nil, path: String = "/") -> IAMUserRecord {
    IAMUserRecord(
        userID: id ?? "AIDA\(name.uppercased())0000000000000".prefix(21).description, name: name, path: path,
        arn: "arn:aws:iam::\(account):user\(path)\(name)", createdAt: baseTime,
        tags: [IAMTag(key: "team", value: "recs")]
    )
}

/// The IAM and audit parts of the store contract, on every backend (PostgreSQL when configured).
@Suite("IAM and audit store contract", .serialized)
struct IAMStoreContractTests {
    private func key(_ account: AccountID, user: String?, id: String) -> AccessKeyRecord {
        AccessKeyRecord(
            accessKeyID: id, account: account, userName: user,
            principalARN: user.map { "arn:aws:iam::\(account):user/\($0)" } ?? "arn:aws:iam::\(account):root",
            sealedSecret: [1, 2, 3], status: .active, createdAt: baseTime
        )
    }

    @Test("commits changes only from the expected generation", arguments: Backend.available)
    func optimisticCommits(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            #expect(try await store.iamGeneration(account: account) == 0)
            let empty = try await store.iamSnapshot(account: account)
            #expect(empty == IAMSnapshot(account: account))

            let alice = iamUser(account, "alice")
            #expect(try await store.commitIAM(account: account, expectedGeneration: 0, [.putUser(alice)]) == 1)
            // A writer that read generation 0 lost the race: nothing is written.
            let bob = iamUser(account, "bob")
            #expect(try await store.commitIAM(account: account, expectedGeneration: 0, [.putUser(bob)]) == nil)
            #expect(try await store.iamGeneration(account: account) == 1)
            let snapshot = try await store.iamSnapshot(account: account)
            #expect(snapshot.generation == 1)
            #expect(snapshot.users == [alice])
            #expect(try await store.commitIAM(account: account, expectedGeneration: 1, [.putUser(bob)]) == 2)
            #expect(try await store.iamSnapshot(account: account).users.map(\.name).sorted() == ["alice", "bob"])
            // Another account sees nothing.
            #expect(try await store.iamSnapshot(account: randomAccount()).users.isEmpty)
        }
    }

    @Test(
        "looks up an access key with its account's status and IAM generation in one read",
        arguments: Backend.available)
    func accessKeyLookup(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            #expect(try await store.accessKeyLookup(id: "AKIANOSUCHKEY0000000") == nil)
            // A key whose account row is missing is as good as unknown.
            let orphan = key(randomAccount(), user: nil, id: "AKIAO\(account.rawValue.suffix(10))ORPH1")
            try await store.insertAccessKey(orphan)
            #expect(try await store.accessKeyLookup(id: orphan.accessKeyID) == nil)
            try await store.insertAccount(
                AccountRecord(id: account, name: "lookup", email: nil, status: .active, createdAt: baseTime))
            let rootKey = key(account, user: nil, id: "AKIAL\(account.rawValue.suffix(10))ROOT1")
            try await store.insertAccessKey(rootKey)
            // No IAM write yet: generation 0.
            #expect(
                try await store.accessKeyLookup(id: rootKey.accessKeyID)
                    == AccessKeyLookup(key: rootKey, accountStatus: .active, iamGeneration: 0))

            let alice = iamUser(account, "alice")
            let aliceKey = key(account, user: "alice", id: "AKIAL\(account.rawValue.suffix(10))ALIC1")
            #expect(
                try await store.commitIAM(
                    account: account, expectedGeneration: 0, [.putUser(alice), .insertAccessKey(aliceKey)]) == 1)
            let found = try #require(try await store.accessKeyLookup(id: aliceKey.accessKeyID))
            #expect(found.key == aliceKey)
            #expect(found.iamGeneration == 1)
            // Every IAM commit moves the generation the lookup reports, for every key of the account.
            _ = try await store.commitIAM(account: account, expectedGeneration: 1, [.putUser(iamUser(account, "bob"))])
            #expect(try await store.accessKeyLookup(id: rootKey.accessKeyID)?.iamGeneration == 2)
            #expect(try await store.accessKeyLookup(id: aliceKey.accessKeyID)?.iamGeneration == 2)

            // A closed account's keys report it, so authentication refuses them.
            var closed = try #require(try await store.account(account))
            closed.status = .suspended
            try await store.updateAccount(closed)
            #expect(try await store.accessKeyLookup(id: rootKey.accessKeyID)?.accountStatus == .suspended)
        }
    }

    @Test("of concurrent commits from one generation exactly one wins", arguments: Backend.available)
    func concurrentCommits(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            _ = try await store.commitIAM(account: account, expectedGeneration: 0, [.putUser(iamUser(account, "base"))])
            let results = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await store.commitIAM(
                            account: account, expectedGeneration: 1,
                            [.putUser(iamUser(account, "racer\(index)", id: "AIDARACER\(index)00000000000"))]
                        )
                    }
                }
                var results: [Int64?] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(results.compactMap { $0 } == [2])
            #expect(try await store.iamSnapshot(account: account).users.count == 2)
        }
    }

    @Test("stores every IAM entity and removes a user's rows with it", arguments: Backend.available)
    func entities(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            let alice = iamUser(account, "alice", path: "/eng/")
            let group = IAMGroupRecord(
                groupID: "AGPAGROUP000000000001", name: "admins", path: "/",
                arn: "arn:aws:iam::\(account):group/admins",
                createdAt: baseTime
            )
            let policyARN = "arn:aws:iam::\(account):policy/read"
            let policy = IAMManagedPolicyRecord(
                policyID: "ANPAPOLICY0000000001", arn: policyARN, name: "read", path: "/", description: "Reads",
                defaultVersionID: "v1", nextVersionNumber: 2, tags: [], createdAt: baseTime, updatedAt: baseTime
            )
            let version = IAMPolicyVersionRecord(
                policyARN: policyARN, versionID: "v1", document: #"{"Version":"2012-10-17","Statement":[]}"#,
                createdAt: baseTime
            )
            let userRef = IAMEntityRef(kind: .user, id: alice.userID)
            let changes: [IAMChange] = [
                .putUser(alice), .putGroup(group),
                .addMembership(IAMGroupMembershipRecord(groupID: group.groupID, userID: alice.userID)),
                .putPolicy(policy), .putPolicyVersion(version),
                .attach(IAMAttachmentRecord(entity: userRef, policyARN: policyARN, attachedAt: baseTime)),
                .putInlinePolicy(IAMInlinePolicyRecord(entity: userRef, policyName: "inline", document: "{}")),
                .putLoginProfile(
                    IAMLoginProfileRecord(
                        userID: alice.userID, passwordHash: "pbkdf2-sha256$1$AA==$AA==", passwordResetRequired: true,
                        createdAt: baseTime)),
                .insertAccessKey(key(account, user: "alice", id: "AKIA\(account.rawValue)0001")),
            ]
            let generation = try #require(try await store.commitIAM(account: account, expectedGeneration: 0, changes))
            let s = try await store.iamSnapshot(account: account)
            #expect(s.users == [alice])
            #expect(s.groups == [group])
            #expect(s.memberships == [IAMGroupMembershipRecord(groupID: group.groupID, userID: alice.userID)])
            #expect(s.policies == [policy])
            #expect(s.versions == [version])
            #expect(s.attachments.map(\.policyARN) == [policyARN])
            #expect(s.inlinePolicies.map(\.policyName) == ["inline"])
            #expect(s.loginProfiles.first?.passwordResetRequired == true)
            #expect(s.accessKeys.map(\.accessKeyID) == ["AKIA\(account.rawValue)0001"])
            #expect(try await store.accessKey(id: "AKIA\(account.rawValue)0001")?.userName == "alice")

            // Rename: the key follows the user.
            var renamed = alice
            renamed.name = "alicia"
            renamed.arn = "arn:aws:iam::\(account):user/eng/alicia"
            let next = try #require(
                try await store.commitIAM(
                    account: account, expectedGeneration: generation,
                    [
                        .putUser(renamed),
                        .renameAccessKeyOwner(
                            oldUserName: "alice", newUserName: "alicia", newPrincipalARN: renamed.arn),
                        .setAccessKeyStatus(accessKeyID: "AKIA\(account.rawValue)0001", status: .inactive),
                    ]
                )
            )
            let key = try #require(try await store.accessKey(id: "AKIA\(account.rawValue)0001"))
            #expect(key.userName == "alicia")
            #expect(key.principalARN == renamed.arn)
            #expect(key.status == .inactive)

            // Deleting the user takes its memberships, attachments, inline policies and login profile along.
            _ = try #require(
                try await store.commitIAM(
                    account: account, expectedGeneration: next,
                    [.deleteAccessKey(accessKeyID: "AKIA\(account.rawValue)0001"), .deleteUser(userID: alice.userID)]
                )
            )
            let after = try await store.iamSnapshot(account: account)
            #expect(after.users.isEmpty)
            #expect(after.memberships.isEmpty)
            #expect(after.attachments.isEmpty)
            #expect(after.inlinePolicies.isEmpty)
            #expect(after.loginProfiles.isEmpty)
            #expect(after.accessKeys.isEmpty)
            #expect(after.groups == [group])
            #expect(after.policies == [policy])
        }
    }

    @Test("refuses a second user with the same name in another case", arguments: Backend.available)
    func caseInsensitiveNames(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            _ = try await store.commitIAM(
                account: account, expectedGeneration: 0, [.putUser(iamUser(account, "alice"))])
            let error = await #expect(throws: ServiceError.self) {
                _ = try await store.commitIAM(
                    account: account, expectedGeneration: 1,
                    [.putUser(iamUser(account, "ALICE", id: "AIDAOTHER00000000000"))]
                )
            }
            #expect(error?.code == .resourceAlreadyExists)
            // The failed commit wrote nothing, not even the generation.
            #expect(try await store.iamGeneration(account: account) == 1)
        }
    }

    @Test("appends audit events and reads them newest first with filters and a cursor", arguments: Backend.available)
    func audit(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            func event(_ n: Int, name: String, user: String?) -> AuditEvent {
                AuditEvent(
                    eventID: "event-\(1000 + n)", account: account, time: baseTime + Int64(n / 2), eventName: name,
                    eventSource: "personalize.amazonaws.com", readOnly: name.hasPrefix("Describe"),
                    principalARN: "arn:aws:iam::\(account):user/\(user ?? "root")",
                    principalType: user == nil ? "Root" : "IAMUser", userName: user, accessKeyID: "AKIA\(n)",
                    action: "personalize:\(name)",
                    resource: "arn:aws:personalize:us-east-1:\(account):schema/s\(n % 3)",
                    decision: n % 4 == 0 ? "ImplicitDeny" : "Allow", decidingStatement: nil, sourceIP: "127.0.0.1",
                    userAgent: "boto3", requestID: "req-\(n)", region: "us-east-1",
                    errorCode: n % 4 == 0 ? "AccessDeniedException" : nil, errorMessage: nil
                )
            }
            let events = (0..<10).map {
                event($0, name: $0 % 2 == 0 ? "DescribeSchema" : "CreateSchema", user: $0 < 5 ? "alice" : nil)
            }
            try await store.appendAuditEvents(events)
            try await store.appendAuditEvents([
                AuditEvent(
                    eventID: "other", account: randomAccount(), time: baseTime, eventName: "CreateSchema",
                    eventSource: "personalize.amazonaws.com", readOnly: false, principalARN: "x", principalType: "Root",
                    userName: nil, accessKeyID: "AKIAX", action: "personalize:CreateSchema", resource: "*",
                    decision: "Allow", decidingStatement: nil, sourceIP: nil, userAgent: nil, requestID: "r",
                    region: "us-east-1", errorCode: nil, errorMessage: nil)
            ])

            let all = try await store.auditEvents(account: account, AuditQuery(limit: 100))
            #expect(all.count == 10)
            #expect(all.first == events[9] || all.first == events[8])
            #expect(all.map(\.time) == all.map(\.time).sorted(by: >))
            #expect(Set(all.map(\.eventID)) == Set(events.map(\.eventID)))
            #expect(all.first(where: { $0.eventID == events[3].eventID }) == events[3])

            // Paging with a cursor: no duplicates, no gaps.
            var seen: [String] = []
            var cursor: AuditCursor?
            repeat {
                let page = try await store.auditEvents(account: account, AuditQuery(after: cursor, limit: 3))
                seen += page.map(\.eventID)
                cursor = page.count == 3 ? AuditCursor(time: page[2].time, eventID: page[2].eventID) : nil
            } while cursor != nil
            #expect(seen == all.map(\.eventID))

            let byName = try await store.auditEvents(
                account: account, AuditQuery(eventName: "CreateSchema", limit: 100))
            #expect(byName.count == 5)
            let byUser = try await store.auditEvents(account: account, AuditQuery(userName: "alice", limit: 100))
            #expect(byUser.count == 5)
            let byResource = try await store.auditEvents(
                account: account,
                AuditQuery(resource: "arn:aws:personalize:us-east-1:\(account):schema/s0", limit: 100)
            )
            #expect(byResource.map(\.eventID).sorted() == ["event-1000", "event-1003", "event-1006", "event-1009"])
            let window = try await store.auditEvents(
                account: account, AuditQuery(startTime: baseTime + 1, endTime: baseTime + 2, limit: 100)
            )
            #expect(window.count == 4)
            let byKey = try await store.auditEvents(account: account, AuditQuery(accessKeyID: "AKIA7", limit: 1))
            #expect(byKey.map(\.eventID) == ["event-1007"])
            let readOnly = try await store.auditEvents(account: account, AuditQuery(readOnly: true, limit: 100))
            #expect(readOnly.count == 5)
        }
    }

    private func auditEvent(_ id: String, account: AccountID, time: Int64, resource: String) -> AuditEvent {
        AuditEvent(
            eventID: id, account: account, time: time, eventName: "DescribeSchema",
            eventSource: "personalize.amazonaws.com", readOnly: true, principalARN: "arn:aws:iam::\(account):root",
            principalType: "Root", userName: "root", accessKeyID: "AKIAAUDIT", action: "personalize:DescribeSchema",
            resource: resource, decision: "Allow", decidingStatement: "account-root", sourceIP: nil, userAgent: nil,
            requestID: "req-\(id)", region: "us-east-1", errorCode: nil, errorMessage: nil)
    }

    @Test("filters audit events by CloudTrail resource type", arguments: Backend.available)
    func auditByResourceType(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            let resources = [
                "arn:aws:personalize:us-east-1:\(account):dataset-group/movies",
                "arn:aws:personalize:us-east-1:\(account):dataset/movies/INTERACTIONS",
                "arn:aws:personalize:us-east-1:\(account):dataset-import-job/load",
                "arn:aws:iam::\(account):user/team/alice",
                "arn:aws:iam::\(account):root",
                "*",
            ]
            try await store.appendAuditEvents(
                resources.enumerated().map {
                    auditEvent(
                        "type-\($0.offset)", account: account, time: baseTime + Int64($0.offset), resource: $0.element)
                })
            func ids(_ name: String) async throws -> [String] {
                let type = try #require(AuditResourceType(cloudTrailName: name))
                return try await store.auditEvents(account: account, AuditQuery(resourceType: type, limit: 50))
                    .map(\.eventID).sorted()
            }
            #expect(try await ids("AWS::Personalize::DatasetGroup") == ["type-0"])
            #expect(try await ids("AWS::Personalize::Dataset") == ["type-1"])
            #expect(try await ids("AWS::Personalize::DatasetImportJob") == ["type-2"])
            #expect(try await ids("AWS::IAM::User") == ["type-3"])
            #expect(try await ids("AWS::IAM::Root") == ["type-4"])
            #expect(try await ids("AWS::Personalize::Campaign") == [])
            // Every stored event's own type finds it.
            for (index, resource) in resources.enumerated() where resource != "*" {
                #expect(try await ids(AuditResourceType.name(ofARN: resource)).contains("type-\(index)"))
            }
        }
    }

    @Test("prunes audit events past a cutoff, oldest first, in bounded batches", arguments: Backend.available)
    func auditPruning(backend: Backend) async throws {
        try await backend.withStorage { store in
            // Far in the past, so no other test's events are older than these cutoffs; clear leftovers first.
            let old: Int64 = 1_000_000_000_000
            while try await store.pruneAuditEvents(before: old + 100, limit: 1000) == 1000 {}
            let first = randomAccount()
            let second = randomAccount()
            try await store.appendAuditEvents(
                (0..<5).map { auditEvent("old-a\($0)", account: first, time: old + Int64($0), resource: "*") }
                    + (0..<2).map {
                        auditEvent("old-b\($0)", account: second, time: old + 10 + Int64($0), resource: "*")
                    }
                    + [auditEvent("recent", account: first, time: baseTime, resource: "*")])
            #expect(try await store.pruneAuditEvents(before: old + 100, limit: 0) == 0)
            // The three oldest go first, whatever their account.
            #expect(try await store.pruneAuditEvents(before: old + 100, limit: 3) == 3)
            let left = try await store.auditEvents(account: first, AuditQuery(limit: 50)).map(\.eventID)
            #expect(left.sorted() == ["old-a3", "old-a4", "recent"])
            // Then the rest, across accounts; fewer than the limit means nothing older is left.
            #expect(try await store.pruneAuditEvents(before: old + 100, limit: 3) == 3)
            #expect(try await store.pruneAuditEvents(before: old + 100, limit: 3) == 1)
            #expect(try await store.pruneAuditEvents(before: old + 100, limit: 3) == 0)
            #expect(try await store.auditEvents(account: first, AuditQuery(limit: 50)).map(\.eventID) == ["recent"])
            #expect(try await store.auditEvents(account: second, AuditQuery(limit: 50)).isEmpty)
        }
    }
}
