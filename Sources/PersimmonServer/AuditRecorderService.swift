import Logging
import PersimmonCore
import ServiceLifecycle

/// Runs the ``AuditRecorder``'s background writer in the service group.
///
/// Put it before the HTTP application in the group: services stop in reverse order, so on a graceful shutdown the
/// listener stops first and this service then writes every event still buffered before returning.
struct AuditRecorderService: Service {
    let recorder: AuditRecorder

    func run() async throws {
        let recorder = self.recorder
        await withGracefulShutdownHandler {
            await recorder.run()
        } onGracefulShutdown: {
            recorder.finish()
        }
    }
}

/// Prunes the audit trail to its retention period (``AuditRetention``) at start-up and then every `interval`,
/// until graceful shutdown. A failed run is logged and retried at the next interval.
struct AuditRetentionService: Service {
    let retention: AuditRetention
    var interval: Duration = .seconds(3600)
    let logger: Logger

    func run() async throws {
        guard retention.retentionDays > 0 else {
            // Nothing to prune; a service that returns would end the whole group, so wait for shutdown.
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let deleted = try await retention.prune()
                    if deleted > 0 {
                        logger.info(
                            "audit events past retention deleted",
                            metadata: [
                                "audit.deleted": "\(deleted)", "audit.retention_days": "\(retention.retentionDays)",
                            ])
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error(
                        "audit retention pruning failed; retrying later",
                        metadata: ["error": "\(String(reflecting: error))"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
