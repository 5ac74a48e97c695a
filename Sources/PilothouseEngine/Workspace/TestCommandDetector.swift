import Foundation

/// Guesses a repository's test command when `[test] command` is not set.
///
/// Only a runner whose program is on `PATH` is chosen: a repository with a `Cargo.toml` on a
/// machine without cargo is reported as "no test command", not failed on a missing tool.
public enum TestCommandDetector {
    /// Marker files in order of precedence, and the command each implies.
    public static func detect(in directory: String, path: String?) -> [String]? {
        let files = FileManager.default
        func exists(_ name: String) -> Bool { files.fileExists(atPath: directory + "/" + name) }
        // Through the path guard and bounded: a repository may commit `package.json -> /dev/zero`
        // or a link to a file outside it; such a marker reads as empty.
        let guardian = PathGuard(root: directory)
        func read(_ name: String) -> String {
            let bytes = (try? guardian.read(guardian.resolve(name), limit: 1 << 20)) ?? nil
            return bytes.map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        var candidates: [[String]] = []
        if exists("Package.swift") { candidates.append(["swift", "test"]) }
        if exists("Cargo.toml") { candidates.append(["cargo", "test"]) }
        if exists("go.mod") { candidates.append(["go", "test", "./..."]) }
        if exists("package.json"), let scripts = packageScripts(read("package.json")),
            let test = scripts["test"],
            !test.contains("no test specified")
        {
            candidates.append(["npm", "test", "--silent"])
        }
        if exists("pytest.ini") || exists("conftest.py") || exists("tox.ini")
            || read("pyproject.toml").contains("pytest") || read("setup.cfg").contains("pytest")
        {
            candidates.append(["python3", "-m", "pytest", "-q"])
        }
        return candidates.first { ProcessRunner.resolve($0[0], path: path) != nil }
    }

    private static func packageScripts(_ json: String) -> [String: String]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return nil
        }
        return object["scripts"] as? [String: String]
    }
}
