// persimmon-bench-recipes: offline quality and speed measurements of PersimmonRecipes (release builds only).
//
//   quality   --data DIR --recipe NAME [--seeds 42,43,44,45,46] [--hpo-jobs 24 --hpo-serving 8 --inner-splits 3]
//             [--set key=value ...] [--threads 2] [--inner 1 (score the validation split instead of the test users)]
//   speed     --data FILE.csv [--factors 64 --iterations 15 --threads 2 --set key=value ...]
//   (every command: --kernels auto|baseline|wide picks the weighted-ALS inner loop build; auto = wide when the CPU
//   has AVX2 + FMA)
//   dump-recs --data DIR --recipe NAME --seed 42 --out FILE [--set key=value ...]   (for eval_protocol.py
//             --score-recs)
//
// DIR holds ratings.csv (MovieLens), user_artists.dat (HetRec Last.fm: no timestamps, every event gets 0) or
// interactions.csv (USER_ID,ITEM_ID,TIMESTAMP). Results are JSON lines on stdout.

import Foundation
import PersimmonRecipes

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - arguments

struct Arguments {
    var command = ""
    var values: [String: String] = [:]
    var settings: [String: String] = [:]

    init(_ raw: [String]) {
        var k = 1
        if raw.count > 1 {
            command = raw[1]
            k = 2
        }
        while k < raw.count {
            let key = raw[k]
            guard key.hasPrefix("--"), k + 1 < raw.count else {
                fail("unexpected argument \(key)")
            }
            let value = raw[k + 1]
            if key == "--set" {
                let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { fail("--set wants key=value") }
                settings[parts[0]] = parts[1]
            } else {
                values[String(key.dropFirst(2))] = value
            }
            k += 2
        }
    }

    func string(_ key: String, _ fallback: String? = nil) -> String {
        guard let value = values[key] ?? fallback else { fail("missing --\(key)") }
        return value
    }

    func int(_ key: String, _ fallback: Int) -> Int { values[key].flatMap { Int($0) } ?? fallback }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(2)
}

func log(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
}

/// User + system CPU seconds of the whole process (all threads).
func cpuSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) * 1e-6
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024  // KiB on Linux
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1024 / 1024  // bytes on Darwin
    #endif
}

func json(_ object: [String: Any]) -> String {
    func render(_ value: Any) -> String {
        switch value {
        case let v as String:
            var out = "\""
            for scalar in v.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        case let v as Double: return v.isFinite ? String(v) : "null"
        case let v as Int: return String(v)
        case let v as [String: String]:
            return "{" + v.keys.sorted().map { render($0) + ": " + render(v[$0]!) }.joined(separator: ", ") + "}"
        case let v as [String: Any]:
            return "{" + v.keys.sorted().map { render($0) + ": " + render(v[$0]!) }.joined(separator: ", ") + "}"
        case let v as [Any]: return "[" + v.map(render).joined(separator: ", ") + "]"
        default: return "\"\(value)\""
        }
    }
    return render(object)
}

// MARK: - loading

/// Interns byte-string IDs without allocating a String per row.
struct ByteInterner {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var table: [Int32]
    private var mask: Int

    init() {
        table = [Int32](repeating: -1, count: 1 << 16)
        mask = (1 << 16) - 1
    }

    var count: Int { starts.count - 1 }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    private func equals(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let length = starts[id + 1] - starts[id]
        guard length == bytes.count else { return false }
        return arena.withUnsafeBytes { arena in
            memcmp(arena.baseAddress! + starts[id], bytes.baseAddress!, length) == 0
        }
    }

    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        var slot = Self.hash(bytes) & mask
        while true {
            let id = table[slot]
            if id < 0 { break }
            if equals(Int(id), bytes) { return id }
            slot = (slot + 1) & mask
        }
        let id = Int32(count)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        table[slot] = id
        if count * 2 > table.count { grow() }
        return id
    }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        mask = table.count - 1
        for id in 0..<count {
            let hash = arena.withUnsafeBytes {
                Self.hash(UnsafeRawBufferPointer(rebasing: $0[starts[id]..<starts[id + 1]]))
            }
            var slot = hash & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(id)
        }
    }

    func strings() -> [String] {
        (0..<count).map { String(decoding: arena[starts[$0]..<starts[$0 + 1]], as: UTF8.self) }
    }
}

/// Reads a delimited file with a header line; columns: user, item, timestamp (optional).
func loadDelimited(path: String, separator: UInt8, columns: (user: Int, item: Int, time: Int?)) -> InteractionData {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { fail("cannot open \(path)") }
    defer { close(descriptor) }
    var users = ByteInterner()
    var items = ByteInterner()
    var userColumn = [Int32]()
    var itemColumn = [Int32]()
    var timeColumn = [Int64]()
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var carry = [UInt8]()
    var header = true
    func handle(line: UnsafeRawBufferPointer) {
        if header {
            header = false
            return
        }
        var fields = [Range<Int>]()
        var start = 0
        for k in 0..<line.count where line[k] == separator {
            fields.append(start..<k)
            start = k + 1
        }
        var end = line.count
        if end > start, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        fields.append(start..<end)
        let needed = max(columns.user, columns.item, columns.time ?? 0)
        guard fields.count > needed else { return }
        userColumn.append(users.intern(UnsafeRawBufferPointer(rebasing: line[fields[columns.user]])))
        itemColumn.append(items.intern(UnsafeRawBufferPointer(rebasing: line[fields[columns.item]])))
        var time: Int64 = 0
        if let t = columns.time {
            var value: Int64 = 0
            for byte in line[fields[t]] {
                if byte == UInt8(ascii: ".") { break }
                value = value * 10 + Int64(byte &- 48)
            }
            time = value
        }
        timeColumn.append(time)
    }
    while true {
        let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
        if n <= 0 { break }
        buffer.withUnsafeBytes { chunk in
            var lineStart = 0
            for k in 0..<n where chunk[k] == UInt8(ascii: "\n") {
                if carry.isEmpty {
                    handle(line: UnsafeRawBufferPointer(rebasing: chunk[lineStart..<k]))
                } else {
                    carry.append(contentsOf: chunk[lineStart..<k])
                    carry.withUnsafeBytes { handle(line: $0) }
                    carry.removeAll(keepingCapacity: true)
                }
                lineStart = k + 1
            }
            carry.append(contentsOf: chunk[lineStart..<n])
        }
    }
    if !carry.isEmpty { carry.withUnsafeBytes { handle(line: $0) } }
    // index IDs in byte order, as InteractionDataBuilder and numpy.unique do
    func byteOrder(_ names: [String]) -> (remap: [Int32], sorted: [String]) {
        let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
        var remap = [Int32](repeating: 0, count: names.count)
        for (new, old) in order.enumerated() { remap[old] = Int32(new) }
        return (remap, order.map { names[$0] })
    }
    let (userRemap, userIDs) = byteOrder(users.strings())
    let (itemRemap, itemIDs) = byteOrder(items.strings())
    for k in 0..<userColumn.count {
        userColumn[k] = userRemap[Int(userColumn[k])]
        itemColumn[k] = itemRemap[Int(itemColumn[k])]
    }
    return InteractionData(
        userCount: userIDs.count,
        itemCount: itemIDs.count,
        users: userColumn,
        items: itemColumn,
        timestamps: timeColumn,
        userIDs: userIDs,
        itemIDs: itemIDs
    )
}

func loadData(_ path: String) -> (InteractionData, String) {
    var isDirectory: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    let directory = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
    let name = (directory as NSString).lastPathComponent
    if !isDirectory.boolValue {
        return (loadDelimited(path: path, separator: UInt8(ascii: ","), columns: (0, 1, 2)), name)
    }
    let fm = FileManager.default
    if fm.fileExists(atPath: path + "/ratings.csv") {
        return (loadDelimited(path: path + "/ratings.csv", separator: UInt8(ascii: ","), columns: (0, 1, 3)), name)
    }
    if fm.fileExists(atPath: path + "/user_artists.dat") {
        return (
            loadDelimited(path: path + "/user_artists.dat", separator: UInt8(ascii: "\t"), columns: (0, 1, nil)), name
        )
    }
    if fm.fileExists(atPath: path + "/interactions.csv") {
        return (
            loadDelimited(path: path + "/interactions.csv", separator: UInt8(ascii: ","), columns: (0, 1, 2)), name
        )
    }
    fail("no ratings.csv, user_artists.dat or interactions.csv in \(path)")
}

// MARK: - commands

let arguments = Arguments(CommandLine.arguments)
let threads = arguments.int("threads", 2)

/// `--kernels auto` (default: the AVX2 + FMA build when /proc/cpuinfo shows the CPU has it), `baseline` or `wide`.
let kernels: String = {
    let choice = arguments.values["kernels"] ?? "auto"
    switch choice {
    case "baseline":
        KernelDispatch.useWideVectors(false)
    case "wide":
        KernelDispatch.useWideVectors(true)
    case "auto":
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        KernelDispatch.useWideVectors(KernelDispatch.cpuInfoSupportsWideVectors(cpuInfo))
    default:
        fail("--kernels must be auto, baseline or wide")
    }
    return KernelDispatch.usesWideVectors ? "wide" : "baseline"
}()

func recipeArgument() -> Recipe {
    guard let recipe = Recipe(arnOrName: arguments.string("recipe")) else { fail("unknown recipe") }
    return recipe
}

func quality() {
    let recipe = recipeArgument()
    let (data, name) = loadData(arguments.string("data"))
    let seeds = arguments.string("seeds", "42,43,44,45,46").split(separator: ",").compactMap { UInt64($0) }
    let jobs = arguments.int("hpo-jobs", 0)
    var perSeed = [[String: Double]]()
    for seed in seeds {
        var split = EvaluationSplit(data: data, seed: seed)
        // --inner 1: measure on the validation split (training users only), for design work that must not see the
        // test users
        if arguments.int("inner", 0) == 1 { split = split.inner() }
        var parameters = arguments.settings
        var tuned = [String: String]()
        var validation = Double.nan
        let tuneStart = now()
        if jobs > 0 {
            do {
                let result = try HyperparameterTuner.tune(
                    recipe: recipe,
                    data: split.trainingData,
                    hyperparameters: parameters,
                    configuration: HPOConfiguration(
                        trainingJobs: jobs,
                        servingTrialsPerJob: arguments.int("hpo-serving", 8),
                        innerSplits: arguments.int("inner-splits", 1)
                    ),
                    seed: seed,
                    threads: threads,
                    cancel: CancellationFlag(),
                    progress: { log($0) }
                )
                parameters = result.hyperparameters
                tuned = result.tunedHPOParams
                validation = result.bestObjective
            } catch {
                fail("HPO failed: \(error)")
            }
        }
        let tuneSeconds = now() - tuneStart
        let start = now()
        let model: TrainedModel
        do {
            model = try Trainer.train(
                recipe: recipe,
                data: split.trainingData,
                hyperparameters: parameters,
                seed: seed,
                threads: threads,
                cancel: CancellationFlag(),
                progress: { _ in }
            )
        } catch {
            fail("training failed: \(error)")
        }
        let trainSeconds = now() - start
        let evaluationStart = now()
        let report = Evaluator.evaluate(model: model, split: split, threads: threads)
        let evaluationSeconds = now() - evaluationStart
        var row = report.metrics
        for (key, value) in report.extraMetrics { row[key] = value }
        row["train_s"] = trainSeconds
        perSeed.append(row)
        var line: [String: Any] = [
            "dataset": name, "recipe": recipe.rawValue, "seed": Int(seed), "threads": threads, "kernels": kernels,
            "n_users": data.userCount, "n_items": data.itemCount, "n_interactions": data.count,
            "n_eval_users": report.queryCount, "train_s": trainSeconds, "hpo_s": tuneSeconds,
            "recommend_s": evaluationSeconds, "tuned": tuned, "validation_ndcg_at_25": validation,
        ]
        for (key, value) in row { line[key] = value }
        print(json(line))
    }
    if perSeed.count > 1 {
        var summary: [String: Any] = ["dataset": name, "recipe": recipe.rawValue, "summary_over_seeds": perSeed.count]
        for key in perSeed[0].keys {
            let values = perSeed.map { $0[key]! }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
            summary[key] = mean
            summary[key + "_std"] = variance.squareRoot()
        }
        print(json(summary))
    }
}

func speed() {
    let loadStart = now()
    let (data, name) = loadData(arguments.string("data"))
    let split = EvaluationSplit(data: data, seed: UInt64(arguments.int("seed", 42)))
    let loadSeconds = now() - loadStart
    var parameters: [String: String] = [
        "hidden_dimension": String(arguments.int("factors", 64)),
        "iterations": String(arguments.int("iterations", 15)),
        "max_user_history_length_percentile": "1.0",
    ]
    for (key, value) in arguments.settings { parameters[key] = value }
    let nonzeros = split.trainingData.userSequences().matrix.nonzeroCount
    var phases = [(String, Double)]()
    var last = now()
    let start = last
    let cpuStart = cpuSeconds()
    let model: TrainedModel
    do {
        model = try Trainer.train(
            recipe: .userPersonalization,
            data: split.trainingData,
            hyperparameters: parameters,
            seed: 42,
            threads: threads,
            cancel: CancellationFlag(),
            progress: { message in
                let t = now()
                phases.append((message, t - last))
                last = t
                log(String(format: "%8.2f s  %@", t - start, message))
            }
        )
    } catch {
        fail("training failed: \(error)")
    }
    let trainSeconds = now() - start
    let trainCPUSeconds = cpuSeconds() - cpuStart
    let alsSeconds = phases.filter { $0.0.hasPrefix("weighted ALS iteration") }.map(\.1).reduce(0, +)
    let evaluationStart = now()
    let report = Evaluator.evaluate(model: model, split: split, threads: threads)
    let evaluationSeconds = now() - evaluationStart
    let iterations = Double(arguments.int("iterations", 15))
    print(
        json([
            "system": "persimmon", "dataset": name, "threads": threads, "kernels": kernels,
            "hyperparameters": model.hyperparameters,
            "train_nnz": nonzeros, "load_split_s": loadSeconds, "train_s": trainSeconds, "train_cpu_s": trainCPUSeconds,
            "als_s": alsSeconds,
            "als_s_per_iteration": alsSeconds / iterations,
            "nnz_per_s_per_iteration": Double(nonzeros) / (alsSeconds / iterations),
            "recommend_s": evaluationSeconds, "peak_rss_mib": peakRSSMiB(), "n_eval_users": report.queryCount,
            "normalized_discounted_cumulative_gain_at_25": report.metrics[
                "normalized_discounted_cumulative_gain_at_25"]!,
            "precision_at_25": report.metrics["precision_at_25"]!, "coverage": report.metrics["coverage"]!,
        ])
    )
}

func dumpRecommendations() {
    let recipe = recipeArgument()
    let (data, _) = loadData(arguments.string("data"))
    let split = EvaluationSplit(data: data, seed: UInt64(arguments.int("seed", 42)))
    let model: TrainedModel
    do {
        model = try Trainer.train(
            recipe: recipe,
            data: split.trainingData,
            hyperparameters: arguments.settings,
            seed: UInt64(arguments.int("seed", 42)),
            threads: threads,
            cancel: CancellationFlag(),
            progress: { _ in }
        )
    } catch {
        fail("training failed: \(error)")
    }
    var out = ""
    for query in split.queries {
        let list = model.recommend(RecommendationRequest(history: query.history, count: 25, excludeHistory: true))
        out +=
            data.userIDs[Int(query.user)] + "\t" + list.map { data.itemIDs[Int($0.item)] }.joined(separator: ",") + "\n"
    }
    do {
        try Data(out.utf8).write(to: URL(fileURLWithPath: arguments.string("out")))
    } catch {
        fail("cannot write the recommendations")
    }
    let report = Evaluator.evaluate(model: model, split: split, threads: threads)
    print(json(["seed": arguments.int("seed", 42), "recipe": recipe.rawValue, "metrics": report.metrics]))
}

switch arguments.command {
case "quality": quality()
case "speed": speed()
case "dump-recs": dumpRecommendations()
default: fail("usage: persimmon-bench-recipes quality|speed|dump-recs --data PATH ...")
}
