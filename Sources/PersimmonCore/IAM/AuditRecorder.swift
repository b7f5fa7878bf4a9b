import Logging
import Synchronization

/// Buffers audit events and writes them to the ``AuditStore`` off the request path.
///
/// ``record(_:)`` only appends to a buffer and wakes the writer. ``run()`` (driven by a service in the composition
/// root) writes each burst in one batch; ``finish()`` makes it drain everything and return, which the server does
/// after the HTTP listener has stopped, so no event of a served request is lost on a graceful shutdown.
/// ``flush()`` writes whatever is buffered at once and waits for writes in flight: reads of the trail call it
/// first, so a caller always sees its own earlier requests.
///
/// A busy server writes at most one batch per ``batchInterval``: fewer, larger transactions cost less CPU, and every
/// commit is a change that makes the resolved access keys be read again (``ResolvedKeyCache``).
///
/// If the store fails, events stay buffered and are retried with the next batch; beyond ``capacity`` the oldest
/// are dropped (and counted in an error log) rather than growing without bound.
package final class AuditRecorder: Sendable {
    private struct State {
        var buffer: [AuditEvent] = []
        var inFlight = 0
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var dropped = 0
        var finishing = false
        /// The writer's pause between batches: whoever ends it (the timer or ``finish()``) resumes this.
        var pauseWaiter: CheckedContinuation<Void, Never>?
        var pauseOver = false
    }

    private let store: any AuditStore
    private let logger: Logger
    private let capacity: Int
    private let batchInterval: Duration
    private let state = Mutex(State())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    package init(
        store: any AuditStore, logger: Logger, capacity: Int = 100_000, batchInterval: Duration = .milliseconds(50)
    ) {
        self.store = store
        self.logger = logger
        self.capacity = capacity
        self.batchInterval = batchInterval
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues an event. Never blocks and never fails.
    package func record(_ event: AuditEvent) {
        state.withLock { state in
            state.buffer.append(event)
            if state.buffer.count > capacity {
                state.buffer.removeFirst(state.buffer.count - capacity)
                state.dropped += 1
            }
        }
        wake.yield()
    }

    /// Writes batches as events arrive until ``finish()``, then writes what is left and returns.
    package func run() async {
        for await _ in wakeups {
            await writeBuffered()
            // Let the next events gather into one batch; ``finish()`` cuts the pause short.
            await pause()
        }
        await writeBuffered()
    }

    /// Ends ``run()`` once everything buffered is written.
    package func finish() {
        state.withLock { $0.finishing = true }
        endPause()
        wake.finish()
    }

    /// Waits ``batchInterval``, or less if ``finish()`` is called meanwhile.
    private func pause() async {
        state.withLock { $0.pauseOver = false }
        let interval = batchInterval
        let timer = Task { [weak self] in
            try? await Task.sleep(for: interval)
            self?.endPause()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let over = state.withLock { state -> Bool in
                if state.finishing || state.pauseOver { return true }
                state.pauseWaiter = continuation
                return false
            }
            if over { continuation.resume() }
        }
        timer.cancel()
    }

    private func endPause() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.pauseOver = true
            defer { state.pauseWaiter = nil }
            return state.pauseWaiter
        }
        waiter?.resume()
    }

    /// Writes everything buffered now and waits until no write is in flight.
    package func flush() async {
        await writeBuffered()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                if state.inFlight == 0 { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func writeBuffered() async {
        let (batch, dropped) = state.withLock { state -> ([AuditEvent], Int) in
            let batch = state.buffer
            state.buffer.removeAll(keepingCapacity: true)
            if !batch.isEmpty { state.inFlight += 1 }
            defer { state.dropped = 0 }
            return (batch, state.dropped)
        }
        if dropped > 0 {
            logger.error("audit buffer overflowed: oldest events dropped", metadata: ["audit.dropped": "\(dropped)"])
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.appendAuditEvents(batch)
        } catch {
            logger.error(
                "audit events could not be written; retrying with the next batch",
                metadata: ["audit.events": "\(batch.count)", "error": "\(String(reflecting: error))"]
            )
            state.withLock { $0.buffer.insert(contentsOf: batch, at: 0) }
        }
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight -= 1
            guard state.inFlight == 0 else { return [] }
            defer { state.idleWaiters.removeAll() }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
