import PersimmonAPIModel
import PersimmonCatalog

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// AWS's public recipe, algorithm and feature-transformation catalogue, decoded into the wire shapes once.
package struct Catalog: Sendable {
    package let recipes: [Recipe]
    package let algorithms: [Algorithm]
    package let featureTransformations: [FeatureTransformation]

    package init(recipes: [Recipe], algorithms: [Algorithm], featureTransformations: [FeatureTransformation]) {
        self.recipes = recipes
        self.algorithms = algorithms
        self.featureTransformations = featureTransformations
    }

    /// Decodes the catalogue that ships with Persimmon. A test proves it decodes; `shared` falls back to empty.
    package static func load() throws -> Catalog {
        let decoder = AWSJSONCodec.decoder
        return Catalog(
            recipes: try decoder.decode([Recipe].self, from: Data(RecipeCatalog.recipesJSON.utf8)),
            algorithms: try decoder.decode([Algorithm].self, from: Data(RecipeCatalog.algorithmsJSON.utf8)),
            featureTransformations: try decoder.decode(
                [FeatureTransformation].self, from: Data(RecipeCatalog.featureTransformationsJSON.utf8)
            )
        )
    }

    /// The domain (`ECOMMERCE`, `VIDEO_ON_DEMAND`) a recipe belongs to, nil for custom recipes.
    package func domain(ofRecipe arn: String) -> String? {
        RecipeCatalog.recipeEntries.first { $0.arn == arn }?.domain
    }

    package static let shared: Catalog =
        (try? load()) ?? Catalog(recipes: [], algorithms: [], featureTransformations: [])
}
