import PersimmonAPIModel

/// Serves `personalize-runtime` (GetRecommendations, GetPersonalizedRanking, GetActionRecommendations).
package struct RuntimeService: PersonalizeRuntimeService {
    package typealias Context = OperationContext
    package let resources: ResourceManager

    package init(resources: ResourceManager) { self.resources = resources }
}

/// Serves `personalize-events` (PutEvents, PutItems, PutUsers, PutActions, PutActionInteractions).
package struct EventsService: PersonalizeEventsService {
    package typealias Context = OperationContext
    package let resources: ResourceManager

    package init(resources: ResourceManager) { self.resources = resources }
}
