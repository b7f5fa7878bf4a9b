// Imports an interactions CSV (USER_ID,ITEM_ID,TIMESTAMP) into a
// fresh dataset store and reads it back as training arrays, printing timings as key=value
// lines. Driven by ops/bench/import/run.sh; measures the engine only (local file, no S3).
//
//     persimmon-bench-import <file.csv> <scratch-store-dir>

import PersimmonCatalog
import PersimmonData

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

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    print("usage: persimmon-bench-import <file.csv> <scratch-store-dir>")
    exit(2)
}
let csvPath = arguments[1]
let storeDirectory = arguments[2]

// The schema of make_synthetic.py's output: the three required Interactions fields.
let fields = [
    SchemaField(name: "USER_ID", type: .string),
    SchemaField(name: "ITEM_ID", type: .string),
    SchemaField(name: "TIMESTAMP", type: .long),
]
let schema = DatasetSchema(name: "Interactions", namespace: "com.amazonaws.personalize.schema", fields: fields)

do {
    try DatasetStore.removeDirectory(storeDirectory)
    let store = try DatasetStore(directory: storeDirectory, kind: .interactions)
    let clock = ContinuousClock()
    let importStart = clock.now
    let summary = try store.importCSV(path: csvPath, schema: schema, mode: .full)
    let importTime = clock.now - importStart
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    let importPeakKB = usage.ru_maxrss  // kilobytes on Linux

    let readStart = clock.now
    let snapshot = try store.interactions()
    let readTime = clock.now - readStart

    let stats = try store.stats()
    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
    let importSeconds = seconds(importTime)
    print("records=\(summary.records)")
    print("bytes=\(summary.bytesRead)")
    print("import_seconds=\(importSeconds)")
    print("import_mb_per_s=\(Double(summary.bytesRead) / 1e6 / importSeconds)")
    print("import_rows_per_s=\(Double(summary.records) / importSeconds)")
    print("import_peak_rss_kb=\(importPeakKB)")
    print("read_seconds=\(seconds(readTime))")
    print("segment_bytes=\(stats.bytesOnDisk)")
    print("distinct_users=\(snapshot.users.count)")
    print("distinct_items=\(snapshot.items.count)")
    print("min_timestamp=\(stats.minTimestamp ?? 0)")
    print("max_timestamp=\(stats.maxTimestamp ?? 0)")
} catch {
    print("error=\(error.debugDescription)")
    exit(1)
}
