import Foundation
import PersimmonHTTP
import Testing

@Suite("Request identifiers")
struct RequestIdentifiersTests {
    @Test("formats 128 bits as 8-4-4-4-12 lowercase hex, most significant first")
    func format() {
        #expect(
            RequestIdentifiers.format(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)
                == "01234567-89ab-cdef-fedc-ba9876543210")
        #expect(RequestIdentifiers.format(high: 0, low: 0) == "00000000-0000-0000-0000-000000000000")
    }

    @Test("event IDs are version-4 UUIDs that Foundation parses; request and event IDs do not repeat")
    func shapeAndUniqueness() throws {
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let event = RequestIdentifiers.eventID()
            let uuid = try #require(UUID(uuidString: event))
            #expect(uuid.uuidString.lowercased() == event)
            let bytes = Array(event.utf8)
            #expect(bytes[14] == UInt8(ascii: "4"), "version 4")
            #expect(Array("89ab".utf8).contains(bytes[19]), "RFC 9562 variant")
            let request = RequestIdentifiers.requestID()
            #expect(request.utf8.count == 36)
            #expect(request.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
            #expect(request.allSatisfy { $0 == "-" || $0.isHexDigit && !$0.isUppercase })
            seen.insert(event)
            seen.insert(request)
        }
        #expect(seen.count == 4_000)
    }
}
