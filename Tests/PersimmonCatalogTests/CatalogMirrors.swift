#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Local mirrors of botocore's personalize 2018-05-22 shapes, used to decode the catalogue
// the way the generated Codable shapes will.

struct RecipeMirror: Decodable {
    var name: String
    var recipeArn: String
    var algorithmArn: String
    var featureTransformationArn: String?
    var status: String
    var description: String
    var creationDateTime: Double
    var recipeType: String
    var lastUpdatedDateTime: Double
}

struct AlgorithmMirror: Decodable {
    struct Image: Decodable {
        var name: String
        var dockerURI: String
    }
    struct IntegerRange: Decodable {
        var name: String
        var minValue: Int
        var maxValue: Int
        var isTunable: Bool
    }
    struct ContinuousRange: Decodable {
        var name: String
        var minValue: Double
        var maxValue: Double
        var isTunable: Bool
    }
    struct CategoricalRange: Decodable {
        var name: String
        var values: [String]
        var isTunable: Bool
    }
    struct Ranges: Decodable {
        var integerHyperParameterRanges: [IntegerRange]
        var continuousHyperParameterRanges: [ContinuousRange]
        var categoricalHyperParameterRanges: [CategoricalRange]
    }
    var name: String
    var algorithmArn: String
    var algorithmImage: Image
    var defaultHyperParameters: [String: String]
    var defaultHyperParameterRanges: Ranges
    var defaultResourceConfig: [String: String]
    var trainingInputMode: String
    var roleArn: String?
    var creationDateTime: Double
    var lastUpdatedDateTime: Double
}

struct FeatureTransformationMirror: Decodable {
    var name: String
    var featureTransformationArn: String
    var defaultParameters: [String: String]
    var creationDateTime: Double
    var lastUpdatedDateTime: Double
    var status: String
}

/// Any JSON value, to check that objects carry only the members the wire shapes define.
enum AnyJSON: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AnyJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AnyJSON].self))
        }
    }

    var objectKeys: Set<String> {
        guard case .object(let members) = self else { return [] }
        return Set(members.keys)
    }

    subscript(key: String) -> AnyJSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }
}

func decodeCatalog<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
    try JSONDecoder().decode(type, from: Data(json.utf8))
}
