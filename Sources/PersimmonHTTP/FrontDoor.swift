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
    package init() {}
}

/// The one HTTP entry point: routes each request to its API, authenticates it, dispatches it and renders the
/// result or the error in that API's wire form.
package struct FrontDoor: HTTPResponder {
    package typealias Context = PersimmonRequestContext

    private let controlPlane: ControlPlaneService
    private let runtime: RuntimeService
    private let events: EventsService
    private let admin: AdminAPI
    private let authenticator: Authenticator
    private let region: String
    private let clock: any WallClock
    private let limits: BodyLimits
    private let ids = IdentifierGenerator()

    package init(
        controlPlane: ControlPlaneService, runtime: RuntimeService, events: EventsService, admin: AdminAPI,
        authenticator: Authenticator, region: String, clock: any WallClock, limits: BodyLimits = BodyLimits()
    ) {
        self.controlPlane = controlPlane
        self.runtime = runtime
        self.events = events
        self.admin = admin
        self.authenticator = authenticator
        self.region = region
        self.clock = clock
        self.limits = limits
    }

    /// Which API a request is for, decided from the target header or the path alone (before authentication).
    enum Route {
        case health
        case controlPlane(PersonalizeOperation)
        case runtime(PersonalizeRuntimeOperation)
        case events(PersonalizeEventsOperation)
        case admin(AdminOperation)
        case unknown(String)

        var wire: WireProtocol {
            switch self {
            case .runtime, .events: .restJSON
            default: .awsJSON
            }
        }

        var signingName: String {
            switch self {
            case .admin: AdminAPI.signingName
            default: "personalize"
            }
        }

        var operationName: String {
            switch self {
            case .health: "Health"
            case .controlPlane(let op): op.rawValue
            case .runtime(let op): op.rawValue
            case .events(let op): op.rawValue
            case .admin(let op): op.rawValue
            case .unknown(let what): what
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
                return PersonalizeOperation(rawValue: String(parts[1])).map(Route.controlPlane) ?? .unknown(target)
            case Substring(AdminAPI.targetPrefix):
                return AdminOperation(rawValue: String(parts[1])).map(Route.admin) ?? .unknown(target)
            default:
                return .unknown(target)
            }
        }
        let method = request.method.rawValue
        if let op = PersonalizeRuntimeOperation(method: method, path: path) { return .runtime(op) }
        if let op = PersonalizeEventsOperation(method: method, path: path) { return .events(op) }
        return .unknown("\(method) \(path)")
    }

    package func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = ids.requestID()
        let route = Self.route(request)
        var logger = context.logger
        logger[metadataKey: "request.id"] = .string(requestID)
        logger[metadataKey: "aws.operation"] = .string(route.operationName)
        let response: Response
        do {
            response = try await handle(request, route: route, requestID: requestID, logger: &logger)
        } catch {
            let wire = AWSErrorRenderer.wireError(for: error, protocol: route.wire, logger: logger)
            logger[metadataKey: "aws.error_code"] = .string(wire.name)
            response = AWSErrorRenderer.response(for: wire, protocol: route.wire, requestID: requestID)
        }
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

    private func handle(_ request: Request, route: Route, requestID: String, logger: inout Logger) async throws
        -> Response
    {
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
        case .admin: limit = limits.admin
        default: limit = limits.controlPlane
        }
        let body = try await Self.collectBody(request, limit: limit)
        let now = clock.now()
        let principal = try await authenticator.authenticate(
            request, body: body, service: route.signingName, now: now
        )
        logger[metadataKey: "aws.principal"] = .string(principal.arn)

        if case .admin(let op) = route {
            guard principal.kind == .operator else {
                throw ServiceError(
                    .accessDenied,
                    "User: \(principal.arn) is not authorized to perform: persimmon:\(op.rawValue): only the operator manages accounts"
                )
            }
            let out = try await admin.dispatch(op, body: Data(body))
            return Self.json(out, protocol: .awsJSON, requestID: requestID)
        }

        guard let account = principal.account else {
            throw ServiceError(
                .accessDenied,
                "User: \(principal.arn) is not authorized to perform: personalize:\(route.operationName): the operator owns no resources; use an account's credentials"
            )
        }
        logger[metadataKey: "aws.account_id"] = .string(account.rawValue)
        let context = OperationContext(
            account: account, principal: principal, operation: route.operationName, requestID: requestID,
            region: region, logger: logger, now: now
        )
        switch route {
        case .controlPlane(let op):
            let out = try await controlPlane.dispatch(op, body: Data(body), context: context)
            return Self.json(out, protocol: .awsJSON, requestID: requestID)
        case .runtime(let op):
            let out = try await runtime.dispatch(op, body: Data(body), context: context)
            return Self.json(out, protocol: .restJSON, status: op.successStatusCode, requestID: requestID)
        case .events(let op):
            let out = try await events.dispatch(op, body: Data(body), context: context)
            return Self.json(out, protocol: .restJSON, status: op.successStatusCode, requestID: requestID)
        default:
            throw WireError.unknownOperation(route.operationName)
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
}
