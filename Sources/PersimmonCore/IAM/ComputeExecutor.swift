/// Where CPU-heavy synchronous work runs instead of the calling task's thread.
///
/// The server hands in its compute pool (`ComputePool`, PersimmonWorkers), so a slow password hash never occupies
/// one of the cooperative pool's few threads that serve requests; the pure code (``PasswordHasher``) knows nothing
/// of threads. ``InlineComputeExecutor`` runs the work on the caller, for tests and tools.
package protocol ComputeExecutor: Sendable {
    /// Runs `work` and returns its result; the awaiting task is suspended, not blocked.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T
}

/// Runs the work on the calling task: for tests and one-shot tools, never for a serving process.
package struct InlineComputeExecutor: ComputeExecutor {
    package init() {}

    package func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try work()
    }
}
