/// AWS's lifecycle strings, exactly as clients poll for them (note the space and the underscore).
package enum LifecycleStatus {
    package static let createPending = "CREATE PENDING"
    package static let createInProgress = "CREATE IN_PROGRESS"
    package static let active = "ACTIVE"
    package static let createFailed = "CREATE FAILED"
    package static let deletePending = "DELETE PENDING"
    package static let deleteInProgress = "DELETE IN_PROGRESS"

    /// Statuses from which a resource can still become usable or is usable.
    package static let live: Set<String> = [createPending, createInProgress, active]
}

/// Job kinds of the resource lifecycle worker.
package enum LifecycleJobKind {
    /// Moves a resource from `CREATE PENDING` through `CREATE IN_PROGRESS` to `ACTIVE` (or `CREATE FAILED`).
    package static let create = "resource.create"
    /// Moves a resource from `DELETE PENDING` through `DELETE IN_PROGRESS` to gone.
    package static let delete = "resource.delete"
}
