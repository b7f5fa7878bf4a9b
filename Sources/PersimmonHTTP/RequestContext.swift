import Hummingbird
import Logging
import NIOCore

/// The per-request context: Hummingbird's core storage plus the peer address (for `aws:SourceIp`).
package struct PersimmonRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The socket peer, as the connection reports it.
    package let remoteAddress: SocketAddress?

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
