import Foundation
import PilothouseEngine
import PostgresNIO

extension StoreError {
    /// What a PostgreSQL failure means for the operator: the server's own words with its SQLSTATE
    /// for a statement it refused, and for a connection that failed, where it was going and what
    /// to check.
    init(postgres error: any Error, url: PostgresStoreURL) {
        let location = url.location
        if let error = error as? StoreError {
            self = error
            return
        }
        guard let error = error as? PSQLError else {
            self = .database(path: location, detail: String(describing: error))
            return
        }
        if let info = error.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "refused"
            let detail = [message, info[.detail], info[.hint]].compactMap { $0 }.joined(separator: "; ")
            switch state {
            case "53100", "53000", "58030":
                self = .storageFull(path: location, detail: "\(detail) (SQLSTATE \(state))", waited: .zero)
            case "55P03":
                self = .locked(path: location)
            case "25006":
                self = .readOnly(path: location)
            case "3D000", "28000", "28P01":
                self = .database(
                    path: location,
                    detail:
                        "\(detail) (SQLSTATE \(state)); check the user, password and database of the store URL, and create the database (createdb) if it is new"
                )
            default:
                self = .database(path: location, detail: "\(detail) (SQLSTATE \(state))")
            }
            return
        }
        let cause = error.underlying.map { String(describing: $0) } ?? "\(error.code)"
        if PostgresLink.isConnectionLost(error) || error.code == .sslUnsupported {
            self = .database(
                path: location,
                detail:
                    "cannot reach PostgreSQL at \(url.host):\(url.port) (\(cause)); start the server or check the host and port of the store URL, then retry"
            )
            return
        }
        self = .database(path: location, detail: cause)
    }

    /// The SQLSTATE a PostgreSQL error carries, if the server sent one.
    static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
