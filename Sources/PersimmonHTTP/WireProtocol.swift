import HTTPTypes

/// The wire protocols Persimmon serves, each with its own error rendering.
package enum WireProtocol: Sendable, Equatable {
    /// awsJson1_1: POST / with `X-Amz-Target`.
    case awsJSON
    /// restJson1: the runtime and events paths.
    case restJSON
    /// AWS query (IAM, STS): form parameters in, XML out; errors are `<ErrorResponse xmlns="namespace">`.
    case query(namespace: String)

    var contentType: String {
        switch self {
        case .awsJSON: "application/x-amz-json-1.1"
        case .restJSON: "application/json"
        case .query: "text/xml"
        }
    }
}

extension HTTPField.Name {
    static let amzTarget = HTTPField.Name("X-Amz-Target")!
    /// `Host` as a plain field (HTTPTypes marks `.host` unavailable in favour of the authority).
    static let hostField = HTTPField.Name("Host")!
    static let amznRequestID = HTTPField.Name("x-amzn-RequestId")!
    static let amznErrorType = HTTPField.Name("x-amzn-ErrorType")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
