import Foundation
import PersimmonSigV4

/// Locates `shared/sigv4-testsuite`: `$PERSIMMON_SHARED_DIR/sigv4-testsuite` when that variable is
/// set, else `../shared` beside the repository (derived from this file's path). When it does not
/// exist the vector suites are disabled (skipped, never failed) by their
/// `.enabled(if: SharedVectors.isAvailable)` trait, and a line says so.
enum SharedVectors {
    static let root: URL? = {
        let candidate: URL
        if let shared = ProcessInfo.processInfo.environment["PERSIMMON_SHARED_DIR"], !shared.isEmpty {
            candidate = URL(fileURLWithPath: shared).appendingPathComponent("sigv4-testsuite")
        } else {
            // <repo>/Tests/PersimmonSigV4Tests/VectorSupport.swift → <repo>/../shared
            candidate =
                URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../../shared/sigv4-testsuite").standardizedFileURL
        }
        if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        print(
            "PersimmonSigV4Tests: \(candidate.path) not found (set PERSIMMON_SHARED_DIR); SigV4 vector tests are skipped."
        )
        return nil
    }()

    static var isAvailable: Bool { root != nil }

    /// Sub-directories of `relativePath` (sorted), or `[]` when the vectors are absent.
    static func subdirectories(_ relativePath: String) -> [URL] {
        guard let root else { return [] }
        let directory = root.appendingPathComponent(relativePath)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.appendingPathComponent($0) }.filter { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    static func files(_ relativePath: String, extension ext: String) -> [URL] {
        guard let root else { return [] }
        let directory = root.appendingPathComponent(relativePath)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { $0.hasSuffix(".\(ext)") }.map { directory.appendingPathComponent($0) }
    }
}

/// The fixed credentials of the AWS test suites.
enum TestSuiteCredentials {
    static let accessKeyID = "AKIDEXAMPLE"
    static let secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let amzDate = "20150830T123600Z"
    static let date = SigV4Date.parseAMZDate(amzDate)!
}

/// Errors of the test helpers themselves (unreadable vector files).
struct VectorFileError: Error, CustomStringConvertible {
    var description: String
}

func readBytes(_ url: URL) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: url))
}

func readText(_ url: URL) throws -> String {
    String(decoding: try readBytes(url), as: UTF8.self)
}

/// A request parsed from a vector's `.req`/`request.txt`-style file.
struct RawHTTPRequest: Sendable {
    var method: String
    var path: String
    var query: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var signable: SignableRequest {
        SignableRequest(method: method, path: path, query: query, headers: headers, body: body)
    }

    /// The request with every header named `name` (any case) removed.
    func removingHeaders(_ name: String) -> RawHTTPRequest {
        var copy = self
        copy.headers.removeAll { $0.name.lowercased() == name.lowercased() }
        return copy
    }

    /// The first value of `name` (any case), trimmed.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }
            .map { $0.value.trimmingCharacters(in: .whitespaces) }
    }

    /// Parses `METHOD SP target SP HTTP/1.1 \n (Name:value \n)* [\n body]`. The target may contain
    /// spaces and raw UTF-8 (the vectors do this on purpose); header values are kept exactly as
    /// written (not trimmed); an obs-fold continuation line is appended to the previous value with
    /// its line break, as a raw request would carry it.
    static func parse(_ bytes: [UInt8]) throws -> RawHTTPRequest {
        var lines: [ArraySlice<UInt8>] = []
        var bodyStart: Int? = nil
        var lineStart = 0
        var index = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == UInt8(ascii: "\n") {
                let line = bytes[lineStart..<index]
                if line.isEmpty && !lines.isEmpty {
                    bodyStart = min(index + 1, bytes.count)
                    break
                }
                lines.append(line)
                lineStart = index + 1
            }
            index += 1
        }
        guard let requestLine = lines.first.map({ String(decoding: $0, as: UTF8.self) }),
            let firstSpace = requestLine.firstIndex(of: " "),
            let lastSpace = requestLine.lastIndex(of: " "), firstSpace < lastSpace
        else { throw VectorFileError(description: "bad request line") }
        let method = String(requestLine[..<firstSpace])
        let target = requestLine[requestLine.index(after: firstSpace)..<lastSpace]
        let path: String
        let query: String
        if let question = target.firstIndex(of: "?") {
            path = String(target[..<question])
            query = String(target[target.index(after: question)...])
        } else {
            path = String(target)
            query = ""
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            let text = String(decoding: line, as: UTF8.self)
            if text.first == " " || text.first == "\t" {
                guard !headers.isEmpty else { throw VectorFileError(description: "continuation without header") }
                headers[headers.count - 1].value += "\n" + text
                continue
            }
            guard let colon = text.firstIndex(of: ":") else {
                throw VectorFileError(description: "bad header line \(text)")
            }
            headers.append((String(text[..<colon]), String(text[text.index(after: colon)...])))
        }
        let body = bodyStart.map { Array(bytes[$0...]) } ?? []
        return RawHTTPRequest(method: method, path: path, query: query, headers: headers, body: body)
    }

    static func parse(contentsOf url: URL) throws -> RawHTTPRequest {
        try parse(readBytes(url))
    }
}

/// The `Signature=` value of an `Authorization` header value.
func signatureComponent(ofAuthorization authorization: String) -> String? {
    guard let range = authorization.range(of: "Signature=") else { return nil }
    return String(authorization[range.upperBound...].prefix { $0.isHexDigit })
}

/// The `X-Amz-Signature` value of a query string.
func signatureParameter(ofQuery query: String) -> String? {
    for pair in query.split(separator: "&") where pair.hasPrefix("X-Amz-Signature=") {
        return String(pair.dropFirst("X-Amz-Signature=".count))
    }
    return nil
}

/// Compares header lists by name (case-insensitive) and exact value, in order.
func sameHeaders(_ lhs: [(name: String, value: String)], _ rhs: [(name: String, value: String)]) -> Bool {
    lhs.count == rhs.count
        && zip(lhs, rhs).allSatisfy { $0.name.lowercased() == $1.name.lowercased() && $0.value == $1.value }
}

/// `2015-08-30T12:36:00Z` ⇒ `20150830T123600Z`.
func amzDate(fromISO8601 text: String) -> String {
    text.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
}
