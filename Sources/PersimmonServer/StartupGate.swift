import ServiceLifecycle
import Synchronization

/// Opens once, when migrations have run; services that need the schema wait on it before starting.
final class StartupGate: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Void, any Error>])
        case open
        case failed(any Error)
    }
    private let state = Mutex<State>(.waiting([]))

    func open() { resolve(with: nil) }
    func fail(_ error: any Error) { resolve(with: error) }

    private func resolve(with error: (any Error)?) {
        let waiters: [CheckedContinuation<Void, any Error>] = state.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            state = error.map(State.failed) ?? .open
            return waiters
        }
        for waiter in waiters {
            if let error { waiter.resume(throwing: error) } else { waiter.resume() }
        }
    }

    func wait() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let resumeNow: Result<Void, any Error>? = state.withLock { state in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .open: return .success(())
                case .failed(let error): return .failure(error)
                }
            }
            if let resumeNow { continuation.resume(with: resumeNow) }
        }
    }
}

/// Runs a service only after the gate opens.
struct GatedService: Service {
    let gate: StartupGate
    let service: any Service

    func run() async throws {
        try await gate.wait()
        try await service.run()
    }
}

/// Runs the migrations, opens the gate, then idles until shutdown.
struct MigrationService: Service {
    let gate: StartupGate
    let migrate: @Sendable () async throws -> Void

    func run() async throws {
        do {
            try await migrate()
            gate.open()
        } catch {
            gate.fail(error)
            throw error
        }
        try? await gracefulShutdown()
    }
}
