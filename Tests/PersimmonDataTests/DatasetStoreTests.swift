import PersimmonCatalog
import Synchronization
import Testing

@testable import PersimmonData

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

private final class Flag: Sendable {
    let value = Mutex(false)
}

@Suite struct DatasetStoreTests {
    @Test("a 20,000-row synthetic round trip equals the input, across row groups and chunk sizes")
    func roundTrip() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .interactions)
        // Deterministic pseudo-random rows with a few quoted IDs and event types.
        var state: UInt64 = 0x1234_5678
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var rows: [(user: String, item: String, time: Int64, event: String?, value: Float?)] = []
        var csv = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\r\n"
        let events = ["click", "purchase", "watch"]
        for index in 0..<20_000 {
            let user = index % 97 == 0 ? "user, \(next() % 300)" : "u\(next() % 300)"
            let item = "i\(next() % 1_000)"
            let time = 1_500_000_000 + Int64(next() % 100_000_000)
            let event: String? = index % 5 == 0 ? nil : events[next() % 3]
            let value: Float? = index % 3 == 0 ? nil : Float(next() % 1_000) / 8
            rows.append((user, item, time, event, value))
            let quotedUser = user.contains(",") ? "\"\(user)\"" : user
            csv += "\(quotedUser),\(item),\(time),\(event ?? ""),\(value.map { "\($0)" } ?? "")\r\n"
        }
        let limits = ImportLimits(rowGroupRows: 3_000)
        let summary = try importOK(
            csv, into: store, schema: Schemas.interactionsWithEvents, limits: limits, chunkSize: 65_537
        )
        #expect(summary.records == 20_000)
        #expect(summary.bytesRead == csv.utf8.count)

        let snapshot = try store.interactions()
        #expect(snapshot.count == 20_000)
        let values = try #require(snapshot.eventValue)
        for (index, row) in rows.enumerated() {
            #expect(snapshot.users[Int(snapshot.userIndex[index])] == row.user)
            #expect(snapshot.items[Int(snapshot.itemIndex[index])] == row.item)
            #expect(snapshot.timestamp[index] == row.time)
            let event = snapshot.eventType[index] < 0 ? nil : snapshot.eventTypes[Int(snapshot.eventType[index])]
            #expect(event == row.event)
            #expect(row.value.map { $0 == values[index] } ?? values[index].isNaN)
            if index > 200 { break }  // Spot-check the rest in bulk below (debug builds are slow).
        }
        let users = rows.map(\.user)
        #expect(snapshot.userIndex.map { snapshot.users[Int($0)] } == users)
        #expect(snapshot.itemIndex.map { snapshot.items[Int($0)] } == rows.map(\.item))
        #expect(snapshot.timestamp == rows.map(\.time))
        // Dictionaries are in first-seen order.
        var seen = Set<String>()
        #expect(snapshot.users == users.filter { seen.insert($0).inserted })
        #expect(store.segments.count == 1)
    }

    @Test("FULL replaces the data; INCREMENTAL appends interactions")
    func fullAndIncrementalInteractions() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .interactions)
        try importOK(interactionsCSV(count: 1_000, start: 100), into: store, schema: Schemas.interactions)
        let second = try importOK(
            interactionsCSV(count: 1_500, users: 10, start: 5_000), into: store, schema: Schemas.interactions
        )
        var snapshot = try store.interactions()
        #expect(snapshot.count == 1_500, "FULL replaced the first import")
        #expect(snapshot.timestamp.first == 5_000)
        #expect(snapshot.users.count == 10)
        #expect(store.segments.map(\.file) == [second.segment])

        let third = try importOK(
            interactionsCSV(count: 1_000, users: 80, start: 9_000), into: store, schema: Schemas.interactions,
            mode: .incremental
        )
        snapshot = try store.interactions()
        #expect(snapshot.count == 2_500)
        #expect(snapshot.timestamp[1_499] == 6_499)
        #expect(snapshot.timestamp[1_500] == 9_000)
        #expect(snapshot.users.count == 80, "user dictionaries merge across segments")
        #expect(snapshot.users[Int(snapshot.userIndex[1_500])] == "u0")
        #expect(snapshot.userIndex[1_500] == snapshot.userIndex[0], "the same ID gets the same index")
        #expect(store.segments.map(\.file) == [second.segment, third.segment])
        #expect(store.segments.map(\.mode) == ["FULL", "INCREMENTAL"])
        #expect(third.generation == 3)
        // The replaced segment file is gone.
        #expect(directoryListing(directory.path) == [second.segment, third.segment, "manifest.json"].sorted())
    }

    @Test("INCREMENTAL upserts items: the latest record per ID wins")
    func itemsUpsert() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .items)
        let schema = Schemas.items
        try importOK(
            "ITEM_ID,GENRES,PRICE\ni1,Action,10\ni2,Drama,20\ni1,Comedy,11\ni3,,30\n", into: store, schema: schema,
            limits: smallLimits
        )
        var items = try store.entities()
        #expect(items.ids == ["i1", "i2", "i3"])
        #expect(items.column(named: "GENRES")?.string(at: 0) == "Comedy", "later in the same file wins")
        #expect(items.column(named: "PRICE")?.values == .float64([11, 20, 30]))

        try importOK(
            "ITEM_ID,GENRES,PRICE\ni2,Thriller|Drama,25\ni4,Kids,5\n", into: store, schema: schema,
            mode: .incremental, limits: smallLimits
        )
        items = try store.entities()
        #expect(items.ids == ["i1", "i2", "i3", "i4"])
        #expect(
            (0..<4).map { items.column(named: "GENRES")?.string(at: $0) } == ["Comedy", "Thriller|Drama", nil, "Kids"])
        #expect(items.column(named: "PRICE")?.values == .float64([11, 25, 30, 5]))
        #expect(items.rows(for: ["i4", "nope", "i1"]) == [3, -1, 0])

        let stats = try store.stats()
        #expect(stats.storedRecords == 6)
        #expect(stats.records == 4)
        #expect(stats.distinctItems == 4)

        // FULL replaces everything, including upserted rows.
        try importOK("ITEM_ID,PRICE\ni9,1\n", into: store, schema: schema, limits: smallLimits)
        items = try store.entities()
        #expect(items.ids == ["i9"])
        #expect(items.column(named: "GENRES")?.isNull(0) == true)
    }

    @Test("users datasets upsert the same way")
    func usersUpsert() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .users)
        try importOK(
            "USER_ID,AGE,MEMBERSHIP\nu1,30,gold\nu2,40,silver\n", into: store, schema: Schemas.users,
            limits: smallLimits)
        try importOK(
            "USER_ID,AGE,MEMBERSHIP\nu1,31,platinum\n", into: store, schema: Schemas.users, mode: .incremental,
            limits: smallLimits
        )
        let users = try store.entities()
        #expect(users.ids == ["u1", "u2"])
        #expect(users.column(named: "AGE")?.values == .int32([31, 40]))
        #expect(users.column(named: "MEMBERSHIP")?.string(at: 0) == "platinum")
        #expect(users.idField == "USER_ID")
    }

    @Test("a failure between writing the segment and the manifest swap changes nothing")
    func failureBeforeManifestSwap() throws {
        let directory = TemporaryDirectory()
        let failNext = Flag()
        let hooks = DatasetStore.Hooks(beforeManifestSwap: { () throws(DatasetError) in
            if failNext.value.withLock({ $0 }) {
                throw DatasetError(.storage, "simulated crash", underlying: "test")
            }
        })
        let store = try DatasetStore(directory: directory.path, kind: .interactions, hooks: hooks)
        try importOK(interactionsCSV(count: 1_000), into: store, schema: Schemas.interactions)
        let before = try store.interactions()
        let listing = directoryListing(directory.path)

        failNext.value.withLock { $0 = true }
        let error = try #require(
            importText(interactionsCSV(count: 2_000, start: 42), into: store, schema: Schemas.interactions).failure)
        #expect(error.code == .storage)
        #expect(try store.interactions() == before)
        #expect(store.generation == 1)
        #expect(directoryListing(directory.path) == listing)

        failNext.value.withLock { $0 = false }
        try importOK(interactionsCSV(count: 2_000, start: 42), into: store, schema: Schemas.interactions)
        #expect(try store.interactions().count == 2_000)
    }

    @Test("reopening after a crash removes staging files, temporary manifests and unlisted segments")
    func crashLeftovers() throws {
        let directory = TemporaryDirectory()
        var store: DatasetStore? = try DatasetStore(directory: directory.path, kind: .interactions)
        try importOK(interactionsCSV(count: 1_000), into: store!, schema: Schemas.interactions)
        let before = try store!.interactions()
        let live = directoryListing(directory.path)
        store = nil

        // What a crash at each step of an import could leave behind.
        for name in [".staging-0123456789abcdef.pseg", ".manifest-0123456789abcdef.tmp", "seg-00000002-ffff.pseg"] {
            #expect(FileManager.default.createFile(atPath: directory.sub(name), contents: Data("partial".utf8)))
        }
        #expect(directoryListing(directory.path).count == live.count + 3)

        let reopened = try DatasetStore(directory: directory.path, kind: .interactions)
        #expect(directoryListing(directory.path) == live)
        #expect(try reopened.interactions() == before)
        #expect(reopened.generation == 1)
    }

    @Test("data survives a restart")
    func reopen() throws {
        let directory = TemporaryDirectory()
        do {
            let store = try DatasetStore(directory: directory.path, kind: .items)
            try importOK(
                "ITEM_ID,GENRES,YEAR,DESCRIPTION\ni1,a|b,2001,\"text, quoted\"\ni2,,,\n", into: store,
                schema: Schemas.items, limits: smallLimits
            )
            try importOK(
                "ITEM_ID,YEAR\ni3,2003\n", into: store, schema: Schemas.items, mode: .incremental, limits: smallLimits
            )
        }
        let store = try DatasetStore(directory: directory.path, kind: .items)
        #expect(store.generation == 2)
        let items = try store.entities()
        #expect(items.ids == ["i1", "i2", "i3"])
        #expect(items.column(named: "YEAR")?.values == .int32([2001, 0, 2003]))
        #expect((0..<3).map { items.column(named: "GENRES")?.string(at: $0) } == ["a|b", nil, nil])
        #expect(items.column(named: "DESCRIPTION")?.string(at: 0) == "text, quoted")
    }

    @Test("a second store on the same directory is refused until the first is released")
    func exclusiveLock() throws {
        let directory = TemporaryDirectory()
        var first: DatasetStore? = try DatasetStore(directory: directory.path, kind: .interactions)
        let error = #expect(throws: DatasetError.self) {
            _ = try DatasetStore(directory: directory.path, kind: .interactions)
        }
        #expect(error?.code == .storeLocked)
        #expect(first != nil)
        first = nil
        _ = try DatasetStore(directory: directory.path, kind: .interactions)
    }

    @Test("a directory holding another dataset type is refused")
    func wrongKind() throws {
        let directory = TemporaryDirectory()
        do {
            let store = try DatasetStore(directory: directory.path, kind: .users)
            try importOK("USER_ID,AGE,MEMBERSHIP\nu1,1,a\n", into: store, schema: Schemas.users, limits: smallLimits)
        }
        let error = #expect(throws: DatasetError.self) {
            _ = try DatasetStore(directory: directory.path, kind: .items)
        }
        #expect(error?.code == .wrongDatasetType)
        let users = try DatasetStore(directory: directory.path, kind: .users)
        #expect(throws: DatasetError.self) { _ = try users.interactions() }
    }

    @Test("stats count rows, distinct users and items, timestamps and event types")
    func stats() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .interactions)
        var empty = try store.stats()
        #expect(empty.records == 0 && empty.segments == 0 && empty.minTimestamp == nil)

        var csv = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n"
        for index in 0..<1_200 {
            csv += "u\(index % 30),i\(index % 45),\(2_000 + index),\(index % 4 == 0 ? "buy" : "view")\n"
        }
        csv += "lonely,i1,1999,\n"
        try importOK(csv, into: store, schema: Schemas.interactionsWithEvents)
        var more = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n"
        for index in 0..<1_000 { more += "v\(index % 5),i\(100 + index % 3),\(9_000 + index),rate\n" }
        try importOK(more, into: store, schema: Schemas.interactionsWithEvents, mode: .incremental)

        let stats = try store.stats()
        #expect(stats.segments == 2)
        #expect(stats.records == 2_201)
        #expect(stats.storedRecords == 2_201)
        #expect(stats.distinctUsers == 36)
        #expect(stats.usersWithAtLeastTwoInteractions == 35)
        #expect(stats.distinctItems == 48)
        #expect(stats.minTimestamp == 1_999)
        #expect(stats.maxTimestamp == 9_999)
        #expect(
            stats.eventTypes == [
                EventTypeCount(eventType: "rate", count: 1_000), EventTypeCount(eventType: "view", count: 900),
                EventTypeCount(eventType: "buy", count: 300),
            ])
        #expect(stats.bytesOnDisk > 0)
        #expect(stats.generation == 2)

        try store.removeAllData()
        empty = try store.stats()
        #expect(empty.records == 0 && empty.segments == 0 && empty.generation == 3)
        #expect(try store.interactions().count == 0)
    }

    @Test("imports a local file with importCSV")
    func importFile() throws {
        let directory = TemporaryDirectory()
        let csvPath = directory.sub("input.csv")
        let text = interactionsCSV(count: 3_000)
        #expect(FileManager.default.createFile(atPath: csvPath, contents: Data(text.utf8)))
        let store = try DatasetStore(directory: directory.sub("store"), kind: .interactions)
        let summary = try store.importCSV(path: csvPath, schema: Schemas.interactions, mode: .full)
        #expect(summary.records == 3_000)
        #expect(summary.bytesRead == text.utf8.count)
        #expect(try store.interactions().timestamp.last == 1_600_002_999)

        let missing = #expect(throws: DatasetError.self) {
            _ = try store.importCSV(path: directory.sub("nope.csv"), schema: Schemas.interactions, mode: .full)
        }
        #expect(missing?.code == .storage)
        #expect(missing?.failureReason == "The input file could not be opened")
    }

    @Test("reads older segments after a schema change: missing columns are null")
    func schemaEvolution() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .interactions)
        try importOK(interactionsCSV(count: 1_000), into: store, schema: Schemas.interactions)
        var csv = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\n"
        for index in 0..<1_000 { csv += "u\(index % 3),i1,\(index),click,2.5\n" }
        try importOK(csv, into: store, schema: Schemas.interactionsWithEvents, mode: .incremental)
        let snapshot = try store.interactions()
        #expect(snapshot.count == 2_000)
        #expect(snapshot.eventType[0] == -1 && snapshot.eventType[1_000] == 0)
        let values = try #require(snapshot.eventValue)
        #expect(values[0].isNaN && values[1_999] == 2.5)
    }

    @Test("a damaged segment is reported as corrupt, not read")
    func corruptSegment() throws {
        let directory = TemporaryDirectory()
        let file: String
        do {
            let store = try DatasetStore(directory: directory.path, kind: .interactions)
            file = try importOK(interactionsCSV(count: 1_000), into: store, schema: Schemas.interactions).segment
        }
        // Flip a byte inside the footer.
        let path = directory.sub(file)
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes[bytes.count - 40] ^= 0xFF
        #expect(FileManager.default.createFile(atPath: path, contents: bytes))
        let error = #expect(throws: DatasetError.self) {
            _ = try DatasetStore(directory: directory.path, kind: .interactions)
        }
        #expect(error?.code == .corruptData)
    }
}

@Suite struct CompactionTests {
    @Test("compacting many interaction segments keeps every row in order")
    func interactions() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .interactions)
        try importOK(interactionsCSV(count: 1_000), into: store, schema: Schemas.interactions)
        for batch in 0..<6 {
            var csv = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\n"
            for index in 0..<(3 + batch) {
                csv +=
                    "s\(batch),i\(index),\(2_000_000_000 + batch * 10 + index),\(batch % 2 == 0 ? "click" : ""),\(index)\n"
            }
            try importOK(
                csv, into: store, schema: Schemas.interactionsWithEvents, mode: .incremental, limits: smallLimits)
        }
        let before = try store.interactions()
        let statsBefore = try store.stats()
        #expect(store.segments.count == 7)

        let generation = try store.compact(rowGroupRows: 100)
        #expect(generation == 8)
        #expect(store.segments.count == 1)
        #expect(store.segments.first?.mode == "COMPACTION")
        var after = try store.interactions()
        // NaN (null EVENT_VALUE) is not equal to itself: compare bit patterns.
        #expect(after.eventValue?.map(\.bitPattern) == before.eventValue?.map(\.bitPattern))
        after.eventValue = nil
        var expected = before
        expected.eventValue = nil
        #expect(after == expected)
        var statsAfter = try store.stats()
        statsAfter.bytesOnDisk = statsBefore.bytesOnDisk
        statsAfter.segments = statsBefore.segments
        statsAfter.generation = statsBefore.generation
        #expect(statsAfter == statsBefore)
        #expect(directoryListing(directory.path).count == 2, "one segment and the manifest")
        #expect(try store.compact() == nil, "nothing left to compact")
    }

    @Test("compacting items keeps only the latest record per ID")
    func items() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.path, kind: .items)
        try importOK(
            "ITEM_ID,GENRES,PRICE,DESCRIPTION\ni1,a|b,1,x\ni2,c,2,\ni3,,,\"long, text\"\n", into: store,
            schema: Schemas.items, limits: smallLimits)
        try importOK(
            "ITEM_ID,GENRES,PRICE\ni2,d,20\ni4,e|a,4\n", into: store, schema: Schemas.items, mode: .incremental,
            limits: smallLimits)
        try importOK(
            "ITEM_ID,PRICE\ni1,100\n", into: store, schema: Schemas.items, mode: .incremental, limits: smallLimits)
        let before = try store.entities()
        try store.compact()
        let after = try store.entities()
        #expect(after.ids == before.ids)
        for column in before.columns {
            let compacted = try #require(after.column(named: column.field.name))
            #expect(
                (0..<before.count).map { compacted.string(at: $0) } == (0..<before.count).map { column.string(at: $0) },
                "\(column.field.name)")
        }
        #expect(try store.table().rowCount == 4, "superseded rows are gone")
        // Still correct after a restart.
        let path = directory.path
        _ = consume store
        let reopened = try DatasetStore(directory: path, kind: .items)
        #expect(try reopened.entities().ids == before.ids)
    }
}
