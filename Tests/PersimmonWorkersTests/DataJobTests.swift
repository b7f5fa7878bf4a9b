import PersimmonCore
import Testing

@testable import PersimmonWorkers

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite struct UserIDListTests {
    @Test func readsQuotedAndCRLFRecordsAndSkipsBlankLines() throws {
        let text = "\u{FEFF}\nuser_id\r\nu1\r\n\"u,2\"\r\n\r\n\"say \"\"hi\"\"\"\nu1"
        let ids = try UserIDList.parse(Array(text.utf8), name: "list.csv")
        #expect(ids == ["u1", "u,2", "say \"hi\""])
    }

    @Test(arguments: [
        ("", "empty"),
        ("USER_ID,ITEM_ID\nu1,i1\n", "single column USER_ID"),
        ("ITEM_ID\ni1\n", "single column USER_ID"),
        ("USER_ID\nu1,i1\n", "2 fields"),
        ("USER_ID\n\"u1\n", "unterminated"),
        ("USER_ID\n" + String(repeating: "x", count: 257) + "\n", "256"),
    ])
    func refusesWhatIsNotAUserList(text: String, mention: String) {
        do {
            _ = try UserIDList.parse(Array(text.utf8), name: "list.csv")
            Issue.record("accepted \(text.prefix(40))")
        } catch let error as ServiceError {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains(mention), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: ServiceError.self) {
            try UserIDList.parse(Array("USER_ID\n".utf8) + [0xFF, 0x0A], name: "list.csv")
        }
    }
}

@Suite struct ExportLocationTests {
    @Test func outputGoesUnderTheJobName() {
        #expect(ExportJobHandler.outputLocation(path: "s3://b/out/", jobName: "j") == "s3://b/out/j/part-00000.csv")
        #expect(ExportJobHandler.outputLocation(path: "s3://b/out", jobName: "j") == "s3://b/out/j/part-00000.csv")
        #expect(ExportJobHandler.outputLocation(path: "file:///x//", jobName: "j") == "file:///x/j/part-00000.csv")
    }

    @Test func destinationsStayInsideTheImportRoot() throws {
        let root = "/tmp/persimmon-export-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sources = try DataSources(s3: nil, importRoot: root)
        let real = DataSources.realPath(root)!
        #expect(try sources.destination("file://\(root)/new/dir/out.csv") == .file(path: real + "/new/dir/out.csv"))
        #expect(throws: ServiceError.self) { try sources.destination("file://\(root)/../elsewhere.csv") }
        #expect(throws: ServiceError.self) { try sources.destination("file:///etc/out.csv") }
        #expect(throws: ServiceError.self) { try sources.destination("s3://bucket/out.csv") }
    }
}
