#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The libm functions the recipes need, wrapped here so no other file imports the platform module.

@inline(__always) func power2(_ x: Double) -> Double { exp2(x) }
@inline(__always) func logarithm2(_ x: Double) -> Double { log2(x) }
@inline(__always) func naturalLog(_ x: Double) -> Double { log(x) }
@inline(__always) func power(_ x: Double, _ y: Double) -> Double { pow(x, y) }
