#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsers for typed CSV values, straight from bytes (no `String` on the hot path).
///
/// Accepted syntax (no surrounding whitespace anywhere):
/// - `int`, `long`: an optional `+`/`-` and decimal digits, within the type's range.
/// - `float`, `double`: an optional sign, digits with an optional fraction (`12`, `1.5`, `.5`,
///   `5.`), an optional exponent (`1e9`, `2.5E-3`); the result must be finite.
/// - `boolean`: `true` or `false`, in any case.
enum ValueParsing {
    @inline(__always)
    static func int64(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let count = bytes.count
        guard count > 0, count <= 20 else { return nil }
        var index = 0
        var negative = false
        let first = bytes[0]
        if first == UInt8(ascii: "-") {
            negative = true
            index = 1
        } else if first == UInt8(ascii: "+") {
            index = 1
        }
        guard index < count else { return nil }
        var magnitude: UInt64 = 0
        while index < count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    @inline(__always)
    static func int32(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard let value = int64(bytes), let narrowed = Int32(exactly: value) else { return nil }
        return narrowed
    }

    static func boolean(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        // ASCII lower-casing by setting bit 0x20 is exact for letters and harmless here, since
        // the only accepted bytes are letters.
        switch bytes.count {
        case 4:
            let word = bytes.loadUnaligned(as: UInt32.self) | 0x2020_2020
            return word == 0x6575_7274 ? true : nil  // "true" little-endian
        case 5:
            let word = bytes.loadUnaligned(as: UInt32.self) | 0x2020_2020
            return word == 0x736C_6166 && bytes[4] | 0x20 == UInt8(ascii: "e") ? false : nil  // "fals" + "e"
        default:
            return nil
        }
    }

    /// Splits a decimal number into sign, up to 19 significant digits and a power of ten.
    /// `nil` when the syntax is not a plain decimal number.
    private struct Decimal {
        var negative: Bool
        var mantissa: UInt64
        var exponent: Int
        /// Whether more than 19 significant digits were present (mantissa is truncated).
        var truncated: Bool
    }

    @inline(__always)
    private static func decimal(_ bytes: UnsafeRawBufferPointer) -> Decimal? {
        let count = bytes.count
        guard count > 0 else { return nil }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        } else if bytes[0] == UInt8(ascii: "+") {
            index = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var significant = 0
        var exponent = 0
        var truncated = false
        while index < count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            digits += 1
            if mantissa == 0 && digit == 0 {
                // Leading zeros are not significant.
            } else if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                significant += 1
            } else {
                exponent += 1
                truncated = truncated || digit != 0
            }
            index += 1
        }
        if index < count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                digits += 1
                if mantissa == 0 && digit == 0 {
                    exponent -= 1
                } else if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    significant += 1
                    exponent -= 1
                } else {
                    truncated = truncated || digit != 0
                }
                index += 1
            }
        }
        guard digits > 0 else { return nil }
        if index < count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var value = 0
            var exponentDigits = 0
            while index < count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if value < 100_000 { value = value * 10 + Int(digit) }
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += exponentNegative ? -value : value
        }
        guard index == count else { return nil }
        return Decimal(negative: negative, mantissa: mantissa, exponent: exponent, truncated: truncated)
    }

    private static let powersOf10Double: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    private static let powersOf10Float: [Float] = (0...10).map { exponent in
        var value: Float = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// A finite `Double`, correctly rounded.
    static func double(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard let parts = decimal(bytes) else { return nil }
        // Clinger's fast path: both operands exact, so one IEEE operation rounds correctly.
        if !parts.truncated, parts.mantissa <= 1 << 53, parts.exponent >= -22, parts.exponent <= 22 {
            var value = Double(parts.mantissa)
            if parts.exponent < 0 {
                value /= powersOf10Double[-parts.exponent]
            } else {
                value *= powersOf10Double[parts.exponent]
            }
            return parts.negative ? -value : value
        }
        guard let value = libcParse(bytes, { strtod($0, nil) }), value.isFinite else { return nil }
        return value
    }

    /// A finite `Float`, correctly rounded.
    static func float(_ bytes: UnsafeRawBufferPointer) -> Float? {
        guard let parts = decimal(bytes) else { return nil }
        if !parts.truncated, parts.mantissa <= 1 << 24, parts.exponent >= -10, parts.exponent <= 10 {
            var value = Float(parts.mantissa)
            if parts.exponent < 0 {
                value /= powersOf10Float[-parts.exponent]
            } else {
                value *= powersOf10Float[parts.exponent]
            }
            return parts.negative ? -value : value
        }
        guard let value = libcParse(bytes, { strtof($0, nil) }), value.isFinite else { return nil }
        return value
    }

    /// Runs a C `strto*` function on a NUL-terminated copy of already-validated decimal syntax.
    private static func libcParse<T>(
        _ bytes: UnsafeRawBufferPointer,
        _ parse: (UnsafePointer<CChar>) -> T
    ) -> T? {
        guard bytes.count < 512 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
            buffer[bytes.count] = 0
            return parse(buffer.baseAddress!)
        }
    }
}
