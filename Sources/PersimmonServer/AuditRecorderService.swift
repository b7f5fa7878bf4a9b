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
