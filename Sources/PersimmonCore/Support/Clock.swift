#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The wall clock, injected so tests control time.
package protocol WallClock: Sendable {
    func now() -> Date
}

/// The real clock.
package struct SystemWallClock: WallClock {
    package init() {}
    package func now() -> Date { Date() }
}

extension Date {
    /// Milliseconds since 1970, the unit of every time column.
    package var epochMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    package init(epochMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(epochMilliseconds) / 1000)
    }
}
