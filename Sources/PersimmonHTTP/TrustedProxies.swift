import NIOCore

/// The proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (`--trusted-proxy` CIDRs).
///
/// `aws:SourceIp` is the socket peer unless that peer is a trusted proxy; then it is the right-most address of
/// `X-Forwarded-For` that is not itself a trusted proxy (the left part of the header is whatever the client wrote).
/// With no trusted proxies configured the header is ignored entirely, so a client can never spoof its address.
package struct TrustedProxies: Sendable, Equatable {
    package struct CIDR: Sendable, Equatable, CustomStringConvertible {
        let address: [UInt8]
        let prefixLength: Int

        /// `10.0.0.0/8`, `192.168.1.7` (a /32), `fd00::/8`, `::1`.
        package init?(_ text: String) {
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = TrustedProxies.parseAddress(String(parts[0])) else { return nil }
            let maximum = address.count * 8
            if parts.count == 2 {
                guard let length = Int(parts[1]), (0...maximum).contains(length) else { return nil }
                self.prefixLength = length
            } else {
                self.prefixLength = maximum
            }
            self.address = address
        }

        func contains(_ candidate: [UInt8]) -> Bool {
            guard candidate.count == address.count else { return false }
            var remaining = prefixLength
            for index in 0..<address.count where remaining > 0 {
                let bits = min(8, remaining)
                let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if candidate[index] & mask != address[index] & mask { return false }
                remaining -= bits
            }
            return true
        }

        package var description: String {
            "\(TrustedProxies.format(address))/\(prefixLength)"
        }
    }

    package var networks: [CIDR]

    package init(_ networks: [CIDR] = []) {
        self.networks = networks
    }

    /// Parses a comma-separated list of CIDRs; nil if any entry is malformed.
    package init?(parsing list: String) {
        var networks: [CIDR] = []
        for entry in list.split(separator: ",") {
            let trimmed = entry.trimmingCharacters(in: " ")
            guard !trimmed.isEmpty else { continue }
            guard let cidr = CIDR(trimmed) else { return nil }
            networks.append(cidr)
        }
        self.networks = networks
    }

    package func isTrusted(_ address: String) -> Bool {
        guard let bytes = Self.parseAddress(address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The client address for `aws:SourceIp`: the peer, or what a trusted peer forwarded.
    package func clientAddress(peer: String?, forwardedFor: String?) -> String? {
        guard let peer, isTrusted(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
        for hop in hops.reversed() {
            guard Self.parseAddress(hop) != nil else { return peer }
            if !isTrusted(hop) { return hop }
        }
        return hops.first ?? peer
    }

    /// Whether the client reached us over TLS: only a trusted proxy's `X-Forwarded-Proto: https` says so (Persimmon
    /// itself listens on plain HTTP).
    package func isSecureTransport(peer: String?, forwardedProto: String?) -> Bool {
        guard let peer, isTrusted(peer), let proto = forwardedProto else { return false }
        return proto.split(separator: ",").last?.trimmingCharacters(in: " ").lowercased() == "https"
    }

    /// The textual IP of a socket address, or nil for Unix sockets.
    package static func ipAddress(of address: SocketAddress?) -> String? {
        address?.ipAddress
    }

    // MARK: Addresses

    static func parseAddress(_ text: String) -> [UInt8]? {
        if text.contains(":") { return parseIPv6(text) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else {
                return nil
            }
            bytes.append(value)
        }
        return bytes
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }  // zone ID
        let halves = String(text).splitting(on: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = parseAddress(String(piece)) {
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                } else {
                    guard piece.count >= 1, piece.count <= 4, let value = UInt16(piece, radix: 16) else { return nil }
                    result.append(value)
                }
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    static func format(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: bytes.count, by: 2).map {
            String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
        }
        .joined(separator: ":")
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var text = Substring(self)
        while text.first == set { text = text.dropFirst() }
        while text.last == set { text = text.dropLast() }
        return String(text)
    }
}

extension String {
    fileprivate func splitting(on separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
