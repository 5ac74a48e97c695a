import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PilothouseCore
import PilothouseEngine
import PostgresNIO
import Synchronization

/// One PostgreSQL connection driven from synchronous code: the persistence protocols are
/// synchronous (`throws`, not `async`), postgres-nio is not.
///
/// Each statement is sent on the connection's NIO event loop and the calling thread waits for
/// its future. That wait is safe where the engine calls from: its actors' threads and plain
/// threads are never this event loop's thread, and the future is completed by the event loop
/// alone, so no thread of Swift's cooperative pool is needed to finish it (a blocking wait on a
/// `Task` could starve that pool; this cannot). `EventLoopFuture.wait()` itself refuses to run
/// on the event loop that would complete it.
///
/// One statement at a time: the lock is held for a whole transaction, so statements of two
/// callers never interleave on the wire. A store handle that needs parallel transactions opens
/// another handle (another link), as another engine would.
final class PostgresLink: @unchecked Sendable {
    let url: PostgresStoreURL
    private let lock = NSLock()
    /// Guarded by `lock`. Nil until the first statement, and again after the connection broke:
    /// the next transaction reconnects.
    private var connection: PostgresConnection?
    static let logger = Logger(label: "pilothouse.postgres") { _ in SwiftLogNoOpLogHandler() }

    init(url: PostgresStoreURL) {
        self.url = url
    }

    deinit {
        if let connection { PostgresLink.close(connection) }
    }

    /// Closes `connection` without waiting; the closure keeps it alive until it is closed
    /// (postgres-nio insists a connection is closed before it goes).
    private static func close(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Runs `body` with the connection, connecting first if needed; nobody else uses the
    /// connection meanwhile.
    func withConnection<T>(_ body: (Session) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let session = Session(connection: try connected(), link: self)
        do {
            return try body(session)
        } catch let error as PSQLError where PostgresLink.isConnectionLost(error) {
            drop()
            throw error
        }
    }

    /// Forgets a connection that can no longer be trusted (a failed rollback); the next
    /// transaction opens a new one.
    fileprivate func drop() {
        if let connection { PostgresLink.close(connection) }
        connection = nil
    }

    private func connected() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        let opened = try PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(),
            configuration: try PostgresLink.configuration(url),
            id: PostgresLink.nextID(), logger: PostgresLink.logger
        ).wait()
        connection = opened
        return opened
    }

    /// How every connection to the store's server is made (the store's and its listener's).
    static func configuration(_ url: PostgresStoreURL) throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password,
            database: url.database,
            tls: .disable)
        if url.requiresTLS {
            configuration.tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    private static let ids = Atomic<Int>(0)
    static func nextID() -> Int { ids.add(1, ordering: .relaxed).newValue }

    /// Whether `error` means the connection is gone (server restarted, network cut).
    static func isConnectionLost(_ error: PSQLError) -> Bool {
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown: true
        default: false
        }
    }

    /// The connection while `withConnection` holds it: statements, one at a time.
    struct Session {
        let connection: PostgresConnection
        fileprivate let link: PostgresLink

        /// Sends one statement with `arguments` as `$1`, `$2`… without waiting for it: the
        /// connection runs statements in the order they were sent, so a caller may send several
        /// and wait for the last (see `PostgresTransaction`).
        func send(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> EventLoopFuture<
            PostgresQueryResult
        > {
            var bindings = PostgresBindings(capacity: arguments.count)
            for argument in arguments { try argument.bind(into: &bindings) }
            return connection.query(
                PostgresQuery(unsafeSQL: sql, binds: bindings), logger: PostgresLink.logger)
        }

        /// Sends one statement and waits for all its rows.
        @discardableResult
        func query(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> PostgresQueryResult {
            try send(sql, arguments).wait()
        }

        /// Rolls back, or forgets the connection when even that fails: a connection left in an
        /// unknown transaction state must not carry the next caller's statements.
        func rollback() {
            do {
                try query("ROLLBACK")
            } catch {
                link.drop()
            }
        }
    }
}

/// A value bound to a statement's `$n` placeholder.
protocol SQLArgument {
    func bind(into bindings: inout PostgresBindings) throws
}

/// NUL becomes U+FFFD here, for every text a statement carries: PostgreSQL refuses NUL in
/// text, and a peer's error message or a model name with one must not make a ledger or
/// transcript write fail. (`StoredText` already did this to what operators and models wrote;
/// the chain hashes text after the same replacement.)
extension String: SQLArgument {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(StoredText.withoutNUL(self)) }
}

extension Int: SQLArgument {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(Int64(self)) }
}

extension Int64: SQLArgument {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(self) }
}

extension Bool: SQLArgument {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(self) }
}

extension Data: SQLArgument {
    func bind(into bindings: inout PostgresBindings) throws { try bindings.append(self) }
}

extension Array: SQLArgument where Element == String {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(map(StoredText.withoutNUL)) }
}

extension Optional: SQLArgument where Wrapped: SQLArgument {
    func bind(into bindings: inout PostgresBindings) throws {
        switch self {
        case .some(let value): try value.bind(into: &bindings)
        case .none: bindings.appendNull()
        }
    }
}
