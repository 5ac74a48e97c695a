import Foundation
import PilothousePostgresStore
import Synchronization

/// One private PostgreSQL 15 cluster per test process, started the first time a test asks for
/// a `.postgres` store and stopped when the process exits; each test gets a fresh database.
///
/// `swift test` is the whole test command, so the tests start the server themselves: `initdb`
/// into a temporary directory, `pg_ctl start` on a free port of 127.0.0.1 (as the `postgres`
/// user when running as root, since the server refuses root). Missing binaries or a server
/// that does not start fail the test with what to do: a backend that silently skips would
/// let the PostgreSQL half of the contract suite rot unseen.
enum PostgresTestCluster {
    static let binaries = "/usr/lib/postgresql/15/bin"
    static let user = "pilothouse"

    /// Why the cluster could not be used, in words that say what to do.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A running cluster: where it lives and its port.
    struct Cluster: Sendable {
        let directory: String
        let port: Int
        let asPostgresUser: Bool
    }

    private enum State: Sendable {
        case notStarted
        case running(Cluster)
        case failed(String)
    }

    private static let state = Mutex(State.notStarted)

    /// A new, empty database on the process's cluster (started now if it is not running yet).
    static func freshDatabase() throws -> PostgresStoreURL {
        let cluster = try shared()
        let name = "contract_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try execute("CREATE DATABASE \(name)", in: "postgres")
        return PostgresStoreURL(host: "127.0.0.1", port: cluster.port, user: user, database: name)
    }

    /// Runs `sql` with psql in `database`, as a person at the server would (to change what a
    /// store cannot, e.g. a migration row of a newer Pilothouse).
    static func execute(_ sql: String, in database: String) throws {
        let cluster = try shared()
        let log = cluster.directory + "/psql-" + UUID().uuidString + ".log"
        let result = try run(
            [
                binaries + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                String(cluster.port),
                "-U", user, "-d", database, "-c", sql,
            ], asPostgresUser: false, timeout: 60, log: log)
        guard result.status == 0 else {
            throw Failure(
                description: "psql on 127.0.0.1:\(cluster.port)/\(database) failed: \(result.output)")
        }
    }

    /// The cluster, started on first use; a start that failed fails every later ask the same way.
    static func shared() throws -> Cluster {
        let outcome: Result<Cluster, Failure> = state.withLock { state in
            switch state {
            case .running(let cluster): return .success(cluster)
            case .failed(let why): return .failure(Failure(description: why))
            case .notStarted:
                do {
                    let cluster = try start()
                    state = .running(cluster)
                    atexit { PostgresTestCluster.stopAtExit() }
                    return .success(cluster)
                } catch {
                    let why = (error as? Failure)?.description ?? String(describing: error)
                    state = .failed(why)
                    return .failure(Failure(description: why))
                }
            }
        }
        return try outcome.get()
    }

    private static func start() throws -> Cluster {
        guard FileManager.default.isExecutableFile(atPath: binaries + "/initdb") else {
            throw Failure(
                description:
                    "PostgreSQL 15 is not installed (no \(binaries)/initdb), and the contract suite runs every test against it; install it with `apt-get install postgresql-15` (.ci/run does)"
            )
        }
        removeClustersOfDeadProcesses()
        let asPostgresUser = getuid() == 0
        let directory = NSTemporaryDirectory() + "pilothouse-pg-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try String(getpid()).write(toFile: directory + "/owner.pid", atomically: true, encoding: .utf8)
        if asPostgresUser {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory)
        }
        let initdb = try run(
            [
                binaries + "/initdb", "-D", directory + "/data", "-A", "trust", "-U", user, "-E", "UTF8",
                "--no-sync",
            ],
            asPostgresUser: asPostgresUser, timeout: 120, log: directory + "/initdb.log")
        guard initdb.status == 0 else { throw Failure(description: "initdb failed: \(initdb.output)") }
        // A port found free can be taken before the server binds it: try a few.
        var lastOutput = ""
        for _ in 0..<5 {
            let port = try freePort()
            let started = try run(
                [
                    binaries + "/pg_ctl", "-D", directory + "/data", "-l", directory + "/server.log", "-w",
                    "-t", "60",
                    "-o",
                    "-k \(directory) -p \(port) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                    "start",
                ],
                asPostgresUser: asPostgresUser, timeout: 90, log: directory + "/pg_ctl.log")
            if started.status == 0 {
                return Cluster(directory: directory, port: port, asPostgresUser: asPostgresUser)
            }
            lastOutput =
                started.output + "\n"
                + ((try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? "")
        }
        throw Failure(description: "PostgreSQL did not start in \(directory): \(lastOutput)")
    }

    /// Stops the cluster and removes its directory; registered with `atexit` on start.
    private static func stopAtExit() {
        guard case .running(let cluster) = state.withLock({ $0 }) else { return }
        stop(directory: cluster.directory, asPostgresUser: cluster.asPostgresUser)
    }

    private static func stop(directory: String, asPostgresUser: Bool) {
        _ = try? run(
            [binaries + "/pg_ctl", "-D", directory + "/data", "-m", "immediate", "-w", "-t", "30", "stop"],
            asPostgresUser: asPostgresUser, timeout: 40, log: directory + "/stop.log")
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Clusters left behind by test processes that were killed (`kill -9` skips `atexit`):
    /// stopped and removed, so servers do not pile up on a developer's machine.
    private static func removeClustersOfDeadProcesses() {
        let temporary = NSTemporaryDirectory()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        for entry in entries where entry.hasPrefix("pilothouse-pg-") {
            let directory = temporary + entry
            guard let text = try? String(contentsOfFile: directory + "/owner.pid", encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid != getpid(),
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            stop(directory: directory, asPostgresUser: getuid() == 0)
        }
    }

    /// A TCP port of 127.0.0.1 that nothing listens on right now.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "cannot open a socket to find a free port") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            throw Failure(description: "cannot bind a socket on 127.0.0.1 to find a free port")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a command (as `postgres` when asked), killing it after `timeout` seconds; its
    /// output goes to `log`.
    ///
    /// `posix_spawn` and `waitpid`, not Foundation's `Process`: `Process` notices an exit when
    /// a descriptor it hands the child is closed, and the server that `pg_ctl start` leaves
    /// running inherits that descriptor, so `Process` would wait for the server to stop.
    private static func run(_ arguments: [String], asPostgresUser: Bool, timeout: TimeInterval, log: String)
        throws
        -> (status: Int32, output: String)
    {
        let command = asPostgresUser ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw Failure(description: "cannot run \(command[0]): \(String(cString: strerror(spawned)))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            guard Date() < deadline else {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                throw Failure(
                    description: "\(arguments.joined(separator: " ")) did not finish in \(Int(timeout)) s")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS are macros Swift does not import.
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), text)
    }
}
