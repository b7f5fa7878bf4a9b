import NIOPosix
import ServiceLifecycle

/// The dedicated threads for CPU-heavy work: imports, training, batch scoring.
///
/// Request handlers run on Swift's cooperative pool, which has one thread per core (two here); a long parse or
/// training run there would stall every request. Work sent through `run` executes on these threads instead, and
/// the awaiting task is suspended, not blocked.
package final class ComputePool: Service {
    private let pool: NIOThreadPool

    package init(threads: Int) {
        self.pool = NIOThreadPool(numberOfThreads: max(1, threads))
        self.pool.start()
    }

    /// Runs a synchronous closure on the pool and returns its result.
    package func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(work)
    }

    /// Keeps the pool until graceful shutdown, then stops it once running work is done.
    package func run() async throws {
        try? await gracefulShutdown()
        try await pool.shutdownGracefully()
    }
}
