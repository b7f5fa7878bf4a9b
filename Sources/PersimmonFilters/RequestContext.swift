/// The recent interactions of the user a recommendation request is for, newest first, as
/// `Interactions.EVENT_TYPE` conditions see them.
///
/// Only the newest ``defaultLimitPerEventType`` interactions per event type are kept (AWS: "up to 100
/// of the most recent interactions per user per event type"); event types are compared
/// case-insensitively, so `Click` and `click` share one budget.
package struct UserHistory: Sendable, Hashable {
    /// One interaction: the catalogue index of its item and its event type.
    package struct Interaction: Sendable, Hashable {
        package var itemIndex: Int
        package var eventType: String

        package init(itemIndex: Int, eventType: String) {
            self.itemIndex = itemIndex
            self.eventType = eventType
        }
    }

    /// AWS's default per-event-type window.
    package static let defaultLimitPerEventType = 100

    /// No interactions (an anonymous or new user).
    package static let empty = UserHistory([])

    /// Visible item indices, newest first.
    private(set) var itemIndices: [Int] = []
    /// Lower-cased event type of each visible interaction.
    private(set) var eventTypes: [String] = []

    /// - Parameters:
    ///   - interactions: The user's interactions, newest first. Items outside the catalogue (negative
    ///     indices) are skipped by evaluation.
    ///   - limitPerEventType: How many interactions of each event type are visible.
    package init(_ interactions: [Interaction], limitPerEventType: Int = UserHistory.defaultLimitPerEventType) {
        var seen: [String: Int] = [:]
        for interaction in interactions {
            let type = interaction.eventType.lowercased()
            let used = seen[type, default: 0]
            guard used < limitPerEventType else { continue }
            seen[type] = used + 1
            itemIndices.append(interaction.itemIndex)
            eventTypes.append(type)
        }
    }

    /// The number of visible interactions.
    package var count: Int { itemIndices.count }
}

/// Attributes of the user a recommendation request is for, read by `IF CurrentUser.F …` clauses.
/// Field names are matched case-insensitively. A user missing from the Users dataset is
/// ``unknown``: every `IF` condition on it is false except `NOT IN` and `!=` on string fields.
package struct CurrentUserAttributes: Sendable, Hashable {
    /// String fields: the user's (split) values.
    private(set) var categorical: [String: [String]] = [:]
    /// Numeric fields.
    private(set) var numeric: [String: Double] = [:]

    package init(categorical: [String: [String]] = [:], numeric: [String: Double] = [:]) {
        for (field, values) in categorical { self.categorical[asciiUppercased(field)] = values }
        for (field, value) in numeric { self.numeric[asciiUppercased(field)] = value }
    }

    /// A user with no attributes.
    package static let unknown = CurrentUserAttributes()

    func strings(_ key: String) -> [String] { categorical[key] ?? [] }
    func number(_ key: String) -> Double? { numeric[key] }
}

/// Which users have interacted with which event types, for user-segment (`UserID`) filters with
/// `Interactions.EVENT_TYPE` conditions. Users are indexed like the ``FilterIndex`` built with
/// ``FilterIndex/build(users:)``.
package struct SegmentInteractions: Sendable {
    /// One interaction of a user.
    package struct Interaction: Sendable, Hashable {
        package var userIndex: Int
        package var eventType: String

        package init(userIndex: Int, eventType: String) {
            self.userIndex = userIndex
            self.eventType = eventType
        }
    }

    /// The number of users.
    package let count: Int
    /// Lower-cased event type → users with at least one interaction of that type.
    private(set) var byEventType: [String: FilterMask] = [:]
    /// Users with at least one interaction.
    private(set) var anyEvent: FilterMask

    /// - Parameters:
    ///   - userCount: The number of users (the segment index's `count`).
    ///   - interactions: Interactions; users outside `0..<userCount` are ignored.
    package init(userCount: Int, interactions: [Interaction]) {
        count = userCount
        anyEvent = FilterMask(count: userCount)
        for interaction in interactions where interaction.userIndex >= 0 && interaction.userIndex < userCount {
            let type = interaction.eventType.lowercased()
            byEventType[type, default: FilterMask(count: userCount)].insertUnchecked(interaction.userIndex)
            anyEvent.insertUnchecked(interaction.userIndex)
        }
    }
}
