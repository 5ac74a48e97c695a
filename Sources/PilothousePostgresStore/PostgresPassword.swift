import Foundation

/// Where a PostgreSQL password comes from when the store URL carries none: `PGPASSWORD`, then
/// the password file (`PGPASSFILE`, default `~/.pgpass`), as libpq looks for them, so an
/// operator's existing setup works and no password needs to sit in `pilothouse.toml`.
public enum PostgresPassword {
    /// The password for `url`, or nil. `.pgpass` lines are `host:port:database:user:password`,
    /// `*` matching anything, `\:` and `\\` escaped; the first matching line wins. As libpq
    /// does, a file others may read is ignored.
    public static func lookup(for url: PostgresStoreURL, environment: [String: String]) -> String? {
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        let path =
            environment["PGPASSFILE"]
            ?? environment["HOME"].map { $0 + "/.pgpass" }
        guard let path, let text = readPrivate(path) else { return nil }
        let wanted = [url.host, String(url.port), url.database, url.user]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(String(line))
            guard fields.count == 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// The file's text if only its owner may read it (mode 0600 or stricter), as libpq requires.
    private static func readPrivate(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 == 0,
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Splits a `.pgpass` line on unescaped colons.
    static func split(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
