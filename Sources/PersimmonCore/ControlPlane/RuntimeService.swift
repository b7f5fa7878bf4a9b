import PersimmonAPIModel

/// Serves `personalize-runtime` (GetRecommendations, GetPersonalizedRanking, GetActionRecommendations).
package struct RuntimeService: PersonalizeRuntimeService {
    package typealias Context = OperationContext
    package let resources: ResourceManager
    package let engine: any RecommendationEngine

    package init(resources: ResourceManager, engine: any RecommendationEngine = NoRecommendationEngine()) {
        self.resources = resources
        self.engine = engine
    }
}

/// Serves `personalize-events` (PutEvents, PutItems, PutUsers, PutActions, PutActionInteractions).
package struct EventsService: PersonalizeEventsService {
    package typealias Context = OperationContext
    package let resources: ResourceManager
    package let sink: any EventSink

    package init(resources: ResourceManager, sink: any EventSink = NoEventSink()) {
        self.resources = resources
        self.sink = sink
    }
}
