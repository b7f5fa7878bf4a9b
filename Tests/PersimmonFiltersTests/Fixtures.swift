import PersimmonFilters
import Testing

/// A six-item catalogue, four users and one user's history, small enough to check every expected mask
/// by hand.
///
/// | index | ITEM_ID | GENRE          | CATEGORY | DESCRIPTION | PRICE | NUMBER_OF_DOWNLOADS | CREATION_TIMESTAMP | OWNER    |
/// |-------|---------|----------------|----------|-------------|-------|---------------------|--------------------|----------|
/// | 0     | i0      | drama          | shoe     | boot        | 10    | 5                   | 1000               | in-house |
/// | 1     | i1      | comedy         | shoe     | sandal      | 20    | 50                  | 2000               | partner  |
/// | 2     | i2      | drama, comedy  | watch    | luxury      | 300   | 15                  | 3000               | in-house |
/// | 3     | i3      | horror         | watch    | sport       | 40    | 100                 | 4000               | partner  |
/// | 4     | i4      | —              | book     | —           | —     | 25                  | 5000               | in-house |
/// | 5     | i5      | Drama          | watch    | luxury      | 50    | —                   | 6000               | partner  |
enum Catalogue {
    static let schemas = FilterSchemas(
        items: [
            "ITEM_ID": .string, "GENRE": .categorical, "CATEGORY": .categorical, "DESCRIPTION": .categorical,
            "PRICE": .double, "NUMBER_OF_DOWNLOADS": .int, "CREATION_TIMESTAMP": .long, "OWNER": .categorical,
            "SUMMARY": .textual, "IS_NEW": .boolean,
        ],
        users: [
            "USER_ID": .string, "AGE": .int, "MEMBERSHIP_STATUS": .categorical, "GENDER": .categorical,
        ],
        interactions: ["USER_ID": .string, "ITEM_ID": .string, "TIMESTAMP": .long, "EVENT_TYPE": .string])

    static let index: FilterIndex = {
        var items = ItemAttributes(ids: ["i0", "i1", "i2", "i3", "i4", "i5"])
        items.setCategorical("GENRE", values: [["drama"], ["comedy"], ["drama", "comedy"], ["horror"], [], ["Drama"]])
        items.setCategorical("CATEGORY", values: [["shoe"], ["shoe"], ["watch"], ["watch"], ["book"], ["watch"]])
        items.setCategorical(
            "DESCRIPTION", values: [["boot"], ["sandal"], ["luxury"], ["sport"], [], ["luxury"]])
        items.setCategorical(
            "OWNER", values: [["in-house"], ["partner"], ["in-house"], ["partner"], ["in-house"], ["partner"]])
        items.setNumeric("PRICE", values: [10, 20, 300, 40, nil, 50])
        items.setNumeric("NUMBER_OF_DOWNLOADS", values: [5, 50, 15, 100, 25, nil])
        items.setNumeric("CREATION_TIMESTAMP", values: [1000, 2000, 3000, 4000, 5000, 6000])
        return FilterIndex.build(items: items)
    }()

    /// Newest first: clicked i1, streamed i3, purchased i2, favourited i1.
    static let history = UserHistory([
        .init(itemIndex: 1, eventType: "click"),
        .init(itemIndex: 3, eventType: "Stream"),
        .init(itemIndex: 2, eventType: "purchase"),
        .init(itemIndex: 1, eventType: "favorite"),
    ])

    static func user(age: Double? = nil, gender: String? = nil, membership: [String] = []) -> CurrentUserAttributes {
        var categorical: [String: [String]] = ["MEMBERSHIP_STATUS": membership]
        if let gender { categorical["GENDER"] = [gender] }
        var numeric: [String: Double] = [:]
        if let age { numeric["AGE"] = age }
        return CurrentUserAttributes(categorical: categorical, numeric: numeric)
    }

    /// Parses, compiles against the catalogue, binds and evaluates; returns the member indices.
    static func items(
        _ text: String, values: [String: String] = [:], history: UserHistory = Catalogue.history,
        user: CurrentUserAttributes = .unknown, currentItem: Int? = nil
    ) throws -> [Int] {
        let expression = try FilterExpression.parse(text)
        let filter = try CompiledFilter.compile(expression, schemas: schemas, index: index)
        let mask = try filter.bind(values).itemMask(history: history, currentUser: user, currentItem: currentItem)
        #expect(mask.count == 6)
        return mask.indices
    }

    /// The error `body` throws, which must be a `FilterError`.
    static func error(_ body: () throws -> Void) throws -> FilterError {
        try #require(throws: FilterError.self) { try body() }
    }
}

/// Four users for segment filters: u0 (17, gold), u1 (30, silver), u2 (45, gold), u3 (no attributes).
enum Segments {
    static let index: FilterIndex = {
        var users = UserAttributes(ids: ["u0", "u1", "u2", "u3"])
        users.setNumeric("AGE", values: [17, 30, 45, nil])
        users.setCategorical("MEMBERSHIP_STATUS", values: [["gold"], ["silver"], ["gold"], []])
        return FilterIndex.build(users: users)
    }()

    /// u0 clicked, u1 rated and clicked ("Click"), u2 purchased; u3 has no interactions.
    static let interactions = SegmentInteractions(
        userCount: 4,
        interactions: [
            .init(userIndex: 0, eventType: "click"), .init(userIndex: 1, eventType: "rating"),
            .init(userIndex: 1, eventType: "Click"), .init(userIndex: 2, eventType: "purchase"),
        ])

    static func users(_ text: String, values: [String: String] = [:]) throws -> [Int] {
        let expression = try FilterExpression.parse(text)
        let filter = try CompiledFilter.compile(expression, schemas: Catalogue.schemas, index: index)
        return try filter.bind(values).userMask(interactions: interactions).indices
    }
}
