import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PersimmonAPIModel
import PersimmonCore
import PersimmonSigV4

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An error in the form it takes on the wire: AWS's exception name, the status code and a client-safe message.
package struct WireError: Error, Sendable {
    package var name: String
    package var status: HTTPResponse.Status
    package var message: String

    package init(name: String, status: HTTPResponse.Status, message: String) {
        self.name = name
        self.status = status
        self.message = message
    }

    static func unknownOperation(_ what: String) -> WireError {
        WireError(name: "UnknownOperationException", status: .badRequest, message: "Unknown operation \(what)")
    }

    static func bodyTooLarge(limit: Int) -> WireError {
        WireError(
            name: "RequestEntityTooLargeException", status: .contentTooLarge,
            message: "The request body is larger than the \(limit) bytes this operation accepts."
        )
    }
}

/// Renders every error to AWS's wire form. This is the one place errors become responses.
package enum AWSErrorRenderer {
    /// Maps any error to its wire form. Unknown errors become `InternalFailure` with a generic message and are logged.
    package static func wireError(for error: any Error, protocol wire: WireProtocol, logger: Logger) -> WireError {
        if case .query = wire { return queryError(for: error, logger: logger) }
        switch error {
        case let error as WireError:
            return error
        case let error as ServiceError:
            return wireError(for: error, protocol: wire, logger: logger)
        case let error as IAMError:
            return WireError(
                name: error.code.name, status: HTTPResponse.Status(code: error.code.status), message: error.message)
        case let error as SigV4Error:
            return wireError(for: error)
        case let error as APIValidationError:
            return WireError(name: "InvalidInputException", status: .badRequest, message: error.message)
        case let error as APISerializationError:
            return WireError(name: "SerializationException", status: .badRequest, message: error.message)
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return WireError(
                name: "InternalFailure", status: .internalServerError,
                message: "The request processing has failed because of an unknown error, exception or failure."
            )
        }
    }

    static func wireError(for error: ServiceError, protocol wire: WireProtocol, logger: Logger) -> WireError {
        let status: HTTPResponse.Status
        switch error.code {
        case .internalFailure:
            logger.error("internal failure", metadata: ["error": "\(error.debugDescription)"])
            return WireError(
                name: "InternalFailure", status: .internalServerError,
                message: "The request processing has failed because of an unknown error, exception or failure."
            )
        case .resourceNotFound where wire == .restJSON:
            status = .notFound
        case .resourceInUse where wire == .restJSON:
            status = .conflict
        case .accessDenied where wire == .restJSON:
            status = .forbidden
        default:
            status = .badRequest
        }
        let name = error.code == .unsupportedOperation ? "UnsupportedOperationException" : error.code.awsName
        return WireError(name: name, status: status, message: error.message)
    }

    static func wireError(for error: SigV4Error) -> WireError {
        switch error.code {
        case .unrecognizedClient:
            return WireError(name: "UnrecognizedClientException", status: .badRequest, message: error.message)
        case .missingAuthenticationToken:
            return WireError(name: "MissingAuthenticationTokenException", status: .forbidden, message: error.message)
        case .incompleteSignature:
            return WireError(name: "IncompleteSignatureException", status: .badRequest, message: error.message)
        case .expiredToken:
            return WireError(name: "ExpiredTokenException", status: .badRequest, message: error.message)
        default:
            // A bad signature and a signature outside the time window share AWS's exception name.
            return WireError(name: "InvalidSignatureException", status: .badRequest, message: error.message)
        }
    }

    /// Errors of the query protocol (IAM, STS) use that protocol's codes: `AccessDenied`, `InvalidClientTokenId`,
    /// `SignatureDoesNotMatch`, `NoSuchEntity`, … with the HTTP statuses AWS sends.
    static func queryError(for error: any Error, logger: Logger) -> WireError {
        switch error {
        case let error as IAMError:
            return WireError(
                name: error.code.name, status: HTTPResponse.Status(code: error.code.status), message: error.message)
        case let error as WireError:
            return error
        case let error as SigV4Error:
            switch error.code {
            case .unrecognizedClient:
                return WireError(
                    name: "InvalidClientTokenId", status: .forbidden,
                    message: "The security token included in the request is invalid.")
            case .missingAuthenticationToken:
                return WireError(name: "MissingAuthenticationToken", status: .forbidden, message: error.message)
            case .incompleteSignature:
                return WireError(name: "IncompleteSignature", status: .badRequest, message: error.message)
            case .expiredToken:
                return WireError(name: "ExpiredToken", status: .forbidden, message: error.message)
            default:
                return WireError(name: "SignatureDoesNotMatch", status: .forbidden, message: error.message)
            }
        case let error as ServiceError:
            switch error.code {
            case .accessDenied: return WireError(name: "AccessDenied", status: .forbidden, message: error.message)
            case .resourceNotFound: return WireError(name: "NoSuchEntity", status: .notFound, message: error.message)
            case .resourceAlreadyExists:
                return WireError(name: "EntityAlreadyExists", status: .conflict, message: error.message)
            case .limitExceeded: return WireError(name: "LimitExceeded", status: .conflict, message: error.message)
            case .internalFailure:
                logger.error("internal failure", metadata: ["error": "\(error.debugDescription)"])
                return WireError(
                    name: "ServiceFailure", status: .internalServerError,
                    message: "The request processing has failed because of an unknown error, exception or failure.")
            default: return WireError(name: "InvalidInput", status: .badRequest, message: error.message)
            }
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return WireError(
                name: "ServiceFailure", status: .internalServerError,
                message: "The request processing has failed because of an unknown error, exception or failure.")
        }
    }

    /// The response for a wire error: `{"__type": ..., "message": ...}` plus `x-amzn-ErrorType`, or for the query
    /// protocol `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
    package static func response(for error: WireError, protocol wire: WireProtocol, requestID: String) -> Response {
        if case .query(let namespace) = wire {
            var xml = XMLWriter()
            xml.open("ErrorResponse", namespace: namespace)
            xml.element("Error") { xml in
                xml.element("Type", error.status.code >= 500 ? "Receiver" : "Sender")
                xml.element("Code", error.name)
                xml.element("Message", error.message)
            }
            xml.element("RequestId", requestID)
            xml.close("ErrorResponse")
            var headers = HTTPFields()
            headers[.contentType] = wire.contentType
            headers[.amznRequestID] = requestID
            return Response(
                status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: xml.bytes)))
        }
        var body = ByteBuffer()
        body.writeString("{\"__type\":")
        body.writeJSONString(error.name)
        body.writeString(",\"message\":")
        body.writeJSONString(error.message)
        body.writeString("}")
        var headers = HTTPFields()
        headers[.contentType] = wire.contentType
        headers[.amznRequestID] = requestID
        headers[.amznErrorType] = error.name
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: body))
    }
}

extension ByteBuffer {
    /// Writes a JSON string literal, escaping quotes, backslashes and control characters.
    package mutating func writeJSONString(_ string: String) {
        writeInteger(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): writeStaticString("\\\"")
            case UInt8(ascii: "\\"): writeStaticString("\\\\")
            case 0x0A: writeStaticString("\\n")
            case 0x0D: writeStaticString("\\r")
            case 0x09: writeStaticString("\\t")
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                writeStaticString("\\u00")
                writeInteger(hex[Int(byte >> 4)])
                writeInteger(hex[Int(byte & 0x0F)])
            default: writeInteger(byte)
            }
        }
        writeInteger(UInt8(ascii: "\""))
    }
}
