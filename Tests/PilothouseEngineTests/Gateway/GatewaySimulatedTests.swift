import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// The simulated provider: determinism, failure injection and usable role outputs.
@Suite("Gateway simulated provider")
struct GatewaySimulatedTests {
    static let file = """
        def add(a, b):
            return a - b

        def sub(a, b):
            return a - b
        """

    static func prompt(goal: String) -> String {
        "Title: Fix add\n\(goal)\n\n=== FILE: calc.py ===\n\(file)\n=== END FILE ==="
    }

    static func call(_ request: ModelRequest, attempt: Int = 1) -> ProviderCall {
        ProviderCall(request: request, model: "sim-1", attempt: attempt, timeout: .seconds(5))
    }

    static var quiet: GatewayConfig.Simulated {
        var settings = GatewayConfig.Simulated()
        settings.latencyP50Millis = 0
        settings.latencyP99Millis = 0
        return settings
    }

    /// Applies aider-style SEARCH/REPLACE blocks the way the implement stage does.
    static func apply(_ text: String, to files: [String: String]) -> [String: String]? {
        var files = files
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...]
        while let path = lines.popFirst() {
            if path.isEmpty { continue }
            guard lines.popFirst() == "<<<<<<< SEARCH" else { return nil }
            var search: [String] = []
            while let line = lines.popFirst(), line != "=======" { search.append(line) }
            var replace: [String] = []
            var closed = false
            while let line = lines.popFirst() {
                if line == ">>>>>>> REPLACE" {
                    closed = true
                    break
                }
                replace.append(line)
            }
            guard closed else { return nil }
            let content = files[path] ?? ""
            if search.isEmpty {
                files[path] = content + (content.isEmpty ? "" : "\n") + replace.joined(separator: "\n")
                continue
            }
            let needle = search.joined(separator: "\n")
            guard let range = content.range(of: needle) else { return nil }
            files[path] = content.replacingCharacters(in: range, with: replace.joined(separator: "\n"))
        }
        return files
    }

    @Test(arguments: ["analyst", "planner", "implementer", "reviewer"])
    func sameSeedGivesSameOutput(role: String) async throws {
        let request = GatewayFixture.request(
            model: "simulated:sim-1", role: role, content: Self.prompt(goal: "Fix add"))
        var settings = Self.quiet
        settings.seed = 42
        let one = try await SimulatedProvider(settings: settings).send(Self.call(request))
        let two = try await SimulatedProvider(settings: settings).send(Self.call(request))
        #expect(one == two)
        #expect(!one.text.isEmpty)
    }

    @Test func analystAndPlannerMentionTheGoalAndFiles() async throws {
        let provider = SimulatedProvider(settings: Self.quiet)
        for role in ["analyst", "planner"] {
            let reply = try await provider.send(
                Self.call(
                    GatewayFixture.request(
                        model: "simulated:sim-1", role: role, content: Self.prompt(goal: "Make add correct")))
            )
            #expect(reply.text.contains("Make add correct"))
            #expect(reply.text.contains("calc.py"))
        }
    }

    @Test func reviewerAnswersWithScoresJSON() async throws {
        let reply = try await SimulatedProvider(settings: Self.quiet).send(
            Self.call(GatewayFixture.request(model: "simulated:sim-1", role: "reviewer", content: "Fix add")))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(reply.text.utf8)) as? [String: Any])
        let overall = try #require(object["overall"] as? Int)
        #expect((1...10).contains(overall))
        let dimensions = try #require(object["dimensions"] as? [String: Int])
        #expect(Set(dimensions.keys) == ["correctness", "safety", "style"])
        #expect(object["summary"] is String)
    }

    @Test func scriptedFixIsEmittedExactlyAndApplies() async throws {
        let goal = "Fix the adder.\nFix: replace `return a - b` with `return a + b` in calc.py"
        // Two lines contain the text: the SEARCH widens to the `def` line to be unambiguous.
        let reply = try await SimulatedProvider(settings: Self.quiet).send(
            Self.call(
                GatewayFixture.request(
                    model: "simulated:sim-1", role: "implementer", content: Self.prompt(goal: goal))))
        #expect(
            reply.text
                == "calc.py\n<<<<<<< SEARCH\ndef add(a, b):\n    return a - b\n=======\ndef add(a, b):\n    return a + b\n>>>>>>> REPLACE"
        )
        let applied = try #require(Self.apply(reply.text, to: ["calc.py": Self.file]))
        #expect(applied["calc.py"]?.hasPrefix("def add(a, b):\n    return a + b\n") == true)
    }

    @Test func defaultEditNamesTheJobAndApplies() async throws {
        let reply = try await SimulatedProvider(settings: Self.quiet).send(
            Self.call(
                GatewayFixture.request(
                    model: "simulated:sim-1", role: "implementer", content: Self.prompt(goal: "Tidy up"))))
        let applied = try #require(Self.apply(reply.text, to: ["calc.py": Self.file]))
        let lines = try #require(applied["calc.py"]).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "def add(a, b):")
        #expect(lines[1] == "# Fix add")
        #expect(lines.count == Self.file.split(separator: "\n", omittingEmptySubsequences: false).count + 1)
    }

    @Test func injectedFailureRatesAreRoughlyHonoured() {
        var settings = Self.quiet
        settings.failureRate = 0.2
        settings.seed = 7
        let provider = SimulatedProvider(settings: settings)
        var counts: [SimulatedProvider.InjectedFailure: Int] = [:]
        let total = 4000
        for index in 0..<total {
            let request = GatewayFixture.request(model: "simulated:sim-1", content: "request \(index)")
            if let failure = provider.injectedFailure(for: Self.call(request)) {
                counts[failure, default: 0] += 1
            }
        }
        let failed = counts.values.reduce(0, +)
        #expect((680...920).contains(failed), "expected about 800 failures, got \(failed)")
        for kind in SimulatedProvider.InjectedFailure.allCases {
            #expect((120...280).contains(counts[kind] ?? 0), "\(kind): \(counts[kind] ?? 0)")
        }
    }

    @Test func perKindInjectionAndMalformedOutput() async throws {
        var settings = Self.quiet
        settings.rateMalformed = 1
        let reply = try await SimulatedProvider(settings: settings).send(
            Self.call(GatewayFixture.request(model: "simulated:sim-1", role: "reviewer", content: "x")))
        #expect(reply.text == SimulatedResponder.malformedText)
        #expect((try? JSONSerialization.jsonObject(with: Data(reply.text.utf8))) == nil)
        settings = Self.quiet
        settings.rate429 = 1
        settings.retryAfterSeconds = 3
        await #expect {
            _ = try await SimulatedProvider(settings: settings).send(
                Self.call(GatewayFixture.request(model: "simulated:sim-1", content: "x")))
        } throws: { error in
            (error as? ProviderError)?.failure == .rateLimited
                && (error as? ProviderError)?.retryAfter == .seconds(3)
        }
    }

    @Test func gatewayRetriesInjectedFailuresToSuccess() async throws {
        var config = GatewayFixture.config()
        config.gateway.simulated.rate500 = 0.5
        config.gateway.gateway.maxAttempts = 8
        config.gateway.gateway.backoffBaseMillis = 1
        config.gateway.gateway.breakerFailures = 1000
        let gateway = try GatewayFixture.gateway(config)
        for index in 0..<20 {
            let response = try await gateway.complete(
                GatewayFixture.request(model: "simulated:sim-1", content: "job \(index)"))
            #expect(!response.text.isEmpty)
        }
    }

    @Test func latencyFollowsTheConfiguredMedian() {
        var settings = GatewayConfig.Simulated()
        settings.latencyP50Millis = 100
        settings.latencyP99Millis = 400
        let provider = SimulatedProvider(settings: settings)
        let samples = (0..<1001).map { index in
            provider.latency(
                for: Self.call(GatewayFixture.request(model: "simulated:sim-1", content: "r\(index)")))
        }.sorted()
        #expect(samples[500] > .milliseconds(70) && samples[500] < .milliseconds(140))
        #expect(samples[990] < .milliseconds(700))
    }
}
