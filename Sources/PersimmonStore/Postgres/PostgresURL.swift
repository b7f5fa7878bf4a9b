import PostgresNIO

/// A PostgreSQL connection URL that could not be used. The message never contains the password.
package struct PostgresURLError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { "invalid PostgreSQL URL: \(self.message)" }
}

extension PostgresStorage {
    /// Parses a libpq-style connection URL into a client configuration.
    ///
    /// Accepted forms (`postgresql://` works as well as `postgres://`):
    /// - `postgres://user:password@host:5432/database` — TCP; the port defaults to 5432, the password may be omitted.
    /// - `postgres://user@[::1]:5432/database` — an IPv6 host.
    /// - `postgres://user@/database?host=/var/run/postgresql` — a Unix socket in that directory (the socket file is
    ///   `DIR/.s.PGSQL.PORT`); a percent-encoded path as the host (`%2Fvar%2Frun%2Fpostgresql`) works too.
    ///
    /// Query parameters: `sslmode` (`disable`, the default: no TLS unless asked; `allow`/`prefer`: TLS if offered;
    /// `require`: TLS without certificate checks; `verify-ca`; `verify-full`), `host`, `port`, `user`, `password`,
    /// `dbname`, and `options` (server settings sent at start-up, e.g. `-c search_path=tenant1`). Anything else is
    /// refused, as libpq does. Every part is percent-decoded.
    package static func configuration(url: String) throws(PostgresURLError) -> PostgresClient.Configuration {
        var rest = Substring(url)
        guard let schemeEnd = rest.firstRange(of: "://"),
            ["postgres", "postgresql"].contains(rest[..<schemeEnd.lowerBound].lowercased())
        else {
            throw PostgresURLError(message: "it must start with postgres:// or postgresql://")
        }
        rest = rest[schemeEnd.upperBound...]

        var parameters: [String: String] = [:]
        if let question = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: question)...].split(separator: "&") where !pair.isEmpty {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = try Self.percentDecoded(parts[0])
                let allowed = ["sslmode", "host", "port", "user", "password", "dbname", "options"]
                guard allowed.contains(key) else {
                    throw PostgresURLError(message: "unsupported query parameter \(key)")
                }
                parameters[key] = parts.count > 1 ? try Self.percentDecoded(parts[1]) : ""
            }
            rest = rest[..<question]
        }

        let authority: Substring
        var database: String?
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let path = rest[rest.index(after: slash)...]
            database = path.isEmpty ? nil : try Self.percentDecoded(path)
        } else {
            authority = rest
        }

        var user: String?
        var password: String?
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.percentDecoded(userInfo[..<colon])
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else {
                user = try Self.percentDecoded(userInfo)
            }
        }

        var host: String?
        var port: Int?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw PostgresURLError(message: "an IPv6 host is missing its closing bracket")
            }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let afterHost = hostPort[hostPort.index(after: close)...]
            if afterHost.hasPrefix(":") {
                port = try Self.port(afterHost.dropFirst())
            } else if !afterHost.isEmpty {
                throw PostgresURLError(message: "unexpected text after the IPv6 host")
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = try Self.percentDecoded(hostPort[..<colon])
            port = try Self.port(hostPort[hostPort.index(after: colon)...])
        } else if !hostPort.isEmpty {
            host = try Self.percentDecoded(hostPort)
        }

        if let value = parameters["host"], !value.isEmpty { host = value }
        if let value = parameters["port"] { port = try Self.port(Substring(value)) }
        if let value = parameters["user"] { user = value }
        if let value = parameters["password"] { password = value }
        if let value = parameters["dbname"] { database = value }
        if host?.isEmpty == true { host = nil }

        guard let user, !user.isEmpty else {
            throw PostgresURLError(message: "a user name is required (postgres://user@host/database)")
        }
        guard let host else {
            throw PostgresURLError(message: "a host is required, or ?host=/socket/directory for a Unix socket")
        }
        let resolvedPort = port ?? 5432

        var configuration: PostgresClient.Configuration
        if host.hasPrefix("/") {
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(host)/.s.PGSQL.\(resolvedPort)",
                username: user,
                password: password,
                database: database
            )
        } else {
            configuration = PostgresClient.Configuration(
                host: host,
                port: resolvedPort,
                username: user,
                password: password,
                database: database,
                tls: try Self.tls(sslmode: parameters["sslmode"])
            )
            if parameters["sslmode"] == "verify-full" {
                configuration.options.tlsServerName = host
            }
        }
        if let options = parameters["options"], !options.isEmpty {
            configuration.options.additionalStartupParameters.append(("options", options))
        }
        return configuration
    }

    private static func tls(sslmode: String?) throws(PostgresURLError) -> PostgresClient.Configuration.TLS {
        switch sslmode ?? "disable" {
        case "disable":
            return .disable
        case "allow", "prefer":
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return .prefer(configuration)
        case "require":
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return .require(configuration)
        case "verify-ca":
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .noHostnameVerification
            return .require(configuration)
        case "verify-full":
            return .require(TLSConfiguration.makeClientConfiguration())
        case let other:
            throw PostgresURLError(message: "unsupported sslmode \(other)")
        }
    }

    private static func port(_ text: Substring) throws(PostgresURLError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw PostgresURLError(message: "the port must be a number from 1 to 65535")
        }
        return port
    }

    /// Decodes `%XX` escapes (and nothing else: `+` stays a plus, as in libpq).
    private static func percentDecoded(_ text: Substring) throws(PostgresURLError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else {
                throw PostgresURLError(message: "a percent escape is malformed")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw PostgresURLError(message: "a percent-encoded part is not UTF-8")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
