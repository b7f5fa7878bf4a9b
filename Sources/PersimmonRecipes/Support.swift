import Synchronization

/// The error type of the recipes module.
///
/// A struct with a `Code`, as in NIO and PostgresNIO: callers switch on `code`; `message` is for logs and never
/// contains data values.
package struct RecipeError: Error, Hashable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidHyperparameter
            case insufficientData
            case cancelled
            case invalidArtifact
            case io
            case unsupported
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A hyperparameter value is malformed or out of its documented range.
        package static let invalidHyperparameter = Code(.invalidHyperparameter)
        /// The data is too small for the recipe or the evaluation protocol.
        package static let insufficientData = Code(.insufficientData)
        /// The caller's `CancellationFlag` was set.
        package static let cancelled = Code(.cancelled)
        /// A model artifact is truncated, corrupt or of an unknown version.
        package static let invalidArtifact = Code(.invalidArtifact)
        /// Reading or writing an artifact failed.
        package static let io = Code(.io)
        /// The operation does not apply to this recipe.
        package static let unsupported = Code(.unsupported)

        package var description: String { base.rawValue }
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }
}

/// A flag the caller sets to stop a long-running kernel.
///
/// Training checks it between iterations and between work chunks, then throws `RecipeError.Code.cancelled`.
package final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)

    package init() {}

    package func cancel() { state.store(true, ordering: .relaxed) }

    package var isCancelled: Bool { state.load(ordering: .relaxed) }

    func check() throws(RecipeError) {
        if isCancelled { throw RecipeError(.cancelled, "cancelled by the caller") }
    }
}

/// The recipes this module trains, named by their AWS recipe ARN suffix.
package enum Recipe: String, Sendable, CaseIterable, Codable {
    case popularityCount = "aws-popularity-count"
    case trendingNow = "aws-trending-now"
    case sims = "aws-sims"
    case similarItems = "aws-similar-items"
    case userPersonalization = "aws-user-personalization"
    case personalizedRanking = "aws-personalized-ranking"

    /// Accepts a bare name (`aws-sims`) or a recipe ARN (`arn:aws:personalize:::recipe/aws-sims`).
    package init?(arnOrName: String) {
        let name: Substring
        if let slash = arnOrName.lastIndex(of: "/") {
            name = arnOrName[arnOrName.index(after: slash)...]
        } else {
            name = Substring(arnOrName)
        }
        self.init(rawValue: String(name))
    }

    /// The AWS recipe type (`DescribeRecipe.recipeType`).
    package var recipeType: String {
        switch self {
        case .popularityCount, .trendingNow: "POPULAR_ITEMS"
        case .sims, .similarItems: "RELATED_ITEMS"
        case .userPersonalization: "USER_PERSONALIZATION"
        case .personalizedRanking: "PERSONALIZED_RANKING"
        }
    }
}
