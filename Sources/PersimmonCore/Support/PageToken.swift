#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Opaque, tamper-proof `nextToken`s.
///
/// A token carries the cursor of the last row returned and is bound to the account, the operation and the
/// listing's scope (e.g. the parent ARN). A token altered in any byte, or presented by another account or to
/// another operation, is rejected with `InvalidNextTokenException`.
package struct PageTokenCodec: Sendable {
    private struct Payload: Codable {
        var a: String
        var o: String
        var s: String
        var t: Int64
        var r: String
    }

    private let box: SecretBox
    private static let purpose = "persimmon-page-token-v1"

    package init(box: SecretBox) { self.box = box }

    package func encode(_ cursor: ListCursor, account: AccountID, operation: String, scope: String) -> String {
        let payload = Payload(a: account.rawValue, o: operation, s: scope, t: cursor.createdAt, r: cursor.arn)
        // Encoding a struct of strings and integers cannot fail.
        let body = (try? JSONEncoder().encode(payload)).map { Array($0) } ?? []
        let mac = box.authenticationCode(for: body, purpose: Self.purpose)
        return Self.base64URL(body) + "." + Self.base64URL(mac)
    }

    package func decode(_ token: String, account: AccountID, operation: String, scope: String) throws -> ListCursor {
        let invalid = ServiceError(.invalidNextToken, "The nextToken is not valid for this request.")
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 1500, parts.count == 2,
            let body = Self.fromBase64URL(String(parts[0])),
            let mac = Self.fromBase64URL(String(parts[1])),
            box.isValidAuthenticationCode(mac, for: body, purpose: Self.purpose),
            let payload = try? JSONDecoder().decode(Payload.self, from: Data(body)),
            payload.a == account.rawValue, payload.o == operation, payload.s == scope
        else { throw invalid }
        return ListCursor(createdAt: payload.t, arn: payload.r)
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        let mapped = Data(bytes).base64EncodedString().utf8.compactMap { byte -> UInt8? in
            switch byte {
            case UInt8(ascii: "+"): UInt8(ascii: "-")
            case UInt8(ascii: "/"): UInt8(ascii: "_")
            case UInt8(ascii: "="): nil
            default: byte
            }
        }
        return String(decoding: mapped, as: UTF8.self)
    }

    private static func fromBase64URL(_ text: String) -> [UInt8]? {
        var mapped = text.utf8.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "-"): UInt8(ascii: "+")
            case UInt8(ascii: "_"): UInt8(ascii: "/")
            default: byte
            }
        }
        while mapped.count % 4 != 0 { mapped.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(mapped)).map { Array($0) }
    }
}
