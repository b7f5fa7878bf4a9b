#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one JSON codec for request and response bodies of all three services (`awsJson1_1` and `restJson1`).
///
/// Timestamps travel as epoch seconds (JSON numbers) in both directions, as botocore sends and expects them. Encoded
/// output omits `nil` members and does not escape `/` (ARNs stay readable).
package enum AWSJSONCodec {
    /// Decodes request bodies. Dates are epoch seconds.
    package static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    /// Encodes response bodies. Dates are epoch seconds; `nil` members are omitted.
    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// `{}`: the body of operations without output, and what an empty request body means.
    package static let emptyObject = Data("{}".utf8)

    /// Decodes a request body into its input shape, without validating constraints other than required members.
    ///
    /// An empty (or all-whitespace) body decodes like `{}`. Unknown members are ignored.
    ///
    /// - Throws: ``APIValidationError`` when required members are missing (every violation in the request is listed,
    ///   as AWS does); ``APISerializationError`` when the body is not JSON or a member has the wrong JSON type.
    package static func decodeRequest<Shape: APIShape>(_ type: Shape.Type, from body: Data) throws -> Shape {
        let json = Self.isBlank(body) ? Self.emptyObject : body
        do {
            return try Self.decoder.decode(type, from: json)
        } catch let error as IncompleteShapeError {
            throw APIValidationError(violations: error.violations)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
                (try? Self.decoder.decode(AnyJSONValue.self, from: json)) != nil
            {
                // The JSON parses, so the decoder rejected a number for its member's type (`1.5` or `1e30` for an
                // integer); it reports that without a coding path.
                throw APISerializationError(
                    message: "A number in the request body does not fit its member's type (for example a fraction "
                        + "where an integer is expected)."
                )
            }
            throw APISerializationError(error)
        }
    }

    /// Encodes a response shape.
    package static func encodeResponse<Shape: Encodable>(_ value: Shape) throws -> Data {
        try Self.encoder.encode(value)
    }

    private static func isBlank(_ body: Data) -> Bool {
        body.allSatisfy { byte in
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\t")
        }
    }
}

/// Any JSON value, decoded only to tell malformed JSON from JSON the shapes reject.
private struct AnyJSONValue: Decodable {
    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            while !array.isAtEnd {
                _ = try array.decode(AnyJSONValue.self)
            }
            return
        }
        if let object = try? decoder.container(keyedBy: EmptyShapeCodingKey.self) {
            for key in object.allKeys {
                _ = try object.decode(AnyJSONValue.self, forKey: key)
            }
            return
        }
        let value = try decoder.singleValueContainer()
        if value.decodeNil() || (try? value.decode(Bool.self)) != nil || (try? value.decode(Double.self)) != nil {
            return
        }
        _ = try value.decode(String.self)
    }
}

extension APISerializationError {
    /// Describes a `DecodingError` by the AWS-style path of the member it concerns. Request data is not echoed.
    package init(_ error: DecodingError) {
        switch error {
        case .typeMismatch(let type, let context):
            let path = APIPath.render(context.codingPath)
            let expected = Self.jsonTypeName(type)
            if path.isEmpty {
                self.init(message: "Unexpected JSON type for the request body: expected \(expected).")
            } else {
                self.init(message: "Unexpected JSON type at '\(path)': expected \(expected).")
            }
        case .valueNotFound(let type, let context):
            let path = APIPath.render(context.codingPath)
            self.init(message: "Unexpected null at '\(path)': expected \(Self.jsonTypeName(type)).")
        case .keyNotFound(let key, let context):
            let path = APIPath.member(APIPath.render(context.codingPath), key.stringValue)
            self.init(message: "Missing member '\(path)'.")
        case .dataCorrupted(let context):
            let path = APIPath.render(context.codingPath)
            if path.isEmpty {
                self.init(message: "The request body is not valid JSON.")
            } else {
                self.init(message: "Invalid value at '\(path)'.")
            }
        @unknown default:
            self.init(message: "The request body could not be decoded.")
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        if type == String.self {
            return "a string"
        }
        if type == Int.self {
            return "an integer"
        }
        if type == Double.self || type == Float.self {
            return "a number"
        }
        if type == Bool.self {
            return "a boolean"
        }
        if type == Date.self {
            return "a timestamp (epoch seconds)"
        }
        let name = String(describing: type)
        if name.hasPrefix("Array<") || name.hasPrefix("[") && !name.contains(":") {
            return "a list"
        }
        if name.hasPrefix("Dictionary<") || name.hasPrefix("[") {
            return "a structure or map"
        }
        return "a structure"
    }
}
