import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PersimmonAPIModel
import PersimmonCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Limits on request bodies, applied before anything is hashed or parsed.
package struct BodyLimits: Sendable {
    package var controlPlane: Int = 1 << 20
    package var runtime: Int = 1 << 20
    package var events: Int = 2 << 20
    package var admin: Int = 64 << 10
    /// IAM and STS form bodies: policy documents are at most 131,072 characters, percent-encoded up to 3×.
    package var query: Int = 512 << 10
    package init() {}
}

/// The one HTTP entry point: routes each request to its API, authenticates it, authorizes it, dispatches it,
/// renders the result or the error in that API's wire form, and records it in the audit trail.
package struct FrontDoor: HTTPResponder {
    package typealias Context = PersimmonRequestContext

    /// The APIs behind the door.
    package struct APIs: Sendable {
        package var controlPlane: ControlPlaneService
        package var runtime: RuntimeService
        package var events: EventsService
        package var admin: AdminAPI
        package var iam: IAMAPI
        package var sts: STSAPI
        package var organizations: OrganizationsAPI
        package var cloudTrail: CloudTrailAPI

        package init(
            controlPlane: ControlPlaneService, runtime: RuntimeService, events: EventsService, admin: AdminAPI,
            iam: IAMAPI, sts: STSAPI, organizations: OrganizationsAPI, cloudTrail: CloudTrailAPI
        ) {
            self.controlPlane = controlPlane
            self.runtime = runtime
            self.events = events
            self.admin = admin
            self.iam = iam
            self.sts = sts
            self.organizations = organizations
            self.cloudTrail = cloudTrail
        }
    }

    /// Authentication, authorization and audit.
    package struct Security: Sendable {
        package var authenticator: Authenticator
        package var authorizer: Authorizer
        /// Stored tags of a resource in an account (for `aws:ResourceTag/…`).
        package var resourceTags: @Sendable (AccountID, String) async throws -> [(key: String, value: String)]
        package var audit: AuditRecorder
        package var trustedProxies: TrustedProxies

        package init(
            authenticator: Authenticator, authorizer: Authorizer,
            resourceTags: @escaping @Sendable (AccountID, String) async throws -> [(key: String, value: String)],
            audit: AuditRecorder, trustedProxies: TrustedProxies = TrustedProxies()
        ) {
            self.authenticator = authenticator
            self.authorizer = authorizer
            self.resourceTags = resourceTags
            self.audit = audit
            self.trustedProxies = trustedProxies
        }
    }

    private let apis: APIs
    private let security: Security
    private let region: String
    private let clock: any WallClock
    private let limits: BodyLimits

    package init(
        apis: APIs, security: Security, region: String, clock: any WallClock, limits: BodyLimits = BodyLimits()
    ) {
        self.apis = apis
        self.security = security
        self.region = region
        self.clock = clock
        self.limits = limits
    }

    /// Which API a request is for, decided from the target header, the path or the credential scope alone
    /// (before authentication); query-protocol requests are resolved to their operation once the body is read.
    enum Route {
        case health
        case controlPlane(PersonalizeOperation)
        /// A Persimmon extension on the Personalize JSON protocol (`PersonalizeExtensionOperation`).
        case personalizeExtension(PersonalizeExtensionOperation)
        case runtime(PersonalizeRuntimeOperation)
        case events(PersonalizeEventsOperation)
        case admin(AdminOperation)
        case organizations(OrganizationsOperation)
        case cloudTrail(CloudTrailOperation)
        /// An IAM or STS request whose `Action` is not read yet; `service` is its credential scope's service.
        case query(service: String)
        case iam(IAMOperation)
        case sts(STSOperation)
        case unknown(String)

        var wire: WireProtocol {
            switch self {
            case .runtime, .events: .restJSON
            case .iam: .query(namespace: IAMAPI.namespace)
            case .sts: .query(namespace: STSAPI.namespace)
            case .query(let service):
                .query(namespace: service == STSAPI.signingName ? STSAPI.namespace : IAMAPI.namespace)
            default: .awsJSON
            }
        }

        var signingName: String {
            switch self {
            case .admin: AdminAPI.signingName
            case .organizations: OrganizationsAPI.signingName
            case .cloudTrail: CloudTrailAPI.signingName
            case .iam: IAMAPI.signingName
            case .sts: STSAPI.signingName
            case .query(let service): service
            default: "personalize"
            }
        }

        var operationName: String {
            switch self {
            case .health: "Health"
            case .controlPlane(let op): op.rawValue
            case .personalizeExtension(let op): op.rawValue
            case .runtime(let op): op.rawValue
            case .events(let op): op.rawValue
            case .admin(let op): op.rawValue
            case .organizations(let op): op.rawValue
            case .cloudTrail(let op): op.rawValue
            case .iam(let op): op.rawValue
            case .sts(let op): op.rawValue
            case .query: "Unknown"
            case .unknown(let what): what
            }
        }

        /// `eventSource` in the audit trail.
        var eventSource: String {
            switch self {
            case .iam, .query: "iam.amazonaws.com"
            case .sts: "sts.amazonaws.com"
            case .organizations: "organizations.amazonaws.com"
            case .cloudTrail: "cloudtrail.amazonaws.com"
            case .admin: "persimmon.amazonaws.com"
            default: "personalize.amazonaws.com"
            }
        }

        var isReadOnly: Bool {
            switch self {
            case .iam(let op): op.isReadOnly
            case .sts, .cloudTrail: true
            case .organizations(let op): op.isReadOnly
            case .admin(let op): op.isReadOnly
            default:
                ["Describe", "List", "Get"].contains { operationName.hasPrefix($0) }
            }
        }
    }

    static func route(_ request: Request) -> Route {
        let path = request.uri.path
        if request.method == .get, path == "/health" || path == "/ping" {
            return .health
        }
        if let target = request.headers[.amzTarget] {
            let parts = target.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, request.method == .post, path == "/" else { return .unknown(target) }
            switch parts[0] {
            case "AmazonPersonalize":
                return PersonalizeOperation(rawValue: String(parts[1])).map(Route.controlPlane)
                    ?? PersonalizeExtensionOperation(rawValue: String(parts[1])).map(Route.personalizeExtension)
                    ?? .unknown(target)
            case Substring(AdminAPI.targetPrefix):
                return AdminOperation(rawValue: String(parts[1])).map(Route.admin) ?? .unknown(target)
            case Substring(OrganizationsAPI.targetPrefix):
                return OrganizationsOperation(rawValue: String(parts[1])).map(Route.organizations) ?? .unknown(target)
            default:
                if let dot = target.lastIndex(of: "."), target[..<dot] == CloudTrailAPI.targetPrefix {
                    let name = String(target[target.index(after: dot)...])
                    return CloudTrailOperation(rawValue: name).map(Route.cloudTrail) ?? .unknown(target)
                }
                return .unknown(target)
            }
        }
        let method = request.method.rawValue
        if let op = PersonalizeRuntimeOperation(method: method, path: path) { return .runtime(op) }
        if let op = PersonalizeEventsOperation(method: method, path: path) { return .events(op) }
        if path == "/" && (request.method == .post || request.method == .get) {
            let service = Authenticator.scopeService(request)
            let isForm =
                request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false
            let hasAction = request.uri.query?.contains("Action=") ?? false
            if service == IAMAPI.signingName || service == STSAPI.signingName || isForm || hasAction {
                return .query(service: service ?? IAMAPI.signingName)
            }
        }
        return .unknown("\(method) \(path)")
    }

    package func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = RequestIdentifiers.requestID()
        var route = Self.route(request)
        var logger = context.logger
        logger[metadataKey: "request.id"] = .string(requestID)
        logger[metadataKey: "aws.operation"] = .string(route.operationName)
        var audit: AuditEvent?
        let response: Response
        do {
            response = try await handle(
                request, route: &route, requestID: requestID, peer: context.remoteAddress, logger: &logger,
                audit: &audit)
        } catch {
            let wire = AWSErrorRenderer.wireError(for: error, protocol: route.wire, logger: logger)
            logger[metadataKey: "aws.error_code"] = .string(wire.name)
            audit?.errorCode = wire.name
            audit?.errorMessage = wire.message
            response = AWSErrorRenderer.response(for: wire, protocol: route.wire, requestID: requestID)
        }
        if let audit { security.audit.record(audit) }
        if case .health = route {
            return response
        }
        let elapsed = ContinuousClock.now - started
        logger.info(
            "request",
            metadata: [
                "http.method": .string(request.method.rawValue),
                "http.status": .stringConvertible(response.status.code),
                "duration_ms": .stringConvertible(
                    Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
                ),
            ]
        )
        return response
    }

    private func handle(
        _ request: Request, route: inout Route, requestID: String, peer: SocketAddress?, logger: inout Logger,
        audit: inout AuditEvent?
    ) async throws -> Response {
        switch route {
        case .health:
            return Self.json(#"{"status":"ok"}"#, protocol: .restJSON, requestID: requestID)
        case .unknown(let what):
            throw WireError.unknownOperation(what)
        default:
            break
        }
        let limit: Int
        switch route {
        case .runtime: limit = limits.runtime
        case .events: limit = limits.events
        case .admin, .organizations: limit = limits.admin
        case .query: limit = limits.query
        default: limit = limits.controlPlane
        }
        let body = try await Self.collectBody(request, limit: limit)

        var parameters = QueryParameters(values: [:])
        if case .query(let service) = route {
            parameters = try QueryParameters(form: body, query: request.uri.query)
            route = try Self.resolveQuery(service: service, parameters: parameters)
            logger[metadataKey: "aws.operation"] = .string(route.operationName)
        }

        let now = clock.now()
        let caller = try await security.authenticator.authenticate(
            request, body: body, service: route.signingName, now: now
        )
        let principal = caller.principal
        logger[metadataKey: "aws.principal"] = .string(principal.arn)
        logger[metadataKey: "aws.access_key_id"] = .string(caller.accessKeyID)

        let peerAddress = TrustedProxies.ipAddress(of: peer)
        let sourceIP = security.trustedProxies.clientAddress(
            peer: peerAddress, forwardedFor: request.headers[.forwardedFor])
        let environment = RequestEnvironment(
            sourceIP: sourceIP,
            secureTransport: security.trustedProxies.isSecureTransport(
                peer: peerAddress, forwardedProto: request.headers[.forwardedProto]),
            time: now, requestedRegion: caller.region, userAgent: request.headers[.userAgent]
        )
        audit = AuditEvent(
            eventID: RequestIdentifiers.eventID(), account: principal.account ?? AuditEvent.operatorAccount,
            time: now.epochMilliseconds, eventName: route.operationName, eventSource: route.eventSource,
            readOnly: route.isReadOnly, principalARN: principal.arn, principalType: Self.principalType(principal),
            userName: principal.userName ?? (principal.kind == .accountRoot ? "root" : nil),
            accessKeyID: caller.accessKeyID, action: Self.action(for: route), resource: "*", decision: "Allow",
            decidingStatement: nil, sourceIP: sourceIP, userAgent: environment.userAgent, requestID: requestID,
            region: caller.region, errorCode: nil, errorMessage: nil
        )

        // The operator's APIs: no policies, the operator alone.
        switch route {
        case .admin(let op):
            try requireOperator(principal, action: "persimmon:\(op.rawValue)", audit: &audit)
            let out = try await apis.admin.dispatch(op, body: Data(body))
            return Self.json(out, protocol: .awsJSON, requestID: requestID)
        case .organizations(let op):
            try requireOperator(principal, action: "organizations:\(op.rawValue)", audit: &audit)
            let out = try await apis.organizations.dispatch(op, body: Data(body))
            return Self.json(out, protocol: .awsJSON, requestID: requestID)
        case .sts(let op):
            // GetCallerIdentity needs no permission and cannot be denied.
            audit?.decidingStatement = "sts:GetCallerIdentity needs no permission"
            let out = try await apis.sts.dispatch(op, principal: principal, requestID: requestID)
            return Self.xml(out, requestID: requestID)
        default:
            break
        }

        guard let account = principal.account else {
            audit?.decision = AuthorizationOutcome.Decision.implicitDeny.rawValue
            throw ServiceError(
                .accessDenied,
                "User: \(principal.arn) is not authorized to perform: \(Self.action(for: route)): the operator owns no resources; use an account's credentials"
            )
        }
        logger[metadataKey: "aws.account_id"] = .string(account.rawValue)

        // Authorization: between authentication and dispatch, for every tenant request.
        let checks: [AuthorizationCheck]
        switch route {
        case .controlPlane(let op):
            checks = PersonalizeChecks.checks(
                service: "personalize", operation: op.rawValue, body: body, account: account, region: region)
        case .personalizeExtension(let op):
            checks = PersonalizeExtensionAPI.checks(op, body: body, account: account, region: region)
        case .runtime(let op):
            checks = PersonalizeChecks.checks(
                service: "personalize-runtime", operation: op.rawValue, body: body, account: account, region: region)
        case .events(let op):
            checks = PersonalizeChecks.checks(
                service: "personalize-events", operation: op.rawValue, body: body, account: account, region: region)
        case .iam(let op):
            let snapshot = try await apis.iam.service.snapshot(account: account)
            checks = apis.iam.checks(for: op, parameters: parameters, principal: principal, snapshot: snapshot)
        case .cloudTrail(let op):
            checks = [AuthorizationCheck(action: "cloudtrail:\(op.rawValue)", resource: "*", resourceAccount: nil)]
        default:
            throw WireError.unknownOperation(route.operationName)
        }
        let resourceTags = security.resourceTags
        let outcome = try await security.authorizer.authorize(
            principal, iamGeneration: caller.iamGeneration, checks: checks, environment: environment,
            resourceTags: { arn in try await resourceTags(account, arn) }
        )
        audit?.action = outcome.action
        audit?.resource = outcome.resource
        audit?.decision = outcome.decision.rawValue
        audit?.decidingStatement = outcome.decidingStatement
        guard outcome.isAllowed else {
            logger[metadataKey: "aws.authorization"] = .string(outcome.decision.rawValue)
            throw ServiceError(
                .accessDenied,
                outcome.message ?? "User: \(principal.arn) is not authorized to perform: \(outcome.action)")
        }

        let context = OperationContext(
            account: account, principal: principal, operation: route.operationName, requestID: requestID,
            region: region, logger: logger, now: now
        )
        switch route {
        case .controlPlane(let op):
            let out = try await apis.controlPlane.dispatch(op, body: Data(body), context: context)
            return Self.json(out, protocol: .awsJSON, requestID: requestID)
        case .personalizeExtension(let op):
            let out = try await apis.admin.personalizeExtensions.dispatch(op, body: Data(body), context: context)
            return Self.json(out, protocol: .awsJSON, requestID: requestID)
        case .runtime(let op):
            let out = try await apis.runtime.dispatch(op, body: Data(body), context: context)
            return Self.json(out, protocol: .restJSON, status: op.successStatusCode, requestID: requestID)
        case .events(let op):
            let out = try await apis.events.dispatch(op, body: Data(body), context: context)
            return Self.json(out, protocol: .restJSON, status: op.successStatusCode, requestID: requestID)
        case .iam(let op):
            let out = try await apis.iam.dispatch(op, parameters, context: context)
            return Self.xml(out, requestID: requestID)
        case .cloudTrail(.lookupEvents):
            let out = try await apis.cloudTrail.lookupEvents(body: Data(body), account: account)
            return Self.json(out, protocol: .awsJSON, requestID: requestID)
        default:
            throw WireError.unknownOperation(route.operationName)
        }
    }

    private func requireOperator(_ principal: Principal, action: String, audit: inout AuditEvent?) throws {
        guard principal.kind == .operator else {
            audit?.decision = AuthorizationOutcome.Decision.implicitDeny.rawValue
            throw ServiceError(
                .accessDenied,
                "User: \(principal.arn) is not authorized to perform: \(action): only the operator manages accounts"
            )
        }
        audit?.decidingStatement = "operator"
    }

    /// The IAM or STS operation a query-protocol request names in `Action`.
    static func resolveQuery(service: String, parameters: QueryParameters) throws -> Route {
        let version = service == STSAPI.signingName ? STSAPI.version : IAMAPI.version
        guard let action = parameters.action else {
            throw WireError(
                name: "MissingAction", status: .badRequest, message: "The request must contain the parameter Action.")
        }
        if service == STSAPI.signingName, let op = STSOperation(rawValue: action) { return .sts(op) }
        if service != STSAPI.signingName, let op = IAMOperation(rawValue: action) { return .iam(op) }
        throw WireError(
            name: "InvalidAction", status: .badRequest,
            message: "Could not find operation \(action) for version \(version)")
    }

    /// The IAM action a route is authorized as (before the table refines it).
    static func action(for route: Route) -> String {
        switch route {
        case .controlPlane(let op): "personalize:\(op.rawValue)"
        case .personalizeExtension(let op): "personalize:\(op.authorizedAs)"
        case .runtime(let op): "personalize:\(op.rawValue)"
        case .events(let op): "personalize:\(op.rawValue)"
        case .iam(let op): op.action
        case .sts(let op): "sts:\(op.rawValue)"
        case .admin(let op): "persimmon:\(op.rawValue)"
        case .organizations(let op): "organizations:\(op.rawValue)"
        case .cloudTrail(let op): "cloudtrail:\(op.rawValue)"
        default: route.operationName
        }
    }

    /// CloudTrail's `userIdentity.type`.
    static func principalType(_ principal: Principal) -> String {
        switch principal.kind {
        case .operator: "Operator"
        case .accountRoot: "Root"
        case .user: "IAMUser"
        }
    }

    /// Collects the body, refusing anything larger than `limit` before reading it whole.
    static func collectBody(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw WireError.bodyTooLarge(limit: limit)
        }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw WireError.bodyTooLarge(limit: limit)
        }
    }

    static func json(_ data: Data, protocol wire: WireProtocol, status: Int = 200, requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = wire.contentType
        headers[.amznRequestID] = requestID
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func json(_ text: String, protocol wire: WireProtocol, requestID: String) -> Response {
        json(Data(text.utf8), protocol: wire, requestID: requestID)
    }

    static func xml(_ bytes: [UInt8], requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/xml"
        headers[.amznRequestID] = requestID
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
