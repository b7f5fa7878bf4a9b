import PersimmonFilters
import Testing

@Suite struct ParserTests {
    @Test("parses a chained filter into the expected tree")
    func goldenTree() throws {
        let expression = try FilterExpression.parse(
            #"INCLUDE ItemID WHERE Items.CATEGORY IN ("shoe", "boot") AND Items.PRICE > 15 OR Items.GENRE IN ($GENRE) IF CurrentUser.AGE >= 18 AND CurrentUser.GENDER = "F" | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE NOT IN ("*")"#,
            limits: FilterLimits(maximumDistinctFields: 10))
        #expect(expression.target == .itemID)
        #expect(expression.placeholders == ["GENRE"])
        #expect(
            expression.fields == [
                "Items.CATEGORY", "Items.PRICE", "Items.GENRE", "Users.AGE", "Users.GENDER", "Interactions.EVENT_TYPE",
            ])
        try #require(expression.clauses.count == 2)
        let include = expression.clauses[0]
        #expect(include.action == .include)
        #expect(include.position == 1)
        #expect(include.dataset == .items)
        try #require(include.disjuncts.count == 2)
        #expect(include.disjuncts[0].map(\.field) == ["CATEGORY", "PRICE"])
        #expect(include.disjuncts[0][0].predicate == .isIn(.strings(["shoe", "boot"])))
        #expect(include.disjuncts[0][1].predicate == .compare(.greater, .number(15)))
        #expect(include.disjuncts[1][0].predicate == .isIn(.parameter("GENRE")))
        #expect(include.guards.map(\.subject) == [.currentUser, .currentUser])
        #expect(include.guards[0].predicate == .compare(.greaterOrEqual, .number(18)))
        #expect(include.guards[1].predicate == .compare(.equal, .strings(["F"])))
        let exclude = expression.clauses[1]
        #expect(exclude.action == .exclude)
        #expect(exclude.dataset == .interactions)
        #expect(exclude.disjuncts == [[exclude.disjuncts[0][0]]])
        #expect(exclude.disjuncts[0][0].predicate == .notIn(["*"]))
        #expect(expression.usesInteractions)
        #expect(expression.usesCurrentUser)
        #expect(!expression.usesCurrentItem)
    }

    @Test("records 1-based positions of subjects, operators and operands")
    func positions() throws {
        let condition = try FilterExpression.parse("EXCLUDE ItemID WHERE Items.PRICE <= $PRICE").clauses[0].disjuncts[
            0][0]
        #expect(condition.position == 22)
        #expect(condition.operatorPosition == 34)
        #expect(condition.operandPosition == 37)
    }

    @Test(
        "keywords, dataset names, ItemID/UserID and CurrentUser are case-insensitive",
        arguments: [
            #"include itemid where items.GENRE in ("a") if currentuser.AGE > 1"#,
            #"Include ItemId Where Items.GENRE In ("a") If CURRENTUSER.AGE > 1"#,
            #"INCLUDE ITEMID WHERE ITEMS.GENRE IN ("a") IF CurrentUser.AGE > 1"#,
        ])
    func keywordCase(_ text: String) throws {
        let expression = try FilterExpression.parse(text)
        #expect(expression.description == #"INCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.AGE > 1"#)
    }

    @Test("renders a canonical description: upper-case keywords, double quotes, escapes, integral numbers")
    func canonicalDescription() throws {
        let expression = try FilterExpression.parse(
            #"include itemid where items.genre in ('a', "b\"c", 'd\\e')  or items.price<=-2.5 or items.price=1e3 if currentuser.age != 3"#
        )
        #expect(
            expression.description
                == #"INCLUDE ItemID WHERE Items.genre IN ("a", "b\"c", "d\\e") OR Items.price <= -2.5 OR Items.price = 1000 IF CurrentUser.age != 3"#
        )
        #expect(try FilterExpression.parse(expression.description).clauses == expression.clauses)
    }

    @Test("AND binds tighter than OR")
    func precedence() throws {
        let clause = try FilterExpression.parse(
            #"INCLUDE ItemID WHERE Items.A IN ("1") OR Items.B IN ("2") AND Items.C IN ("3") OR Items.D IN ("4")"#
        ).clauses[0]
        #expect(clause.disjuncts.map { $0.map(\.field) } == [["A"], ["B", "C"], ["D"]])
    }

    @Test("accepts whitespace of every kind between tokens and none around punctuation")
    func whitespace() throws {
        let compact = try FilterExpression.parse(
            #"EXCLUDE ItemID WHERE Items.GENRE IN("a","b")|INCLUDE ItemID WHERE Items.PRICE<5"#)
        let spread = try FilterExpression.parse(
            "\tEXCLUDE\nItemID  WHERE\r\nItems.GENRE IN ( \"a\" , \"b\" )\n|\nINCLUDE ItemID WHERE Items.PRICE < 5 ")
        #expect(compact.clauses == spread.clauses)
    }

    @Test("supports IN CurrentItem.FIELD without parentheses and comparisons with CurrentItem")
    func currentItem() throws {
        let expression = try FilterExpression.parse(
            "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND Items.GENRE IN CurrentItem.GENRE")
        #expect(expression.usesCurrentItem)
        #expect(expression.fields == ["Items.PRICE", "Items.GENRE"])
        let conditions = expression.clauses[0].disjuncts[0]
        #expect(conditions[0].predicate == .compare(.less, .currentItem("PRICE")))
        #expect(conditions[1].predicate == .isIn(.currentItem("GENRE")))
    }

    @Test("lists placeholders once each, in order of first appearance, case-sensitively")
    func placeholders() throws {
        let expression = try FilterExpression.parse(
            "INCLUDE ItemID WHERE Items.GENRE IN ($genre) AND Items.PRICE < $MAX | EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) OR Items.OWNER IN ($genre) IF CurrentUser.AGE > $MAX"
        )
        #expect(expression.placeholders == ["genre", "MAX", "GENRE"])
    }

    @Test("keeps an event type with a comma as one string, as written")
    func stringWithComma() throws {
        let condition = try FilterExpression.parse(
            #"INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click, rating")"#
        )
        .clauses[0].disjuncts[0][0]
        #expect(condition.predicate == .isIn(.strings(["click, rating"])))
    }

    @Test("parses every comparison operator", arguments: ["=", "!=", "<", "<=", ">", ">="])
    func comparisonOperators(_ symbol: String) throws {
        let expression = try FilterExpression.parse("INCLUDE ItemID WHERE Items.PRICE \(symbol) 7")
        guard case .compare(let comparison, .number(7)) = expression.clauses[0].disjuncts[0][0].predicate else {
            Issue.record("not a comparison with 7")
            return
        }
        #expect(comparison.description == symbol)
    }
}
