import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// `[[webhooks]]` as an operator writes it, every mistake named with its line, and the secret
/// read from the environment the config names.
@Suite struct WebhookConfigTests {
    @Test func webhooksAreReadAndTheirSecretComesFromTheNamedVariable() throws {
        let config = try PilothouseConfig.parse(
            """
            [[webhooks]]
            url = "https://example.com/hooks/pilothouse"
            events = ["approval_waiting", "merged"]
            secret_env = "PILOTHOUSE_HOOK_SECRET"

            [[webhooks]]
            url = "http://127.0.0.1:8080/"
            events = ["run_finished", "quarantined", "budget_hold"]
            secret_env = "OTHER_SECRET"
            """, path: "p.toml")
        #expect(config.webhooks.count == 2)
        #expect(config.webhooks[0].displayURL == "https://example.com/hooks/pilothouse")
        #expect(config.webhooks[0].events == [.approvalWaiting, .merged])
        #expect(config.webhooks[1].events == [.runFinished, .quarantined, .budgetHold])
        #expect(
            try config.webhooks[0].secret(in: ["PILOTHOUSE_HOOK_SECRET": "s3cret"]) == Data("s3cret".utf8))
        // Unset or empty: refused, naming the line of the second table's `secret_env`.
        for environment in [[:], ["OTHER_SECRET": ""]] {
            #expect {
                _ = try config.webhooks[1].secret(in: environment)
            } throws: { error in
                String(describing: error).contains("p.toml:9")
                    && String(describing: error).contains("OTHER_SECRET")
            }
        }
    }

    @Test(arguments: [
        ("[[webhooks]]\nurl = \"ftp://x/\"\nevents = [\"merged\"]\nsecret_env = \"S\"\n", "p.toml:2", "http"),
        (
            "[[webhooks]]\nurl = \"http://x/\"\nevents = [\"merged\", \"mergd\"]\nsecret_env = \"S\"\n",
            "p.toml:3", "mergd"
        ),
        ("[[webhooks]]\nurl = \"http://x/\"\nevents = []\nsecret_env = \"S\"\n", "p.toml:3", "one or more"),
        ("[[webhooks]]\nurl = \"http://x/\"\nevents = [\"merged\"]\n", "p.toml", "secret_env"),
        (
            "[[webhooks]]\nurl = \"http://x/\"\nevents = [\"merged\"]\nsecret_env = \"A B\"\n", "p.toml:4",
            "secret_env = A B"
        ),
        (
            "[[webhooks]]\nurl = \"http://x/\"\nevents = [\"merged\"]\nsecret_env = \"S\"\n\n"
                + "[[webhooks]]\nurl = \"http://y/\"\nevents = [\"merged\"]\nsecret_env = \"S\"\nsecret = \"inline\"\n",
            "p.toml:10", "secret"
        ),
    ])
    func mistakesAreRefusedWithTheirLine(_ text: String, location: String, mentions: String) {
        #expect {
            _ = try PilothouseConfig.parse(text, path: "p.toml")
        } throws: { error in
            let message = String(describing: error)
            return message.contains(location) && message.contains(mentions)
        }
    }

    /// Failures name the receiver without the credentials a URL may carry.
    @Test func theURLInMessagesHasNoCredentials() throws {
        let config = try PilothouseConfig.parse(
            "[[webhooks]]\nurl = \"https://bot:hunter2@hooks.example.com/in?token=abc#x\"\nevents = [\"merged\"]\nsecret_env = \"S\"\n",
            path: "p.toml")
        #expect(config.webhooks[0].displayURL == "https://hooks.example.com/in")
    }
}
