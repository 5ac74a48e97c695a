import Foundation
import Testing

@testable import PilothousePostgresStore

/// Where a store URL without a password finds one: PGPASSWORD, then a private password file,
/// matched as libpq matches it.
@Suite struct PostgresPasswordTests {
    let directory = TemporaryDirectory()
    let url = PostgresStoreURL(host: "db.internal", port: 5433, user: "engine", database: "fleet")

    private func pgpass(_ text: String, mode: mode_t = 0o600) -> String {
        let path = directory.file("pgpass")
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        chmod(path, mode)
        return path
    }

    @Test func theEnvironmentComesFirst() {
        let file = pgpass("*:*:*:*:from-file\n")
        #expect(
            PostgresPassword.lookup(for: url, environment: ["PGPASSWORD": "from-env", "PGPASSFILE": file])
                == "from-env")
        #expect(PostgresPassword.lookup(for: url, environment: ["PGPASSFILE": file]) == "from-file")
    }

    @Test func theFirstMatchingLineWinsWithWildcardsAndEscapes() {
        let file = pgpass(
            """
            # comment
            other:5433:fleet:engine:wrong-host
            db.internal:5432:fleet:engine:wrong-port
            db.internal:5433:*:engine:p\\:ass\\\\word
            *:*:*:*:fallback
            """)
        #expect(PostgresPassword.lookup(for: url, environment: ["PGPASSFILE": file]) == "p:ass\\word")
    }

    @Test func aFileOthersMayReadIsIgnoredAsLibpqDoes() {
        let file = pgpass("*:*:*:*:secret\n", mode: 0o644)
        #expect(PostgresPassword.lookup(for: url, environment: ["PGPASSFILE": file]) == nil)
        #expect(PostgresPassword.lookup(for: url, environment: ["HOME": directory.path]) == nil)
    }
}
