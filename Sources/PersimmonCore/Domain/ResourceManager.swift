import PersimmonAPIModel

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The rules every resource shares: ARNs owned by the caller's account, lifecycle statuses, wire-shape documents,
/// tags and pagination. Resource-specific handlers are thin mappings on top of it.
package struct ResourceManager: Sendable {
    package let store: any ResourceStore
    package let jobs: any JobQueue
    private let tokens: PageTokenCodec

    /// AWS's default and maximum page sizes for List operations.
    package static let defaultPageSize = 100
    package static let maxPageSize = 100

    package init(store: any ResourceStore, jobs: any JobQueue, tokens: PageTokenCodec) {
        self.store = store
        self.jobs = jobs
        self.tokens = tokens
    }

    // MARK: Create

    /// Stores a new resource. With a lifecycle (the default) it starts in `CREATE PENDING` and a job is queued
    /// to activate it; without one (schemas) it is usable at once and has no status.
    @discardableResult
    package func create(
        kind: ResourceKind, name: String, arn: String, parentARN: String?, document: some Encodable,
        tags: [Tag]?, context: OperationContext, hasLifecycle: Bool = true,
        jobKind: String = LifecycleJobKind.create, jobPayload: String = "{}"
    ) async throws -> ResourceRecord {
        let now = context.now.epochMilliseconds
        let record = ResourceRecord(
            account: context.account, arn: arn, kind: kind, name: name, parentARN: parentARN,
            status: hasLifecycle ? LifecycleStatus.createPending : nil, document: try Self.encode(document),
            createdAt: now, updatedAt: now
        )
        try await store.insert(record)
        if let tags, !tags.isEmpty {
            try await store.putTags(
                account: context.account, arn: arn, tags.map { (key: $0.tagKey, value: $0.tagValue) })
        }
        guard hasLifecycle else { return record }
        try await jobs.enqueue(
            account: context.account, kind: jobKind, resourceARN: arn, payload: jobPayload,
            runAfter: now, now: now
        )
        return record
    }

    // MARK: Read

    /// The resource an ARN names, in the caller's account.
    ///
    /// An ARN of another account is refused with `AccessDeniedException` whether or not it exists, so nothing
    /// about other tenants leaks. A malformed ARN, another resource type, or a missing row is
    /// `ResourceNotFoundException`.
    package func require(_ arn: String, kind: ResourceKind, context: OperationContext) async throws -> ResourceRecord {
        guard let parsed = ResourceARN(parsing: arn) else {
            throw ServiceError.notFound(kind.displayName, arn)
        }
        guard parsed.account == context.account.rawValue else {
            throw Self.accessDenied(arn, context: context)
        }
        guard parsed.resourceType == kind.arnResourceType,
            let record = try await store.get(account: context.account, arn: arn), record.kind == kind
        else {
            throw ServiceError.notFound(kind.displayName, arn)
        }
        return record
    }

    /// Like `require`, for ARNs given as a reference (e.g. a dataset's schema): the resource must be `ACTIVE`.
    package func requireActive(_ arn: String, kind: ResourceKind, context: OperationContext) async throws
        -> ResourceRecord
    {
        let record = try await require(arn, kind: kind, context: context)
        guard record.status == nil || record.status == LifecycleStatus.active else {
            throw ServiceError(
                .resourceInUse,
                "The \(kind.displayName) \(arn) is not ACTIVE (its status is \(record.status ?? "unknown"))."
            )
        }
        return record
    }

    package func describe<Shape: Decodable>(
        _ type: Shape.Type, arn: String, kind: ResourceKind, context: OperationContext
    )
        async throws -> Shape
    {
        try Self.decode(type, from: try await require(arn, kind: kind, context: context))
    }

    // MARK: List

    /// One page of a listing, newest first, with an opaque token bound to the account, operation and scope.
    package func list(
        kind: ResourceKind, parentARN: String?, statuses: [String]? = nil, maxResults: Int?, nextToken: String?,
        context: OperationContext
    ) async throws -> (records: [ResourceRecord], nextToken: String?) {
        let scope = "\(kind.rawValue)|\(parentARN ?? "")|\(statuses?.joined(separator: ",") ?? "")"
        let cursor = try nextToken.map {
            try tokens.decode($0, account: context.account, operation: context.operation, scope: scope)
        }
        let limit = min(max(maxResults ?? Self.defaultPageSize, 1), Self.maxPageSize)
        let rows = try await store.list(
            account: context.account,
            ResourceQuery(kind: kind, parentARN: parentARN, statuses: statuses, after: cursor, limit: limit + 1)
        )
        guard rows.count > limit else { return (rows, nil) }
        let page = Array(rows.prefix(limit))
        let last = page[page.count - 1]
        let token = tokens.encode(
            ListCursor(createdAt: last.createdAt, arn: last.arn), account: context.account,
            operation: context.operation, scope: scope
        )
        return (page, token)
    }

    /// One page of a resource's summaries, optionally only the children of a parent the caller owns (a List
    /// operation's `datasetGroupArn`, `solutionArn`, ... filter). Each stored document decodes straight into the
    /// summary shape, whose members are a subset of the full shape's.
    package func listSummaries<Summary: Decodable>(
        _ type: Summary.Type, kind: ResourceKind, under parent: (arn: String, kind: ResourceKind)?, maxResults: Int?,
        nextToken: String?, context: OperationContext
    ) async throws -> (summaries: [Summary], nextToken: String?) {
        var parentARN: String?
        if let parent {
            parentARN = try await require(parent.arn, kind: parent.kind, context: context).arn
        }
        let page = try await list(
            kind: kind, parentARN: parentARN, maxResults: maxResults, nextToken: nextToken, context: context
        )
        return (try page.records.map { try Self.decode(type, from: $0) }, page.nextToken)
    }

    /// A token for listings of fixed, in-memory collections (the recipe catalogue): an offset, bound like any other.
    package func offsetToken(_ offset: Int, scope: String, context: OperationContext) -> String {
        tokens.encode(
            ListCursor(createdAt: Int64(offset), arn: ""), account: context.account, operation: context.operation,
            scope: scope
        )
    }

    package func offset(from token: String, scope: String, context: OperationContext) throws -> Int {
        let cursor = try tokens.decode(token, account: context.account, operation: context.operation, scope: scope)
        guard cursor.createdAt >= 0, cursor.createdAt < Int64(Int32.max) else {
            throw ServiceError(.invalidNextToken, "The nextToken is not valid for this request.")
        }
        return Int(cursor.createdAt)
    }

    // MARK: Update

    /// Rewrites a resource's status (column and document) and optionally its failure reason.
    @discardableResult
    package func setStatus(_ record: ResourceRecord, to status: String, failureReason: String? = nil, now: Date)
        async throws -> ResourceRecord?
    {
        var updated = record
        var members: [String: JSONValue?] = [
            "status": .string(status),
            "lastUpdatedDateTime": .number(now.timeIntervalSince1970),
        ]
        if let failureReason { members["failureReason"] = .string(failureReason) }
        updated.document = try JSONValue.patch(record.document, setting: members)
        updated.status = status
        updated.updatedAt = now.epochMilliseconds
        return try await store.update(updated, expectedVersion: record.version)
    }

    /// Replaces a resource's document with a new wire shape.
    @discardableResult
    package func replaceDocument(_ record: ResourceRecord, with document: some Encodable, now: Date) async throws
        -> ResourceRecord
    {
        var updated = record
        updated.document = try Self.encode(document)
        updated.updatedAt = now.epochMilliseconds
        guard let stored = try await store.update(updated, expectedVersion: record.version) else {
            throw ServiceError(.resourceInUse, "The resource \(record.arn) was changed by another request; try again.")
        }
        return stored
    }

    // MARK: Delete

    /// Marks a resource `DELETE PENDING` and queues the job that removes it.
    package func beginDelete(_ record: ResourceRecord, context: OperationContext) async throws {
        guard record.status != LifecycleStatus.deletePending, record.status != LifecycleStatus.deleteInProgress else {
            throw ServiceError(.resourceInUse, "The resource \(record.arn) is already being deleted.")
        }
        guard try await setStatus(record, to: LifecycleStatus.deletePending, now: context.now) != nil else {
            throw ServiceError(.resourceInUse, "The resource \(record.arn) was changed by another request; try again.")
        }
        let now = context.now.epochMilliseconds
        try await jobs.enqueue(
            account: context.account, kind: LifecycleJobKind.delete, resourceARN: record.arn, payload: "{}",
            runAfter: now, now: now
        )
    }

    // MARK: Tags

    /// The most tags a Personalize resource may carry.
    package static let maxTags = 50

    package func tagResource(_ arn: String, tags: [Tag], context: OperationContext) async throws {
        try Self.checkTagKeys(tags.map(\.tagKey))
        let record = try await requireAnyKind(arn, context: context)
        let existing = try await store.tags(account: context.account, arn: record.arn)
        let keys = Set(existing.map(\.key)).union(tags.map(\.tagKey))
        guard keys.count <= Self.maxTags else {
            throw ServiceError(
                .tooManyTags,
                "The resource \(arn) would have \(keys.count) tags; a resource can have at most \(Self.maxTags)."
            )
        }
        try await store.putTags(
            account: context.account, arn: record.arn, tags.map { (key: $0.tagKey, value: $0.tagValue) })
    }

    package func untagResource(_ arn: String, keys: [String], context: OperationContext) async throws {
        guard keys.count <= Self.maxTags else {
            throw ServiceError(
                .tooManyTagKeys,
                "At most \(Self.maxTags) tag keys can be removed in one request; \(keys.count) were given."
            )
        }
        let record = try await requireAnyKind(arn, context: context)
        try await store.removeTags(account: context.account, arn: record.arn, keys: keys)
    }

    package func tags(of arn: String, context: OperationContext) async throws -> [Tag] {
        let record = try await requireAnyKind(arn, context: context)
        return try await store.tags(account: context.account, arn: record.arn).map {
            Tag(tagKey: $0.key, tagValue: $0.value)
        }
    }

    /// Checks tags given on create: the limit and the reserved `aws:` prefix.
    package static func checkTagLimit(_ tags: [Tag]?) throws {
        guard let tags else { return }
        try checkTagKeys(tags.map(\.tagKey))
        guard Set(tags.map(\.tagKey)).count <= maxTags else {
            throw ServiceError(.tooManyTags, "A resource can have at most \(maxTags) tags.")
        }
    }

    /// Tag keys that begin with `aws:` (in any case) are reserved for AWS's own use.
    static func checkTagKeys(_ keys: [String]) throws {
        if let reserved = keys.first(where: { $0.lowercased().hasPrefix("aws:") }) {
            throw ServiceError(
                .invalidInput, "The tag key \(reserved) is invalid: keys beginning with aws: are reserved for AWS use."
            )
        }
    }

    private func requireAnyKind(_ arn: String, context: OperationContext) async throws -> ResourceRecord {
        guard let parsed = ResourceARN(parsing: arn), let kind = ResourceKind(rawValue: String(parsed.resourceType))
        else {
            throw ServiceError(.resourceNotFound, "Could not find resource with arn \(arn)")
        }
        let resolvedKind: ResourceKind
        if kind == .solution, parsed.resource.split(separator: "/").count == 3 {
            resolvedKind = .solutionVersion
        } else {
            resolvedKind = kind
        }
        return try await require(arn, kind: resolvedKind, context: context)
    }

    // MARK: Helpers

    package static func accessDenied(_ arn: String, context: OperationContext) -> ServiceError {
        ServiceError(
            .accessDenied,
            "User: \(context.principal.arn) is not authorized to perform: personalize:\(context.operation) on resource: \(arn)"
        )
    }

    package static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try AWSJSONCodec.encoder.encode(value), as: UTF8.self)
    }

    package static func decode<Shape: Decodable>(_ type: Shape.Type, from record: ResourceRecord) throws -> Shape {
        do {
            return try AWSJSONCodec.decoder.decode(type, from: Data(record.document.utf8))
        } catch {
            throw ServiceError(.internalFailure, "stored document of \(record.arn) is unreadable", underlying: error)
        }
    }
}

extension ResourceKind {
    /// The resource type as it appears in ARNs: solution versions live under their solution
    /// (`solution/<name>/<version>`).
    package var arnResourceType: String {
        self == .solutionVersion ? "solution" : rawValue
    }

    /// How the resource is named in messages.
    package var displayName: String {
        switch self {
        case .datasetGroup: "dataset group"
        case .datasetImportJob: "dataset import job"
        case .datasetExportJob: "dataset export job"
        case .dataDeletionJob: "data deletion job"
        case .solutionVersion: "solution version"
        case .eventTracker: "event tracker"
        case .batchInferenceJob: "batch inference job"
        case .batchSegmentJob: "batch segment job"
        case .metricAttribution: "metric attribution"
        default: rawValue
        }
    }
}
