/// Attribute values of every item of a catalogue (or every user of a Users dataset), by index
/// `0..<count`: the input of ``FilterIndex/build(items:)``.
///
/// Field names are matched case-insensitively (they are stored upper-cased). Categorical values are
/// the already-split categories (`"Action|Comedy"` → `["Action", "Comedy"]`); an empty array means
/// the value is missing. Numeric values are `nil` when missing.
package struct ItemAttributes: Sendable {
    package let count: Int
    /// The item (or user) IDs by index, when known: `Items.ITEM_ID` (`Users.USER_ID`) conditions
    /// match against them.
    package let ids: [String]?
    package private(set) var categorical: [String: [[String]]] = [:]
    package private(set) var numeric: [String: [Double?]] = [:]

    /// Attributes for `count` items with unknown IDs.
    package init(count: Int) {
        precondition(count >= 0, "negative count")
        self.count = count
        ids = nil
    }

    /// Attributes for the items `ids` (index `i` is `ids[i]`).
    package init(ids: [String]) {
        count = ids.count
        self.ids = ids
    }

    /// Sets a string field (categorical or plain): `values[i]` holds item `i`'s values.
    package mutating func setCategorical(_ field: String, values: [[String]]) {
        precondition(values.count == count, "\(field): \(values.count) values for \(count) items")
        categorical[asciiUppercased(field)] = values
    }

    /// Sets a numeric field (`int`, `long`, `float`, `double`): `values[i]` is item `i`'s value.
    package mutating func setNumeric(_ field: String, values: [Double?]) {
        precondition(values.count == count, "\(field): \(values.count) values for \(count) items")
        numeric[asciiUppercased(field)] = values
    }
}

/// Attribute values of every user of a Users dataset; the input of ``FilterIndex/build(users:)``.
package typealias UserAttributes = ItemAttributes

/// Per-catalogue precomputation for filters: for every (string field, value) the set of items holding
/// it, and for every numeric field the items sorted by value. Built once per catalogue version; a
/// request then costs a few word-wise ORs and ANDs plus binary searches.
///
/// A value's item set is stored as a bitset when it holds more than 1/32 of the catalogue (where a
/// bitset is smaller than a list of `UInt32`s) and as a sorted index list otherwise, so memory stays
/// proportional to the data even for high-cardinality fields.
package struct FilterIndex: Sendable {
    /// The number of items (or users).
    package let count: Int
    var categorical: [String: CategoricalColumn]
    var numeric: [String: NumericColumn]

    /// Indexes a catalogue. `Items.ITEM_ID` conditions use `items.ids` unless an `ITEM_ID` string field
    /// is set explicitly.
    package static func build(items: ItemAttributes) -> FilterIndex {
        FilterIndex(attributes: items, idField: "ITEM_ID")
    }

    /// Indexes a Users dataset for user-segment (`UserID`) filters. `Users.USER_ID` conditions use
    /// `users.ids` unless a `USER_ID` string field is set explicitly.
    package static func build(users: UserAttributes) -> FilterIndex {
        FilterIndex(attributes: users, idField: "USER_ID")
    }

    private init(attributes: ItemAttributes, idField: String) {
        count = attributes.count
        var categorical: [String: CategoricalColumn] = [:]
        for (field, values) in attributes.categorical {
            categorical[field] = CategoricalColumn(values: values)
        }
        if categorical[idField] == nil, let ids = attributes.ids {
            categorical[idField] = CategoricalColumn(values: ids.map { [$0] })
        }
        var numeric: [String: NumericColumn] = [:]
        for (field, values) in attributes.numeric {
            numeric[field] = NumericColumn(values: values)
        }
        self.categorical = categorical
        self.numeric = numeric
    }

    /// An empty mask over the indexed universe.
    func emptyMask() -> FilterMask { FilterMask(count: count) }
}

/// The items holding one value of one field.
enum Postings: Sendable {
    /// Sorted item indices (sparse values).
    case list([UInt32])
    /// `FilterMask.words` layout (dense values).
    case bitset([UInt64])

    /// Adds these items to `mask`.
    func add(to mask: inout FilterMask) {
        switch self {
        case .list(let items): mask.insert(list: items)
        case .bitset(let words): mask.orWords(words)
        }
    }
}

/// One string field: value → items, and item → values (for `CurrentItem`).
struct CategoricalColumn: Sendable {
    var postings: [String: Postings]
    /// Item `i`'s distinct values are `values[offsets[i]..<offsets[i + 1]]`.
    var offsets: [Int]
    var values: [String]

    init(values perItem: [[String]]) {
        let count = perItem.count
        var lists: [String: [UInt32]] = [:]
        var offsets: [Int] = []
        offsets.reserveCapacity(count + 1)
        var values: [String] = []
        offsets.append(0)
        for (item, itemValues) in perItem.enumerated() {
            let start = values.count
            for value in itemValues where !values[start...].contains(value) {
                values.append(value)
                lists[value, default: []].append(UInt32(item))
            }
            offsets.append(values.count)
        }
        let wordCount = (count + 63) >> 6
        var postings: [String: Postings] = [:]
        postings.reserveCapacity(lists.count)
        for (value, items) in lists {
            if items.count > max(count / 32, 1) {
                var mask = FilterMask(count: count)
                mask.insert(list: items)
                assert(mask.words.count == wordCount)
                postings[value] = .bitset(mask.words)
            } else {
                postings[value] = .list(items)
            }
        }
        self.postings = postings
        self.offsets = offsets
        self.values = values
    }

    /// Item `item`'s distinct values.
    func values(of item: Int) -> ArraySlice<String> {
        values[offsets[item]..<offsets[item + 1]]
    }
}

/// One numeric field: the items that have a value, sorted by value, and item → value.
struct NumericColumn: Sendable {
    var sortedValues: [Double]
    var sortedItems: [UInt32]
    /// Item `i`'s value, NaN when missing.
    var values: [Double]

    init(values perItem: [Double?]) {
        var values = [Double](repeating: .nan, count: perItem.count)
        var pairs: [(value: Double, item: UInt32)] = []
        pairs.reserveCapacity(perItem.count)
        for (item, value) in perItem.enumerated() {
            guard let value, !value.isNaN else { continue }
            values[item] = value
            pairs.append((value, UInt32(item)))
        }
        pairs.sort { $0.value < $1.value || ($0.value == $1.value && $0.item < $1.item) }
        sortedValues = pairs.map(\.value)
        sortedItems = pairs.map(\.item)
        self.values = values
    }

    /// Adds every item whose value satisfies `value op operand` to `mask`. Items without a value never
    /// match, not even `!=`.
    func add(_ comparison: FilterComparison, _ operand: Double, to mask: inout FilterMask) {
        guard !operand.isNaN else { return }
        let ranges: (Range<Int>, Range<Int>)
        switch comparison {
        case .less: ranges = (0..<lowerBound(operand), 0..<0)
        case .lessOrEqual: ranges = (0..<upperBound(operand), 0..<0)
        case .greater: ranges = (upperBound(operand)..<sortedItems.count, 0..<0)
        case .greaterOrEqual: ranges = (lowerBound(operand)..<sortedItems.count, 0..<0)
        case .equal: ranges = (lowerBound(operand)..<upperBound(operand), 0..<0)
        case .notEqual: ranges = (0..<lowerBound(operand), upperBound(operand)..<sortedItems.count)
        }
        mask.insert(items: sortedItems, ranges.0)
        mask.insert(items: sortedItems, ranges.1)
    }

    /// The first index whose value is `>= operand`.
    private func lowerBound(_ operand: Double) -> Int {
        var low = 0
        var high = sortedValues.count
        while low < high {
            let middle = (low + high) >> 1
            if sortedValues[middle] < operand { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The first index whose value is `> operand`.
    private func upperBound(_ operand: Double) -> Int {
        var low = 0
        var high = sortedValues.count
        while low < high {
            let middle = (low + high) >> 1
            if sortedValues[middle] <= operand { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension FilterMask {
    /// Sets the bit of `items[i]` for every `i` in `range`.
    mutating func insert(items: [UInt32], _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        items.withUnsafeBufferPointer { items in
            for index in range { insertUnchecked(Int(items[index])) }
        }
    }
}
