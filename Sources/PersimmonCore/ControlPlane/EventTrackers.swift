import PersimmonAPIModel

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension ControlPlaneService {
    package func createEventTracker(_ input: CreateEventTrackerRequest, context: OperationContext) async throws
        -> CreateEventTrackerResponse
    {
        try ResourceManager.checkTagLimit(input.tags)
        let group = try await resources.require(input.datasetGroupArn, kind: .datasetGroup, context: context)
        guard let status = group.status, LifecycleStatus.live.contains(status) else {
            throw ServiceError(.resourceInUse, "The dataset group \(group.arn) is \(group.status ?? "unavailable").")
        }
        let existing = try await resources.store.count(
            account: context.account, kind: .eventTracker, parentARN: group.arn
        )
        guard existing == 0 else {
            throw ServiceError(
                .limitExceeded, "The dataset group \(group.arn) already has an event tracker; a dataset group can have one."
            )
        }
        let arn = ResourceARN.make(.eventTracker, input.name, in: context)
        let trackingID = UUID().uuidString.lowercased()
        let tracker = EventTracker(
            name: input.name, eventTrackerArn: arn, accountId: context.account.rawValue, trackingId: trackingID,
            datasetGroupArn: group.arn, status: LifecycleStatus.createPending, creationDateTime: context.now,
            lastUpdatedDateTime: context.now
        )
        try await resources.create(
            kind: .eventTracker, name: input.name, arn: arn, parentARN: group.arn, document: tracker, tags: input.tags,
            context: context
        )
        return CreateEventTrackerResponse(eventTrackerArn: arn, trackingId: trackingID)
    }

    package func describeEventTracker(_ input: DescribeEventTrackerRequest, context: OperationContext) async throws
        -> DescribeEventTrackerResponse
    {
        DescribeEventTrackerResponse(
            eventTracker: try await resources.describe(
                EventTracker.self, arn: input.eventTrackerArn, kind: .eventTracker, context: context
            )
        )
    }

    package func listEventTrackers(_ input: ListEventTrackersRequest, context: OperationContext) async throws
        -> ListEventTrackersResponse
    {
        let page = try await resources.listSummaries(
            EventTrackerSummary.self, kind: .eventTracker, under: input.datasetGroupArn.map { ($0, .datasetGroup) },
            maxResults: input.maxResults, nextToken: input.nextToken, context: context
        )
        return ListEventTrackersResponse(eventTrackers: page.summaries, nextToken: page.nextToken)
    }

    package func deleteEventTracker(_ input: DeleteEventTrackerRequest, context: OperationContext) async throws {
        let record = try await resources.require(input.eventTrackerArn, kind: .eventTracker, context: context)
        try await resources.beginDelete(record, context: context)
        ServingLookups.invalidateAll()
    }
}
