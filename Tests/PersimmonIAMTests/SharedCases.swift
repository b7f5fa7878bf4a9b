import Foundation
import PersimmonIAM

/// Locates `shared/iam-policy-cases/iam-simulate/core_engine`: under `$PERSIMMON_SHARED_DIR` when set,
/// else `../shared` beside the repository (from this file's path). The corpus is AGPL test data: it is
/// read at test time only and never copied into the repository. When it is absent the corpus suite
/// is disabled (skipped, never failed) and a line says so.
enum SharedCases {
    static let coreEngineRoot: URL? = {
        let candidate: URL
        if let shared = ProcessInfo.processInfo.environment["PERSIMMON_SHARED_DIR"], !shared.isEmpty {
            candidate = URL(fileURLWithPath: shared).appendingPathComponent("iam-policy-cases/iam-simulate/core_engine")
        } else {
            // <repo>/Tests/PersimmonIAMTests/SharedCases.swift → <repo>/../shared
            candidate =
                URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../../shared/iam-policy-cases/iam-simulate/core_engine")
                .standardizedFileURL
        }
        if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        print(
            "PersimmonIAMTests: \(candidate.path) not found (set PERSIMMON_SHARED_DIR); "
                + "the iam-simulate case suite is skipped."
        )
        return nil
    }()

    static var isAvailable: Bool { coreEngineRoot != nil }

    /// Every case file, as paths relative to `core_engine` (sorted).
    static let files: [String] = {
        guard let root = coreEngineRoot else { return [] }
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".json") { files.append(path) }
        }
        return files.sorted()
    }()

    static func load(_ relativePath: String) throws -> [[String: Any]] {
        guard let root = coreEngineRoot else { return [] }
        let data = try Data(contentsOf: root.appendingPathComponent(relativePath))
        guard let cases = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw CaseFileError(description: "\(relativePath) is not an array of cases")
        }
        return cases
    }
}

struct CaseFileError: Error, CustomStringConvertible {
    var description: String
}

/// Re-serialises a policy object from a case file to JSON text for ``PolicyDocument/init(parsing:options:)``.
func policyText(_ object: Any) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}
