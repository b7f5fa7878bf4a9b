import PersimmonFilters
import Testing

/// One example from the AWS developer guide (filter-expression examples, combining expressions) with the
/// request it is evaluated for and the items expected on `Catalogue`.
struct DocumentedExample: Sendable, CustomTestStringConvertible {
    var expression: String
    var values: [String: String] = [:]
    var user: CurrentUserAttributes = .unknown
    var currentItem: Int? = nil
    var expected: [Int]

    var testDescription: String { expression }

    static let all: [DocumentedExample] = [
        // Item interaction data.
        .init(
            expression: #"EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($EVENT_TYPE)"#,
            values: ["EVENT_TYPE": #""CLICK""#], expected: [0, 2, 3, 4, 5]),
        .init(
            expression: #"EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")"#, expected: [0, 2, 4, 5]),
        .init(expression: #"INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")"#, expected: [1]),
        .init(expression: #"INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")"#, expected: [1, 2, 3]),
        // Item data.
        .init(
            expression: #"EXCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)"#, values: ["CATEGORY": #""watch""#],
            expected: [0, 1, 4]),
        .init(
            expression: #"EXCLUDE ItemID WHERE Items.CATEGORY IN ("shoe") AND Items.DESCRIPTION NOT IN ("boot")"#,
            expected: [0, 2, 3, 4, 5]),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.PRICE <= $PRICE"#, values: ["PRICE": "40"], expected: [0, 1, 3]),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.CREATION_TIMESTAMP < $DATE"#, values: ["DATE": "3000"],
            expected: [0, 1]),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)"#, values: ["GENRE": #""drama","horror""#],
            expected: [0, 2, 3]),
        .init(expression: #"INCLUDE ItemID WHERE Items.NUMBER_OF_DOWNLOADS < 20"#, expected: [0, 2]),
        .init(expression: #"INCLUDE ItemID WHERE Items.OWNER IN ("in-house")"#, expected: [0, 2, 4]),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND Items.GENRE IN CurrentItem.GENRE"#,
            currentItem: 2, expected: [0, 1]),
        // User data.
        .init(
            expression: #"EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE"#,
            values: ["GENRE": #""comedy""#, "AGE": "25"], user: Catalogue.user(age: 25), expected: [0, 3, 4, 5]),
        .init(
            expression: #"EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE"#,
            values: ["GENRE": #""comedy""#, "AGE": "30"], user: Catalogue.user(age: 25), expected: [0, 1, 2, 3, 4, 5]),
        .init(
            expression:
                #"EXCLUDE ItemID WHERE Items.NUMBER_OF_DOWNLOADS < 20 IF CurrentUser.AGE > 18 AND CurrentUser.AGE < 30"#,
            user: Catalogue.user(age: 25), expected: [1, 3, 4, 5]),
        .init(
            expression:
                #"EXCLUDE ItemID WHERE Items.NUMBER_OF_DOWNLOADS < 20 IF CurrentUser.AGE > 18 AND CurrentUser.AGE < 30"#,
            user: Catalogue.user(age: 40), expected: [0, 1, 2, 3, 4, 5]),
        .init(
            expression:
                #"INCLUDE ItemID WHERE Items.CATEGORY IN ("watch") AND Items.DESCRIPTION IN ("luxury") IF CurrentUser.AGE > 18"#,
            user: Catalogue.user(age: 25), expected: [2, 5]),
        .init(
            expression:
                #"INCLUDE ItemID WHERE Items.CATEGORY IN ("watch") AND Items.DESCRIPTION IN ("luxury") IF CurrentUser.AGE > 18"#,
            user: Catalogue.user(age: 16), expected: [0, 1, 2, 3, 4, 5]),
        // Combining expressions.
        .init(
            expression:
                #"INCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY) | INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("favorite")"#,
            values: ["CATEGORY": #""book""#], expected: [1, 4]),
        .init(
            expression:
                #"INCLUDE ItemID WHERE Items.GENRE IN ($GENRE) | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")"#,
            values: ["GENRE": #""drama","comedy""#], expected: [0, 2]),
    ]
}

@Suite struct DocumentedExampleTests {
    @Test("each documented item example parses and evaluates on the sample catalogue", arguments: DocumentedExample.all)
    func itemExample(_ example: DocumentedExample) throws {
        let items = try Catalogue.items(
            example.expression, values: example.values, user: example.user, currentItem: example.currentItem)
        #expect(items == example.expected)
    }

    @Test(
        "each documented user-segment example parses and evaluates on the sample users",
        arguments: [
            (#"INCLUDE UserID WHERE Users.MEMBERSHIP_STATUS IN ($MEMBERSHIP)"#, ["MEMBERSHIP": #""gold""#], [0, 2]),
            (#"EXCLUDE UserID WHERE Users.AGE < $AGE"#, ["AGE": "18"], [1, 2, 3]),
            (#"INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click", "rating")"#, [:], [0, 1]),
            (
                #"EXCLUDE UserID WHERE Interactions.EVENT_TYPE IN ($EVENT_TYPE)"#, ["EVENT_TYPE": #""purchase""#],
                [0, 1, 3]
            ),
            (#"INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("*")"#, [:], [0, 1, 2]),
            (#"INCLUDE UserID WHERE Interactions.EVENT_TYPE NOT IN ("click")"#, [:], [1, 2]),
            (#"INCLUDE UserID WHERE Users.USER_ID IN ("u1", "u3")"#, [:], [1, 3]),
        ] as [(String, [String: String], [Int])])
    func segmentExample(_ text: String, _ values: [String: String], _ expected: [Int]) throws {
        #expect(try Segments.users(text, values: values) == expected)
    }

    @Test("the documented examples round-trip through their canonical description", arguments: DocumentedExample.all)
    func canonicalRoundTrip(_ example: DocumentedExample) throws {
        let expression = try FilterExpression.parse(example.expression)
        let reparsed = try FilterExpression.parse(expression.description)
        #expect(reparsed.clauses == expression.clauses)
        #expect(reparsed.description == expression.description)
    }
}
