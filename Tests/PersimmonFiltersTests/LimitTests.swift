import PersimmonFilters
import Testing

@Suite struct LimitTests {
    /// An expression of exactly `length` characters.
    private func expression(length: Int) -> String {
        let prefix = #"INCLUDE ItemID WHERE Items.GENRE IN (""#
        let suffix = #"")"#
        return prefix + String(repeating: "x", count: length - prefix.count - suffix.count) + suffix
    }

    @Test("accepts 2,500 characters and rejects 2,501")
    func maximumLength() throws {
        _ = try FilterExpression.parse(expression(length: 2_500))
        let error = try Catalogue.error { _ = try FilterExpression.parse(expression(length: 2_501)) }
        #expect(error.code == .limitExceeded)
        #expect(
            error.message
                == "Invalid filter expression at position 2501: the expression is 2501 characters long; the maximum is 2500"
        )
    }

    @Test("counts length in Unicode scalars, not bytes")
    func lengthInScalars() throws {
        let prefix = #"INCLUDE ItemID WHERE Items.GENRE IN (""#
        let text = prefix + String(repeating: "é", count: 2_500 - prefix.count - 2) + #"")"#
        #expect(text.utf8.count > 2_500)
        _ = try FilterExpression.parse(text)
    }

    @Test("allows five distinct fields across chained expressions and rejects the sixth")
    func distinctFields() throws {
        let five =
            #"INCLUDE ItemID WHERE Items.A IN ("1") AND Items.b IN ("1") AND Items.B IN ("2") | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("x") | EXCLUDE ItemID WHERE Items.C < 3 IF CurrentUser.AGE > 3"#
        #expect(
            try FilterExpression.parse(five).fields == [
                "Items.A", "Items.B", "Interactions.EVENT_TYPE", "Items.C", "Users.AGE",
            ])
        let six = five + " AND CurrentUser.GENDER = \"F\""
        let error = try Catalogue.error { _ = try FilterExpression.parse(six) }
        #expect(error.code == .limitExceeded)
        #expect(
            error.message
                == "Invalid filter expression at position 199: a filter can use at most 5 distinct dataset fields; Users.GENDER is field number 6"
        )
    }

    @Test("counts CurrentItem fields as Items fields")
    func currentItemFields() throws {
        let expression = try FilterExpression.parse("INCLUDE ItemID WHERE Items.PRICE < CurrentItem.COST")
        #expect(expression.fields == ["Items.PRICE", "Items.COST"])
    }

    @Test("takes other limits when given")
    func customLimits() throws {
        let limits = FilterLimits(maximumLength: 40, maximumDistinctFields: 1)
        let error = try Catalogue.error {
            _ = try FilterExpression.parse(
                #"INCLUDE ItemID WHERE Items.A IN ("1") OR Items.B IN ("2")"#, limits: limits)
        }
        #expect(error.message.hasPrefix("Invalid filter expression at position 41: the expression is 57 characters"))
        _ = try FilterExpression.parse(#"INCLUDE ItemID WHERE Items.A IN ("1")"#, limits: limits)
    }

    @Test("accepts 50-character placeholder names")
    func parameterNameLength() throws {
        let name = String(repeating: "p", count: 50)
        #expect(try FilterExpression.parse("INCLUDE ItemID WHERE Items.GENRE IN ($\(name))").placeholders == [name])
    }
}
