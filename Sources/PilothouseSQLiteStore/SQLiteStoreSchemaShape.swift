import GRDB
import PilothouseCore
import PilothouseEngine

/// What a database's schema consists of, as far as Pilothouse relies on it: tables and their
/// columns, indexes, and any triggers or views.
///
/// `pilothouse doctor` and every open compare the file's shape with the shape the migrations
/// it records produce on an empty in-memory database. A dropped table or column, a missing
/// index or a foreign trigger is then named before any query trips over it (or a trigger
/// quietly changes data behind the bead chain's back).
struct SQLiteStoreSchemaShape {
    struct Column: Equatable, CustomStringConvertible {
        var type: String
        var notNull: Bool
        var defaultValue: String?
        var primaryKey: Int

        var description: String {
            [
                type, notNull ? "NOT NULL" : nil, defaultValue.map { "DEFAULT \($0)" },
                primaryKey > 0 ? "PRIMARY KEY" : nil,
            ]
            .compactMap { $0 }.joined(separator: " ")
        }
    }

    /// Table name → column name → column, in definition order.
    var tables: [String: [(name: String, column: Column)]]
    /// Index name → its table and `CREATE INDEX` text (nil for SQLite's own unique indexes).
    var indexes: [String: (table: String, sql: String?)]
    /// Trigger and view name → its type: Pilothouse defines none.
    var others: [String: String]

    /// Reads the shape of `db`, leaving out SQLite's internal tables.
    static func read(_ db: Database) throws -> SQLiteStoreSchemaShape {
        var shape = SQLiteStoreSchemaShape(tables: [:], indexes: [:], others: [:])
        let rows = try Row.fetchAll(
            db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        for row in rows {
            let type: String = row["type"]
            let name: String = row["name"]
            switch type {
            case "table":
                shape.tables[name] = try Row.fetchAll(
                    db, sql: "SELECT * FROM pragma_table_info(?)", arguments: [name]
                )
                .map { column in
                    (
                        name: column["name"],
                        column: Column(
                            type: (column["type"] as String).uppercased(), notNull: column["notnull"],
                            defaultValue: column["dflt_value"], primaryKey: column["pk"])
                    )
                }
            case "index": shape.indexes[name] = (table: row["tbl_name"], sql: row["sql"])
            default: shape.others[name] = type
            }
        }
        return shape
    }

    /// What `self` (the file) lacks or has beyond `expected`, one phrase per difference,
    /// sorted so the report reads the same every time.
    func differences(from expected: SQLiteStoreSchemaShape) -> [String] {
        var problems: [String] = []
        for (table, columns) in expected.tables {
            guard let actual = tables[table] else {
                problems.append("table \(ShownName.of(table)) is missing")
                continue
            }
            let have = Dictionary(
                actual.map { ($0.name, $0.column) }, uniquingKeysWith: { first, _ in first })
            let want = Dictionary(
                columns.map { ($0.name, $0.column) }, uniquingKeysWith: { first, _ in first })
            for (name, column) in columns {
                guard let found = have[name] else {
                    problems.append("column \(ShownName.of(table)).\(ShownName.of(name)) is missing")
                    continue
                }
                if found != column {
                    problems.append(
                        "column \(ShownName.of(table)).\(ShownName.of(name)) is \(ShownName.of(found.description)), expected \(column)"
                    )
                }
            }
            for (name, _) in actual where want[name] == nil {
                problems.append(
                    "column \(ShownName.of(table)).\(ShownName.of(name)) is not part of the schema")
            }
        }
        for table in tables.keys where expected.tables[table] == nil {
            problems.append("table \(ShownName.of(table)) is not part of the schema")
        }
        for (name, index) in expected.indexes {
            guard let found = indexes[name] else {
                problems.append("index \(name) on \(index.table) is missing")
                continue
            }
            if found.table != index.table || found.sql != index.sql {
                problems.append("index \(name) is defined differently")
            }
        }
        for (name, index) in indexes where expected.indexes[name] == nil {
            problems.append(
                "index \(ShownName.of(name)) on \(ShownName.of(index.table)) is not part of the schema")
        }
        for (name, type) in others where expected.others[name] != type {
            problems.append("\(ShownName.of(type)) \(ShownName.of(name)) is not part of the schema")
        }
        for (name, type) in expected.others where others[name] != type {
            problems.append("\(type) \(name) is missing")
        }
        return problems.sorted()
    }
}
