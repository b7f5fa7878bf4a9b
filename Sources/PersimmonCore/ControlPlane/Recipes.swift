import PersimmonAPIModel

extension ControlPlaneService {
    package func listRecipes(_ input: ListRecipesRequest, context: OperationContext) async throws -> ListRecipesResponse
    {
        if let provider = input.recipeProvider, provider != "SERVICE" {
            return ListRecipesResponse(recipes: [])
        }
        let matching = catalog.recipes.filter {
            input.domain == nil || $0.recipeArn.flatMap(catalog.domain(ofRecipe:)) == input.domain
        }
        let limit = min(max(input.maxResults ?? ResourceManager.defaultPageSize, 1), ResourceManager.maxPageSize)
        var start = 0
        if let token = input.nextToken {
            start = try resources.offset(from: token, scope: "recipes|\(input.domain ?? "")", context: context)
        }
        let page = matching.dropFirst(start).prefix(limit)
        let next =
            start + page.count < matching.count
            ? resources.offsetToken(start + page.count, scope: "recipes|\(input.domain ?? "")", context: context)
            : nil
        return ListRecipesResponse(
            recipes: page.map {
                RecipeSummary(
                    name: $0.name, recipeArn: $0.recipeArn, status: $0.status, creationDateTime: $0.creationDateTime,
                    lastUpdatedDateTime: $0.lastUpdatedDateTime, domain: $0.recipeArn.flatMap(catalog.domain(ofRecipe:))
                )
            },
            nextToken: next
        )
    }

    package func describeRecipe(_ input: DescribeRecipeRequest, context: OperationContext) async throws
        -> DescribeRecipeResponse
    {
        guard let recipe = catalog.recipes.first(where: { $0.recipeArn == input.recipeArn }) else {
            throw ServiceError.notFound("recipe", input.recipeArn)
        }
        return DescribeRecipeResponse(recipe: recipe)
    }

    package func describeAlgorithm(_ input: DescribeAlgorithmRequest, context: OperationContext) async throws
        -> DescribeAlgorithmResponse
    {
        guard let algorithm = catalog.algorithms.first(where: { $0.algorithmArn == input.algorithmArn }) else {
            throw ServiceError.notFound("algorithm", input.algorithmArn)
        }
        return DescribeAlgorithmResponse(algorithm: algorithm)
    }

    package func describeFeatureTransformation(
        _ input: DescribeFeatureTransformationRequest, context: OperationContext
    ) async throws -> DescribeFeatureTransformationResponse {
        guard
            let transformation = catalog.featureTransformations.first(where: {
                $0.featureTransformationArn == input.featureTransformationArn
            })
        else {
            throw ServiceError.notFound("feature transformation", input.featureTransformationArn)
        }
        return DescribeFeatureTransformationResponse(featureTransformation: transformation)
    }
}
