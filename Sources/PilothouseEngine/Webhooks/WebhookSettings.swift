import Foundation
import PilothouseCore

/// One `[[webhooks]]` entry: where to POST, which events, and the environment variable that
/// holds the signing secret (the secret itself never sits in the config file).
public struct WebhookSettings: Sendable, Equatable {
    public var url: String
    public var events: Set<WebhookEvent>
    public var secretEnv: String
    /// Thrown when `secretEnv` is not set: names the file and line of `secret_env`.
    public var missingSecret: ConfigError

    /// The URL as messages and beads show it: without user info or query, which may carry
    /// credentials of the receiver.
    public var displayURL: String {
        guard var parts = URLComponents(string: url) else { return "webhook" }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        return parts.string ?? "webhook"
    }

    /// The signing secret from `environment`; an unset or empty variable is a config error,
    /// because every delivery would go out unsigned or with a guessable key.
    public func secret(in environment: [String: String]) throws(ConfigError) -> Data {
        guard let value = environment[secretEnv], !value.isEmpty else { throw missingSecret }
        return Data(value.utf8)
    }

    /// Reads every `[[webhooks]]` table: a URL that is not http(s), an unknown or missing event
    /// or a missing `secret_env` is refused with the file and line.
    static func read(_ reader: inout ConfigReader, into webhooks: inout [WebhookSettings]) throws(ConfigError)
    {
        try reader.arrayOfTables("webhooks") { (section: inout ConfigReader.Section, _) throws(ConfigError) in
            let url = try section.string("url") ?? ""
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased()),
                parsed.host?.isEmpty == false
            else {
                throw section.invalid("url", url, expected: "an http:// or https:// URL")
            }
            let known = WebhookEvent.allCases.map(\.rawValue).joined(separator: ", ")
            let names = try section.stringArray("events") ?? []
            guard !names.isEmpty else {
                throw section.invalid("events", "nothing", expected: "one or more of \(known)")
            }
            var events: Set<WebhookEvent> = []
            for name in names {
                guard let event = WebhookEvent(rawValue: name) else {
                    throw section.invalid("events", name, expected: "one of \(known)")
                }
                events.insert(event)
            }
            let variable = try section.string("secret_env") ?? ""
            guard !variable.isEmpty,
                variable.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else {
                throw section.invalid(
                    "secret_env", variable.isEmpty ? "nothing" : variable,
                    expected:
                        "the name of an environment variable (letters, digits, _) holding the signing secret")
            }
            webhooks.append(
                WebhookSettings(
                    url: url, events: events, secretEnv: variable,
                    missingSecret: section.invalid(
                        "secret_env", variable,
                        expected:
                            "a variable set (not empty) in the engine's environment: export \(variable)=<the webhook's signing secret>"
                    )))
        }
    }
}
