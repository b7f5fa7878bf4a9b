import Dispatch
import Synchronization

/// Data parallelism for the training kernels.
///
/// The caller already runs us on its dedicated compute pool (STYLE.md §2.7); inside one training call we fan out to
/// `threads` workers with `DispatchQueue.concurrentPerform`, which blocks the calling thread until every worker is
/// done. No `Task` is created and nothing outlives the call. Work is claimed in chunks from an atomic counter, so
/// uneven rows balance; every kernel writes each output row from exactly one worker and computes it in a fixed
/// order, so results do not depend on the thread count or on scheduling.
enum Parallel {
    private final class Counter: Sendable {
        let next = Atomic<Int>(0)
    }

    /// Carries the chunk body into `concurrentPerform`'s `@Sendable` closure.
    ///
    /// Safe because `concurrentPerform` returns only after every worker has finished, so the body never outlives
    /// `forEachChunk`, and every body in this module only reads shared inputs and writes disjoint output rows or
    /// per-worker scratch.
    private struct Body: @unchecked Sendable {
        let run: (Int, Range<Int>) -> Void
    }

    /// Calls `body(worker, range)` for consecutive chunks covering `0..<count`. `worker` is in `0..<threads` and
    /// identifies per-worker scratch space. Returns early (without finishing) once `cancel` is set.
    static func forEachChunk(
        count: Int,
        chunkSize: Int,
        threads: Int,
        cancel: CancellationFlag? = nil,
        _ body: (_ worker: Int, _ range: Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let chunk = max(1, chunkSize)
        let workers = max(1, min(threads, (count + chunk - 1) / chunk))
        if workers == 1 {
            var start = 0
            while start < count {
                if cancel?.isCancelled == true { return }
                body(0, start..<min(count, start + chunk))
                start += chunk
            }
            return
        }
        let counter = Counter()
        withoutActuallyEscaping(body) { body in
            let shared = Body(run: body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    if cancel?.isCancelled == true { return }
                    let start = counter.next.wrappingAdd(chunk, ordering: .relaxed).oldValue
                    if start >= count { return }
                    shared.run(worker, start..<min(count, start + chunk))
                }
            }
        }
    }
}
