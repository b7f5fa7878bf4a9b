import Foundation
import Logging
import NIOCore
import PersimmonAPIModel
import PersimmonCatalog
import PersimmonCore
import PersimmonFilters

/// Runs batch inference jobs: reads a JSON Lines file, answers every line with the solution version's model (no
/// campaign needed) and writes one JSON Lines output file.
///
/// Input lines are `{"userId": …}` (user recipes), `{"itemId": …}` (related-item recipes) or
/// `{"userId": …, "itemList": […]}` (personalized ranking), each optionally with `filterValues`. The output goes to
/// `<output path>/<input file name>.out`, one line per input line, in input order:
/// `{"input": …, "output": {"recommendedItems": […], "scores": […]}, "error": null}`. A line that cannot be
/// answered (not JSON, a missing ID, a filter without its values) gets `"output": null` and an `"error"` message;
/// the other lines are still answered. The model loads once; lines are answered in chunks on the compute pool.
package struct BatchInferenceJobHandler: JobHandler {
    private let resources: ResourceManager
    private let sources: DataSources
    private let engine: ModelServer
    private let pool: ComputePool
    private let clock: any WallClock
    private let logger: Logger
    /// Lines answered per compute-pool task.
    static let chunkLines = 2_000
    /// The largest input file read (AWS's limit is 1 GB of input per job).
    static let maxInputBytes = 1 << 30

    package init(
        resources: ResourceManager, sources: DataSources, engine: ModelServer, pool: ComputePool, clock: any WallClock,
        logger: Logger
    ) {
        self.resources = resources
        self.sources = sources
        self.engine = engine
        self.pool = pool
        self.clock = clock
        self.logger = logger
    }

    package var kinds: [String] { [ServingJobKind.batchInference] }

    package func run(_ job: JobRecord) async throws {
        let store = resources.store
        guard let record = try await store.get(account: job.account, arn: job.resourceARN) else { return }
        guard let record = try await resources.begin(record, now: clock.now()) else { return }
        let batchJob = try ResourceManager.decode(BatchInferenceJob.self, from: record)
        do {
            let summary = try await answer(batchJob, account: job.account)
            logger.info(
                "batch inference finished",
                metadata: [
                    "resource.arn": .string(record.arn), "batch.lines": .stringConvertible(summary.lines),
                    "batch.errors": .stringConvertible(summary.errors), "batch.output": .string(summary.output),
                ]
            )
            try await resources.setStatus(record, to: LifecycleStatus.active, now: clock.now())
        } catch let error as ServiceError where error.code == .invalidInput || error.code == .resourceNotFound {
            try await resources.setStatus(
                record, to: LifecycleStatus.createFailed, failureReason: error.message, now: clock.now()
            )
        }
    }

    package func giveUp(_ job: JobRecord, reason: String) async throws {
        guard let record = try await resources.store.get(account: job.account, arn: job.resourceARN) else { return }
        try await resources.setStatus(
            record, to: LifecycleStatus.createFailed, failureReason: "The batch inference job failed: \(reason)",
            now: clock.now()
        )
    }

    struct Summary: Sendable {
        var lines: Int
        var errors: Int
        var output: String
    }

    /// What every line of one job shares.
    struct Plan: Sendable {
        var template: RecommendationQuery
        var inputKind: RecipeInputKind
        var filterExpression: String?
        var filterSchemas: FilterSchemas?
        /// Users' attributes when the filter reads `CurrentUser`.
        var users: ModelServer.UsersIndex?
    }

    private func answer(_ job: BatchInferenceJob, account: AccountID) async throws -> Summary {
        guard let versionARN = job.solutionVersionArn, let inputPath = job.jobInput?.s3DataSource.path,
            let outputPath = job.jobOutput?.s3DataDestination.path
        else { throw ServiceError(.invalidInput, "The batch inference job has no solution version, input or output.") }
        guard let versionRecord = try await resources.store.get(account: account, arn: versionARN) else {
            throw ServiceError(.invalidInput, "The solution version \(versionARN) no longer exists.")
        }
        let version = try ResourceManager.decode(SolutionVersion.self, from: versionRecord)
        let recipe = version.recipeArn.flatMap(RecipeCatalog.entry(forArn:))
        let template = RecommendationQuery(
            solutionVersionARN: versionARN, datasetGroupARN: version.datasetGroupArn ?? "", userID: nil, itemID: nil,
            count: job.numResults ?? 25, exploration: job.batchInferenceJobConfig?.itemExplorationConfig ?? [:]
        )
        var plan = Plan(template: template, inputKind: recipe?.inputKind ?? .user)
        if let filterARN = job.filterArn {
            guard let filterRecord = try await resources.store.get(account: account, arn: filterARN),
                filterRecord.status == LifecycleStatus.active
            else { throw ServiceError(.invalidInput, "The filter \(filterARN) no longer exists or is not ACTIVE.") }
            let filter = try ResourceManager.decode(Filter.self, from: filterRecord)
            plan.filterExpression = filter.filterExpression ?? ""
            plan.filterSchemas = try await resources.filterSchemas(of: template.datasetGroupARN, account: account)
        }
        var current = template
        current.filter = plan.filterExpression.map { QueryFilter(expression: $0, values: [:], schemas: FilterSchemas()) }
        let loaded = try await engine.current(try await engine.load(template, account: account), for: current, account: account)
        if let expression = plan.filterExpression, let usersARN = loaded.usersARN,
            expression.range(of: "CurrentUser", options: .caseInsensitive) != nil
        {
            plan.users = try await engine.usersIndex(account: account, datasetARN: usersARN)
        }

        let objects = try await sources.objects(at: inputPath)
        guard objects.count == 1, let object = objects.first else {
            throw ServiceError(.invalidInput, "The input \(inputPath) must name exactly one JSON Lines file.")
        }
        var input: [UInt8] = []
        try await sources.read(object) { chunk in
            guard input.count + chunk.readableBytes <= Self.maxInputBytes else {
                throw ServiceError(.invalidInput, "The input \(inputPath) is larger than 1 GiB.")
            }
            input.append(contentsOf: chunk.readableBytesView)
        }
        let lines = Self.lines(of: input)
        var output: [UInt8] = []
        var errors = 0
        let engine = engine
        for start in stride(from: 0, to: lines.count, by: Self.chunkLines) {
            let chunk = Array(lines[start..<min(start + Self.chunkLines, lines.count)])
            let plan = plan
            let answered = try await pool.run { () -> ([UInt8], Int) in
                var out: [UInt8] = []
                var failed = 0
                for line in chunk {
                    if !Self.answerLine(line, plan: plan, loaded: loaded, engine: engine, account: account, into: &out) {
                        failed += 1
                    }
                }
                return (out, failed)
            }
            output.append(contentsOf: answered.0)
            errors += answered.1
        }
        let destination = Self.outputLocation(outputPath, input: inputPath)
        try await sources.write(output, to: destination)
        return Summary(lines: lines.count, errors: errors, output: destination)
    }

    /// `<output prefix>/<input file name>.out`, as AWS names batch output.
    static func outputLocation(_ outputPath: String, input: String) -> String {
        let name = input.split(separator: "/").last.map(String.init) ?? "input"
        return (outputPath.hasSuffix("/") ? outputPath : outputPath + "/") + name + ".out"
    }

    /// The non-blank lines of the input (CR LF or LF endings).
    static func lines(of bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for var line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { continue }
            lines.append(Array(line))
        }
        return lines
    }

    /// Answers one input line and appends its output line; false when the line got an error entry.
    static func answerLine(
        _ line: [UInt8], plan: Plan, loaded: ModelServer.Loaded, engine: ModelServer, account: AccountID,
        into out: inout [UInt8]
    ) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            let text = String(decoding: line, as: UTF8.self)
            writeLine(input: text, output: nil, error: "The line is not a JSON object.", into: &out)
            return false
        }
        do {
            var query = plan.template
            if let expression = plan.filterExpression, let schemas = plan.filterSchemas {
                var values: [String: String] = [:]
                if let given = object["filterValues"] {
                    guard let map = given as? [String: Any] else {
                        throw ServiceError(.invalidInput, "filterValues must be an object of strings.")
                    }
                    for (key, value) in map {
                        guard let text = value as? String else {
                            throw ServiceError(.invalidInput, "filterValues.\(key) must be a string.")
                        }
                        values[key] = text
                    }
                }
                query.filter = QueryFilter(expression: expression, values: values, schemas: schemas)
            }
            let items: [Recommendation]
            switch plan.inputKind {
            case .item:
                guard let itemID = object["itemId"] as? String, !itemID.isEmpty else {
                    throw ServiceError(.invalidInput, "This solution version recommends related items: the line needs an itemId string.")
                }
                query.itemID = itemID
                items = try engine.recommend(query, loaded: loaded, account: account)
            case .ranking:
                guard let userID = object["userId"] as? String, !userID.isEmpty else {
                    throw ServiceError(.invalidInput, "This solution version ranks items for a user: the line needs a userId string.")
                }
                guard let list = object["itemList"] as? [Any], let ids = list as? [String], !ids.isEmpty else {
                    throw ServiceError(.invalidInput, "This solution version ranks items: the line needs an itemList of item ID strings.")
                }
                guard ids.count <= 500 else {
                    throw ServiceError(.invalidInput, "itemList may hold at most 500 items; it held \(ids.count).")
                }
                query.userID = userID
                query.currentUser = plan.users?.attributes[userID] ?? .unknown
                items = try engine.rank(ids, for: query, loaded: loaded, account: account)
            default:
                guard let userID = object["userId"] as? String, !userID.isEmpty else {
                    throw ServiceError(.invalidInput, "This solution version recommends for users: the line needs a userId string.")
                }
                query.userID = userID
                query.currentUser = plan.users?.attributes[userID] ?? .unknown
                items = try engine.recommend(query, loaded: loaded, account: account)
            }
            writeLine(input: object, output: items, error: nil, into: &out)
            return true
        } catch {
            let message = (error as? ServiceError)?.message ?? "\(error)"
            writeLine(input: object, output: nil, error: message, into: &out)
            return false
        }
    }

    /// `{"input": …, "output": {"recommendedItems": […], "scores": […]} | null, "error": null | "…"}` and a newline.
    static func writeLine(input: Any, output: [Recommendation]?, error: String?, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"input":"#.utf8)
        if let data = try? JSONSerialization.data(withJSONObject: input, options: [.fragmentsAllowed, .sortedKeys]) {
            out.append(contentsOf: data)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","output":"#.utf8)
        if let output {
            out.append(contentsOf: #"{"recommendedItems":["#.utf8)
            for (index, item) in output.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendString(item.itemID, to: &out)
            }
            out.append(contentsOf: #"],"scores":["#.utf8)
            for (index, item) in output.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if let score = item.score, score.isFinite {
                    out.append(contentsOf: String(score).utf8)
                } else {
                    out.append(contentsOf: "null".utf8)
                }
            }
            out.append(contentsOf: "]}".utf8)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","error":"#.utf8)
        if let error {
            appendString(error, to: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: "}\n".utf8)
    }

    /// A JSON string literal.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): out.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
