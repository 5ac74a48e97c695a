import Foundation
import PilothouseEngine
import Testing

/// `[store] url`: the fleet's PostgreSQL database, or nothing for the SQLite file.
@Suite struct StoreSectionTests {
    @Test func aPostgresURLIsKeptAndNoneMeansTheSQLiteFile() throws {
        #expect(try PilothouseConfig.parse("", path: "p.toml").store.url == nil)
        let config = try PilothouseConfig.parse(
            "[store]\nurl = \"postgresql://engine@db:5433/fleet\"\n", path: "p.toml")
        #expect(config.store.url == "postgresql://engine@db:5433/fleet")
    }

    @Test func anotherSchemeIsRefusedWithoutShowingTheURL() throws {
        #expect {
            try PilothouseConfig.parse("[store]\nurl = \"mysql://engine:hunter2@db/fleet\"\n", path: "p.toml")
        } throws: { error in
            let message = "\(error)"
            return message.contains("store.url") && message.contains("postgres://")
                && !message.contains("hunter2") && message.contains("p.toml")
        }
    }

    /// The password comes from PGPASSWORD or ~/.pgpass, never from a file that is copied and
    /// committed; the refusal does not repeat it.
    @Test func aPasswordInTheConfigurationIsRefusedWithoutShowingIt() {
        #expect {
            try PilothouseConfig.parse(
                "[store]\nurl = \"postgres://engine:hunter2@db/fleet\"\n", path: "p.toml")
        } throws: { error in
            let message = "\(error)"
            return message.contains("p.toml:2") && message.contains("PGPASSWORD")
                && !message.contains("hunter2")
        }
    }

    /// `listen = false` turns LISTEN/NOTIFY off (a pooler in transaction mode); on by default,
    /// and a value that is not a boolean is refused with its line.
    @Test func listenIsOnByDefaultAndOnlyABoolean() throws {
        #expect(try PilothouseConfig.parse("", path: "p.toml").store.listen)
        let off = try PilothouseConfig.parse(
            "[store]\nurl = \"postgres://engine@db/fleet\"\nlisten = false\n", path: "p.toml")
        #expect(!off.store.listen)
        #expect {
            try PilothouseConfig.parse("[store]\nlisten = \"no\"\n", path: "p.toml")
        } throws: { error in
            "\(error)".contains("p.toml:2") && "\(error)".contains("true or false")
        }
    }
}
