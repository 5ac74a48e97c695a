import Foundation

/// `[store]`: where the store lives when it is not the repository's own SQLite file.
///
/// ```toml
/// [store]
/// url = "postgres://pilothouse@db.internal:5432/fleet"   # absent: .pilothouse/pilothouse.db
/// listen = true   # false: no LISTEN/NOTIFY; engines and consoles only poll
/// ```
///
/// Every engine and console of a fleet points at the same PostgreSQL database; `--store`
/// on the command line overrides it.
public struct StoreSection: Sendable, Equatable {
    /// A `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` URL; nil for the SQLite file.
    public var url: String?
    /// Whether engines and consoles listen for the changes other processes commit
    /// (PostgreSQL's LISTEN/NOTIFY) instead of only polling. Off behind a connection pooler
    /// in transaction mode, which cannot LISTEN.
    public var listen: Bool

    public init(url: String? = nil, listen: Bool = true) {
        self.url = url
        self.listen = listen
    }

    static func read(_ reader: inout ConfigReader, into section: inout StoreSection) throws(ConfigError) {
        try reader.section("store") { (table: inout ConfigReader.Section) throws(ConfigError) in
            if let listen = try table.bool("listen") { section.listen = listen }
            guard let url = try table.string("url") else { return }
            let scheme = url.prefix { $0 != ":" }.lowercased()
            guard scheme == "postgres" || scheme == "postgresql" else {
                // Not the value itself: a URL may carry a password.
                throw table.invalid(
                    "url", "(a \(scheme.isEmpty ? "text" : scheme + ":") URL)",
                    expected: "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
            }
            // A password in a file that is read, copied and committed is a leak waiting to happen.
            if let components = URLComponents(string: url), components.password != nil {
                throw table.invalid(
                    "url", "(a URL with a password)",
                    expected: "a URL without its password; give it in PGPASSWORD or ~/.pgpass instead")
            }
            section.url = url
        }
    }
}
