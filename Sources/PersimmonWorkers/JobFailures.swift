import PersimmonCore
import PersimmonData

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension ResourceManager {
    /// Ends a data job's resource in `status` (CREATE FAILED) with the reason when `error` is the input's fault — bad
    /// CSV rows, a location that does not exist, a request the job cannot carry out — and returns true. Any other
    /// error (IO, a lost lease) returns false, for the caller to rethrow so the worker retries the job.
    func failIfBadInput(
        _ record: ResourceRecord, _ error: any Error, status: String = LifecycleStatus.createFailed, now: Date
    ) async throws -> Bool {
        let reason: String
        switch error {
        case let error as DatasetError where error.code.isInputError: reason = error.failureReason
        case let error as ServiceError where error.code == .invalidInput: reason = error.message
        default: return false
        }
        try await setStatus(record, to: status, failureReason: reason, now: now)
        return true
    }
}
