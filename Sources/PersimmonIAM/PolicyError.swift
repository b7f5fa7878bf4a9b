/// Why a policy document was rejected.
///
/// `message` names what is wrong and where (`Statement[1].Condition: unknown operator "StringEqualz"`)
/// and is safe to return to the client verbatim. It never contains anything but the caller's own
/// document text.
package struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failure family; each maps to one IAM error code.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case malformedPolicyDocument = "MalformedPolicyDocument"
            case limitExceeded = "LimitExceeded"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Syntax, grammar or value errors. IAM: `MalformedPolicyDocument`, HTTP 400.
        package static let malformedPolicyDocument = Code(.malformedPolicyDocument)
        /// The document is larger than the size limit passed in ``PolicyParseOptions/maximumSize``.
        /// IAM: `LimitExceeded`, HTTP 409.
        package static let limitExceeded = Code(.limitExceeded)

        /// The IAM error code (`MalformedPolicyDocument`, `LimitExceeded`).
        package var description: String { base.rawValue }
    }

    package var code: Code
    package var message: String

    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    static func malformed(_ path: PolicyPath, _ message: String) -> PolicyError {
        PolicyError(code: .malformedPolicyDocument, message: path.isEmpty ? message : "\(path): \(message)")
    }

    package var description: String { "\(code): \(message)" }
}

/// The location of an element inside a policy document, rendered as `Statement[1].Condition.StringEquals`.
struct PolicyPath: CustomStringConvertible, Sendable {
    private var text: String

    init() { text = "" }

    private init(text: String) { self.text = text }

    var isEmpty: Bool { text.isEmpty }

    func member(_ name: String) -> PolicyPath {
        PolicyPath(text: text.isEmpty ? name : "\(text).\(name)")
    }

    func index(_ index: Int) -> PolicyPath {
        PolicyPath(text: "\(text)[\(index)]")
    }

    var description: String { text }
}
