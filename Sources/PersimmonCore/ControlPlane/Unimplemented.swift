import PersimmonAPIModel

// Operations of AWS's model that Persimmon does not serve yet. Each answers with `UnsupportedOperationException`.
// Implementing an operation means moving it out of this file into its resource's file; docs/api-coverage.md lists
// what remains here (ops/api_coverage.py).

extension ControlPlaneService {
    package func createBatchSegmentJob(_ input: CreateBatchSegmentJobRequest, context: OperationContext) async throws -> CreateBatchSegmentJobResponse {
        throw ServiceError.unsupported("CreateBatchSegmentJob")
    }

    package func createMetricAttribution(_ input: CreateMetricAttributionRequest, context: OperationContext) async throws -> CreateMetricAttributionResponse {
        throw ServiceError.unsupported("CreateMetricAttribution")
    }

    package func createRecommender(_ input: CreateRecommenderRequest, context: OperationContext) async throws -> CreateRecommenderResponse {
        throw ServiceError.unsupported("CreateRecommender")
    }

    package func deleteMetricAttribution(_ input: DeleteMetricAttributionRequest, context: OperationContext) async throws {
        throw ServiceError.unsupported("DeleteMetricAttribution")
    }

    package func deleteRecommender(_ input: DeleteRecommenderRequest, context: OperationContext) async throws {
        throw ServiceError.unsupported("DeleteRecommender")
    }

    package func describeBatchSegmentJob(_ input: DescribeBatchSegmentJobRequest, context: OperationContext) async throws -> DescribeBatchSegmentJobResponse {
        throw ServiceError.unsupported("DescribeBatchSegmentJob")
    }

    package func describeMetricAttribution(_ input: DescribeMetricAttributionRequest, context: OperationContext) async throws -> DescribeMetricAttributionResponse {
        throw ServiceError.unsupported("DescribeMetricAttribution")
    }

    package func describeRecommender(_ input: DescribeRecommenderRequest, context: OperationContext) async throws -> DescribeRecommenderResponse {
        throw ServiceError.unsupported("DescribeRecommender")
    }

    package func listBatchSegmentJobs(_ input: ListBatchSegmentJobsRequest, context: OperationContext) async throws -> ListBatchSegmentJobsResponse {
        throw ServiceError.unsupported("ListBatchSegmentJobs")
    }

    package func listMetricAttributionMetrics(_ input: ListMetricAttributionMetricsRequest, context: OperationContext) async throws -> ListMetricAttributionMetricsResponse {
        throw ServiceError.unsupported("ListMetricAttributionMetrics")
    }

    package func listMetricAttributions(_ input: ListMetricAttributionsRequest, context: OperationContext) async throws -> ListMetricAttributionsResponse {
        throw ServiceError.unsupported("ListMetricAttributions")
    }

    package func listRecommenders(_ input: ListRecommendersRequest, context: OperationContext) async throws -> ListRecommendersResponse {
        throw ServiceError.unsupported("ListRecommenders")
    }

    package func startRecommender(_ input: StartRecommenderRequest, context: OperationContext) async throws -> StartRecommenderResponse {
        throw ServiceError.unsupported("StartRecommender")
    }

    package func stopRecommender(_ input: StopRecommenderRequest, context: OperationContext) async throws -> StopRecommenderResponse {
        throw ServiceError.unsupported("StopRecommender")
    }

    package func updateMetricAttribution(_ input: UpdateMetricAttributionRequest, context: OperationContext) async throws -> UpdateMetricAttributionResponse {
        throw ServiceError.unsupported("UpdateMetricAttribution")
    }

    package func updateRecommender(_ input: UpdateRecommenderRequest, context: OperationContext) async throws -> UpdateRecommenderResponse {
        throw ServiceError.unsupported("UpdateRecommender")
    }
}

extension RuntimeService {
    package func getActionRecommendations(_ input: GetActionRecommendationsRequest, context: OperationContext) async throws -> GetActionRecommendationsResponse {
        throw ServiceError.unsupported("GetActionRecommendations")
    }
}

extension EventsService {
    package func putActionInteractions(_ input: PutActionInteractionsRequest, context: OperationContext) async throws {
        throw ServiceError.unsupported("PutActionInteractions")
    }

    package func putActions(_ input: PutActionsRequest, context: OperationContext) async throws {
        throw ServiceError.unsupported("PutActions")
    }
}
