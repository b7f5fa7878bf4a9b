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
        guard var record = try await store.get(account: job.account, arn: job.resourceARN) else {
            return  // Deleted meanwhile: nothing left to do.
        }
        switch job.kind {
        case LifecycleJobKind.create:
            if record.status == LifecycleStatus.createPending {
                guard
                    let updated = try await resources.setStatus(
                        record, to: LifecycleStatus.createInProgress, now: clock.now())
                else { throw ServiceError(.resourceInUse, "concurrent change to \(record.arn)") }
                record = updated
            }
            guard record.status == LifecycleStatus.createInProgress else { return }
            guard try await resources.setStatus(record, to: LifecycleStatus.active, now: clock.now()) != nil else {
                throw ServiceError(.resourceInUse, "concurrent change to \(record.arn)")
            }
        case LifecycleJobKind.delete:
            if record.status == LifecycleStatus.deletePending {
                guard
                    let updated = try await resources.setStatus(
                        record, to: LifecycleStatus.deleteInProgress, now: clock.now())
                else { throw ServiceError(.resourceInUse, "concurrent change to \(record.arn)") }
                record = updated
            }
            guard record.status == LifecycleStatus.deleteInProgress else { return }
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
