#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Work that a worker runs for claimed jobs of some kinds.
package protocol JobHandler: Sendable {
    /// The job kinds this handler runs.
    var kinds: [String] { get }
    /// Runs one job. Must be idempotent: a job whose worker died is run again from the start.
    func run(_ job: JobRecord) async throws
    /// Called once when a job has failed for the last time, to leave its resource in a failed state.
    func giveUp(_ job: JobRecord, reason: String) async throws
}

/// Moves resources through AWS's lifecycle: create and delete.
package struct LifecycleJobHandler: JobHandler {
    private let resources: ResourceManager
    private let clock: any WallClock
    /// Called after a resource's row is deleted, to remove what lives outside the database (a dataset's data).
    private let onDelete: @Sendable (ResourceRecord) async throws -> Void

    package init(
        resources: ResourceManager, clock: any WallClock,
        onDelete: @escaping @Sendable (ResourceRecord) async throws -> Void = { _ in }
    ) {
        self.resources = resources
        self.clock = clock
        self.onDelete = onDelete
    }

    package var kinds: [String] { [LifecycleJobKind.create, LifecycleJobKind.delete] }

    package func run(_ job: JobRecord) async throws {
        let store = resources.store
        guard let record = try await store.get(account: job.account, arn: job.resourceARN) else {
            return  // Deleted meanwhile: nothing left to do.
        }
        switch job.kind {
        case LifecycleJobKind.create:
            guard let record = try await resources.begin(record, now: clock.now()) else { return }
            guard try await resources.setStatus(record, to: LifecycleStatus.active, now: clock.now()) != nil else {
                throw ServiceError(.resourceInUse, "concurrent change to \(record.arn)")
            }
        case LifecycleJobKind.delete:
            guard
                let record = try await resources.begin(
                    record, waiting: [LifecycleStatus.deletePending], running: LifecycleStatus.deleteInProgress,
                    now: clock.now())
            else { return }
            try await onDelete(record)
            try await store.delete(account: record.account, arn: record.arn)
        default:
            throw ServiceError(.internalFailure, "unknown lifecycle job kind \(job.kind)")
        }
    }

    package func giveUp(_ job: JobRecord, reason: String) async throws {
        guard let record = try await resources.store.get(account: job.account, arn: job.resourceARN) else { return }
        switch job.kind {
        case LifecycleJobKind.create:
            try await resources.setStatus(
                record, to: LifecycleStatus.createFailed, failureReason: reason, now: clock.now())
        default:
            // A delete that keeps failing leaves the resource ACTIVE again so the user can retry, rather than stuck.
            try await resources.setStatus(record, to: LifecycleStatus.active, failureReason: reason, now: clock.now())
        }
    }
}

extension ResourceManager {
    /// Starts (or resumes) the run of a job's resource: moves `record` from one of the `waiting` statuses to
    /// `running`. Returns the record in `running`, or nil when it is in neither (another run already finished it),
    /// so a job that is run again after its worker died carries on where the resource stands.
    package func begin(
        _ record: ResourceRecord, waiting: Set<String> = [LifecycleStatus.createPending],
        running: String = LifecycleStatus.createInProgress, now: Date
    ) async throws -> ResourceRecord? {
        var record = record
        if let status = record.status, waiting.contains(status) {
            guard let updated = try await setStatus(record, to: running, now: now) else {
                throw ServiceError(.resourceInUse, "concurrent change to \(record.arn)")
            }
            record = updated
        }
        return record.status == running ? record : nil
    }
}
