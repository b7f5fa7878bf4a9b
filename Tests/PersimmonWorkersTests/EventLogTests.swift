import Foundation
import Logging
import PersimmonCatalog
import PersimmonCore
import PersimmonData
import Testing

@testable import PersimmonWorkers

/// The PutEvents log: group commit, recovery after a crash, torn tails, compaction into the dataset.
@Suite struct EventLogTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "persimmon-eventlog-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    static let schema = """
        {"type": "record", "name": "Interactions", "namespace": "com.amazonaws.personalize.schema", "fields": [
          {"name": "USER_ID", "type": "string"}, {"name": "ITEM_ID", "type": "string"},
          {"name": "TIMESTAMP", "type": "long"}, {"name": "EVENT_TYPE", "type": "string"}
        ], "version": "1.0"}
        """
    static let dataset = "arn:aws:personalize:us-east-1:111122223333:dataset/group-1/INTERACTIONS"

    func entry(_ n: Int) -> EventLog.Entry {
        EventLog.Entry(
            account: "111122223333", datasetARN: Self.dataset, schema: Self.schema,
            rows: Array("u\(n % 5),i\(n),\(1_800_000_000 + n),click\n".utf8)
        )
    }

    @Test func concurrentAppendsAreAllRecoveredAfterACrash() async throws {
        let directory = root + "/events"
        do {
            let log = try EventLog(directory: directory)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<200 { group.addTask { try await log.append(entry(n)) } }
                try await group.waitForAll()
            }
            // No rotation, no compaction: the process "dies" here.
        }
        let reopened = try EventLog(directory: directory)
        let recovered = reopened.recover()
        let rows = recovered.flatMap(\.entries).map { String(decoding: $0.rows, as: UTF8.self) }
        #expect(Set(rows) == Set((0..<200).map { String(decoding: entry($0).rows, as: UTF8.self) }))
        #expect(rows.count == 200)
    }

    @Test func aTornTailEndsTheFileWithoutLosingEarlierRecords() throws {
        let path = root + "/torn.log"
        var bytes: [UInt8] = []
        for n in 0..<3 { bytes += EventLog.frame(EventLog.encode(entry(n))) }
        let full = bytes.count
        bytes += EventLog.frame(EventLog.encode(entry(3))).prefix(11)  // a write cut short
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        #expect(EventLog.read(path).count == 3)
        // A flipped bit in the last whole record is caught by its checksum.
        var corrupt = Array(bytes.prefix(full))
        corrupt[full - 2] ^= 0x40
        #expect(FileManager.default.createFile(atPath: path, contents: Data(corrupt)))
        #expect(EventLog.read(path).map(\.rows) == [entry(0).rows, entry(1).rows])
    }

    @Test func rotationSealsWhatWasWrittenAndCompactionImportsIt() async throws {
        let log = try EventLog(directory: root + "/events")
        for n in 0..<5 { try await log.append(entry(n)) }
        let sealed = try #require(try await log.rotate())
        #expect(sealed.entries.count == 5)
        #expect(try await log.rotate() == nil)
        let stores = DatasetStores(root: root + "/datasets")
        try EventCompactor.importEntries(sealed.entries, stores: stores, logger: Logger(label: "test"))
        log.discard(sealed)
        #expect(!FileManager.default.fileExists(atPath: sealed.path))
        let snapshot = try stores.store(
            account: AccountID("111122223333"), datasetARN: Self.dataset, kind: .interactions
        ).interactions()
        #expect(snapshot.count == 5)
    }

    @Test func crcMatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
