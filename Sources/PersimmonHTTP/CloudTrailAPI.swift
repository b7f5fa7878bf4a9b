import HTTPTypes
import PersimmonAPIModel
import PersimmonCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The CloudTrail operations served over the audit trail.
package enum CloudTrailOperation: String, Sendable, CaseIterable {
    case lookupEvents = "LookupEvents"
}

/// CloudTrail's `LookupEvents` over the audit trail (awsJson1_1, `X-Amz-Target:
/// com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`, signed as `cloudtrail`).
///
/// A tenant reads only its own account's trail; the operator reads any account's through the admin API, which
/// answers in the same shape. Each event's `CloudTrailEvent` is a CloudTrail record as a JSON string.
package struct CloudTrailAPI: Sendable {
    package static let targetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"
    package static let signingName = "cloudtrail"

    private let store: any AuditStore
    private let recorder: AuditRecorder
    private let tokens: PageTokenCodec

    package init(store: any AuditStore, recorder: AuditRecorder, tokens: PageTokenCodec) {
        self.store = store
        self.recorder = recorder
        self.tokens = tokens
    }

    struct LookupAttribute: Decodable {
        var AttributeKey: String
        var AttributeValue: String
    }

    struct LookupEventsRequest: Decodable {
        var LookupAttributes: [LookupAttribute]?
        var StartTime: Date?
        var EndTime: Date?
        var EventCategory: String?
        var MaxResults: Int?
        var NextToken: String?
        /// Only in the operator's admin call: whose trail to read.
        var AccountId: String?
    }

    struct Resource: Encodable {
        var ResourceType: String
        var ResourceName: String
    }

    struct Event: Encodable {
        var EventId: String
        var EventName: String
        var ReadOnly: String
        var AccessKeyId: String
        var EventTime: Date
        var EventSource: String
        var Username: String?
        var Resources: [Resource]
        var CloudTrailEvent: String
    }

    struct LookupEventsResponse: Encodable {
        var Events: [Event]
        var NextToken: String?
    }

    /// `LookupEvents` on `account`'s trail.
    package func lookupEvents(body: Data, account: AccountID) async throws -> Data {
        let input: LookupEventsRequest
        do {
            input = try AWSJSONCodec.decoder.decode(
                LookupEventsRequest.self, from: body.isEmpty ? Data("{}".utf8) : body)
        } catch {
            throw WireError(
                name: "SerializationException", status: .badRequest,
                message: "The request body is not a valid LookupEvents document.")
        }
        var query = AuditQuery()
        let attributes = input.LookupAttributes ?? []
        guard attributes.count <= 1 else {
            throw IAMError(.invalidLookupAttributes, "You cannot specify more than one lookup attribute.")
        }
        if let attribute = attributes.first {
            let value = attribute.AttributeValue
            switch attribute.AttributeKey {
            case "EventId": query.eventID = value
            case "EventName": query.eventName = value
            case "Username": query.userName = value
            case "ResourceName": query.resource = value
            case "EventSource": query.eventSource = value
            case "AccessKeyId": query.accessKeyID = value
            case "ResourceType":
                guard let type = AuditResourceType(cloudTrailName: value) else {
                    throw IAMError(
                        .invalidLookupAttributes,
                        "ResourceType must name a resource type such as AWS::Personalize::DatasetGroup or AWS::IAM::User."
                    )
                }
                query.resourceType = type
            case "ReadOnly":
                guard value == "true" || value == "false" else {
                    throw IAMError(.invalidLookupAttributes, "ReadOnly must be true or false.")
                }
                query.readOnly = value == "true"
            default:
                throw IAMError(
                    .invalidLookupAttributes,
                    "The lookup attribute \(attribute.AttributeKey) is not supported; use EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource or AccessKeyId."
                )
            }
        }
        if let category = input.EventCategory, category != "insight" {
            throw IAMError(.invalidEventCategory, "The event category \(category) is not valid.")
        }
        if input.EventCategory == "insight" {
            return try AWSJSONCodec.encoder.encode(LookupEventsResponse(Events: [], NextToken: nil))
        }
        if let start = input.StartTime, let end = input.EndTime, start > end {
            throw IAMError(.invalidTimeRange, "Start time must be earlier than end time.")
        }
        query.startTime = input.StartTime?.epochMilliseconds
        query.endTime = input.EndTime?.epochMilliseconds
        let limit = input.MaxResults ?? 50
        guard (1...50).contains(limit) else {
            throw IAMError(.invalidMaxResults, "MaxResults must be between 1 and 50.")
        }
        let scope =
            String(describing: attributes.first.map { "\($0.AttributeKey)=\($0.AttributeValue)" } ?? "")
            + "|\(query.startTime ?? -1)|\(query.endTime ?? -1)"
        if let token = input.NextToken {
            do {
                let cursor = try tokens.decode(token, account: account, operation: "LookupEvents", scope: scope)
                query.after = AuditCursor(time: cursor.createdAt, eventID: cursor.arn)
            } catch {
                throw IAMError(.invalidNextToken, "The NextToken is not valid for this request.")
            }
        }
        query.limit = limit + 1
        // Events of requests already answered may still be buffered: write them first.
        await recorder.flush()
        let rows = try await store.auditEvents(account: account, query)
        let page = Array(rows.prefix(limit))
        var next: String?
        if rows.count > limit, let last = page.last {
            next = tokens.encode(
                ListCursor(createdAt: last.time, arn: last.eventID), account: account, operation: "LookupEvents",
                scope: scope)
        }
        return try AWSJSONCodec.encoder.encode(LookupEventsResponse(Events: page.map(Self.event), NextToken: next))
    }

    static func event(_ e: AuditEvent) -> Event {
        Event(
            EventId: e.eventID, EventName: e.eventName, ReadOnly: e.readOnly ? "true" : "false",
            AccessKeyId: e.accessKeyID, EventTime: Date(epochMilliseconds: e.time), EventSource: e.eventSource,
            Username: e.userName,
            Resources: e.resource == "*"
                ? [] : [Resource(ResourceType: resourceType(e.resource), ResourceName: e.resource)],
            CloudTrailEvent: record(e)
        )
    }

    /// `AWS::Personalize::DatasetGroup`-style type names from an ARN.
    static func resourceType(_ arn: String) -> String {
        AuditResourceType.name(ofARN: arn)
    }

    /// The CloudTrail record of an event, as a JSON string.
    static func record(_ e: AuditEvent) -> String {
        struct Identity: Encodable {
            var type: String
            var arn: String
            var accountId: String
            var accessKeyId: String
            var userName: String?
        }
        struct ResourceRef: Encodable {
            var ARN: String
            var accountId: String?
        }
        struct Extra: Encodable {
            var action: String
            var authorizationDecision: String
            var decidingStatement: String?
        }
        struct Record: Encodable {
            var eventVersion = "1.08"
            var userIdentity: Identity
            var eventTime: String
            var eventSource: String
            var eventName: String
            var awsRegion: String
            var sourceIPAddress: String?
            var userAgent: String?
            var errorCode: String?
            var errorMessage: String?
            var requestID: String
            var eventID: String
            var readOnly: Bool
            var resources: [ResourceRef]?
            var eventType = "AwsApiCall"
            var managementEvent = true
            var recipientAccountId: String
            var additionalEventData: Extra
        }
        let record = Record(
            userIdentity: Identity(
                type: e.principalType, arn: e.principalARN, accountId: e.account.rawValue, accessKeyId: e.accessKeyID,
                userName: e.userName),
            eventTime: XMLWriter.timestamp(e.time), eventSource: e.eventSource, eventName: e.eventName,
            awsRegion: e.region, sourceIPAddress: e.sourceIP, userAgent: e.userAgent, errorCode: e.errorCode,
            errorMessage: e.errorMessage, requestID: e.requestID, eventID: e.eventID, readOnly: e.readOnly,
            resources: e.resource == "*"
                ? nil : [ResourceRef(ARN: e.resource, accountId: AuthorizationCheck.account(of: e.resource))],
            recipientAccountId: e.account.rawValue,
            additionalEventData: Extra(
                action: e.action, authorizationDecision: e.decision, decidingStatement: e.decidingStatement)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(record)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
