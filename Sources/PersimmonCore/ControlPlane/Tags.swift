import PersimmonAPIModel

extension ControlPlaneService {
    package func tagResource(_ input: TagResourceRequest, context: OperationContext) async throws -> TagResourceResponse
    {
        try await resources.tagResource(input.resourceArn, tags: input.tags, context: context)
        return TagResourceResponse()
    }

    package func untagResource(_ input: UntagResourceRequest, context: OperationContext) async throws
        -> UntagResourceResponse
    {
        try await resources.untagResource(input.resourceArn, keys: input.tagKeys, context: context)
        return UntagResourceResponse()
    }

    package func listTagsForResource(_ input: ListTagsForResourceRequest, context: OperationContext) async throws
        -> ListTagsForResourceResponse
    {
        ListTagsForResourceResponse(tags: try await resources.tags(of: input.resourceArn, context: context))
    }
}
