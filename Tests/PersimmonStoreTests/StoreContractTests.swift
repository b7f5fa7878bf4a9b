import PersimmonCore
import PersimmonStore
import Testing

/// One set of behaviours every `PersimmonStorage` must have: in memory, in SQLite, and in PostgreSQL when
/// `PERSIMMON_TEST_POSTGRES_URL` is set. Serialized so that PostgreSQL sees one test's connections at a time.
@Suite("Store contract", .serialized)
struct StoreContractTests {
    /// Reports, as a skip with its reason, that the PostgreSQL cases below did not run.
    @Test("runs against PostgreSQL too", postgresIsConfigured)
    func postgresIsAvailable() async throws {
        #expect(Backend.available.contains(.postgres))
        try await Backend.postgres.withStorage { store in
            let count = try await store.count(account: randomAccount(), kind: .datasetGroup, parentARN: nil)
            #expect(count == 0)
        }
    }

    // MARK: Resources

    @Test("inserts, reads and updates a resource with optimistic versions", arguments: Backend.available)
    func insertGetUpdate(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            let record = datasetGroup(account, "movies", status: "CREATE PENDING")
            try await store.insert(record)
            #expect(try await store.get(account: account, arn: record.arn) == record)
            #expect(try await store.get(account: account, arn: record.arn + "-missing") == nil)

            var changed = record
            changed.status = "ACTIVE"
            changed.document = #"{"status":"ACTIVE"}"#
            changed.updatedAt = baseTime + 5
            let updated = try #require(try await store.update(changed, expectedVersion: 1))
            #expect(updated.version == 2)
            #expect(updated.status == "ACTIVE")
            #expect(updated.document == changed.document)
            #expect(updated.updatedAt == baseTime + 5)
            #expect(updated.createdAt == record.createdAt)
            #expect(try await store.get(account: account, arn: record.arn) == updated)

            // A writer that read version 1 lost the race: nothing changes.
            var stale = record
            stale.status = "CREATE FAILED"
            #expect(try await store.update(stale, expectedVersion: 1) == nil)
            #expect(try await store.get(account: account, arn: record.arn) == updated)

            let third = try #require(try await store.update(changed, expectedVersion: 2))
            #expect(third.version == 3)

            let missing = datasetGroup(account, "nothing-here")
            #expect(try await store.update(missing, expectedVersion: 1) == nil)
            #expect(try await store.get(account: account, arn: missing.arn) == nil)
        }
    }

    @Test("refuses a duplicate ARN with ResourceAlreadyExists", arguments: Backend.available)
    func duplicateInsert(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            let record = datasetGroup(account, "movies")
            try await store.insert(record)
            var again = record
            again.document = "{}"
            let error = try await #require(throws: ServiceError.self) { try await store.insert(again) }
            #expect(error.code == .resourceAlreadyExists)
            #expect(error.message.contains(record.arn))
            #expect(try await store.get(account: account, arn: record.arn) == record)

            // The same ARN text in another account is another resource.
            let other = randomAccount()
            var foreign = record
            foreign.account = other
            try await store.insert(foreign)
            #expect(try await store.get(account: other, arn: record.arn) == foreign)
        }
    }

    @Test("deleting a resource removes it and its tags", arguments: Backend.available)
    func deleteRemovesTags(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            let record = datasetGroup(account, "movies")
            try await store.insert(record)
            try await store.putTags(account: account, arn: record.arn, [(key: "team", value: "recs")])

            #expect(try await store.delete(account: account, arn: record.arn))
            #expect(try await store.get(account: account, arn: record.arn) == nil)
            #expect(try await store.tags(account: account, arn: record.arn).isEmpty)
            #expect(try await store.delete(account: account, arn: record.arn) == false)

            // A new resource with the same ARN starts without the old tags.
            try await store.insert(record)
            #expect(try await store.tags(account: account, arn: record.arn).isEmpty)
        }
    }

    @Test("lists newest first and pages with a cursor without duplicates or gaps", arguments: Backend.available)
    func listPagination(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            // 120 rows, three per millisecond, with names whose byte order differs from a locale's (case, - and _).
            let prefixes = ["Alpha", "alpha", "beta-", "beta_", "Zeta", "zeta"]
            var records: [ResourceRecord] = []
            for index in 0..<120 {
                let name = "\(prefixes[index % prefixes.count])\((index * 37) % 120)"
                let record = datasetGroup(account, name, createdAt: baseTime + Int64(index / 3))
                records.append(record)
                try await store.insert(record)
            }
            // Rows of another kind and another account never show up.
            try await store.insert(dataset(account, group: "Alpha0", type: "INTERACTIONS"))
            try await store.insert(datasetGroup(randomAccount(), "Alpha0"))

            let expected = records.sorted {
                $0.createdAt != $1.createdAt
                    ? $0.createdAt > $1.createdAt : $0.arn.utf8.lexicographicallyPrecedes($1.arn.utf8)
            }
            var seen: [ResourceRecord] = []
            var cursor: ListCursor?
            var pages = 0
            while true {
                let page = try await store.list(
                    account: account, ResourceQuery(kind: .datasetGroup, after: cursor, limit: 7))
                if page.isEmpty { break }
                #expect(page.count <= 7)
                seen += page
                cursor = ListCursor(createdAt: page.last!.createdAt, arn: page.last!.arn)
                pages += 1
                try #require(pages <= 20, "pagination does not end")
            }
            #expect(pages == 18)
            #expect(seen.map(\.arn) == expected.map(\.arn))
            #expect(seen == expected)

            let all = try await store.list(account: account, ResourceQuery(kind: .datasetGroup, limit: 1000))
            #expect(all == expected)
            #expect(try await store.list(account: account, ResourceQuery(kind: .datasetGroup, limit: 0)).isEmpty)
        }
    }

    @Test("filters listings by parent and by status", arguments: Backend.available)
    func listFilters(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            let movies = datasetGroup(account, "movies")
            let books = datasetGroup(account, "books", status: "CREATE PENDING")
            try await store.insert(movies)
            try await store.insert(books)
            let interactions = dataset(account, group: "movies", type: "INTERACTIONS", createdAt: baseTime + 1)
            let items = dataset(
                account, group: "movies", type: "ITEMS", createdAt: baseTime + 2, status: "CREATE FAILED")
            let bookInteractions = dataset(account, group: "books", type: "INTERACTIONS", createdAt: baseTime + 3)
            for record in [interactions, items, bookInteractions] { try await store.insert(record) }

            let underMovies = try await store.list(
                account: account, ResourceQuery(kind: .dataset, parentARN: movies.arn))
            #expect(underMovies == [items, interactions])
            let underBooks = try await store.list(account: account, ResourceQuery(kind: .dataset, parentARN: books.arn))
            #expect(underBooks == [bookInteractions])

            let active = try await store.list(account: account, ResourceQuery(kind: .dataset, statuses: ["ACTIVE"]))
            #expect(active == [bookInteractions, interactions])
            let activeUnderMovies = try await store.list(
                account: account,
                ResourceQuery(kind: .dataset, parentARN: movies.arn, statuses: ["ACTIVE", "CREATE FAILED"])
            )
            #expect(activeUnderMovies == [items, interactions])
            let pending = try await store.list(
                account: account, ResourceQuery(kind: .datasetGroup, statuses: ["CREATE PENDING"]))
            #expect(pending == [books])
            #expect(try await store.list(account: account, ResourceQuery(kind: .dataset, statuses: [])).isEmpty)
        }
    }

    @Test("counts rows of a kind, optionally under a parent", arguments: Backend.available)
    func count(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            #expect(try await store.count(account: account, kind: .datasetGroup, parentARN: nil) == 0)
            let movies = datasetGroup(account, "movies")
            try await store.insert(movies)
            try await store.insert(datasetGroup(account, "books"))
            try await store.insert(dataset(account, group: "movies", type: "INTERACTIONS"))
            try await store.insert(dataset(account, group: "movies", type: "ITEMS"))
            try await store.insert(dataset(account, group: "books", type: "USERS"))

            #expect(try await store.count(account: account, kind: .datasetGroup, parentARN: nil) == 2)
            #expect(try await store.count(account: account, kind: .dataset, parentARN: nil) == 3)
            #expect(try await store.count(account: account, kind: .dataset, parentARN: movies.arn) == 2)
            #expect(try await store.count(account: account, kind: .schema, parentARN: nil) == 0)
            #expect(try await store.count(account: randomAccount(), kind: .dataset, parentARN: nil) == 0)
        }
    }

    @Test("keeps tenants apart, even when one knows the other's ARN", arguments: Backend.available)
    func tenantIsolation(backend: Backend) async throws {
        try await backend.withStorage { store in
            let alice = randomAccount()
            let bob = randomAccount()
            let record = datasetGroup(alice, "private")
            try await store.insert(record)
            try await store.putTags(account: alice, arn: record.arn, [(key: "owner", value: "alice")])
            let kind = randomJobKind()
            try await store.enqueue(
                account: alice, kind: kind, resourceARN: record.arn, payload: "{}", runAfter: 0, now: 0)

            #expect(try await store.get(account: bob, arn: record.arn) == nil)
            #expect(try await store.list(account: bob, ResourceQuery(kind: .datasetGroup)).isEmpty)
            #expect(try await store.count(account: bob, kind: .datasetGroup, parentARN: nil) == 0)
            #expect(try await store.tags(account: bob, arn: record.arn).isEmpty)
            #expect(try await store.jobs(account: bob, resourceARN: record.arn).isEmpty)

            var hijack = record
            hijack.account = bob
            hijack.status = "DELETE PENDING"
            #expect(try await store.update(hijack, expectedVersion: 1) == nil)
            #expect(try await store.delete(account: bob, arn: record.arn) == false)
            try await store.putTags(account: bob, arn: record.arn, [(key: "owner", value: "bob")])
            try await store.removeTags(account: bob, arn: record.arn, keys: ["owner"])

            #expect(try await store.get(account: alice, arn: record.arn) == record)
            let tags = try await store.tags(account: alice, arn: record.arn)
            #expect(tags.map(\.key) == ["owner"])
            #expect(tags.map(\.value) == ["alice"])
            #expect(try await store.jobs(account: alice, resourceARN: record.arn).count == 1)
        }
    }

    @Test("puts, overwrites, removes and sorts tags", arguments: Backend.available)
    func tags(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            let arn = datasetGroupARN(account, "movies")
            try await store.insert(datasetGroup(account, "movies"))
            #expect(try await store.tags(account: account, arn: arn).isEmpty)

            try await store.putTags(
                account: account, arn: arn,
                [(key: "team", value: "recs"), (key: "Env", value: "prod"), (key: "cost-center", value: "42")]
            )
            // Overwrite one, add one; within one call the last value of a key wins.
            try await store.putTags(
                account: account, arn: arn,
                [(key: "team", value: "search"), (key: "app", value: "one"), (key: "app", value: "two")]
            )
            try await store.putTags(account: account, arn: arn, [])
            var tags = try await store.tags(account: account, arn: arn)
            // Byte order: uppercase before lowercase.
            #expect(tags.map(\.key) == ["Env", "app", "cost-center", "team"])
            #expect(tags.map(\.value) == ["prod", "two", "42", "search"])

            try await store.removeTags(account: account, arn: arn, keys: ["team", "no-such-key"])
            try await store.removeTags(account: account, arn: arn, keys: [])
            tags = try await store.tags(account: account, arn: arn)
            #expect(tags.map(\.key) == ["Env", "app", "cost-center"])

            try await store.removeTags(account: account, arn: arn, keys: ["Env", "app", "cost-center"])
            #expect(try await store.tags(account: account, arn: arn).isEmpty)
        }
    }

    // MARK: Accounts and access keys

    @Test("stores, updates and pages through accounts", arguments: Backend.available)
    func accounts(backend: Backend) async throws {
        try await backend.withStorage { store in
            // IDs that share a random prefix, so the page below sees only this test's accounts.
            let prefix = String(randomAccount().rawValue.prefix(9))
            let ids = ["001", "002", "003"].map { AccountID(prefix + $0) }
            for (offset, id) in ids.reversed().enumerated() {
                try await store.insertAccount(
                    AccountRecord(
                        id: id, name: "tenant \(id)", email: nil, status: .active, createdAt: baseTime + Int64(offset))
                )
            }
            let first = try #require(try await store.account(ids[0]))
            #expect(first.name == "tenant \(ids[0])")
            #expect(first.email == nil)
            #expect(first.status == .active)
            #expect(try await store.account(AccountID(prefix + "999")) == nil)

            let duplicate = AccountRecord(id: ids[0], name: "again", email: nil, status: .active, createdAt: baseTime)
            let error = try await #require(throws: ServiceError.self) { try await store.insertAccount(duplicate) }
            #expect(error.code == .resourceAlreadyExists)

            var changed = first
            changed.name = "renamed"
            changed.email = "ops@example.com"
            changed.status = .suspended
            changed.closedAt = baseTime + 100
            try await store.updateAccount(changed)
            #expect(try await store.account(ids[0]) == changed)

            let page = try await store.accounts(after: AccountID(prefix + "000"), limit: 2)
            #expect(page.map(\.id) == [ids[0], ids[1]])
            let next = try await store.accounts(after: ids[1], limit: 2)
            #expect(next.first?.id == ids[2])
            #expect(try await store.accounts(after: nil, limit: 0).isEmpty)
        }
    }

    @Test("stores access keys, changes their status and records their use", arguments: Backend.available)
    func accessKeys(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36).uppercased()
            let secret: [UInt8] = [0, 1, 2, 0xFF, 0x80, 0, 42] + (0..<40).map { UInt8($0 * 5 % 256) }
            let root = AccessKeyRecord(
                accessKeyID: "AKIAROOT\(suffix)", account: account, userName: nil,
                principalARN: "arn:aws:iam::\(account):root", sealedSecret: secret, status: .active, createdAt: baseTime
            )
            let alice = AccessKeyRecord(
                accessKeyID: "AKIAALICE\(suffix)", account: account, userName: "alice",
                principalARN: "arn:aws:iam::\(account):user/alice", sealedSecret: [9, 9], status: .active,
                createdAt: baseTime + 1
            )
            let alice2 = AccessKeyRecord(
                accessKeyID: "AKIAALICF\(suffix)", account: account, userName: "alice",
                principalARN: "arn:aws:iam::\(account):user/alice", sealedSecret: [7], status: .inactive,
                createdAt: baseTime + 2
            )
            for key in [alice2, root, alice] { try await store.insertAccessKey(key) }

            #expect(try await store.accessKey(id: root.accessKeyID) == root)
            #expect(try await store.accessKey(id: "AKIANOPE\(suffix)") == nil)
            #expect(try await store.accessKeys(account: account, userName: nil) == [root])
            #expect(try await store.accessKeys(account: account, userName: "alice") == [alice, alice2])
            #expect(try await store.accessKeys(account: account, userName: "bob").isEmpty)
            #expect(try await store.accessKeys(account: randomAccount(), userName: nil).isEmpty)

            let error = try await #require(throws: ServiceError.self) { try await store.insertAccessKey(root) }
            #expect(error.code == .resourceAlreadyExists)

            try await store.updateAccessKeyStatus(id: alice.accessKeyID, status: .inactive)
            #expect(try await store.accessKey(id: alice.accessKeyID)?.status == .inactive)
            try await store.updateAccessKeyStatus(id: alice.accessKeyID, status: .active)
            #expect(try await store.accessKey(id: alice.accessKeyID)?.status == .active)

            try await store.recordAccessKeyUse(id: root.accessKeyID, at: baseTime + 100)
            #expect(try await store.accessKey(id: root.accessKeyID)?.lastUsedAt == baseTime + 100)
            // Uses recorded out of order never move the time back.
            try await store.recordAccessKeyUse(id: root.accessKeyID, at: baseTime + 50)
            #expect(try await store.accessKey(id: root.accessKeyID)?.lastUsedAt == baseTime + 100)
            try await store.recordAccessKeyUse(id: root.accessKeyID, at: baseTime + 200)
            #expect(try await store.accessKey(id: root.accessKeyID)?.lastUsedAt == baseTime + 200)

            try await store.deleteAccessKey(id: alice.accessKeyID)
            #expect(try await store.accessKey(id: alice.accessKeyID) == nil)
            #expect(try await store.accessKeys(account: account, userName: "alice") == [alice2])
            // Operations on a key that is gone do nothing.
            try await store.deleteAccessKey(id: alice.accessKeyID)
            try await store.updateAccessKeyStatus(id: alice.accessKeyID, status: .active)
            try await store.recordAccessKeyUse(id: alice.accessKeyID, at: baseTime)
            #expect(try await store.accessKey(id: alice.accessKeyID) == nil)
        }
    }

    // MARK: Jobs

    @Test("enqueues, claims, heartbeats and finishes a job", arguments: Backend.available)
    func jobLifecycle(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            let kind = randomJobKind()
            let arn = datasetGroupARN(account, "movies")
            let id = try await store.enqueue(
                account: account, kind: kind, resourceARN: arn, payload: #"{"step":1}"#, runAfter: baseTime,
                now: baseTime
            )
            let queued = try #require(try await store.job(id: id))
            #expect(
                queued
                    == JobRecord(
                        id: id, account: account, kind: kind, resourceARN: arn, payload: #"{"step":1}"#, state: .queued,
                        attempts: 0, leaseOwner: nil, leaseUntil: nil, runAfter: baseTime, lastError: nil,
                        createdAt: baseTime, updatedAt: baseTime
                    )
            )

            #expect(
                try await store.claimNext(
                    kinds: [randomJobKind()], workerID: "w1", leaseUntil: baseTime + 60, now: baseTime) == nil)
            #expect(
                try await store.claimNext(kinds: [], workerID: "w1", leaseUntil: baseTime + 60, now: baseTime) == nil)

            let claimed = try #require(
                try await store.claimNext(
                    kinds: ["other", kind], workerID: "w1", leaseUntil: baseTime + 60, now: baseTime + 1)
            )
            #expect(claimed.id == id)
            #expect(claimed.state == .running)
            #expect(claimed.attempts == 1)
            #expect(claimed.leaseOwner == "w1")
            #expect(claimed.leaseUntil == baseTime + 60)
            #expect(claimed.updatedAt == baseTime + 1)
            #expect(try await store.job(id: id) == claimed)

            #expect(
                try await store.heartbeat(jobID: id, workerID: "w1", leaseUntil: baseTime + 120, now: baseTime + 30))
            #expect(try await store.job(id: id)?.leaseUntil == baseTime + 120)
            #expect(
                try await store.heartbeat(jobID: id, workerID: "w2", leaseUntil: baseTime + 999, now: baseTime + 31)
                    == false)
            #expect(
                try await store.finish(jobID: id, workerID: "w2", state: .succeeded, error: nil, now: baseTime + 32)
                    == false)

            #expect(
                try await store.finish(jobID: id, workerID: "w1", state: .succeeded, error: nil, now: baseTime + 40))
            let finished = try #require(try await store.job(id: id))
            #expect(finished.state == .succeeded)
            #expect(finished.leaseOwner == nil)
            #expect(finished.leaseUntil == nil)
            #expect(finished.attempts == 1)
            #expect(finished.updatedAt == baseTime + 40)
            #expect(
                try await store.finish(jobID: id, workerID: "w1", state: .failed, error: "late", now: baseTime + 41)
                    == false)
            #expect(
                try await store.heartbeat(jobID: id, workerID: "w1", leaseUntil: baseTime + 500, now: baseTime + 42)
                    == false)
            #expect(try await store.job(id: id + 1_000_000) == nil)

            let second = try await store.enqueue(
                account: account, kind: kind, resourceARN: arn, payload: "{}", runAfter: 0, now: baseTime + 50)
            #expect(second > id)
            #expect(try await store.jobs(account: account, resourceARN: arn).map(\.id) == [second, id])
            #expect(try await store.jobs(account: account, resourceARN: arn + "x").isEmpty)

            let error = try await #require(throws: ServiceError.self) {
                try await store.finish(jobID: second, workerID: "w1", state: .queued, error: nil, now: baseTime)
            }
            #expect(error.code == .internalFailure)
        }
    }

    @Test("claims the oldest due job first and waits for runAfter", arguments: Backend.available)
    func claimOrder(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            let kind = randomJobKind()
            let later = try await store.enqueue(
                account: account, kind: kind, resourceARN: "a", payload: "{}", runAfter: baseTime + 1000, now: baseTime)
            let first = try await store.enqueue(
                account: account, kind: kind, resourceARN: "b", payload: "{}", runAfter: baseTime, now: baseTime)
            let second = try await store.enqueue(
                account: account, kind: kind, resourceARN: "c", payload: "{}", runAfter: baseTime, now: baseTime)

            let lease = baseTime + 10_000
            #expect(
                try await store.claimNext(kinds: [kind], workerID: "w", leaseUntil: lease, now: baseTime)?.id == first)
            #expect(
                try await store.claimNext(kinds: [kind], workerID: "w", leaseUntil: lease, now: baseTime)?.id == second)
            #expect(
                try await store.claimNext(kinds: [kind], workerID: "w", leaseUntil: lease, now: baseTime + 999) == nil)
            #expect(
                try await store.claimNext(
                    kinds: [kind], workerID: "w", leaseUntil: baseTime + 2000, now: baseTime + 1000)?.id == later)
        }
    }

    @Test("a second worker cannot claim a leased job", arguments: Backend.available)
    func leasedJobIsExclusive(backend: Backend) async throws {
        try await backend.withStorage { store in
            let kind = randomJobKind()
            let id = try await store.enqueue(
                account: randomAccount(), kind: kind, resourceARN: "arn", payload: "{}", runAfter: 0, now: baseTime)
            #expect(
                try await store.claimNext(kinds: [kind], workerID: "w1", leaseUntil: baseTime + 60, now: baseTime)?.id
                    == id)
            #expect(
                try await store.claimNext(kinds: [kind], workerID: "w2", leaseUntil: baseTime + 60, now: baseTime + 1)
                    == nil)
            // The lease is good up to and including leaseUntil.
            #expect(
                try await store.claimNext(kinds: [kind], workerID: "w2", leaseUntil: baseTime + 120, now: baseTime + 60)
                    == nil)
            #expect(try await store.job(id: id)?.leaseOwner == "w1")
        }
    }

    @Test("an expired lease is claimed again with attempts incremented", arguments: Backend.available)
    func expiredLeaseIsReclaimed(backend: Backend) async throws {
        try await backend.withStorage { store in
            let kind = randomJobKind()
            let id = try await store.enqueue(
                account: randomAccount(), kind: kind, resourceARN: "arn", payload: "{}", runAfter: 0, now: baseTime)
            _ = try #require(
                try await store.claimNext(kinds: [kind], workerID: "w1", leaseUntil: baseTime + 10, now: baseTime))

            let reclaimed = try #require(
                try await store.claimNext(kinds: [kind], workerID: "w2", leaseUntil: baseTime + 100, now: baseTime + 11)
            )
            #expect(reclaimed.id == id)
            #expect(reclaimed.attempts == 2)
            #expect(reclaimed.leaseOwner == "w2")
            #expect(reclaimed.leaseUntil == baseTime + 100)

            // The first worker has lost the job.
            #expect(
                try await store.heartbeat(jobID: id, workerID: "w1", leaseUntil: baseTime + 200, now: baseTime + 12)
                    == false)
            #expect(
                try await store.finish(jobID: id, workerID: "w1", state: .succeeded, error: nil, now: baseTime + 12)
                    == false)
            #expect(
                try await store.release(jobID: id, workerID: "w1", runAfter: 0, error: nil, now: baseTime + 12) == false
            )
            #expect(try await store.job(id: id)?.leaseOwner == "w2")
        }
    }

    @Test("a released job is queued again and runs after runAfter", arguments: Backend.available)
    func releasedJobIsRequeued(backend: Backend) async throws {
        try await backend.withStorage { store in
            let kind = randomJobKind()
            let id = try await store.enqueue(
                account: randomAccount(), kind: kind, resourceARN: "arn", payload: "{}", runAfter: 0, now: baseTime)
            _ = try #require(
                try await store.claimNext(kinds: [kind], workerID: "w1", leaseUntil: baseTime + 60, now: baseTime))
            #expect(
                try await store.release(
                    jobID: id, workerID: "w1", runAfter: baseTime + 30, error: "throttled", now: baseTime + 5))

            let released = try #require(try await store.job(id: id))
            #expect(released.state == .queued)
            #expect(released.runAfter == baseTime + 30)
            #expect(released.lastError == "throttled")
            #expect(released.leaseOwner == nil)
            #expect(released.leaseUntil == nil)
            #expect(released.attempts == 1)
            #expect(
                try await store.release(jobID: id, workerID: "w1", runAfter: 0, error: nil, now: baseTime + 6) == false)

            #expect(
                try await store.claimNext(kinds: [kind], workerID: "w2", leaseUntil: baseTime + 90, now: baseTime + 29)
                    == nil)
            let again = try #require(
                try await store.claimNext(kinds: [kind], workerID: "w2", leaseUntil: baseTime + 90, now: baseTime + 30))
            #expect(again.attempts == 2)
            #expect(
                try await store.finish(
                    jobID: id, workerID: "w2", state: .failed, error: "bad input", now: baseTime + 40))
            #expect(try await store.job(id: id)?.lastError == "bad input")
            #expect(try await store.job(id: id)?.state == .failed)
        }
    }

    @Test("a finished job is never claimed", arguments: Backend.available)
    func finishedJobIsNeverClaimed(backend: Backend) async throws {
        try await backend.withStorage { store in
            let kind = randomJobKind()
            for state in [JobRecord.State.succeeded, .failed] {
                let id = try await store.enqueue(
                    account: randomAccount(), kind: kind, resourceARN: "arn", payload: "{}", runAfter: 0, now: baseTime)
                _ = try #require(
                    try await store.claimNext(kinds: [kind], workerID: "w1", leaseUntil: baseTime + 10, now: baseTime))
                #expect(try await store.finish(jobID: id, workerID: "w1", state: state, error: nil, now: baseTime + 1))
            }
            // Long after any lease would have expired.
            #expect(
                try await store.claimNext(kinds: [kind], workerID: "w2", leaseUntil: .max, now: baseTime + 1_000_000)
                    == nil)
        }
    }

    @Test("concurrent claims never hand one job to two workers", arguments: Backend.available)
    func concurrentClaims(backend: Backend) async throws {
        try await backend.withStorage { store in
            let kind = randomJobKind()
            let account = randomAccount()
            var enqueued: Set<Int64> = []
            for index in 0..<20 {
                enqueued.insert(
                    try await store.enqueue(
                        account: account, kind: kind, resourceARN: "arn-\(index)", payload: "{}", runAfter: 0,
                        now: baseTime)
                )
            }
            let claims = try await withThrowingTaskGroup(of: [(Int64, String)].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var mine: [(Int64, String)] = []
                        while let job = try await store.claimNext(
                            kinds: [kind], workerID: "worker-\(worker)", leaseUntil: baseTime + 600, now: baseTime + 1
                        ) {
                            mine.append((job.id, "worker-\(worker)"))
                        }
                        return mine
                    }
                }
                var all: [(Int64, String)] = []
                for try await claims in group { all += claims }
                return all
            }
            #expect(claims.count == 20)
            #expect(Set(claims.map(\.0)) == enqueued)
            for (id, worker) in claims {
                let job = try #require(try await store.job(id: id))
                #expect(job.leaseOwner == worker)
                #expect(job.attempts == 1)
            }
        }
    }

    // MARK: Migrations and durability

    @Test("migrate() twice is harmless", arguments: Backend.available)
    func migrateTwice(backend: Backend) async throws {
        try await backend.withStorage { store in
            let account = randomAccount()
            let record = datasetGroup(account, "movies")
            try await store.insert(record)
            try await store.migrate()
            try await store.migrate()
            #expect(try await store.get(account: account, arn: record.arn) == record)
            try await store.insert(datasetGroup(account, "books"))
            #expect(try await store.count(account: account, kind: .datasetGroup, parentARN: nil) == 2)
        }
    }
}
