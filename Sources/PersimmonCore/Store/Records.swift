/// The kinds of resources the resource manager tracks. The raw value is stored in the `kind` column.
package enum ResourceKind: String, Sendable, Codable, CaseIterable {
    case datasetGroup = "dataset-group"
    case schema
    case dataset
    case datasetImportJob = "dataset-import-job"
    case datasetExportJob = "dataset-export-job"
    case dataDeletionJob = "data-deletion-job"
    case solution
    case solutionVersion = "solution-version"
    case campaign
    case eventTracker = "event-tracker"
    case filter
    case recommender
    case batchInferenceJob = "batch-inference-job"
    case batchSegmentJob = "batch-segment-job"
    case metricAttribution = "metric-attribution"
}

/// One resource row: the wire shape as JSON text beside the columns we index on.
///
/// Times are epoch milliseconds. `version` grows by one on every update (optimistic concurrency).
package struct ResourceRecord: Sendable, Equatable {
    package var account: AccountID
    package var arn: String
    package var kind: ResourceKind
    package var name: String
    package var parentARN: String?
    package var status: String?
    /// The resource's wire shape (e.g. the `DatasetGroup` structure), JSON-encoded.
    package var document: String
    package var createdAt: Int64
    package var updatedAt: Int64
    package var version: Int64

    package init(
        account: AccountID, arn: String, kind: ResourceKind, name: String, parentARN: String?, status: String?,
        document: String, createdAt: Int64, updatedAt: Int64, version: Int64 = 1
    ) {
        self.account = account
        self.arn = arn
        self.kind = kind
        self.name = name
        self.parentARN = parentARN
        self.status = status
        self.document = document
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }
}

/// Where a listing continues: the sort key of the last row already returned.
/// Listings are ordered by (`createdAt` descending, `arn` ascending): newest first, as AWS lists.
package struct ListCursor: Sendable, Equatable, Codable {
    package var createdAt: Int64
    package var arn: String
    package init(createdAt: Int64, arn: String) {
        self.createdAt = createdAt
        self.arn = arn
    }
}

/// A query over one kind of resource inside one account.
package struct ResourceQuery: Sendable, Equatable {
    package var kind: ResourceKind
    /// Only children of this resource (e.g. datasets of a dataset group).
    package var parentARN: String?
    /// Only resources whose status is one of these.
    package var statuses: [String]?
    package var after: ListCursor?
    package var limit: Int

    package init(
        kind: ResourceKind, parentARN: String? = nil, statuses: [String]? = nil, after: ListCursor? = nil,
        limit: Int = 100
    ) {
        self.kind = kind
        self.parentARN = parentARN
        self.statuses = statuses
        self.after = after
        self.limit = limit
    }
}

/// A tenant account as the operator sees it.
package struct AccountRecord: Sendable, Equatable, Codable {
    package enum Status: String, Sendable, Codable {
        case active = "ACTIVE"
        case suspended = "SUSPENDED"
    }
    package var id: AccountID
    package var name: String
    package var email: String?
    package var status: Status
    package var createdAt: Int64
    package var closedAt: Int64?

    package init(id: AccountID, name: String, email: String?, status: Status, createdAt: Int64, closedAt: Int64? = nil)
    {
        self.id = id
        self.name = name
        self.email = email
        self.status = status
        self.createdAt = createdAt
        self.closedAt = closedAt
    }
}

/// An access key as stored: the secret only in sealed (encrypted) form.
package struct AccessKeyRecord: Sendable, Equatable {
    package enum Status: String, Sendable, Codable {
        case active = "Active"
        case inactive = "Inactive"
    }
    package var accessKeyID: String
    package var account: AccountID
    /// nil for the account's root keys.
    package var userName: String?
    package var principalARN: String
    /// AES-GCM sealed box of the secret (nonce + ciphertext + tag).
    package var sealedSecret: [UInt8]
    package var status: Status
    package var createdAt: Int64
    package var lastUsedAt: Int64?

    package init(
        accessKeyID: String, account: AccountID, userName: String?, principalARN: String, sealedSecret: [UInt8],
        status: Status, createdAt: Int64, lastUsedAt: Int64? = nil
    ) {
        self.accessKeyID = accessKeyID
        self.account = account
        self.userName = userName
        self.principalARN = principalARN
        self.sealedSecret = sealedSecret
        self.status = status
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// A unit of background work, claimed by one worker at a time under a lease.
package struct JobRecord: Sendable, Equatable {
    package enum State: String, Sendable, Codable {
        case queued
        case running
        case succeeded
        case failed
    }
    package var id: Int64
    package var account: AccountID
    package var kind: String
    package var resourceARN: String
    /// Job-specific JSON.
    package var payload: String
    package var state: State
    package var attempts: Int
    package var leaseOwner: String?
    package var leaseUntil: Int64?
    package var runAfter: Int64
    package var lastError: String?
    package var createdAt: Int64
    package var updatedAt: Int64

    package init(
        id: Int64, account: AccountID, kind: String, resourceARN: String, payload: String, state: State,
        attempts: Int, leaseOwner: String?, leaseUntil: Int64?, runAfter: Int64, lastError: String?,
        createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.account = account
        self.kind = kind
        self.resourceARN = resourceARN
        self.payload = payload
        self.state = state
        self.attempts = attempts
        self.leaseOwner = leaseOwner
        self.leaseUntil = leaseUntil
        self.runAfter = runAfter
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
