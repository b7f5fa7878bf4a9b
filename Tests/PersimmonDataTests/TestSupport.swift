import PersimmonCatalog
import Testing

@testable import PersimmonData

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under the system temp dir, removed by ``remove()``.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() {
        var template = Array("/tmp/persimmon-data-tests-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        try? DatasetStore.removeDirectory(path)
    }

    func sub(_ name: String) -> String { path + "/" + name }
}

enum Schemas {
    static let interactions = DatasetSchema(
        name: "Interactions",
        fields: [
            SchemaField(name: "USER_ID", type: .string),
            SchemaField(name: "ITEM_ID", type: .string),
            SchemaField(name: "TIMESTAMP", type: .long),
        ]
    )

    static let interactionsWithEvents = DatasetSchema(
        name: "Interactions",
        fields: [
            SchemaField(name: "USER_ID", type: .string),
            SchemaField(name: "ITEM_ID", type: .string),
            SchemaField(name: "TIMESTAMP", type: .long),
            SchemaField(name: "EVENT_TYPE", type: .string, nullable: true),
            SchemaField(name: "EVENT_VALUE", type: .float, nullable: true),
        ]
    )

    static let items = DatasetSchema(
        name: "Items",
        fields: [
            SchemaField(name: "ITEM_ID", type: .string),
            SchemaField(name: "GENRES", type: .string, nullable: true, categorical: true),
            SchemaField(name: "PRICE", type: .double, nullable: true),
            SchemaField(name: "YEAR", type: .int, nullable: true),
            SchemaField(name: "IN_STOCK", type: .boolean, nullable: true),
            SchemaField(name: "CREATION_TIMESTAMP", type: .long, nullable: true),
            SchemaField(name: "DESCRIPTION", type: .string, nullable: true, textual: true),
        ]
    )

    static let users = DatasetSchema(
        name: "Users",
        fields: [
            SchemaField(name: "USER_ID", type: .string),
            SchemaField(name: "AGE", type: .int),
            SchemaField(name: "MEMBERSHIP", type: .string, categorical: true),
        ]
    )
}

/// Interactions CSV text: `count` rows `u<i % users>,i<i % items>,<start + i>`.
func interactionsCSV(
    count: Int,
    users: Int = 50,
    items: Int = 40,
    start: Int64 = 1_600_000_000,
    header: String = "USER_ID,ITEM_ID,TIMESTAMP"
) -> String {
    var text = header + "\n"
    text.reserveCapacity(count * 24)
    for index in 0..<count {
        text += "u\(index % users),i\((index * 7) % items),\(start + Int64(index))\n"
    }
    return text
}

/// Imports `csv` (in chunks of `chunkSize` bytes) and returns the summary or the error.
@discardableResult
func importText(
    _ csv: String,
    into store: DatasetStore,
    schema: DatasetSchema,
    mode: ImportMode = .full,
    limits: ImportLimits = ImportLimits(),
    chunkSize: Int = 1 << 20
) -> Result<ImportSummary, DatasetError> {
    importBytes(Array(csv.utf8), into: store, schema: schema, mode: mode, limits: limits, chunkSize: chunkSize)
}

func importBytes(
    _ bytes: [UInt8],
    into store: DatasetStore,
    schema: DatasetSchema,
    mode: ImportMode = .full,
    limits: ImportLimits = ImportLimits(),
    chunkSize: Int = 1 << 20
) -> Result<ImportSummary, DatasetError> {
    do throws(DatasetError) {
        var job = try store.beginImport(schema: schema, mode: mode, limits: limits)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunkSize, bytes.count)
            try job.consume(Array(bytes[offset..<end]))
            offset = end
        }
        return .success(try job.finish())
    } catch {
        return .failure(error)
    }
}

/// Imports `csv` and returns the summary, throwing the import's error.
@discardableResult
func importOK(
    _ csv: String,
    into store: DatasetStore,
    schema: DatasetSchema,
    mode: ImportMode = .full,
    limits: ImportLimits = ImportLimits(),
    chunkSize: Int = 1 << 20
) throws -> ImportSummary {
    try importText(csv, into: store, schema: schema, mode: mode, limits: limits, chunkSize: chunkSize).get()
}

extension Result where Failure == DatasetError {
    /// The error of a failed import (test helper; records an issue on success).
    var failure: DatasetError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// The files in a directory, sorted, without `LOCK`.
func directoryListing(_ path: String) -> [String] {
    ((try? POSIX.directoryEntries(path)) ?? []).filter { $0 != "LOCK" }.sorted()
}

/// Limits without the 1,000-record minimum, for small fixtures.
let smallLimits = ImportLimits(minimumRecords: [:])
