import Logging
import PersimmonCore
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Claims jobs from the queue and runs them with their handler, under a lease that it keeps alive.
///
/// A job whose worker dies is re-claimed by any worker once its lease expires. A job that fails is retried with
/// backoff up to `maxAttempts`, then handed to the handler's `giveUp` so its resource ends in a failed state
/// rather than stuck in progress.
package struct JobWorker: Service {
    package struct Configuration: Sendable {
        package var workerID: String
        package var pollInterval: Duration = .milliseconds(100)
        package var lease: Duration = .seconds(30)
        package var heartbeat: Duration = .seconds(10)
        package var maxAttempts: Int = 3
        package var maxConcurrentJobs: Int = 4

        package init(workerID: String) { self.workerID = workerID }
    }

    private let queue: any JobQueue
    private let handlers: [String: any JobHandler]
    private let configuration: Configuration
    private let clock: any WallClock
    private let logger: Logger

    package init(
        queue: any JobQueue, handlers: [any JobHandler], configuration: Configuration, clock: any WallClock,
        logger: Logger
    ) {
        self.queue = queue
        var byKind: [String: any JobHandler] = [:]
        for handler in handlers {
            for kind in handler.kinds { byKind[kind] = handler }
        }
        self.handlers = byKind
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        let kinds = handlers.keys.sorted()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                var running = 0
                let (finished, finishedContinuation) = AsyncStream.makeStream(of: Void.self)
                var finishedIterator = finished.makeAsyncIterator()
                while !Task.isCancelled {
                    if running >= configuration.maxConcurrentJobs {
                        _ = await finishedIterator.next()
                        running -= 1
                        continue
                    }
                    let job: JobRecord?
                    do {
                        let now = clock.now()
                        job = try await queue.claimNext(
                            kinds: kinds, workerID: configuration.workerID,
                            leaseUntil: (now + configuration.lease.timeInterval).epochMilliseconds,
                            now: now.epochMilliseconds
                        )
                    } catch {
                        logger.error("could not claim a job", metadata: ["error": "\(error)"])
                        job = nil
                    }
                    guard let job else {
                        try? await Task.sleep(for: configuration.pollInterval)
                        continue
                    }
                    running += 1
                    group.addTask {
                        await process(job)
                        finishedContinuation.yield()
                    }
                }
                finishedContinuation.finish()
            }
        }
    }

    /// Runs one claimed job to completion, keeping its lease alive meanwhile.
    package func process(_ job: JobRecord) async {
        var logger = logger
        logger[metadataKey: "job.id"] = .stringConvertible(job.id)
        logger[metadataKey: "job.kind"] = .string(job.kind)
        logger[metadataKey: "resource.arn"] = .string(job.resourceARN)
        guard let handler = handlers[job.kind] else {
            _ = try? await queue.finish(
                jobID: job.id, workerID: configuration.workerID, state: .failed, error: "no handler",
                now: clock.now().epochMilliseconds
            )
            return
        }
        logger.debug("job started", metadata: ["job.attempt": .stringConvertible(job.attempts)])
        let outcome: Result<Void, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await keepLeaseAlive(job) }
            let result: Result<Void, any Error>
            do {
                try await handler.run(job)
                result = .success(())
            } catch {
                result = .failure(error)
            }
            group.cancelAll()
            return result
        }
        let now = clock.now()
        switch outcome {
        case .success:
            _ = try? await queue.finish(
                jobID: job.id, workerID: configuration.workerID, state: .succeeded, error: nil,
                now: now.epochMilliseconds
            )
            logger.debug("job succeeded")
        case .failure(let error):
            let reason = (error as? ServiceError)?.message ?? "\(error)"
            if job.attempts < configuration.maxAttempts {
                let backoff = Double(1 << min(job.attempts, 6))
                _ = try? await queue.release(
                    jobID: job.id, workerID: configuration.workerID,
                    runAfter: (now + backoff).epochMilliseconds, error: reason, now: now.epochMilliseconds
                )
                logger.warning("job failed, will retry", metadata: ["error": "\(reason)"])
            } else {
                do {
                    try await handler.giveUp(job, reason: reason)
                } catch {
                    logger.error("could not record a job's failure", metadata: ["error": "\(error)"])
                }
                _ = try? await queue.finish(
                    jobID: job.id, workerID: configuration.workerID, state: .failed, error: reason,
                    now: now.epochMilliseconds
                )
                logger.error("job failed for good", metadata: ["error": "\(reason)"])
            }
        }
    }

    private func keepLeaseAlive(_ job: JobRecord) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.heartbeat)
            } catch {
                return
            }
            let now = clock.now()
            let kept = try? await queue.heartbeat(
                jobID: job.id, workerID: configuration.workerID,
                leaseUntil: (now + configuration.lease.timeInterval).epochMilliseconds, now: now.epochMilliseconds
            )
            if kept == false {
                logger.warning("lost the lease of a running job", metadata: ["job.id": .stringConvertible(job.id)])
                return
            }
        }
    }
}

extension Duration {
    /// Seconds as a `TimeInterval`.
    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
