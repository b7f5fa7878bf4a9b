import Logging
import PersimmonCore
import PersimmonHTTP
import PersimmonS3

/// Everything `persimmon serve` is configured with, built once from flags and `PERSIMMON_*` variables.
/// Nothing below the composition root reads the environment.
package struct ServerConfiguration: Sendable {
    package var host: String = "127.0.0.1"
    /// 0 picks a free port.
    package var port: Int = 8321
    /// Holds the embedded database, keys and bulk data.
    package var dataDirectory: String = ".persimmon"
    /// `postgres://user:pass@host:port/db` selects PostgreSQL; nil means SQLite in the data directory.
    package var databaseURL: String?
    package var region: String = "us-east-1"
    /// The operator's credentials; generated on first start and kept in the data directory when nil.
    package var operatorAccessKeyID: String?
    package var operatorSecretAccessKey: String?
    /// Base64 of 32 bytes, or a passphrase; a key file in the data directory is made when nil.
    package var masterKey: String?
    package var logLevel: Logger.Level = .info
    /// The S3-compatible endpoint imports, exports and batch jobs read and write (`s3://` locations).
    package var s3EndpointURL: String?
    /// The region to sign S3 requests for; the server's region when nil.
    package var s3Region: String?
    package var s3AccessKeyID: String?
    package var s3SecretAccessKey: String?
    /// Path-style addressing (`endpoint/bucket/key`); virtual-hosted style (`bucket.endpoint/key`) when false.
    package var s3PathStyle: Bool = true
    /// The directory `file://` data locations must lie in; local paths are refused when nil.
    package var importRoot: String?
    /// `s3://bucket/prefix` on the S3 endpoint where datasets' bulk data lives, shared by every node; the data
    /// directory caches it. Local only when nil.
    package var datasetStoreURL: String?
    /// Proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed for `aws:SourceIp` and
    /// `aws:SecureTransport` (`--trusted-proxy`, CIDRs); none by default, so the socket peer is the source address.
    package var trustedProxies: [String] = []
    /// Worker threads for CPU-heavy work.
    package var computeThreads: Int = max(1, System.coreCount - 1)
    /// Days the audit trail is kept (`--audit-retention-days`); older events are pruned hourly. 0 keeps everything.
    package var auditRetentionDays: Int = AuditRetention.defaultDays

    package init() {}

    /// Checks the configuration before anything is bound or opened.
    package func validate() throws(ConfigurationError) {
        guard (0...65535).contains(port) else { throw ConfigurationError("--port must be between 0 and 65535") }
        guard !host.isEmpty else { throw ConfigurationError("--host must not be empty") }
        guard !dataDirectory.isEmpty else { throw ConfigurationError("--data-dir must not be empty") }
        guard region.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }),
            !region.isEmpty
        else { throw ConfigurationError("--region must look like us-east-1") }
        if let url = databaseURL, !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) {
            throw ConfigurationError("--database-url must start with postgres:// (leave it unset for embedded SQLite)")
        }
        if let url = s3EndpointURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ConfigurationError("--s3-endpoint-url must be an http(s) URL")
        }
        if s3EndpointURL != nil, s3AccessKeyID == nil || s3SecretAccessKey == nil {
            throw ConfigurationError(
                "--s3-endpoint-url needs PERSIMMON_S3_ACCESS_KEY_ID and PERSIMMON_S3_SECRET_ACCESS_KEY"
            )
        }
        if let url = datasetStoreURL {
            guard let location = S3Location(url: url), !location.bucket.isEmpty else {
                throw ConfigurationError("--dataset-store must be s3://bucket/prefix")
            }
            guard s3EndpointURL != nil else {
                throw ConfigurationError("--dataset-store needs --s3-endpoint-url (and the S3 credentials)")
            }
        }
        if TrustedProxies(parsing: trustedProxies.joined(separator: ",")) == nil {
            throw ConfigurationError("--trusted-proxy must be CIDRs such as 10.0.0.0/8 or fd00::/8, comma-separated")
        }
        guard (0...36_500).contains(auditRetentionDays) else {
            throw ConfigurationError("--audit-retention-days must be between 0 (keep everything) and 36500")
        }
        if (operatorAccessKeyID == nil) != (operatorSecretAccessKey == nil) {
            throw ConfigurationError(
                "set both PERSIMMON_ROOT_ACCESS_KEY_ID and PERSIMMON_ROOT_SECRET_ACCESS_KEY, or neither"
            )
        }
    }
}

/// A configuration mistake, reported before the server starts.
package struct ConfigurationError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

enum System {
    static var coreCount: Int {
        #if os(Linux)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 2
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
