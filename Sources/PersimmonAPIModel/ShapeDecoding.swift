/// Thrown by a generated `init(from:)` when a structure misses required members.
///
/// It carries every violation found in that structure and below it (missing members as well as broken constraints of
/// the members that were present), with absolute paths, so the request is reported the way AWS reports it: all
/// violations at once. ``AWSJSONCodec/decodeRequest(_:from:)`` turns it into an ``APIValidationError``.
package struct IncompleteShapeError: Error, Sendable {
    package var violations: [String]
}

/// Bookkeeping for one generated `init(from:)`: where the structure sits in the request and which nested members
/// failed to decode because they were incomplete themselves.
package struct ShapeDecodingState {
    private let codingPath: [any CodingKey]
    private var failures: [String: [String]] = [:]

    package init(decoder: any Decoder) {
        self.codingPath = decoder.codingPath
    }

    /// The AWS-style path of the structure being decoded (`""` for the request). Only built when something failed.
    package var path: String {
        APIPath.render(self.codingPath)
    }

    /// Whether every nested structure decoded.
    package var isComplete: Bool { self.failures.isEmpty }

    mutating func recordFailure(member: String, violations: [String]) {
        self.failures[APIPath.member(self.path, member)] = violations
    }

    /// A violation collector primed with the nested failures, for the generated validation to report in order.
    package func violationsSoFar() -> ValidationViolations {
        var violations = ValidationViolations()
        violations.pendingDecodingFailures = self.failures
        return violations
    }
}

extension ValidationViolations {
    /// The error a generated `init(from:)` throws when it cannot build its structure.
    package func incompleteShapeError() -> IncompleteShapeError {
        // Defensive: nested failures that no member check consumed are still reported.
        let leftovers = self.pendingDecodingFailures.keys.sorted().flatMap { self.pendingDecodingFailures[$0] ?? [] }
        return IncompleteShapeError(violations: self.messages + leftovers)
    }
}

extension KeyedDecodingContainer {
    /// Decodes an optional or required member. A missing or `null` member decodes as `nil`; a nested structure that
    /// misses required members is recorded in `state` and also decodes as `nil`. Other errors (wrong JSON type)
    /// propagate.
    package func decodeMember<Value: Decodable>(
        _ type: Value.Type,
        forKey key: Key,
        state: inout ShapeDecodingState
    ) throws -> Value? {
        do {
            return try self.decodeIfPresent(type, forKey: key)
        } catch let error as IncompleteShapeError {
            state.recordFailure(member: key.stringValue, violations: error.violations)
            return nil
        }
    }
}

/// A coding key for structures without members, whose `{}` has nothing to name.
package struct EmptyShapeCodingKey: CodingKey {
    package var stringValue: String
    package var intValue: Int? { nil }

    package init?(stringValue: String) {
        self.stringValue = stringValue
    }

    package init?(intValue: Int) {
        nil
    }
}
