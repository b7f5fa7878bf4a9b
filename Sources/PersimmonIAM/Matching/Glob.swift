/// Pattern elements: `0...255` is a literal byte, ``anyCharacter`` is `?`, ``anySequence`` is `*`.
/// Substituted policy-variable values become literal bytes, so a `*` inside a tag value never acts
/// as a wildcard.
typealias PatternElement = UInt16

let anyCharacter: PatternElement = 256
let anySequence: PatternElement = 257
let colonElement = PatternElement(UInt8(ascii: ":"))

/// Converts text to pattern elements: `*` and `?` become wildcards when `wildcards` is true;
/// ASCII letters are lowercased when `lowercase` is true (actions compare case-insensitively).
func patternElements(_ text: String, wildcards: Bool, lowercase: Bool = false) -> [PatternElement] {
    var elements: [PatternElement] = []
    elements.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
        if wildcards && byte == UInt8(ascii: "*") {
            elements.append(anySequence)
        } else if wildcards && byte == UInt8(ascii: "?") {
            elements.append(anyCharacter)
        } else {
            elements.append(PatternElement(lowercase ? asciiLowercased(byte) : byte))
        }
    }
    return elements
}

@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
}

/// `text` lowercased; ASCII text takes a byte-level fast path (Unicode case mapping otherwise).
func lowercasedKey(_ text: String) -> String {
    var needsChange = false
    for byte in text.utf8 {
        if byte >= 0x80 { return text.lowercased() }
        if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { needsChange = true }
    }
    guard needsChange else { return text }
    return String(decoding: lowercasedASCIIBytes(text), as: UTF8.self)
}

/// ASCII-lowercased UTF-8 bytes of `text`.
func lowercasedASCIIBytes(_ text: String) -> [UInt8] {
    var bytes = Array(text.utf8)
    for index in bytes.indices { bytes[index] = asciiLowercased(bytes[index]) }
    return bytes
}

/// Index just past the UTF-8 scalar starting at `index` (so `?` and `*` step whole characters).
@inline(__always)
private func nextScalar(_ subject: [UInt8], _ index: Int, _ end: Int) -> Int {
    var next = index + 1
    while next < end, subject[next] & 0xC0 == 0x80 { next += 1 }
    return next
}

/// Matches `pattern[patternRange]` against `subject[subjectRange]`: `*` matches any run of characters
/// (including none), `?` exactly one character, everything else itself. Iterative with single-star
/// backtracking: O(pattern × subject) worst case, no recursion, no allocation.
func globMatches(
    _ pattern: [PatternElement], _ patternRange: Range<Int>, _ subject: [UInt8], _ subjectRange: Range<Int>
) -> Bool {
    var p = patternRange.lowerBound
    let pEnd = patternRange.upperBound
    var s = subjectRange.lowerBound
    let sEnd = subjectRange.upperBound
    var starP = -1
    var starS = 0
    while s < sEnd {
        if p < pEnd {
            let element = pattern[p]
            if element == anySequence {
                starP = p
                starS = s
                p += 1
                continue
            }
            if element == anyCharacter {
                s = nextScalar(subject, s, sEnd)
                p += 1
                continue
            }
            if element == PatternElement(subject[s]) {
                p += 1
                s += 1
                continue
            }
        }
        guard starP >= 0 else { return false }
        p = starP + 1
        starS = nextScalar(subject, starS, sEnd)
        s = starS
    }
    while p < pEnd, pattern[p] == anySequence { p += 1 }
    return p == pEnd
}

/// A compiled wildcard pattern with fast paths for the common shapes (`*`, exact text, `prefix*`).
struct Glob: Sendable, Hashable {
    private enum Shape: Sendable, Hashable {
        case everything
        case exact
        case prefix
        case general
    }

    let elements: [PatternElement]
    private let shape: Shape

    init(elements: [PatternElement]) {
        self.elements = elements
        let stars = elements.lazy.filter { $0 == anySequence }.count
        let questions = elements.lazy.filter { $0 == anyCharacter }.count
        if !elements.isEmpty && stars == elements.count {
            shape = .everything
        } else if stars == 0 && questions == 0 {
            shape = .exact
        } else if stars == 1 && questions == 0 && elements.last == anySequence {
            shape = .prefix
        } else {
            shape = .general
        }
    }

    init(_ text: String, wildcards: Bool = true, lowercase: Bool = false) {
        self.init(elements: patternElements(text, wildcards: wildcards, lowercase: lowercase))
    }

    var matchesEverything: Bool { shape == .everything }

    func matches(_ subject: [UInt8]) -> Bool {
        matches(subject, 0..<subject.count)
    }

    func matches(_ subject: [UInt8], _ range: Range<Int>) -> Bool {
        switch shape {
        case .everything:
            return true
        case .exact:
            guard range.count == elements.count else { return false }
            var s = range.lowerBound
            for element in elements {
                if element != PatternElement(subject[s]) { return false }
                s += 1
            }
            return true
        case .prefix:
            let prefixCount = elements.count - 1
            guard range.count >= prefixCount else { return false }
            var s = range.lowerBound
            for index in 0..<prefixCount {
                if elements[index] != PatternElement(subject[s]) { return false }
                s += 1
            }
            return true
        case .general:
            return globMatches(elements, 0..<elements.count, subject, range)
        }
    }
}
