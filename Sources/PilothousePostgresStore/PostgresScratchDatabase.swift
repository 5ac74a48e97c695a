import Foundation
import PilothouseEngine
import PostgresNIO

/// A database of its own for `pilothouse bench --store`: created on the server the URL names
/// and dropped when the benchmark ends.
///
/// A benchmark enqueues, claims and merges thousands of jobs; run against a fleet's store it
/// would claim the operator's real work. So the database the URL names is only connected to,
/// to create and drop the scratch database beside it: nothing is read from or written to it.
/// A benchmark killed before it could drop its database leaves one named with `prefix`;
/// `leftovers(on:)` lists them so the next benchmark can say so.
public struct PostgresScratchDatabase: Sendable {
    /// Every scratch database's name starts with this, and no other database's should.
    public static let prefix = "pilothouse_bench_"

    /// The scratch database: the given URL (user, password, host, port, TLS) with its name.
    public let url: PostgresStoreURL
    /// The database connected to for creating and dropping it.
    public let server: PostgresStoreURL

    /// Creates an empty database named `pilothouse_bench_<UTC time>_<random>` beside
    /// `server.database`.
    ///
    /// A user without the CREATEDB privilege is refused with the grant that fixes it: the
    /// benchmark has no other database it may safely fill.
    public static func create(beside server: PostgresStoreURL, now: Date = Date()) throws(StoreError)
        -> PostgresScratchDatabase
    {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let time = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now)
        let stamp = String(
            format: "%04d%02d%02d_%02d%02d%02d", time.year ?? 0, time.month ?? 0, time.day ?? 0,
            time.hour ?? 0,
            time.minute ?? 0, time.second ?? 0)
        let random = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(8)
        var url = server
        url.database = prefix + stamp + "_" + random
        try run("CREATE DATABASE \"\(url.database)\"", on: server)
        return PostgresScratchDatabase(url: url, server: server)
    }

    /// Drops the scratch database, closing whatever connections to it are still open (the
    /// benchmark's own handles, which close without waiting).
    public func drop() throws(StoreError) {
        try Self.run("DROP DATABASE IF EXISTS \"\(url.database)\" WITH (FORCE)", on: server)
    }

    /// Scratch databases on `server`'s server that a benchmark created and did not drop (it
    /// was killed), oldest first.
    public static func leftovers(on server: PostgresStoreURL) throws(StoreError) -> [String] {
        do {
            return try PostgresLink(url: server).withConnection { session in
                let result = try session.query(
                    "SELECT datname::text AS name FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname",
                    [prefix])
                return try result.rows.map {
                    try PostgresStoreRow(row: $0.makeRandomAccess())("name", as: String.self)
                }
            }
        } catch {
            throw StoreError(postgres: error, url: server)
        }
    }

    /// Runs one statement outside a transaction (CREATE and DROP DATABASE refuse to run in
    /// one) on a connection of its own.
    private static func run(_ statement: String, on server: PostgresStoreURL) throws(StoreError) {
        do {
            try PostgresLink(url: server).withConnection { session in _ = try session.query(statement) }
        } catch let error as PSQLError where StoreError.sqlState(of: error) == "42501" {
            throw StoreError.database(
                path: server.location,
                detail:
                    "user \(server.user) may not create databases, and a benchmark runs in a scratch database of its own so that no store's data is touched; grant it (ALTER ROLE \(server.user) CREATEDB) or give the URL of a server where it may (SQLSTATE 42501)"
            )
        } catch {
            throw StoreError(postgres: error, url: server)
        }
    }
}
