import Foundation
import PilothouseEngine

/// Where a PostgreSQL store lives, parsed from `postgres://user:password@host:port/database`.
///
/// The password is kept for connecting only: `location`, which every message and `status`
/// shows, leaves it out.
public struct PostgresStoreURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// `sslmode=require` in the query string: connect over TLS or not at all.
    public var requiresTLS: Bool

    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
        requiresTLS: Bool = false
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.requiresTLS = requiresTLS
    }

    /// Parses a `postgres://` or `postgresql://` URL; a user and a database are required, the
    /// port defaults to 5432.
    public init(parsing text: String) throws(StoreError) {
        let invalid = { (why: String) in
            StoreError.database(
                path: PostgresStoreURL.withoutPassword(text),
                detail:
                    "not a PostgreSQL store URL (\(why)); write it as postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
            )
        }
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else { throw invalid("it must start with postgres://") }
        guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw invalid("no database after the host") }
        if let port = components.port, !(1...65_535).contains(port) { throw invalid("port \(port)") }
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard ["disable", "require"].contains(sslmode) else {
            throw invalid("sslmode \(sslmode) is not supported; use disable or require")
        }
        self.init(
            host: host, port: components.port ?? 5432, user: user, password: components.password,
            database: database, requiresTLS: sslmode == "require")
    }

    /// The URL as messages show it: without its password.
    public var location: String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (requiresTLS ? "?sslmode=require" : "")
    }

    /// `text` with the password of its authority removed, for messages about a URL that did
    /// not parse.
    static func withoutPassword(_ text: String) -> String {
        // The last `@`, not the first: a password written unencoded may hold `@` itself, and
        // cutting at its first one would show the rest. Hiding too much is the safe side.
        guard let scheme = text.range(of: "://"),
            let at = text[scheme.upperBound...].lastIndex(of: "@"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<colon]) + String(text[at...])
    }
}
