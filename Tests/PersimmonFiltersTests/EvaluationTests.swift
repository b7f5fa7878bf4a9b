import PersimmonFilters
import Testing

@Suite struct EvaluationTests {
    @Test(
        "evaluates every operator on a numeric field; missing values never match",
        arguments: [
            ("=", [3]), ("!=", [0, 1, 2, 5]), ("<", [0, 1]), ("<=", [0, 1, 3]), (">", [2, 5]), (">=", [2, 3, 5]),
        ])
    func numericOperators(_ symbol: String, _ expected: [Int]) throws {
        #expect(try Catalogue.items("INCLUDE ItemID WHERE Items.PRICE \(symbol) 40") == expected)
        #expect(try Catalogue.items("INCLUDE ItemID WHERE Items.PRICE \(symbol) $P", values: ["P": "40"]) == expected)
    }

    @Test(
        "evaluates IN, NOT IN, = and != on string fields with exact, case-sensitive matching",
        arguments: [
            (#"Items.CATEGORY IN ("shoe", "book")"#, [0, 1, 4]),
            (#"Items.CATEGORY NOT IN ("shoe", "book")"#, [2, 3, 5]),
            (#"Items.GENRE IN ("drama")"#, [0, 2]),
            (#"Items.GENRE NOT IN ("drama")"#, [1, 3, 4, 5]),
            (#"Items.GENRE = "comedy""#, [1, 2]),
            (#"Items.GENRE != "comedy""#, [0, 3, 4, 5]),
            (#"Items.GENRE IN ("nothing")"#, []),
            (#"Items.ITEM_ID IN ("i1", "i4", "i9")"#, [1, 4]),
            (#"Items.GENRE = $G"#, [3]),
        ])
    func stringOperators(_ condition: String, _ expected: [Int]) throws {
        #expect(try Catalogue.items("INCLUDE ItemID WHERE \(condition)", values: ["G": #""horror""#]) == expected)
    }

    @Test("compares fractional and negative numbers")
    func fractionalNumbers() throws {
        #expect(try Catalogue.items("INCLUDE ItemID WHERE Items.PRICE <= 20.5") == [0, 1])
        #expect(try Catalogue.items("INCLUDE ItemID WHERE Items.PRICE > -1") == [0, 1, 2, 3, 5])
        #expect(try Catalogue.items("INCLUDE ItemID WHERE Items.PRICE < $P", values: ["P": "-0.5"]) == [])
    }

    @Test("AND binds tighter than OR when evaluating")
    func precedence() throws {
        let items = try Catalogue.items(
            #"INCLUDE ItemID WHERE Items.CATEGORY IN ("shoe") AND Items.PRICE > 15 OR Items.CATEGORY IN ("book")"#)
        #expect(items == [1, 4])
    }

    @Test("chaining: INCLUDEs union, EXCLUDEs union, the difference is taken in any order")
    func chaining() throws {
        let a = #"INCLUDE ItemID WHERE Items.CATEGORY IN ("shoe")"#
        let b = #"INCLUDE ItemID WHERE Items.OWNER IN ("partner")"#
        let c = #"EXCLUDE ItemID WHERE Items.PRICE > 30"#
        let d = #"EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")"#
        #expect(try Catalogue.items("\(a) | \(b)") == [0, 1, 3, 5])
        #expect(try Catalogue.items("\(c) | \(d)") == [0, 4])
        #expect(try Catalogue.items("\(a) | \(b) | \(c) | \(d)") == [0])
        #expect(try Catalogue.items("\(d) | \(c) | \(b) | \(a)") == [0])
        #expect(try Catalogue.items("\(c) | \(a)") == [0, 1])
    }

    @Test("an omitted EXCLUDE placeholder removes only its own condition")
    func omittedExcludePlaceholders() throws {
        // AND: the remaining condition still excludes.
        #expect(
            try Catalogue.items("EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) AND Items.PRICE > 30") == [0, 1, 4])
        // OR: the other branch still excludes.
        #expect(
            try Catalogue.items(
                "EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) OR Items.CATEGORY IN ($CATEGORY)",
                values: ["CATEGORY": #""book""#]) == [0, 1, 2, 3, 5])
        // Every condition removed: the expression is dropped.
        #expect(try Catalogue.items("EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE)") == [0, 1, 2, 3, 4, 5])
        #expect(
            try Catalogue.items(
                "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($E) | INCLUDE ItemID WHERE Items.PRICE < 45")
                == [0, 1, 3])
        // A blank value counts as omitted.
        #expect(
            try Catalogue.items("EXCLUDE ItemID WHERE Items.PRICE < $P", values: ["P": ""]) == [0, 1, 2, 3, 4, 5])
        // An omitted IF placeholder removes that IF condition: the exclusion applies to everyone.
        #expect(
            try Catalogue.items(#"EXCLUDE ItemID WHERE Items.CATEGORY IN ("shoe") IF CurrentUser.AGE > $AGE"#)
                == [2, 3, 4, 5])
        #expect(
            try Catalogue.items(
                #"EXCLUDE ItemID WHERE Items.CATEGORY IN ("shoe") IF CurrentUser.AGE > $AGE"#, values: ["AGE": "50"],
                user: Catalogue.user(age: 25)) == [0, 1, 2, 3, 4, 5])
    }

    @Test("IF CurrentUser: a false IF drops its expression; unknown users fail every IF but NOT IN and !=")
    func currentUser() throws {
        let include = #"INCLUDE ItemID WHERE Items.CATEGORY IN ("watch") IF CurrentUser.GENDER = "F""#
        #expect(try Catalogue.items(include, user: Catalogue.user(gender: "F")) == [2, 3, 5])
        #expect(try Catalogue.items(include, user: Catalogue.user(gender: "M")) == [0, 1, 2, 3, 4, 5])
        #expect(try Catalogue.items(include, user: .unknown) == [0, 1, 2, 3, 4, 5])

        let membership =
            #"EXCLUDE ItemID WHERE Items.PRICE > 100 IF CurrentUser.MEMBERSHIP_STATUS IN ("gold", "silver")"#
        #expect(
            try Catalogue.items(membership, user: Catalogue.user(membership: ["bronze", "silver"])) == [0, 1, 3, 4, 5])
        #expect(try Catalogue.items(membership, user: Catalogue.user(membership: ["bronze"])) == [0, 1, 2, 3, 4, 5])

        let notIn = #"EXCLUDE ItemID WHERE Items.PRICE > 100 IF CurrentUser.MEMBERSHIP_STATUS NOT IN ("gold")"#
        #expect(try Catalogue.items(notIn, user: .unknown) == [0, 1, 3, 4, 5])
        #expect(try Catalogue.items(notIn, user: Catalogue.user(membership: ["gold"])) == [0, 1, 2, 3, 4, 5])

        let parameter = #"EXCLUDE ItemID WHERE Items.PRICE > 100 IF CurrentUser.GENDER = $G AND CurrentUser.AGE >= $A"#
        let values = ["G": #""F","X""#, "A": "18"]
        #expect(
            try Catalogue.items(parameter, values: values, user: Catalogue.user(age: 18, gender: "X")) == [
                0, 1, 3, 4, 5,
            ])
        #expect(
            try Catalogue.items(parameter, values: values, user: Catalogue.user(age: 17, gender: "X")) == [
                0, 1, 2, 3, 4, 5,
            ])
        #expect(
            try Catalogue.items(parameter, values: values, user: Catalogue.user(gender: "F")) == [0, 1, 2, 3, 4, 5])
    }

    @Test("an INCLUDE whose IF is false is dropped, so the other INCLUDEs alone decide")
    func droppedInclude() throws {
        let text =
            #"INCLUDE ItemID WHERE Items.CATEGORY IN ("book") | INCLUDE ItemID WHERE Items.CATEGORY IN ("shoe") IF CurrentUser.AGE > 18"#
        #expect(try Catalogue.items(text, user: Catalogue.user(age: 30)) == [0, 1, 4])
        #expect(try Catalogue.items(text, user: Catalogue.user(age: 10)) == [4])
    }

    @Test("interactions: event types match case-insensitively; AND/OR combine item sets; NOT IN means another type")
    func interactions() throws {
        #expect(try Catalogue.items(#"INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("STREAM")"#) == [3])
        #expect(try Catalogue.items(#"INCLUDE ItemID WHERE Interactions.EVENT_TYPE NOT IN ("click")"#) == [1, 2, 3])
        #expect(try Catalogue.items(#"INCLUDE ItemID WHERE Interactions.EVENT_TYPE NOT IN ("*")"#) == [])
        #expect(
            try Catalogue.items(
                #"INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click") AND Interactions.EVENT_TYPE IN ("favorite")"#
            )
                == [1])
        #expect(
            try Catalogue.items(
                #"INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click") OR Interactions.EVENT_TYPE IN ("purchase")"#
            )
                == [1, 2])
        #expect(
            try Catalogue.items(#"INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($E)"#, values: ["E": #""*""#]) == [
                1, 2, 3,
            ])
        #expect(try Catalogue.items(#"INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")"#, history: .empty) == [])
    }

    @Test("only the newest 100 interactions per event type are visible, and case variants share the budget")
    func historyWindow() throws {
        var items = ItemAttributes(count: 300)
        items.setNumeric("PRICE", values: [Double?](repeating: 1, count: 300))
        let index = FilterIndex.build(items: items)
        var interactions: [UserHistory.Interaction] = []
        for item in 0..<150 {
            interactions.append(.init(itemIndex: item, eventType: item.isMultiple(of: 2) ? "click" : "CLICK"))
        }
        for item in 150..<160 { interactions.append(.init(itemIndex: item, eventType: "buy")) }
        interactions.append(.init(itemIndex: -1, eventType: "buy"))
        interactions.append(.init(itemIndex: 999, eventType: "buy"))
        let history = UserHistory(interactions)
        #expect(history.count == 112)
        let filter = try CompiledFilter.compile(
            FilterExpression.parse(#"INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("Click")"#),
            schemas: Catalogue.schemas,
            index: index)
        let mask = try filter.itemMask(filterValues: [:], history: history, currentUser: .unknown)
        #expect(mask.indices == Array(0..<100))
        let all = try CompiledFilter.compile(
            FilterExpression.parse(#"INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")"#),
            schemas: Catalogue.schemas,
            index: index)
        #expect(try all.itemMask(filterValues: [:], history: history, currentUser: .unknown).cardinality == 110)
        let narrow = UserHistory(interactions, limitPerEventType: 3)
        #expect(try filter.itemMask(filterValues: [:], history: narrow, currentUser: .unknown).indices == [0, 1, 2])
    }

    @Test("CurrentItem compares with the request's item; an item outside the catalogue has no values")
    func currentItem() throws {
        let text = "INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.GENRE"
        #expect(try Catalogue.items(text, currentItem: 1) == [1, 2])
        #expect(try Catalogue.items(text, currentItem: 4) == [])
        #expect(try Catalogue.items(text, currentItem: -1) == [])
        #expect(
            try Catalogue.items("EXCLUDE ItemID WHERE Items.GENRE = CurrentItem.GENRE", currentItem: 3) == [
                0, 1, 2, 4, 5,
            ])
        #expect(
            try Catalogue.items("INCLUDE ItemID WHERE Items.GENRE != CurrentItem.GENRE", currentItem: 3) == [
                0, 1, 2, 4, 5,
            ])
        #expect(
            try Catalogue.items("INCLUDE ItemID WHERE Items.PRICE >= CurrentItem.PRICE", currentItem: 3) == [2, 3, 5])
        #expect(try Catalogue.items("INCLUDE ItemID WHERE Items.PRICE >= CurrentItem.PRICE", currentItem: 4) == [])
        let error = try Catalogue.error { _ = try Catalogue.items(text) }
        #expect(error.code == .request)
        #expect(
            error.message
                == "Invalid filter request: the filter uses CurrentItem, so it can only be applied to related-items recommendations for an item"
        )
    }

    @Test("item filters and user-segment filters are not interchangeable")
    func targets() throws {
        let segment = try CompiledFilter.compile(
            FilterExpression.parse("INCLUDE UserID WHERE Users.AGE > 20"), schemas: Catalogue.schemas,
            index: Segments.index)
        let error = try Catalogue.error {
            _ = try segment.itemMask(filterValues: [:], history: .empty, currentUser: .unknown)
        }
        #expect(
            error.message
                == "Invalid filter request: the filter selects users (UserID) and cannot filter item recommendations")
        let items = try CompiledFilter.compile(
            FilterExpression.parse("INCLUDE ItemID WHERE Items.PRICE > 20"), schemas: Catalogue.schemas,
            index: Catalogue.index)
        let other = try Catalogue.error { _ = try items.bind([:]).userMask(interactions: Segments.interactions) }
        #expect(
            other.message == "Invalid filter request: the filter selects items (ItemID) and cannot filter user segments"
        )
    }

    @Test("dense values are stored as bitsets and sparse ones as lists, with the same results")
    func denseAndSparsePostings() throws {
        let count = 1_000
        var items = ItemAttributes(count: count)
        items.setCategorical(
            "GENRE", values: (0..<count).map { $0.isMultiple(of: 2) ? ["even"] : ($0 == 7 ? ["seven"] : []) })
        items.setNumeric("PRICE", values: (0..<count).map { Double($0 % 10) })
        let index = FilterIndex.build(items: items)
        let filter = try CompiledFilter.compile(
            FilterExpression.parse(
                #"INCLUDE ItemID WHERE Items.GENRE IN ("even", "seven") AND Items.PRICE < 3 | EXCLUDE ItemID WHERE Items.GENRE IN ($X)"#
            ),
            schemas: Catalogue.schemas, index: index)
        let mask = try filter.itemMask(filterValues: ["X": #""seven""#], history: .empty, currentUser: .unknown)
        #expect(mask.indices == (0..<count).filter { $0.isMultiple(of: 2) && $0 % 10 < 3 })
        #expect(mask.words.count == 16)
    }
}

@Suite struct FilterMaskTests {
    @Test("supports set operations and keeps bits past count clear")
    func operations() {
        var a = FilterMask(count: 70, indices: [0, 5, 64, 69, 70, -1])
        #expect(a.indices == [0, 5, 64, 69])
        #expect(a.contains(69) && !a.contains(70) && !a.contains(-1))
        let b = FilterMask(count: 70, indices: [5, 6, 69])
        var union = a
        union.formUnion(b)
        #expect(union.indices == [0, 5, 6, 64, 69])
        var intersection = a
        intersection.formIntersection(b)
        #expect(intersection.indices == [5, 69])
        a.subtract(b)
        #expect(a.indices == [0, 64])
        a.invert()
        #expect(a.cardinality == 68)
        #expect(!a.contains(0) && a.contains(1) && !a.contains(64) && a.contains(69))
        #expect(FilterMask.all(count: 70).cardinality == 70)
        #expect(FilterMask.all(count: 70).words[1] == (1 << 6) - 1)
        #expect(FilterMask(count: 0).isEmpty)
        var inserted = FilterMask(count: 3)
        inserted.insert(2)
        #expect(inserted.indices == [2])
    }
}
