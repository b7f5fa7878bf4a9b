import ArgumentParser
import Foundation
import Logging
import PersimmonServer

@main
struct Persimmon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "persimmon",
        abstract: "A self-hosted recommendation service that speaks Amazon Personalize's API.",
        subcommands: [Serve.self, Migrate.self, Admin.self]
    )
}

/// Flags shared by `serve` and `migrate`, each with a `PERSIMMON_*` environment fallback.
struct StorageOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory (env PERSIMMON_DATA_DIR; default ./.persimmon).")
    var dataDirectory: String?

    @Option(
        help:
            "postgres://user:pass@host:port/db selects PostgreSQL (env PERSIMMON_DATABASE_URL; default: SQLite in the data directory)."
    )
    var databaseURL: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env PERSIMMON_LOG_LEVEL).")
    var logLevel: String?

    func apply(to configuration: inout ServerConfiguration, environment env: [String: String]) throws {
        configuration.dataDirectory = dataDirectory ?? env["PERSIMMON_DATA_DIR"] ?? configuration.dataDirectory
        configuration.databaseURL = databaseURL ?? env["PERSIMMON_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let level = logLevel ?? env["PERSIMMON_LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw ValidationError("unknown log level \(level)")
            }
            configuration.logLevel = parsed
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the server.")

    @Option(help: "Address to listen on (env PERSIMMON_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (env PERSIMMON_PORT; default 8321).")
    var port: Int?

    @Option(help: "The region in ARNs and signatures (env PERSIMMON_REGION; default us-east-1).")
    var region: String?

    @Option(help: "S3-compatible endpoint for s3:// data locations (env PERSIMMON_S3_ENDPOINT_URL); credentials from PERSIMMON_S3_ACCESS_KEY_ID / PERSIMMON_S3_SECRET_ACCESS_KEY.")
    var s3EndpointURL: String?

    @Option(help: "Region to sign S3 requests for (env PERSIMMON_S3_REGION; default: --region).")
    var s3Region: String?

    @Flag(help: "Use virtual-hosted-style S3 addressing (bucket.endpoint) instead of path style.")
    var s3VirtualHosted = false

    @Option(help: "Directory that file:// data locations must lie in (env PERSIMMON_IMPORT_ROOT).")
    var importRoot: String?

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        configuration.s3EndpointURL = s3EndpointURL ?? env["PERSIMMON_S3_ENDPOINT_URL"]
        configuration.s3Region = s3Region ?? env["PERSIMMON_S3_REGION"]
        configuration.s3AccessKeyID = env["PERSIMMON_S3_ACCESS_KEY_ID"]
        configuration.s3SecretAccessKey = env["PERSIMMON_S3_SECRET_ACCESS_KEY"]
        configuration.s3PathStyle = !(s3VirtualHosted || env["PERSIMMON_S3_VIRTUAL_HOSTED"] == "1")
        configuration.importRoot = importRoot ?? env["PERSIMMON_IMPORT_ROOT"]
        try storage.apply(to: &configuration, environment: env)
        configuration.host = host ?? env["PERSIMMON_HOST"] ?? configuration.host
        if let port = port ?? env["PERSIMMON_PORT"].flatMap(Int.init) { configuration.port = port }
        configuration.region = region ?? env["PERSIMMON_REGION"] ?? configuration.region
        configuration.operatorAccessKeyID = env["PERSIMMON_ROOT_ACCESS_KEY_ID"]
        configuration.operatorSecretAccessKey = env["PERSIMMON_ROOT_SECRET_ACCESS_KEY"]
        configuration.masterKey = env["PERSIMMON_MASTER_KEY"]
        let logger = bootstrapLogging(configuration.logLevel)
        do {
            try await PersimmonServer.serve(configuration, logger: logger) { host, port in
                let displayHost = host.contains(":") ? "[\(host)]" : host
                // Unbuffered, so a supervisor reading the pipe sees the line at once.
                FileHandle.standardOutput.write(Data("persimmon listening on http://\(displayHost):\(port)\n".utf8))
            }
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations and exit.")

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        var configuration = ServerConfiguration()
        try storage.apply(to: &configuration, environment: ProcessInfo.processInfo.environment)
        let logger = bootstrapLogging(configuration.logLevel)
        try await PersimmonServer.migrate(configuration, logger: logger)
        print("migrations applied")
    }
}

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Operator commands, sent to a running server as signed admin API calls.",
        subcommands: [CreateAccount.self, ListAccounts.self, CloseAccount.self]
    )
}

/// Where the admin commands send their requests and with whose credentials.
struct AdminOptions: ParsableArguments {
    @Option(help: "The server's URL (env PERSIMMON_ENDPOINT_URL; default http://127.0.0.1:8321).")
    var endpointURL: String?

    @Option(
        name: .customLong("data-dir"),
        help: "Read the operator's credentials from this data directory when AWS_ACCESS_KEY_ID is not set."
    )
    var dataDirectory: String?

    @Option(help: "Region to sign with (env AWS_REGION; default us-east-1).")
    var region: String?

    func client() throws -> AdminClient {
        let env = ProcessInfo.processInfo.environment
        var keyID = env["AWS_ACCESS_KEY_ID"]
        var secret = env["AWS_SECRET_ACCESS_KEY"]
        if keyID == nil || secret == nil || dataDirectory != nil {
            let directory = dataDirectory ?? env["PERSIMMON_DATA_DIR"] ?? ".persimmon"
            if let stored = try? OperatorCredentialsFile.read(dataDirectory: directory) {
                keyID = stored.AccessKeyId
                secret = stored.SecretAccessKey
            }
        }
        guard let keyID, let secret else {
            throw ValidationError(
                "no operator credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --data-dir"
            )
        }
        return try AdminClient(
            endpointURL: endpointURL ?? env["PERSIMMON_ENDPOINT_URL"] ?? "http://127.0.0.1:8321",
            accessKeyID: keyID, secretAccessKey: secret, region: region ?? env["AWS_REGION"] ?? "us-east-1"
        )
    }
}

struct CreateAccount: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-account",
        abstract: "Create a tenant account; prints its root credentials once."
    )
    @Option(help: "The account's name.") var name: String
    @Option(help: "A contact email for the account.") var email: String?
    @OptionGroup var options: AdminOptions

    func run() async throws {
        var body = ["Name": name]
        if let email { body["Email"] = email }
        try await printResponse(options.client().call("CreateAccount", body: body))
    }
}

struct ListAccounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-accounts", abstract: "List tenant accounts.")
    @OptionGroup var options: AdminOptions

    func run() async throws {
        let client = try options.client()
        var accounts: [Any] = []
        var next: String?
        repeat {
            var body: [String: String] = [:]
            if let next { body["NextToken"] = next }
            let data = try await client.call("ListAccounts", body: body)
            let page = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            accounts += page["Accounts"] as? [Any] ?? []
            next = page["NextToken"] as? String
        } while next != nil
        let out = try JSONSerialization.data(
            withJSONObject: ["Accounts": accounts], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: out, as: UTF8.self))
    }
}

struct CloseAccount: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close-account", abstract: "Close a tenant account; its keys stop working at once."
    )
    @Option(help: "The 12-digit account ID.") var accountId: String
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await printResponse(options.client().call("CloseAccount", body: ["AccountId": accountId]))
    }
}

func printResponse(_ data: Data) throws {
    let object = try JSONSerialization.jsonObject(with: data)
    let out = try JSONSerialization.data(
        withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: out, as: UTF8.self))
}

func bootstrapLogging(_ level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
    var logger = Logger(label: "persimmon")
    logger.logLevel = level
    return logger
}
