import PersimmonFilters
import Testing

/// A malformed expression and the exact error CreateFilter must return for it.
struct MalformedExpression: Sendable, CustomTestStringConvertible {
    var expression: String
    var code: FilterError.Code = .syntax
    var position: Int
    var detail: String

    var testDescription: String { expression.isEmpty ? "(empty)" : expression }
    var message: String { "Invalid filter expression at position \(position): \(detail)" }

    /// Positions are 1-based Unicode-scalar offsets; the comments count them.
    static let corpus: [MalformedExpression] = [
        .init(expression: "", position: 1, detail: "expected INCLUDE or EXCLUDE, found end of expression"),
        .init(expression: "   ", position: 4, detail: "expected INCLUDE or EXCLUDE, found end of expression"),
        .init(
            expression: #"INCLUDES ItemID WHERE Items.GENRE IN ("a")"#, position: 1,
            detail: #"expected INCLUDE or EXCLUDE, found "INCLUDES""#),
        .init(
            expression: #"INCLUDE Items WHERE Items.GENRE IN ("a")"#, position: 9,
            detail: #"expected ItemID or UserID after INCLUDE, found "Items""#),
        .init(
            expression: #"INCLUDE ActionID WHERE Items.GENRE IN ("a")"#, position: 9,
            detail: #"expected ItemID or UserID after INCLUDE, found "ActionID""#),
        .init(
            expression: "INCLUDE ItemID", position: 15, detail: "expected WHERE after ItemID, found end of expression"),
        .init(
            expression: #"EXCLUDE ItemID Items.GENRE IN ("a")"#, position: 16,
            detail: #"expected WHERE after ItemID, found "Items""#),
        .init(
            expression: #"INCLUDE ItemID WHERE GENRE IN ("a")"#, position: 22,
            detail: #"expected Items.FIELD, Users.FIELD or Interactions.FIELD after WHERE, found "GENRE""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items GENRE IN ("a")"#, position: 28,
            detail: #"expected "." after Items, found "GENRE""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.("a")"#, position: 28,
            detail: #"expected a field name after "Items.", found "(""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE LIKE ("a")"#, position: 34,
            detail: #"expected IN, NOT IN or a comparison after Items.GENRE, found "LIKE""#),
        .init(
            expression: "INCLUDE ItemID WHERE Items.PRICE ! 5", position: 34,
            detail: #"expected IN, NOT IN or a comparison after Items.PRICE, found "!""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE ∈ ("a")"#, position: 34,
            detail: #"expected IN, NOT IN or a comparison after Items.GENRE, found "∈""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE NOT ("a")"#, position: 38,
            detail: #"expected IN after NOT, found "(""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN "a""#, position: 37,
            detail: #"expected "(" after IN, found string "a""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ()"#, position: 38,
            detail: #"expected a quoted string or a $parameter in the IN list, found ")""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE NOT IN ()"#, position: 42,
            detail: #"expected a quoted string in the NOT IN list, found ")""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("a" "b")"#, position: 42,
            detail: #"expected "," or ")" in the IN list, found string "b""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("a",)"#, position: 42,
            detail: #"expected a quoted string after ",", found ")""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("a""#, position: 41,
            detail: #"expected "," or ")" in the IN list, found end of expression"#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("a)"#, position: 38,
            detail: #"the string that starts here has no closing ""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ('a)"#, position: 38,
            detail: "the string that starts here has no closing '"),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN (drama)"#, position: 38,
            detail: #"expected a quoted string or a $parameter in the IN list, found "drama""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN (1, 2)"#, position: 38,
            detail: #"expected a quoted string or a $parameter in the IN list, found "1""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ($G"#, position: 40,
            detail: #"expected ")" after $G, found end of expression"#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.PRICE < "10""#, position: 36,
            detail: #"expected a number or a $parameter after "<", found string "10""#),
        .init(
            expression: "INCLUDE ItemID WHERE Items.PRICE <", position: 35,
            detail: #"expected a number or a $parameter after "<", found end of expression"#),
        .init(
            expression: "INCLUDE ItemID WHERE Items.PRICE = abc", position: 36,
            detail: #"expected a number, a quoted string or a $parameter after "=", found "abc""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("a") AND"#, position: 46,
            detail: "expected Items.FIELD, Users.FIELD or Interactions.FIELD after AND, found end of expression"),
        // "café" is 6 scalars but 7 bytes: positions count scalars.
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("café") OR"#, position: 48,
            detail: "expected Items.FIELD, Users.FIELD or Interactions.FIELD after OR, found end of expression"),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("a") XOR Items.X IN ("b")"#, position: 43,
            detail: #"expected AND, OR, IF, "|" or end of expression after the condition, found "XOR""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("a") ; EXCLUDE ItemID WHERE Items.X IN ("b")"#,
            position: 43, detail: #"expected AND, OR, IF, "|" or end of expression after the condition, found ";""#),
        .init(
            expression: "INCLUDE UserID WHERE Users.AGE > 18 XOR", position: 37,
            detail: #"expected AND, OR, "|" or end of expression after the condition, found "XOR""#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("a") |"#, position: 44,
            detail: #"expected INCLUDE or EXCLUDE after "|", found end of expression"#),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("a") AND Interactions.EVENT_TYPE IN ("click")"#,
            position: 47,
            detail:
                #"Interactions fields cannot be combined with Items fields in one expression; chain a second expression with "|""#
        ),
        .init(
            expression: "INCLUDE ItemID WHERE Users.AGE > 18", position: 22,
            detail: "Users fields cannot be used in an ItemID expression; use IF CurrentUser.FIELD to test the user"),
        .init(
            expression: #"INCLUDE UserID WHERE Items.GENRE IN ("a")"#, position: 22,
            detail: "Items fields cannot be used in a UserID expression"),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("a") | EXCLUDE UserID WHERE Users.AGE < 3"#,
            position: 53,
            detail: "every expression of a filter must select the same kind; the first selects ItemID, this one UserID"),
        .init(
            expression: #"EXCLUDE ItemID WHERE Items.GENRE IN ("a") IF Users.AGE > 18"#, position: 46,
            detail: #"expected CurrentUser.FIELD after IF, found "Users""#),
        .init(
            expression: #"EXCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.AGE > 18 AND Items.PRICE < 5"#,
            position: 71, detail: #"expected CurrentUser.FIELD after AND, found "Items""#),
        .init(
            expression: #"EXCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.AGE > 18 OR CurrentUser.AGE < 10"#,
            position: 67, detail: #"IF conditions can only be joined with AND, found "OR""#),
        .init(
            expression: #"EXCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.AGE > 18 IF CurrentUser.AGE < 30"#,
            position: 67, detail: "an expression can have only one IF clause"),
        .init(
            expression: #"EXCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.AGE > 18 18"#, position: 67,
            detail: #"expected AND, "|" or end of expression after the IF condition, found "18""#),
        .init(
            expression: "INCLUDE ItemID WHERE CurrentUser.AGE > 18", position: 22,
            detail: "CurrentUser can only be used in an IF clause at the end of the expression"),
        .init(
            expression: "INCLUDE UserID WHERE Users.AGE > 18 IF CurrentUser.AGE > 18", position: 37,
            detail: "IF CurrentUser can only be used in ItemID expressions"),
        .init(
            expression: #"INCLUDE ItemID WHERE CurrentItem.GENRE IN ("a")"#, position: 22,
            detail: "CurrentItem can only be used as a value, e.g. Items.GENRE IN CurrentItem.GENRE"),
        .init(
            expression: "INCLUDE UserID WHERE Users.AGE < CurrentItem.AGE", position: 34,
            detail: "CurrentItem can only be compared with Items fields"),
        .init(
            expression: "INCLUDE ItemID WHERE Items.PRICE < 5 IF CurrentUser.AGE > CurrentItem.AGE", position: 59,
            detail: "CurrentItem cannot be used in an IF clause"),
        .init(
            expression: "EXCLUDE ItemID WHERE Items.GENRE NOT IN ($GENRE)", position: 42,
            detail: "placeholders cannot be used with NOT IN; use IN with the opposite action (INCLUDE or EXCLUDE)"),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("a", $G)"#, position: 43,
            detail: "a $parameter must be the only value in its IN list"),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ($G, "a")"#, position: 40,
            detail: "a $parameter must be the only value in its IN list"),
        .init(
            expression: "INCLUDE ItemID WHERE Items.GENRE IN ($)", position: 38,
            detail: #"expected a parameter name (letters, digits or _) after "$""#),
        .init(
            expression: "INCLUDE ItemID WHERE Items.GENRE IN ($\(String(repeating: "P", count: 51)))", position: 38,
            detail: "parameter names are at most 50 characters, found 51"),
        .init(
            expression: #"INCLUDE ItemID WHERE Items.GENRE IN ("*")"#, position: 38,
            detail: #""*" can only be used in Interactions.EVENT_TYPE lists"#),
        .init(
            expression: "EXCLUDE ItemID WHERE Interactions.EVENT_VALUE > 3", position: 35,
            detail: "only EVENT_TYPE can be used from the Interactions dataset, found Interactions.EVENT_VALUE"),
        .init(
            expression: #"EXCLUDE ItemID WHERE Interactions.EVENT_TYPE = "click""#, position: 46,
            detail: "Interactions.EVENT_TYPE can only be used with IN or NOT IN"),
    ]
}

@Suite struct MalformedExpressionTests {
    @Test("the corpus holds at least 30 malformed expressions")
    func corpusSize() {
        #expect(MalformedExpression.corpus.count >= 30)
    }

    @Test(
        "each malformed expression is rejected with its exact position and expectation",
        arguments: MalformedExpression.corpus)
    func rejects(_ example: MalformedExpression) throws {
        let error = try Catalogue.error { _ = try FilterExpression.parse(example.expression) }
        #expect(error.message == example.message)
        #expect(error.code == example.code)
        #expect(error.position == example.position)
        #expect(error.description == example.message)
    }
}
