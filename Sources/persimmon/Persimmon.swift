import ArgumentParser
import Foundation
import Logging
import PersimmonServer

@main
struct Persimmon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "persimmon",
        abstract: "A self-hosted recommendation service that speaks Amazon Personalize's API.",
        subcommands: [Serve.self, Migrate.self, Admin.self, BenchAuthorization.self]
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

    @Option(
        help:
            "Keep datasets' bulk data in s3://bucket/prefix on the S3 endpoint, so nodes sharing a database share it; the data directory then caches it (env PERSIMMON_DATASET_STORE; default: the data directory only)."
    )
    var datasetStore: String?

    @Option(
        name: .customLong("trusted-proxy"),
        help:
            "CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed for aws:SourceIp and aws:SecureTransport, comma-separated or repeated (env PERSIMMON_TRUSTED_PROXIES; default none)."
    )
    var trustedProxies: [String] = []

    @Option(help: "Days the audit trail is kept; older events are pruned hourly, 0 keeps everything (env PERSIMMON_AUDIT_RETENTION_DAYS; default 90).")
    var auditRetentionDays: Int?

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        configuration.trustedProxies =
            trustedProxies.isEmpty ? (env["PERSIMMON_TRUSTED_PROXIES"].map { [$0] } ?? []) : trustedProxies
        configuration.s3EndpointURL = s3EndpointURL ?? env["PERSIMMON_S3_ENDPOINT_URL"]
        configuration.s3Region = s3Region ?? env["PERSIMMON_S3_REGION"]
        configuration.s3AccessKeyID = env["PERSIMMON_S3_ACCESS_KEY_ID"]
        configuration.s3SecretAccessKey = env["PERSIMMON_S3_SECRET_ACCESS_KEY"]
        configuration.s3PathStyle = !(s3VirtualHosted || env["PERSIMMON_S3_VIRTUAL_HOSTED"] == "1")
        configuration.importRoot = importRoot ?? env["PERSIMMON_IMPORT_ROOT"]
        configuration.datasetStoreURL = datasetStore ?? env["PERSIMMON_DATASET_STORE"]
        if let days = auditRetentionDays ?? env["PERSIMMON_AUDIT_RETENTION_DAYS"].flatMap(Int.init) {
            configuration.auditRetentionDays = days
        }
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
        subcommands: [
            CreateAccount.self, ListAccounts.self, CloseAccount.self, CreateRootKey.self, Audit.self,
            DatasetStatsCommand.self,
        ]
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

    func client(service: String = "persimmon") throws -> AdminClient {
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
            accessKeyID: keyID, secretAccessKey: secret, region: region ?? env["AWS_REGION"] ?? "us-east-1",
            service: service
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

struct DatasetStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset-stats",
        abstract: "Show what a dataset holds: records, distinct users and items, time range, event types.",
        discussion: """
            Prints the admin API's DescribeDatasetStats answer as JSON: Records (events, or distinct IDs after the \
            upsert), StoredRecords, BulkRecords and StreamedRecords, DistinctUsers/Items/Actions, MinTimestamp and \
            MaxTimestamp (epoch seconds), EventTypes with counts, Segments, BytesOnDisk and Generation.
            """
    )
    @Argument(help: "The dataset's ARN.") var datasetArn: String
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await printResponse(options.client().call("DescribeDatasetStats", body: ["DatasetArn": datasetArn]))
    }
}

struct CreateRootKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-root-key",
        abstract: "Issue a root access key for an account (at most two); prints the secret once."
    )
    @Option(help: "The 12-digit account ID.") var accountId: String
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await printResponse(options.client().call("CreateRootAccessKey", body: ["AccountId": accountId]))
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read an account's audit trail, newest first.",
        discussion: """
            Signed with a tenant's credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), reads that account's own \
            trail through CloudTrail's LookupEvents (the caller needs cloudtrail:LookupEvents). The operator reads any \
            account's trail with --account-id. Prints {"Events": [...]} in LookupEvents' shape.
            """
    )
    @Option(help: "The account whose trail to read (operator only).") var accountId: String?
    @Option(help: "Only events of this operation, e.g. CreateDatasetGroup.") var eventName: String?
    @Option(help: "Only events of this user name (root for the account root).") var userName: String?
    @Option(help: "Only events on this resource ARN.") var resourceName: String?
    @Option(help: "Only events of this access key ID.") var accessKeyId: String?
    @Option(help: "Events at or after this time (ISO 8601 or epoch seconds).") var startTime: String?
    @Option(help: "Events at or before this time (ISO 8601 or epoch seconds).") var endTime: String?
    @Option(help: "Stop after this many events (default 50; 0 for all).") var maxItems: Int = 50
    @OptionGroup var options: AdminOptions

    func run() async throws {
        var request: [String: Any] = [:]
        let filters: [(String, String?)] = [
            ("EventName", eventName), ("Username", userName), ("ResourceName", resourceName),
            ("AccessKeyId", accessKeyId),
        ]
        let chosen = filters.compactMap { key, value in value.map { (key, $0) } }
        guard chosen.count <= 1 else {
            throw ValidationError("give at most one of --event-name, --user-name, --resource-name, --access-key-id")
        }
        if let (key, value) = chosen.first {
            request["LookupAttributes"] = [["AttributeKey": key, "AttributeValue": value]]
        }
        if let startTime { request["StartTime"] = try Self.epochSeconds(startTime) }
        if let endTime { request["EndTime"] = try Self.epochSeconds(endTime) }
        let client: AdminClient
        let target: String
        if let accountId {
            request["AccountId"] = accountId
            client = try options.client()
            target = "PersimmonAdmin.LookupAuditEvents"
        } else {
            client = try options.client(service: "cloudtrail")
            target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
        }
        var events: [Any] = []
        var next: String?
        repeat {
            var page = request
            if let next { page["NextToken"] = next }
            if maxItems > 0 { page["MaxResults"] = min(50, maxItems - events.count) }
            let data = try await client.call(
                target: target, payload: try JSONSerialization.data(withJSONObject: page, options: [.sortedKeys]))
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            events += object["Events"] as? [Any] ?? []
            next = object["NextToken"] as? String
        } while next != nil && (maxItems == 0 || events.count < maxItems)
        let out = try JSONSerialization.data(
            withJSONObject: ["Events": events], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: out, as: UTF8.self))
    }

    static func epochSeconds(_ text: String) throws -> Double {
        if let seconds = Double(text) { return seconds }
        if let date = try? Date(text, strategy: .iso8601) { return date.timeIntervalSince1970 }
        throw ValidationError("\(text) is not an ISO 8601 time or epoch seconds")
    }
}

struct BenchAuthorization: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-authorization",
        abstract: "Time the cached authorization decision (10 policies of 10 statements); use a release build.",
        shouldDisplay: false
    )
    @Option(help: "Decisions to time.") var iterations = 100_000

    func run() async throws {
        for line in try await PersimmonServer.benchmarkAuthorization(iterations: iterations) { print(line) }
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
