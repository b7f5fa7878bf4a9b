import PersimmonAPIModel
import Synchronization
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Records which operations a stub service was asked to run.
private final class CallLog: Sendable {
    private let calls = Mutex<[String]>([])

    func record(_ operation: String) {
        self.calls.withLock { $0.append(operation) }
    }

    var recorded: [String] {
        self.calls.withLock { $0 }
    }
}

/// The last value a stub handler saw.
private final class LastValue<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)

    func set(_ newValue: Value?) {
        self.value.withLock { $0 = newValue }
    }

    var current: Value? {
        self.value.withLock { $0 }
    }
}

private func json(_ text: String) -> Data {
    Data(text.utf8)
}

private func text(_ data: Data) -> String {
    String(decoding: data, as: UTF8.self)
}

@Suite struct ControlPlaneDispatchTests {
    private let log = CallLog()

    private var service: StubPersonalizeControlPlane {
        let log = self.log
        return StubPersonalizeControlPlane { operation, input in
            log.record(operation.rawValue)
            switch input {
            case let request as CreateDatasetGroupRequest:
                return CreateDatasetGroupResponse(
                    datasetGroupArn: "arn:aws:personalize:us-east-1:123456789012:dataset-group/\(request.name)"
                )
            case is ListDatasetGroupsRequest:
                return ListDatasetGroupsResponse(datasetGroups: [])
            default:
                return nil
            }
        }
    }

    @Test("decodes, validates, calls the method and encodes the output without nil members")
    func roundTrip() async throws {
        let output = try await service.dispatch(
            .createDatasetGroup,
            body: json(#"{"name": "movies"}"#),
            context: StubContext()
        )
        #expect(
            text(output) == #"{"datasetGroupArn":"arn:aws:personalize:us-east-1:123456789012:dataset-group/movies"}"#
        )
        #expect(log.recorded == ["CreateDatasetGroup"])
    }

    @Test("turns a missing required member into AWS's not-null violation without calling the method")
    func missingRequiredMember() async throws {
        let error = try await #require(throws: APIValidationError.self) {
            try await service.dispatch(.createDatasetGroup, body: json("{}"), context: StubContext())
        }
        #expect(
            error.message
                == "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"
        )
        #expect(log.recorded.isEmpty)
    }

    @Test("treats an explicit null like an absent member")
    func explicitNull() async throws {
        let error = try await #require(throws: APIValidationError.self) {
            try await service.dispatch(.createDatasetGroup, body: json(#"{"name": null}"#), context: StubContext())
        }
        #expect(error.violations == ["Value null at 'name' failed to satisfy constraint: Member must not be null"])
    }

    @Test("reports missing members together with the other violations, in member order")
    func missingAndInvalid() async throws {
        let error = try await #require(throws: APIValidationError.self) {
            try await service.dispatch(.createSchema, body: json(#"{"name": "bad name!"}"#), context: StubContext())
        }
        #expect(
            error.violations == [
                #"Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\-_]*"#,
                "Value null at 'schema' failed to satisfy constraint: Member must not be null",
            ]
        )
        #expect(error.message.hasPrefix("2 validation errors detected: "))
    }

    @Test("names missing members inside list elements")
    func missingNestedMember() async throws {
        let body = json(#"{"name": "bad name!", "tags": [{"tagKey": "a", "tagValue": "b"}, {"tagKey": "team"}]}"#)
        let error = try await #require(throws: APIValidationError.self) {
            try await service.dispatch(.createDatasetGroup, body: body, context: StubContext())
        }
        #expect(error.violations.count == 2)
        #expect(error.violations.first?.hasPrefix("Value 'bad name!' at 'name' ") == true)
        #expect(
            error.violations.last
                == "Value null at 'tags.2.member.tagValue' failed to satisfy constraint: Member must not be null"
        )
    }

    @Test("rejects malformed JSON as a serialization error")
    func malformedJSON() async throws {
        let error = try await #require(throws: APISerializationError.self) {
            try await service.dispatch(.createDatasetGroup, body: json(#"{"name": "#), context: StubContext())
        }
        #expect(error.message == "The request body is not valid JSON.")
        // (swift-foundation accepts a trailing comma inside an object; AWS would not. Harmless.)
        for malformed in ["{", "nul", #"{"name": "movies"} trailing"#, #"{"name": "\ud800"}"#] {
            await #expect(throws: APISerializationError(message: "The request body is not valid JSON.")) {
                try await service.dispatch(.createDatasetGroup, body: json(malformed), context: StubContext())
            }
        }
    }

    @Test("rejects a member of the wrong JSON type and names it")
    func wrongType() async throws {
        let objectForString = try await #require(throws: APISerializationError.self) {
            try await service.dispatch(.createDatasetGroup, body: json(#"{"name": {}}"#), context: StubContext())
        }
        #expect(objectForString.message == "Unexpected JSON type at 'name': expected a string.")

        let stringForList = try await #require(throws: APISerializationError.self) {
            try await service.dispatch(
                .createDatasetGroup,
                body: json(#"{"name": "movies", "tags": "team"}"#),
                context: StubContext()
            )
        }
        #expect(stringForList.message == "Unexpected JSON type at 'tags': expected a list.")

        let nested = try await #require(throws: APISerializationError.self) {
            try await service.dispatch(
                .createDatasetGroup,
                body: json(#"{"name": "movies", "tags": [{"tagKey": 1, "tagValue": "v"}]}"#),
                context: StubContext()
            )
        }
        #expect(nested.message == "Unexpected JSON type at 'tags.1.member.tagKey': expected a string.")

        let fraction = try await #require(throws: APISerializationError.self) {
            try await service.dispatch(.listDatasetGroups, body: json(#"{"maxResults": 1.5}"#), context: StubContext())
        }
        #expect(fraction.message.hasPrefix("A number in the request body does not fit its member's type"))

        let notAnObject = try await #require(throws: APISerializationError.self) {
            try await service.dispatch(.listDatasetGroups, body: json("[]"), context: StubContext())
        }
        #expect(notAnObject.message.hasPrefix("Unexpected JSON type for the request body"))
    }

    @Test("accepts an empty body or {} for an input without required members")
    func emptyBody() async throws {
        for body in [Data(), json("{}"), json(" \n")] {
            let output = try await service.dispatch(.listDatasetGroups, body: body, context: StubContext())
            #expect(text(output) == #"{"datasetGroups":[]}"#)
        }
        #expect(log.recorded.count == 3)
    }

    @Test("answers {} for operations without output")
    func noOutput() async throws {
        let output = try await service.dispatch(
            .deleteDatasetGroup,
            body: json(#"{"datasetGroupArn": "arn:aws:personalize:us-east-1:123456789012:dataset-group/movies"}"#),
            context: StubContext()
        )
        #expect(text(output) == "{}")
        #expect(log.recorded == ["DeleteDatasetGroup"])
    }

    @Test("ignores unknown JSON members")
    func unknownMembers() async throws {
        let body = json(#"{"name": "movies", "futureMember": {"nested": [1, 2]}, "other": null}"#)
        let output = try await service.dispatch(.createDatasetGroup, body: body, context: StubContext())
        #expect(text(output).contains("dataset-group/movies"))
    }

    @Test("validates before calling the method")
    func validatesBeforeCalling() async throws {
        await #expect(throws: APIValidationError.self) {
            let body = json(#"{"name": "bad name!"}"#)
            _ = try await service.dispatch(.createDatasetGroup, body: body, context: StubContext())
        }
        #expect(log.recorded.isEmpty)
    }

    @Test("finds operations by X-Amz-Target")
    func targets() {
        #expect(PersonalizeOperation(target: "AmazonPersonalize.CreateDatasetGroup") == .createDatasetGroup)
        #expect(PersonalizeOperation.createDatasetGroup.target == "AmazonPersonalize.CreateDatasetGroup")
        #expect(PersonalizeOperation(target: "AmazonPersonalize.NoSuchOperation") == nil)
        #expect(PersonalizeOperation(target: "AmazonPersonalizeRuntime.GetRecommendations") == nil)
        #expect(PersonalizeOperation(target: "CreateDatasetGroup") == nil)
        #expect(PersonalizeOperation.allCases.count == 71)
    }

    @Test("maps modelled errors to their HTTP status")
    func errorStatuses() {
        #expect(PersonalizeErrors.httpStatus.count == 8)
        #expect(PersonalizeErrors.httpStatus["InvalidInputException"] == 400)
        #expect(PersonalizeErrors.httpStatus["ResourceNotFoundException"] == 400)
        #expect(
            PersonalizeRuntimeErrors.httpStatus == ["InvalidInputException": 400, "ResourceNotFoundException": 404]
        )
        #expect(PersonalizeEventsErrors.httpStatus["ResourceInUseException"] == 409)
    }
}

@Suite struct RestJSONDispatchTests {
    @Test("routes runtime paths and rejects unknown ones")
    func runtimeRouting() {
        #expect(PersonalizeRuntimeOperation(method: "POST", path: "/recommendations") == .getRecommendations)
        #expect(PersonalizeRuntimeOperation(method: "POST", path: "/personalize-ranking") == .getPersonalizedRanking)
        #expect(
            PersonalizeRuntimeOperation(method: "POST", path: "/action-recommendations") == .getActionRecommendations
        )
        #expect(PersonalizeRuntimeOperation(method: "GET", path: "/recommendations") == nil)
        #expect(PersonalizeRuntimeOperation(method: "POST", path: "/recommendations/") == nil)
        #expect(PersonalizeRuntimeOperation(method: "POST", path: "/nope") == nil)
        #expect(PersonalizeRuntimeOperation(method: "POST", path: "/") == nil)
        #expect(PersonalizeRuntimeOperation.allCases.count == 3)
        for operation in PersonalizeRuntimeOperation.allCases {
            #expect(PersonalizeRuntimeOperation(method: operation.httpMethod, path: operation.requestURI) == operation)
            #expect(operation.successStatusCode == 200)
        }
    }

    @Test("routes events paths and rejects unknown ones")
    func eventsRouting() {
        let expected: [String: PersonalizeEventsOperation] = [
            "/events": .putEvents, "/items": .putItems, "/users": .putUsers, "/actions": .putActions,
            "/action-interactions": .putActionInteractions,
        ]
        for (path, operation) in expected {
            #expect(PersonalizeEventsOperation(method: "POST", path: path) == operation)
            #expect(operation.requestURI == path)
        }
        #expect(PersonalizeEventsOperation(method: "POST", path: "/recommendations") == nil)
        #expect(PersonalizeEventsOperation(method: "PUT", path: "/events") == nil)
        #expect(PersonalizeEventsOperation.allCases.count == 5)
    }

    @Test("dispatches runtime requests")
    func runtimeDispatch() async throws {
        let service = StubPersonalizeRuntimeService { _, input in
            let request = input as? GetRecommendationsRequest
            return GetRecommendationsResponse(
                itemList: [PredictedItem(itemId: "i1", score: 0.5)],
                recommendationId: "RID-\(request?.userId ?? "")"
            )
        }
        let body = json(#"{"campaignArn": "arn:aws:personalize:us-east-1:123456789012:campaign/c", "userId": "u1"}"#)
        let output = try await service.dispatch(.getRecommendations, body: body, context: StubContext())
        let decoded = try AWSJSONCodec.decoder.decode(GetRecommendationsResponse.self, from: output)
        #expect(decoded.recommendationId == "RID-u1")
        #expect(decoded.itemList?.first?.score == 0.5)

        let error = try await #require(throws: APIValidationError.self) {
            try await service.dispatch(
                .getPersonalizedRanking,
                body: json(#"{"campaignArn": "arn:aws:personalize:us-east-1:123456789012:campaign/c"}"#),
                context: StubContext()
            )
        }
        #expect(
            error.violations == [
                "Value null at 'inputList' failed to satisfy constraint: Member must not be null",
                "Value null at 'userId' failed to satisfy constraint: Member must not be null",
            ]
        )
    }

    @Test("decodes epoch-second timestamps in events and answers {}")
    func eventsDispatch() async throws {
        let received = LastValue<PutEventsRequest>()
        let service = StubPersonalizeEventsService { _, input in
            received.set(input as? PutEventsRequest)
            return nil
        }
        let body = json(
            #"{"trackingId": "t", "sessionId": "s", "eventList": [{"eventType": "click", "sentAt": 1700000000.25, "itemId": "i1", "properties": "{\"numberOfRatings\": \"12\"}"}]}"#
        )
        let output = try await service.dispatch(.putEvents, body: body, context: StubContext())
        #expect(text(output) == "{}")
        let event = try #require(received.current?.eventList.first)
        #expect(event.sentAt == Date(timeIntervalSince1970: 1_700_000_000.25))
        #expect(event.properties == #"{"numberOfRatings": "12"}"#)
    }
}

@Suite struct CodecTests {
    @Test("round-trips dates as epoch seconds")
    func epochSeconds() throws {
        let created = Date(timeIntervalSince1970: 1_700_000_000.5)
        let response = DescribeDatasetGroupResponse(
            datasetGroup: DatasetGroup(
                name: "movies",
                datasetGroupArn: "arn:aws:personalize:us-east-1:123456789012:dataset-group/movies",
                status: "ACTIVE",
                creationDateTime: created,
                lastUpdatedDateTime: created
            )
        )
        let encoded = try AWSJSONCodec.encodeResponse(response)
        #expect(text(encoded).contains(#""creationDateTime":1700000000.5"#))
        #expect(text(encoded).contains("dataset-group/movies"))
        #expect(!text(encoded).contains("\\/"))
        #expect(!text(encoded).contains("failureReason"))
        let decoded = try AWSJSONCodec.decoder.decode(DescribeDatasetGroupResponse.self, from: encoded)
        #expect(decoded == response)
        #expect(decoded.datasetGroup?.creationDateTime == created)
    }

    @Test("decodes integral epoch seconds")
    func integralSeconds() throws {
        let decoded = try AWSJSONCodec.decoder.decode(
            DatasetGroup.self,
            from: json(#"{"creationDateTime": 1700000000}"#)
        )
        #expect(decoded.creationDateTime == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test("encodes structures without members as {}")
    func emptyShapes() throws {
        #expect(text(try AWSJSONCodec.encodeResponse(TagResourceResponse())) == "{}")
        #expect(try AWSJSONCodec.decodeRequest(TagResourceResponse.self, from: Data()) == TagResourceResponse())
    }

    @Test("keeps wire member names, including capitalised ones")
    func wireNames() throws {
        let encoded = try AWSJSONCodec.encodeResponse(ListFiltersResponse(Filters: [], nextToken: "n"))
        #expect(text(encoded).contains(#""Filters":[]"#))
    }
}
