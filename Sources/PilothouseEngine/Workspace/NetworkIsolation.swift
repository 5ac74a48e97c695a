/// Runs a command without network access by putting it in a new network namespace.
///
/// Unprivileged user namespaces make `unshare --net` work without root; where the kernel or a
/// container forbids them the probe fails and callers refuse to run, because running a command
/// "isolated" that is in fact connected would be worse than not running it.
public enum NetworkIsolation {
    /// The argv prefix that denies the network, after checking that it works here.
    public static func prefix(runner: ProcessRunner = ProcessRunner()) async throws(IsolationError)
        -> [String]
    {
        let environment = ProcessRunner.environment(allowing: [])
        guard ProcessRunner.resolve("unshare", path: environment["PATH"]) != nil else {
            throw .unavailable("the unshare program (util-linux) is not installed")
        }
        var lastOutput = ""
        for mapping in ["--map-current-user", "--map-root-user"] {
            let argv = ["unshare", "--net", mapping, "--", "true"]
            let probe = ProcessCommand(
                argv: argv, directory: "/", environment: environment, timeout: .seconds(10),
                maxOutputBytes: 4096)
            guard let result = try? await runner.run(probe) else { continue }
            if result.succeeded { return ["unshare", "--net", mapping, "--"] }
            lastOutput = String(decoding: result.output, as: UTF8.self)
        }
        throw .unavailable(
            "unshare --net failed (\(lastOutput.trimmingCharacters(in: .whitespacesAndNewlines))); unprivileged user namespaces may be disabled"
        )
    }
}

public enum IsolationError: Error, Equatable, Sendable, CustomStringConvertible {
    case unavailable(String)

    public var description: String {
        switch self {
        case .unavailable(let detail):
            "[policy] network = \"deny\" but network isolation is unavailable: \(detail); refusing to run unconfined (set network = \"allow\" to run without isolation)"
        }
    }
}
