import PersimmonCatalog
import Testing

@testable import PersimmonData

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Streamed batches (PutEvents, PutItems, PutUsers) import with no minimum-record rule.
private var streamedLimits: ImportLimits {
    var limits = ImportLimits()
    limits.minimumRecords = [:]
    return limits
}

private func exportText(_ store: DatasetStore, fields: [String], origins: Set<DataOrigin>) throws -> String {
    var bytes: [UInt8] = []
    _ = try store.exportCSV(fields: fields, origins: origins) { chunk in bytes.append(contentsOf: chunk) }
    return String(decoding: bytes, as: UTF8.self)
}

/// Every entity as its ID and rendered field values (dictionaries may differ in unused keys).
private func rendered(_ snapshot: EntitySnapshot) -> [[String?]] {
    snapshot.ids.indices.map { row in [snapshot.ids[row]] + snapshot.columns.map { $0.string(at: row) } }
}

@Suite struct ExportTests {
    @Test func exportRoundTripsThroughImport() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.sub("items"), kind: .items)
        let csv = """
            ITEM_ID,GENRES,PRICE,YEAR,IN_STOCK,CREATION_TIMESTAMP,DESCRIPTION
            i1,Comedy|Drama,9.5,1999,true,1600000000,"A ""quoted"", text
            with a line break"
            i2,,,,,,
            i3,Horror,0.001,2020,false,1600000001,plain
            i1,Action,10,2000,false,1600000002,replaced

            """
        try importOK(csv, into: store, schema: Schemas.items)
        let fields = Schemas.items.fields.map(\.name)
        let exported = try exportText(store, fields: fields, origins: [.bulk, .put])
        // The upsert is applied: the later i1 wins, in first-seen ID order.
        #expect(
            exported == """
                ITEM_ID,GENRES,PRICE,YEAR,IN_STOCK,CREATION_TIMESTAMP,DESCRIPTION
                i1,Action,10.0,2000,false,1600000002,replaced
                i2,,,,,,
                i3,Horror,0.001,2020,false,1600000001,plain

                """
        )
        let copy = try DatasetStore(directory: directory.sub("copy"), kind: .items)
        try importOK(exported, into: copy, schema: Schemas.items)
        #expect(try rendered(copy.entities()) == rendered(store.entities()))
    }

    @Test func quotedFieldsSurviveTheRoundTrip() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.sub("items"), kind: .items)
        try importOK(
            "ITEM_ID,DESCRIPTION\n\"a,b\",\"say \"\"hi\"\"\r\nthere\"\n", into: store, schema: Schemas.items
        )
        let exported = try exportText(store, fields: ["ITEM_ID", "DESCRIPTION"], origins: [.bulk])
        #expect(exported == "ITEM_ID,DESCRIPTION\n\"a,b\",\"say \"\"hi\"\"\r\nthere\"\n")
    }

    @Test func ingestionModeSelectsBulkOrStreamedSegments() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.sub("interactions"), kind: .interactions)
        try importOK(interactionsCSV(count: 1000), into: store, schema: Schemas.interactions)
        try importOK(
            "USER_ID,ITEM_ID,TIMESTAMP\nstreamed,i9,1700000000\n", into: store, schema: Schemas.interactions,
            mode: .incremental, limits: streamedLimits
        )
        #expect(store.segments.map(\.origin) == [.bulk, .put])
        let fields = ["USER_ID", "ITEM_ID", "TIMESTAMP"]
        let bulk = try exportText(store, fields: fields, origins: [.bulk])
        let put = try exportText(store, fields: fields, origins: [.put])
        let all = try exportText(store, fields: fields, origins: [.bulk, .put])
        #expect(bulk == interactionsCSV(count: 1000))
        #expect(put == "USER_ID,ITEM_ID,TIMESTAMP\nstreamed,i9,1700000000\n")
        #expect(all == bulk + "streamed,i9,1700000000\n")
        // Reopening keeps the origins (they are in the manifest).
        let reopenedPath = directory.sub("interactions")
        _ = consume store
        let reopened = try DatasetStore(directory: reopenedPath, kind: .interactions)
        #expect(reopened.segments.map(\.origin) == [.bulk, .put])
    }

    @Test func exportToFileIsAtomicAndCountsRecords() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.sub("interactions"), kind: .interactions)
        try importOK(interactionsCSV(count: 1500), into: store, schema: Schemas.interactions)
        let path = directory.sub("out/nested/export.csv")
        let summary = try store.exportCSV(toFile: path, fields: ["USER_ID", "ITEM_ID", "TIMESTAMP"], origins: [.bulk])
        #expect(summary.records == 1500)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == interactionsCSV(count: 1500))
        #expect(summary.bytes == written.utf8.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.sub("out/nested")) == ["export.csv"])
    }

    @Test func eventsAreExportedRowGroupByRowGroup() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.sub("interactions"), kind: .interactions)
        var limits = ImportLimits()
        limits.rowGroupRows = 97
        var csv = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\n"
        for row in 0..<2500 {
            let type = row % 11 == 0 ? "" : row % 2 == 0 ? "click" : "\"buy, now\""
            let value = row % 7 == 0 ? "" : "\(row % 5).5"
            csv += "u\(row % 37),i\(row % 53),\(1_600_000_000 + row),\(type),\(value)\n"
        }
        try importOK(csv, into: store, schema: Schemas.interactionsWithEvents, limits: limits)
        #expect(store.segments.count == 1)
        #expect(store.liveSegments()[0].footer.rowGroups.count == 26)
        let fields = Schemas.interactionsWithEvents.fields.map(\.name)
        #expect(try exportText(store, fields: fields, origins: [.bulk]) == csv)
    }

    @Test func anEmptySelectionIsTheHeaderAlone() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.sub("users"), kind: .users)
        #expect(try exportText(store, fields: ["USER_ID", "AGE"], origins: [.bulk, .put]) == "USER_ID,AGE\n")
        try importOK("USER_ID,AGE,MEMBERSHIP\nu1,30,gold\n", into: store, schema: Schemas.users)
        #expect(try exportText(store, fields: ["USER_ID", "AGE"], origins: [.put]) == "USER_ID,AGE\n")
        let summary = try store.exportCSV(toFile: directory.sub("u.csv"), fields: ["USER_ID"], origins: [.bulk])
        #expect(summary == ExportSummary(records: 1, bytes: "USER_ID\nu1\n".utf8.count))
    }

    @Test func fieldsMissingFromTheDataAreEmpty() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.sub("interactions"), kind: .interactions)
        try importOK(interactionsCSV(count: 1000), into: store, schema: Schemas.interactions)
        let exported = try exportText(store, fields: ["USER_ID", "EVENT_TYPE"], origins: [.bulk])
        #expect(exported.split(separator: "\n").prefix(2) == ["USER_ID,EVENT_TYPE", "u0,"])
    }
}

@Suite struct UserDeletionTests {
    @Test func deletesTheUsersRowsFromBulkAndStreamedSegments() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.sub("interactions"), kind: .interactions)
        try importOK(interactionsCSV(count: 1000, users: 10), into: store, schema: Schemas.interactions)
        try importOK(
            "USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1700000000\nu2,i2,1700000001\n", into: store,
            schema: Schemas.interactions, mode: .incremental, limits: streamedLimits
        )
        try importOK(
            "USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1700000002\n", into: store, schema: Schemas.interactions,
            mode: .incremental, limits: streamedLimits
        )
        let before = try store.interactions()
        let summary = try store.deleteUsers(["u1", "u3", "nobody"])
        #expect(summary.matchedUsers == ["u1", "u3"])
        #expect(summary.deletedRows == 100 + 100 + 1 + 1)
        #expect(summary.rewrittenSegments == 3)
        let after = try store.interactions()
        #expect(after.count == before.count - summary.deletedRows)
        let remainingUsers = Set(after.userIndex.map { after.users[Int($0)] })
        #expect(!remainingUsers.contains("u1") && !remainingUsers.contains("u3"))
        #expect(remainingUsers.contains("u2"))
        // The segment holding only u1 is gone; the others keep their origin.
        #expect(store.segments.map(\.origin) == [.bulk, .put])
        let stats = try store.stats()
        #expect(stats.distinctUsers == 8)
        #expect(stats.records == after.count)
        // The deleted IDs are not left in any segment's dictionary.
        for segment in store.segments {
            let bytes = try [UInt8](
                Data(contentsOf: URL(fileURLWithPath: directory.sub("interactions/" + segment.file))))
            let needle = Array("u3".utf8)
            let found = (0..<(bytes.count - 1)).contains { bytes[$0] == needle[0] && bytes[$0 + 1] == needle[1] }
            #expect(!found, "\(segment.file) still holds the ID u3")
        }
        let reopenedPath = directory.sub("interactions")
        _ = consume store
        let reopened = try DatasetStore(directory: reopenedPath, kind: .interactions)
        #expect(try reopened.interactions() == after)
    }

    @Test func untouchedWhenNoUserMatches() throws {
        let directory = TemporaryDirectory()
        let store = try DatasetStore(directory: directory.sub("users"), kind: .users)
        try importOK("USER_ID,AGE,MEMBERSHIP\nu1,30,gold\nu2,40,silver\n", into: store, schema: Schemas.users)
        let generation = store.generation
        let summary = try store.deleteUsers(["x"])
        #expect(summary.deletedRows == 0 && summary.rewrittenSegments == 0)
        #expect(store.generation == generation)
        let removed = try store.deleteUsers(["u1"])
        #expect(removed.deletedRows == 1)
        #expect(try store.entities().ids == ["u2"])
        #expect(store.generation == generation + 1)
    }

    @Test func aFailedSwapLeavesTheDataAsItWas() throws {
        let directory = TemporaryDirectory()
        let hooks = DatasetStore.Hooks(beforeManifestSwap: { () throws(DatasetError) in
            throw DatasetError(.storage, "injected")
        })
        let path = directory.sub("interactions")
        do {
            let store = try DatasetStore(directory: path, kind: .interactions)
            try importOK(interactionsCSV(count: 1000), into: store, schema: Schemas.interactions)
        }
        let store = try DatasetStore(directory: path, kind: .interactions, hooks: hooks)
        let before = try store.interactions()
        #expect(throws: DatasetError.self) { try store.deleteUsers(["u1"]) }
        #expect(try store.interactions() == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".pseg") }.count == 1)
    }
}
