import PersimmonCatalog

/// What ``DatasetStore/deleteUsers(_:)`` removed.
package struct UserDeletionSummary: Sendable, Equatable {
    /// Rows removed.
    package var deletedRows: Int
    /// The requested user IDs that had at least one row.
    package var matchedUsers: Set<String>
    /// Segments rewritten (or dropped, when nothing of them was left).
    package var rewrittenSegments: Int
    /// The manifest generation after the change (unchanged when nothing matched).
    package var generation: Int
}

extension DatasetStore {
    /// Removes every row whose `USER_ID` is one of `userIDs` (`CreateDataDeletionJob`), bulk and
    /// streamed alike, atomically.
    ///
    /// Each live segment that holds one of the users is rewritten without their rows, and its
    /// dictionaries are rebuilt so the deleted IDs do not remain in the file. All rewritten
    /// segments replace their originals in one manifest swap: a reader (or a crash) sees either
    /// the old data or the new, never a mix. A segment with nothing left is dropped. Segments
    /// without the users are not touched; each keeps its place, mode and origin, so the upsert
    /// order of users, items and actions is unchanged.
    ///
    /// Segments committed while the deletion runs (streamed events) are not examined. If a FULL
    /// import or a compaction replaced a segment meanwhile, nothing is changed and it throws
    /// ``DatasetError/Code/storage``; running it again is safe.
    ///
    /// Memory: one segment's columns at a time.
    package func deleteUsers(_ userIDs: Set<String>) throws(DatasetError) -> UserDeletionSummary {
        var summary = UserDeletionSummary(
            deletedRows: 0, matchedUsers: [], rewrittenSegments: 0, generation: generation)
        guard !userIDs.isEmpty else { return summary }
        var replacements: [SegmentReplacement] = []
        do throws(DatasetError) {
            for (entry, segment) in liveEntries() {
                guard let (index, column) = segment.footer.column(named: "USER_ID"), column.encoding == .dictionary
                else { continue }
                let dictionary = try segment.readDictionary(column: index)
                var matched = false
                for code in 0..<dictionary.count where dictionary.occurrences[code] > 0 {
                    let key = dictionary.withKey(code) { String(decoding: $0, as: UTF8.self) }
                    if userIDs.contains(key) {
                        matched = true
                        summary.matchedUsers.insert(key)
                    }
                }
                guard matched else { continue }
                let table = try TableReader.read(segments: [segment], kind: kind)
                guard let users = table.column(named: "USER_ID"), case .dictionary(let codes, let keys) = users.values
                else { continue }
                let deleted = keys.map { userIDs.contains($0) }
                var keep: [Int] = []
                keep.reserveCapacity(table.rowCount)
                for (row, code) in codes.enumerated() where code < 0 || !deleted[Int(code)] {
                    keep.append(row)
                }
                summary.deletedRows += table.rowCount - keep.count
                guard !keep.isEmpty else {
                    replacements.append(SegmentReplacement(old: entry.file, writer: nil, rows: 0, bytes: 0))
                    continue
                }
                let columns = table.columns.map { $0.gathering(rows: keep).withUnusedKeysRemoved() }
                let writer = try makeStagingWriter()
                let size: Int
                do throws(DatasetError) {
                    size = try SnapshotSegmentWriter.write(
                        columns: columns,
                        rowCount: keep.count,
                        kind: kind,
                        rowGroupRows: 1 << 20,
                        writer: writer
                    )
                } catch {
                    writer.discard()
                    throw error
                }
                replacements.append(SegmentReplacement(old: entry.file, writer: writer, rows: keep.count, bytes: size))
            }
            guard !replacements.isEmpty else { return summary }
            summary.generation = try commitReplacements(replacements)
            summary.rewrittenSegments = replacements.count
            return summary
        } catch {
            for replacement in replacements { replacement.writer?.discard() }
            throw error
        }
    }
}

/// One segment to replace with a rewritten one (`writer`), or to drop (`writer == nil`).
struct SegmentReplacement {
    var old: String
    var writer: SegmentWriter?
    var rows: Int
    var bytes: Int
}

extension ColumnSnapshot {
    /// The column with dictionary keys no row uses removed (codes renumbered, order kept).
    func withUnusedKeysRemoved() -> ColumnSnapshot {
        func prune(_ codes: [Int32], _ dictionary: [String]) -> ([Int32], [String]) {
            var used = [Bool](repeating: false, count: dictionary.count)
            for code in codes where code >= 0 { used[Int(code)] = true }
            var map = [Int32](repeating: -1, count: dictionary.count)
            var kept: [String] = []
            for (code, key) in dictionary.enumerated() where used[code] {
                map[code] = Int32(kept.count)
                kept.append(key)
            }
            return (codes.map { $0 >= 0 ? map[Int($0)] : $0 }, kept)
        }
        var copy = self
        switch values {
        case .dictionary(let codes, let dictionary):
            let (newCodes, kept) = prune(codes, dictionary)
            copy.values = .dictionary(codes: newCodes, dictionary: kept)
        case .multiValued(let offsets, let codes, let dictionary):
            let (newCodes, kept) = prune(codes, dictionary)
            copy.values = .multiValued(offsets: offsets, codes: newCodes, dictionary: kept)
        default:
            break
        }
        return copy
    }
}
