#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The model artifact: a versioned little-endian binary file.
///
/// ```
/// offset 0   "PSMNMODL"                      8-byte magic
///        8   UInt32 format version (1)
///       12   UInt32 header length H
///       16   H bytes of JSON: recipe, seed, item count, hyperparameters, scalars, and the array directory
///            (name, type f32|i32|i64|u8, element count, offset from the data start)
///            zero padding to a multiple of 64: the data start
///            each array's raw little-endian elements, each padded with zeros to a multiple of 64 bytes
///            UInt64 checksum of every preceding byte (FNV-1a over 64-bit words, then a SplitMix finaliser)
///            "PSMNEND\0"
/// ```
/// The item ID dictionary is two arrays: `item_id_offsets` (i64, count + 1) and `item_id_bytes` (UTF-8).
/// `write(to:)` writes a temporary file in the same directory, fsyncs it, renames it over `path` and fsyncs the
/// directory, so readers see the old or the new model, never a torn one.
package enum ModelArtifact {
    package static let formatVersion: UInt32 = 1
    static let magic = Array("PSMNMODL".utf8)
    static let endMagic = Array("PSMNEND\0".utf8)
    static let maximumHeaderLength: UInt32 = 16 << 20

    struct ArrayEntry: Codable, Equatable {
        var name: String
        var type: String
        var count: Int
        var offset: Int
    }

    struct Header: Codable {
        var recipe: String
        var seed: String
        var itemCount: Int
        var hyperparameters: [String: String]
        var scalars: [String: String]
        var arrays: [ArrayEntry]
    }

    enum Column {
        case f32([Float])
        case i32([Int32])
        case i64([Int64])
        case u8([UInt8])

        var typeName: String {
            switch self {
            case .f32: "f32"
            case .i32: "i32"
            case .i64: "i64"
            case .u8: "u8"
            }
        }

        var count: Int {
            switch self {
            case .f32(let a): a.count
            case .i32(let a): a.count
            case .i64(let a): a.count
            case .u8(let a): a.count
            }
        }

        static func byteWidth(_ type: String) -> Int? {
            switch type {
            case "f32", "i32": 4
            case "i64": 8
            case "u8": 1
            default: nil
            }
        }
    }

    @inline(__always)
    static func padded(_ n: Int) -> Int { (n + 63) & ~63 }
}

extension TrainedModel {
    /// Writes the model atomically to `path` (temp file + fsync + rename + directory fsync).
    package func write(to path: String) throws(RecipeError) {
        #if _endian(big)
        throw RecipeError(.unsupported, "artifacts are little-endian; big-endian hosts are not supported")
        #else
        var columns = [(String, ModelArtifact.Column)]()
        var scalars = [String: String]()
        if !itemIDs.isEmpty {
            var offsets = [Int64](repeating: 0, count: itemIDs.count + 1)
            var bytes = [UInt8]()
            for (k, id) in itemIDs.enumerated() {
                bytes.append(contentsOf: id.utf8)
                offsets[k + 1] = Int64(bytes.count)
            }
            columns.append(("item_id_offsets", .i64(offsets)))
            columns.append(("item_id_bytes", .u8(bytes)))
        }
        switch payload {
        case .popularity(let model), .trending(let model):
            columns.append(("scores", .f32(model.scores)))
        case .sims(let model):
            columns.append(("popularity", .f32(model.popularity)))
            Self.appendNeighbours(model.neighbours, to: &columns)
        case .factors(let model):
            scalars["factors"] = String(model.factors)
            columns.append(("item_factors", .f32(model.itemFactors.storage)))
            columns.append(("gram", .f32(model.gram)))
            columns.append(("popularity", .f32(model.popularity)))
            columns.append(("item_created", .i64(model.itemCreated)))
            Self.appendNeighbours(model.neighbours, to: &columns)
        }
        var entries = [ModelArtifact.ArrayEntry]()
        var offset = 0
        for (name, column) in columns {
            let bytes = column.count * ModelArtifact.Column.byteWidth(column.typeName)!
            entries.append(.init(name: name, type: column.typeName, count: column.count, offset: offset))
            offset += ModelArtifact.padded(bytes)
        }
        let header = ModelArtifact.Header(
            recipe: recipe.rawValue,
            seed: String(seed),
            itemCount: itemCount,
            hyperparameters: hyperparameters,
            scalars: scalars,
            arrays: entries
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json: [UInt8]
        do {
            json = Array(try encoder.encode(header))
        } catch {
            throw RecipeError(.io, "cannot encode the artifact header")
        }

        let temporary = path + ".tmp-\(getpid())"
        var output = try ArtifactOutput(path: temporary)
        do throws(RecipeError) {
            var prefix = ModelArtifact.magic
            withUnsafeBytes(of: ModelArtifact.formatVersion.littleEndian) { prefix.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(json.count).littleEndian) { prefix.append(contentsOf: $0) }
            prefix.append(contentsOf: json)
            prefix.append(contentsOf: [UInt8](repeating: 0, count: ModelArtifact.padded(prefix.count) - prefix.count))
            try output.write(prefix)
            for (_, column) in columns {
                switch column {
                case .f32(let a): try output.write(a)
                case .i32(let a): try output.write(a)
                case .i64(let a): try output.write(a)
                case .u8(let a): try output.write(a)
                }
                let bytes = column.count * ModelArtifact.Column.byteWidth(column.typeName)!
                try output.write([UInt8](repeating: 0, count: ModelArtifact.padded(bytes) - bytes))
            }
            var trailer = [UInt8]()
            withUnsafeBytes(of: output.checksum.value.littleEndian) { trailer.append(contentsOf: $0) }
            trailer.append(contentsOf: ModelArtifact.endMagic)
            try output.write(trailer)
            try output.synchronizeAndClose()
        } catch {
            output.closeQuietly()
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw RecipeError(.io, "cannot rename the artifact into place (errno \(code))")
        }
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let directoryDescriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        #endif
    }

    private static func appendNeighbours(_ index: NeighbourIndex, to columns: inout [(String, ModelArtifact.Column)]) {
        columns.append(("neighbour_starts", .i64(index.starts.map { Int64($0) })))
        columns.append(("neighbour_items", .i32(index.neighbours)))
        columns.append(("neighbour_scores", .f32(index.scores)))
    }

    /// Reads and validates an artifact written by `write(to:)`.
    package static func load(from path: String) throws(RecipeError) -> TrainedModel {
        #if _endian(big)
        throw RecipeError(.unsupported, "artifacts are little-endian; big-endian hosts are not supported")
        #else
        var input = try ArtifactInput(path: path)
        defer { input.close() }
        let prefix: [UInt8] = try input.read(count: 16)
        guard Array(prefix[0..<8]) == ModelArtifact.magic else {
            throw RecipeError(.invalidArtifact, "not a Persimmon model artifact")
        }
        let version = prefix.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self) }
        guard UInt32(littleEndian: version) == ModelArtifact.formatVersion else {
            throw RecipeError(.invalidArtifact, "unsupported artifact format version \(UInt32(littleEndian: version))")
        }
        let headerLength = UInt32(
            littleEndian: prefix.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self) }
        )
        guard headerLength <= ModelArtifact.maximumHeaderLength else {
            throw RecipeError(.invalidArtifact, "artifact header too large")
        }
        let json: [UInt8] = try input.read(count: Int(headerLength))
        let header: ModelArtifact.Header
        do {
            header = try JSONDecoder().decode(ModelArtifact.Header.self, from: Data(json))
        } catch {
            throw RecipeError(.invalidArtifact, "artifact header is not valid JSON")
        }
        let dataStart = ModelArtifact.padded(16 + Int(headerLength))
        try input.skip(dataStart - 16 - Int(headerLength))
        guard let recipe = Recipe(rawValue: header.recipe), let seed = UInt64(header.seed), header.itemCount >= 0
        else {
            throw RecipeError(.invalidArtifact, "artifact header names an unknown recipe or a bad seed")
        }
        var columns = [String: ModelArtifact.Column]()
        var position = 0
        for entry in header.arrays {
            guard let width = ModelArtifact.Column.byteWidth(entry.type), entry.count >= 0,
                entry.count <= Int.max / 16, entry.offset == position, columns[entry.name] == nil
            else {
                throw RecipeError(.invalidArtifact, "artifact array directory is inconsistent")
            }
            let column: ModelArtifact.Column
            switch entry.type {
            case "f32": column = .f32(try input.readArray(of: Float.self, count: entry.count))
            case "i32": column = .i32(try input.readArray(of: Int32.self, count: entry.count))
            case "i64": column = .i64(try input.readArray(of: Int64.self, count: entry.count))
            default: column = .u8(try input.readArray(of: UInt8.self, count: entry.count))
            }
            let bytes = entry.count * width
            try input.skip(ModelArtifact.padded(bytes) - bytes)
            position += ModelArtifact.padded(bytes)
            columns[entry.name] = column
        }
        let expected = input.checksum.value
        let trailer: [UInt8] = try input.read(count: 16)
        let stored = UInt64(littleEndian: trailer.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        guard Array(trailer[8..<16]) == ModelArtifact.endMagic, stored == expected else {
            throw RecipeError(.invalidArtifact, "artifact checksum mismatch (truncated or corrupt)")
        }
        guard try input.atEnd() else { throw RecipeError(.invalidArtifact, "trailing bytes after the artifact") }

        let n = header.itemCount
        var decoder = ArtifactColumns(columns: columns, itemCount: n)
        var itemIDs = [String]()
        if columns["item_id_offsets"] != nil {
            let offsets = try decoder.i64("item_id_offsets", count: n + 1)
            let bytes = try decoder.u8("item_id_bytes")
            guard offsets.first == 0, offsets.last == Int64(bytes.count),
                zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 })
            else {
                throw RecipeError(.invalidArtifact, "item ID dictionary is inconsistent")
            }
            itemIDs.reserveCapacity(n)
            for k in 0..<n {
                itemIDs.append(String(decoding: bytes[Int(offsets[k])..<Int(offsets[k + 1])], as: UTF8.self))
            }
        }
        var reader = HyperparameterReader(recipe: recipe, values: header.hyperparameters)
        let payload: Payload
        switch recipe {
        case .popularityCount:
            payload = .popularity(PopularityModel(scores: try decoder.f32("scores", count: n)))
        case .trendingNow:
            payload = .trending(PopularityModel(scores: try decoder.f32("scores", count: n)))
        case .sims, .similarItems:
            var model = SIMSModel(
                neighbours: try decoder.neighbours(),
                popularity: try decoder.f32("popularity", count: n),
                historyLength: 0,
                recencyHalfLife: 0
            )
            try model.readServing(&reader)
            payload = .sims(model)
        case .userPersonalization, .personalizedRanking:
            guard let f = header.scalars["factors"].flatMap({ Int($0) }), f > 0, f <= 4096 else {
                throw RecipeError(.invalidArtifact, "artifact lacks a valid factor count")
            }
            var model = FactorModel(
                itemFactors: Matrix(rows: n, columns: f, storage: try decoder.f32("item_factors", count: n * f)),
                gram: try decoder.f32("gram", count: f * f),
                regularization: Float(try reader.double("regularization")),
                alpha: Float(try reader.double("alpha")),
                neighbours: try decoder.neighbours(),
                popularity: try decoder.f32("popularity", count: n),
                itemCreated: try decoder.i64("item_created", count: n),
                recencyMask: true,
                recencyHalfLife: 0,
                maxHistoryLength: try reader.int("max_history_length"),
                sequenceWeight: 0,
                sequenceLength: 0
            )
            try model.readServing(&reader)
            payload = .factors(model)
        }
        return TrainedModel(
            recipe: recipe,
            hyperparameters: header.hyperparameters,
            seed: seed,
            itemIDs: itemIDs,
            itemCount: n,
            payload: payload
        )
        #endif
    }
}

/// Typed, validated access to the arrays of a loaded artifact.
private struct ArtifactColumns {
    var columns: [String: ModelArtifact.Column]
    let itemCount: Int

    private func missing(_ name: String) -> RecipeError {
        RecipeError(.invalidArtifact, "artifact array \(name) is missing or has the wrong type or size")
    }

    mutating func f32(_ name: String, count: Int? = nil) throws(RecipeError) -> [Float] {
        guard case .f32(let a) = columns.removeValue(forKey: name), count == nil || a.count == count else {
            throw missing(name)
        }
        return a
    }

    mutating func i32(_ name: String, count: Int? = nil) throws(RecipeError) -> [Int32] {
        guard case .i32(let a) = columns.removeValue(forKey: name), count == nil || a.count == count else {
            throw missing(name)
        }
        return a
    }

    mutating func i64(_ name: String, count: Int? = nil) throws(RecipeError) -> [Int64] {
        guard case .i64(let a) = columns.removeValue(forKey: name), count == nil || a.count == count else {
            throw missing(name)
        }
        return a
    }

    mutating func u8(_ name: String) throws(RecipeError) -> [UInt8] {
        guard case .u8(let a) = columns.removeValue(forKey: name) else { throw missing(name) }
        return a
    }

    mutating func neighbours() throws(RecipeError) -> NeighbourIndex {
        let starts = try i64("neighbour_starts", count: itemCount + 1)
        let items = try i32("neighbour_items")
        let scores = try f32("neighbour_scores", count: items.count)
        guard starts.first == 0, starts.last == Int64(items.count),
            zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }),
            items.allSatisfy({ $0 >= 0 && Int($0) < itemCount })
        else {
            throw RecipeError(.invalidArtifact, "neighbour lists are inconsistent")
        }
        return NeighbourIndex(starts: starts.map { Int($0) }, neighbours: items, scores: scores)
    }
}

/// FNV-1a over little-endian 64-bit words (a trailing partial word zero-padded), then a SplitMix64 finaliser.
struct ArtifactChecksum {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325
    private var pending: UInt64 = 0
    private var pendingBytes = 0
    private var length: UInt64 = 0

    @inline(__always)
    private mutating func mix(_ word: UInt64) { state = (state ^ word) &* 0x0000_0100_0000_01B3 }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        length &+= UInt64(count)
        var i = 0
        while pendingBytes != 0 && i < count {
            pending |= UInt64(bytes[i]) << UInt64(8 * pendingBytes)
            pendingBytes += 1
            i += 1
            if pendingBytes == 8 {
                mix(pending)
                pending = 0
                pendingBytes = 0
            }
        }
        while i + 8 <= count {
            mix(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        while i < count {
            pending |= UInt64(bytes[i]) << UInt64(8 * pendingBytes)
            pendingBytes += 1
            i += 1
        }
    }

    var value: UInt64 {
        var s = state
        if pendingBytes > 0 { s = (s ^ pending) &* 0x0000_0100_0000_01B3 }
        s ^= length
        s = (s ^ (s >> 30)) &* 0xBF58_476D_1CE4_E5B9
        s = (s ^ (s >> 27)) &* 0x94D0_49BB_1331_11EB
        return s ^ (s >> 31)
    }
}

private struct ArtifactOutput {
    private var descriptor: Int32
    var checksum = ArtifactChecksum()

    init(path: String) throws(RecipeError) {
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw RecipeError(.io, "cannot create \(path) (errno \(errno))") }
    }

    mutating func write<T: BitwiseCopyable>(_ elements: [T]) throws(RecipeError) {
        let failure = elements.withUnsafeBytes { raw in writeBytes(raw) }
        if let failure { throw failure }
    }

    private mutating func writeBytes(_ bytes: UnsafeRawBufferPointer) -> RecipeError? {
        checksum.update(bytes)
        var done = 0
        while done < bytes.count {
            let n = systemWrite(descriptor, bytes.baseAddress! + done, min(bytes.count - done, 1 << 30))
            if n < 0 {
                if errno == EINTR { continue }
                return RecipeError(.io, "write failed (errno \(errno))")
            }
            done += n
        }
        return nil
    }

    mutating func synchronizeAndClose() throws(RecipeError) {
        guard fsync(descriptor) == 0 else { throw RecipeError(.io, "fsync failed (errno \(errno))") }
        guard close(descriptor) == 0 else { throw RecipeError(.io, "close failed (errno \(errno))") }
        descriptor = -1
    }

    mutating func closeQuietly() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }
}

private struct ArtifactInput {
    private var descriptor: Int32
    var checksum = ArtifactChecksum()

    init(path: String) throws(RecipeError) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw RecipeError(.io, "cannot open \(path) (errno \(errno))") }
    }

    mutating func close() {
        if descriptor >= 0 { _ = systemClose(descriptor) }
        descriptor = -1
    }

    private mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(RecipeError) {
        var done = 0
        while done < buffer.count {
            let n = systemRead(descriptor, buffer.baseAddress! + done, min(buffer.count - done, 1 << 30))
            if n < 0 {
                if errno == EINTR { continue }
                throw RecipeError(.io, "read failed (errno \(errno))")
            }
            if n == 0 { throw RecipeError(.invalidArtifact, "artifact is truncated") }
            done += n
        }
        checksum.update(UnsafeRawBufferPointer(buffer))
    }

    mutating func read(count: Int) throws(RecipeError) -> [UInt8] {
        try readArray(of: UInt8.self, count: count)
    }

    mutating func readArray<T: BitwiseCopyable>(of type: T.Type, count: Int) throws(RecipeError) -> [T] {
        if count == 0 { return [] }
        var failure: RecipeError?
        let result = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(RecipeError) {
                try fill(UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return result
    }

    mutating func skip(_ count: Int) throws(RecipeError) {
        if count > 0 { _ = try read(count: count) }
    }

    func atEnd() throws(RecipeError) -> Bool {
        var byte: UInt8 = 0
        let n = systemRead(descriptor, &byte, 1)
        if n < 0 { throw RecipeError(.io, "read failed (errno \(errno))") }
        return n == 0
    }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }

@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

@inline(__always)
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
