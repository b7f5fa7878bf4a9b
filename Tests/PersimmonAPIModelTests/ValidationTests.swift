import PersimmonAPIModel
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite struct ValidationTests {
    private let groupARN = "arn:aws:personalize:us-east-1:123456789012:dataset-group/movies"

    @Test("accepts a request that satisfies every constraint")
    func validRequest() throws {
        let request = CreateDatasetGroupRequest(
            name: "movies-2024_v1",
            roleArn: "arn:aws:iam::123456789012:role/PersonalizeRole",
            domain: "VIDEO_ON_DEMAND",
            tags: [PersimmonAPIModel.Tag(tagKey: "team", tagValue: "recs")]
        )
        try request.validate()
    }

    @Test("rejects a name that does not match the pattern, in AWS's words")
    func badNamePattern() throws {
        let error = try #require(throws: APIValidationError.self) {
            try CreateDatasetGroupRequest(name: "bad name!").validate()
        }
        #expect(
            error.message
                == #"1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\-_]*"#
        )
        #expect(error.violations.count == 1)
    }

    @Test("rejects a name longer than 63 characters")
    func tooLongName() throws {
        let name = String(repeating: "a", count: 64)
        let error = try #require(throws: APIValidationError.self) {
            try CreateDatasetGroupRequest(name: name).validate()
        }
        #expect(
            error.message
                == "1 validation error detected: Value '\(name)' at 'name' failed to satisfy constraint: Member must have length less than or equal to 63"
        )
    }

    @Test("counts string length in Unicode scalars, not UTF-8 bytes")
    func lengthInScalars() throws {
        // 63 two-byte scalars is 126 UTF-8 bytes but within the 63-character limit; the pattern still rejects é.
        let error = try #require(throws: APIValidationError.self) {
            try CreateDatasetGroupRequest(name: "a" + String(repeating: "é", count: 62)).validate()
        }
        #expect(error.violations.count == 1)
        #expect(error.message.hasSuffix("Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*"))
    }

    @Test("rejects a value outside the enum and lists the allowed values")
    func badEnumValue() throws {
        let error = try #require(throws: APIValidationError.self) {
            try CreateDatasetGroupRequest(name: "movies", domain: "RETAIL").validate()
        }
        #expect(
            error.message
                == "1 validation error detected: Value 'RETAIL' at 'domain' failed to satisfy constraint: Member must satisfy enum value set: [ECOMMERCE, VIDEO_ON_DEMAND]"
        )
        #expect(ImportMode.allowedValues == ["FULL", "INCREMENTAL"])
        #expect(Domain(rawValue: "ECOMMERCE") == .ecommerce)
    }

    @Test("collects every violation and counts them")
    func multipleViolations() throws {
        let request = CreateDatasetGroupRequest(name: "bad name!", roleArn: "not-an-arn", domain: "RETAIL")
        let error = try #require(throws: APIValidationError.self) {
            try request.validate()
        }
        #expect(error.violations.count == 3)
        #expect(error.message.hasPrefix("3 validation errors detected: Value 'bad name!' at 'name' "))
        #expect(
            error.violations[1]
                == "Value 'not-an-arn' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:([a-z\\d-]+):iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"
        )
        #expect(
            error.violations[2]
                == "Value 'RETAIL' at 'domain' failed to satisfy constraint: Member must satisfy enum value set: [ECOMMERCE, VIDEO_ON_DEMAND]"
        )
        #expect(error.message.contains("; Value 'not-an-arn' at 'roleArn' "))
    }

    @Test("reports each broken constraint of one member separately")
    func emptyName() throws {
        let error = try #require(throws: APIValidationError.self) {
            try CreateDatasetGroupRequest(name: "").validate()
        }
        #expect(
            error.violations == [
                "Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1",
                #"Value '' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\-_]*"#,
            ]
        )
    }

    @Test("names nested members by their dotted path")
    func nestedPath() throws {
        let objective = HPOObjective(type: String(repeating: "x", count: 257), metricName: "precision_at_25")
        let request = CreateSolutionRequest(
            name: "solution",
            datasetGroupArn: groupARN,
            solutionConfig: SolutionConfig(hpoConfig: HPOConfig(hpoObjective: objective))
        )
        let error = try #require(throws: APIValidationError.self) {
            try request.validate()
        }
        #expect(error.violations.count == 1)
        #expect(
            error.violations == [
                "Value '\(objective.type ?? "")' at 'solutionConfig.hpoConfig.hpoObjective.type' failed to satisfy constraint: Member must have length less than or equal to 256"
            ]
        )
    }

    @Test("names list elements as member.N.member, counting from 1, and omits sensitive values")
    func listElementPath() throws {
        let tags = [
            PersimmonAPIModel.Tag(tagKey: "fine", tagValue: "fine"),
            PersimmonAPIModel.Tag(tagKey: String(repeating: "k", count: 129), tagValue: "fine"),
        ]
        let error = try #require(throws: APIValidationError.self) {
            try CreateDatasetGroupRequest(name: "movies", tags: tags).validate()
        }
        #expect(
            error.message
                == "1 validation error detected: Value at 'tags.2.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128"
        )
    }

    @Test("validates under a caller-supplied path")
    func validateWithPath() throws {
        let error = try #require(throws: APIValidationError.self) {
            let objective = HPOObjective(type: String(repeating: "x", count: 300))
            try objective.validate(path: "solutionConfig.hpoConfig.hpoObjective")
        }
        #expect(error.message.contains("at 'solutionConfig.hpoConfig.hpoObjective.type'"))
    }

    @Test("reports list elements of scalars with all of the element's constraints")
    func scalarListElements() throws {
        let request = UntagResourceRequest(
            resourceArn: groupARN,
            tagKeys: ["ok", String(repeating: "k", count: 129)]
        )
        let error = try #require(throws: APIValidationError.self) {
            try request.validate()
        }
        #expect(
            error.message
                == #"1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$]"#
        )
    }

    @Test("checks map keys and sizes")
    func mapConstraints() throws {
        let request = GetRecommendationsRequest(
            campaignArn: "arn:aws:personalize:us-east-1:123456789012:campaign/c",
            userId: "u1",
            filterValues: ["bad-key": "\"x\""]
        )
        let error = try #require(throws: APIValidationError.self) {
            try request.validate()
        }
        #expect(
            error.message
                == "1 validation error detected: Value at 'filterValues' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 50, Member must satisfy regular expression pattern: [A-Za-z0-9_]+]"
        )

        let metadata = GetRecommendationsRequest(
            recommenderArn: "arn:aws:personalize:us-east-1:123456789012:recommender/r",
            metadataColumns: ["ITEMS": ["genre"], "USERS": ["age"]]
        )
        let sizeError = try #require(throws: APIValidationError.self) {
            try metadata.validate()
        }
        #expect(
            sizeError.message
                == "1 validation error detected: Value '{ITEMS=[genre], USERS=[age]}' at 'metadataColumns' failed to satisfy constraint: Member must have length less than or equal to 1"
        )
    }

    @Test("checks numeric ranges")
    func numericRange() throws {
        let error = try #require(throws: APIValidationError.self) {
            try ListDatasetGroupsRequest(maxResults: 0).validate()
        }
        #expect(
            error.message
                == "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"
        )
        try ListDatasetGroupsRequest(maxResults: 100).validate()
        #expect(throws: APIValidationError.self) {
            try ListDatasetGroupsRequest(maxResults: 101).validate()
        }
    }

    @Test("matches patterns against the whole value, as Java's Pattern.matches does")
    func wholeValueMatch() throws {
        try DeleteDatasetGroupRequest(datasetGroupArn: groupARN).validate()
        // A partial match (`find`) would accept both of these.
        #expect(throws: APIValidationError.self) {
            try DeleteDatasetGroupRequest(datasetGroupArn: "x" + groupARN).validate()
        }
        #expect(throws: APIValidationError.self) {
            try ListDatasetGroupsRequest(nextToken: "token-é").validate()
        }
        try ListDatasetGroupsRequest(nextToken: "token-1").validate()
        // `.` does not match a line terminator, as in Java.
        #expect(throws: APIValidationError.self) {
            try DeleteDatasetGroupRequest(datasetGroupArn: groupARN + "\nmore").validate()
        }
    }

    @Test("rejects an empty sensitive tag key without echoing it")
    func emptySensitiveValue() throws {
        let error = try #require(throws: APIValidationError.self) {
            try CreateDatasetGroupRequest(name: "movies", tags: [PersimmonAPIModel.Tag(tagKey: "", tagValue: "v")])
                .validate()
        }
        #expect(
            error.violations == [
                "Value at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1"
            ]
        )
    }

    @Test("compiles every pattern in the three models")
    func patternsCompile() {
        let rules = PersonalizeRules.all + PersonalizeRuntimeRules.all + PersonalizeEventsRules.all
        let patterns = rules.flatMap(\.patterns)
        #expect(patterns.count >= 15)
        for pattern in patterns {
            #expect(pattern.compiles, "pattern does not compile: \(pattern.source)")
        }
    }

    @Test("uses the events model's own constraints for colliding shape names")
    func eventsShapes() throws {
        let event = Event(
            eventType: "click",
            sentAt: Date(timeIntervalSince1970: 1_700_000_000),
            impression: []
        )
        let error = try #require(throws: APIValidationError.self) {
            try PutEventsRequest(trackingId: "t", sessionId: "s", eventList: [event]).validate()
        }
        #expect(
            error.message
                == "1 validation error detected: Value at 'eventList.1.member.impression' failed to satisfy constraint: Member must have length greater than or equal to 1"
        )
        let attribution = PersonalizeEventsMetricAttribution(eventAttributionSource: " ")
        #expect(throws: APIValidationError.self) {
            try attribution.validate()
        }
    }
}
