#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Hand-written parsing and formatting of the two date forms SigV4 uses; no `DateFormatter`
/// (STYLE.md §3.3). Everything is UTC and whole seconds.
package enum SigV4Date {
    /// Parses `X-Amz-Date`'s ISO 8601 basic form, `YYYYMMDDTHHMMSSZ` (exactly 16 bytes).
    package static func parseAMZDate(_ text: some StringProtocol) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
            let year = digits(bytes, 0, 4), let month = digits(bytes, 4, 2), let day = digits(bytes, 6, 2),
            let hour = digits(bytes, 9, 2), let minute = digits(bytes, 11, 2), let second = digits(bytes, 13, 2)
        else { return nil }
        return makeDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Formats `date` (rounded down to the second) as `YYYYMMDDTHHMMSSZ`.
    package static func formatAMZDate(_ date: Date) -> String {
        let seconds = Int64((date.timeIntervalSince1970).rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civilFromDays(days)
        var out: [UInt8] = []
        out.reserveCapacity(16)
        appendDigits(year, width: 4, to: &out)
        appendDigits(month, width: 2, to: &out)
        appendDigits(day, width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(secondOfDay / 3600, width: 2, to: &out)
        appendDigits(secondOfDay / 60 % 60, width: 2, to: &out)
        appendDigits(secondOfDay % 60, width: 2, to: &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `text` is a valid `YYYYMMDD` calendar date.
    package static func isValidScopeDate(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 8, let year = digits(bytes, 0, 4), let month = digits(bytes, 4, 2),
            let day = digits(bytes, 6, 2)
        else { return false }
        return makeDate(year: year, month: month, day: day, hour: 0, minute: 0, second: 0) != nil
    }

    /// Parses an HTTP `Date` header: `[Day, ]DD Mon YYYY HH:MM:SS <zone>` where the zone is `GMT`,
    /// `UTC`, `Z`, `+0000` or `-0000` (IMF-fixdate, and what Python's `email.utils.formatdate` writes,
    /// which botocore uses when the caller set a `Date` header). Other zones are rejected.
    package static func parseHTTPDate(_ text: some StringProtocol) -> Date? {
        var fields = String(text).split(separator: " ", omittingEmptySubsequences: true)
        if let first = fields.first, first.hasSuffix(",") { fields.removeFirst() }
        guard fields.count == 5 else { return nil }
        let dayBytes = Array(fields[0].utf8)
        guard (1...2).contains(dayBytes.count), let day = digits(dayBytes, 0, dayBytes.count),
            let month = monthNumber(fields[1]),
            fields[2].utf8.count == 4, let year = digits(Array(fields[2].utf8), 0, 4)
        else { return nil }
        let time = Array(fields[3].utf8)
        guard time.count == 8, time[2] == UInt8(ascii: ":"), time[5] == UInt8(ascii: ":"),
            let hour = digits(time, 0, 2), let minute = digits(time, 3, 2), let second = digits(time, 6, 2)
        else { return nil }
        switch fields[4] {
        case "GMT", "UTC", "Z", "+0000", "-0000": break
        default: return nil
        }
        return makeDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    // MARK: Helpers

    private static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var remaining = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(remaining / divisor % 10))
            remaining %= divisor
            divisor /= 10
        }
    }

    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    private static func monthNumber(_ name: Substring) -> Int? {
        monthNames.firstIndex(of: String(name)).map { $0 + 1 }
    }

    private static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func makeDate(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...12).contains(month), (1...daysInMonth(month, year: year)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: Double(seconds))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    private static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
