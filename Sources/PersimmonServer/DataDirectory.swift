import Foundation
import PersimmonCore

/// The server's data directory: the embedded database, the master key file and the operator's credentials.
/// Every file here that holds a secret is created with mode 0600 and written once.
package struct DataDirectory: Sendable {
    package let path: String

    package init(path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
        )
    }

    package var databasePath: String { (path as NSString).appendingPathComponent("persimmon.sqlite") }
    /// Where the datasets' bulk data (columnar segments) lives.
    package var datasetsPath: String { (path as NSString).appendingPathComponent("datasets") }
    /// Where trained model artifacts live.
    package var modelsPath: String { (path as NSString).appendingPathComponent("models") }
    package var masterKeyPath: String { (path as NSString).appendingPathComponent("master.key") }
    package var operatorCredentialsPath: String {
        (path as NSString).appendingPathComponent("operator-credentials.json")
    }

    /// The master key: the configured value, or the key file (made on first start).
    package func masterKey(configured: String?) throws -> [UInt8] {
        if let configured { return try SecretBox.masterKey(fromConfiguredValue: configured) }
        if let text = try? String(contentsOfFile: masterKeyPath, encoding: .utf8) {
            return try SecretBox.masterKey(fromConfiguredValue: text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let key = SecretBox.generateMasterKey()
        try writeSecretFile(masterKeyPath, contents: Data(key).base64EncodedString() + "\n")
        return key
    }

    /// The operator's credentials as stored in `operator-credentials.json`.
    package struct OperatorCredentials: Codable, Sendable {
        package var AccessKeyId: String
        package var SecretAccessKey: String
        package init(AccessKeyId: String, SecretAccessKey: String) {
            self.AccessKeyId = AccessKeyId
            self.SecretAccessKey = SecretAccessKey
        }
    }

    /// The operator's credentials: the configured pair, or the file (generated and written once on first start).
    package func operatorCredentials(accessKeyID: String?, secret: String?) throws -> OperatorCredentials {
        if let accessKeyID, let secret { return OperatorCredentials(AccessKeyId: accessKeyID, SecretAccessKey: secret) }
        if let existing = try readOperatorCredentials() { return existing }
        let ids = IdentifierGenerator()
        let created = OperatorCredentials(AccessKeyId: ids.accessKeyID(), SecretAccessKey: ids.secretAccessKey())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeSecretFile(
            operatorCredentialsPath, contents: String(decoding: try encoder.encode(created), as: UTF8.self) + "\n"
        )
        return created
    }

    package func readOperatorCredentials() throws -> OperatorCredentials? {
        guard let data = FileManager.default.contents(atPath: operatorCredentialsPath) else { return nil }
        return try JSONDecoder().decode(OperatorCredentials.self, from: data)
    }

    /// Creates a file readable by its owner only; never overwrites an existing one.
    private func writeSecretFile(_ path: String, contents: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw ConfigurationError("could not create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw ConfigurationError("could not write \(path)")
        }
    }
}

/// Reads the operator's credentials file without creating anything (for the admin CLI).
package enum OperatorCredentialsFile {
    package static func read(dataDirectory: String) throws -> DataDirectory.OperatorCredentials? {
        let path = (dataDirectory as NSString).appendingPathComponent("operator-credentials.json")
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try JSONDecoder().decode(DataDirectory.OperatorCredentials.self, from: data)
    }
}
