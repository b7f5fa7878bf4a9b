import PersimmonCore

extension SQLStorage {
    /// ``ResourceScan`` over the `resources` table: `(account_id, arn)` is its primary key, so the scan walks the
    /// key in order (`arn` is `COLLATE "C"` on PostgreSQL, binary on SQLite: byte-wise on both).
    package func scan(kind: ResourceKind, statuses: [String]?, after: ScanCursor?, limit: Int) async throws
        -> [ResourceRecord]
    {
        guard limit > 0, statuses?.isEmpty != true else { return [] }
        var statement: SQLStatement = """
            SELECT account_id, arn, kind, name, parent_arn, status, document, created_at, updated_at, version
            FROM resources WHERE kind = \(kind.rawValue)
            """
        if let statuses {
            statement.append(" AND status IN (\(list: statuses))")
        }
        if let after {
            statement.append(
                " AND (account_id > \(after.account.rawValue) OR (account_id = \(after.account.rawValue) AND arn > \(after.arn)))"
            )
        }
        statement.append(" ORDER BY account_id ASC, arn ASC LIMIT \(limit)")
        return try await self.mappingErrors {
            try await self.read(statement).map { row in
                ResourceRecord(
                    account: AccountID(try row.text("account_id")),
                    arn: try row.text("arn"),
                    kind: try row.enumeration("kind"),
                    name: try row.text("name"),
                    parentARN: try row.textOrNil("parent_arn"),
                    status: try row.textOrNil("status"),
                    document: try row.text("document"),
                    createdAt: try row.int64("created_at"),
                    updatedAt: try row.int64("updated_at"),
                    version: try row.int64("version")
                )
            }
        }
    }
}
