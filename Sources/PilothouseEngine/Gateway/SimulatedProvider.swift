import Foundation
import PilothouseCore

/// The embedded offline model: answers by role (see `SimulatedResponder`), with a latency
/// distribution and injected failures, all drawn from a generator seeded by the configured
/// seed and the request's content, so the same seed replays the same run.
public struct SimulatedProvider: ModelProvider {
    public let settings: GatewayConfig.Simulated
    let responder = SimulatedResponder()
    let estimator = TokenEstimator()

    public init(settings: GatewayConfig.Simulated = .init()) {
        self.settings = settings
    }

    /// The failure an attempt draws, if any.
    public enum InjectedFailure: String, Sendable, CaseIterable {
        case rateLimited, serverError, timeout, malformed
    }

    /// Content key: what the simulated "model" sees, so identical prompts answer identically.
    static func contentKey(_ call: ProviderCall) -> [String] {
        [call.model, call.request.role, String(call.request.maxOutputTokens)]
            + call.request.messages.map { "\($0.role.rawValue):\($0.content)" }
    }

    /// Decides the attempt's failure; keyed by the attempt too, so a retry is a fresh roll.
    public func injectedFailure(for call: ProviderCall) -> InjectedFailure? {
        var random = SplitMix64(
            seed: settings.seed, keyedBy: Self.contentKey(call) + ["attempt:\(call.attempt)"])
        let even = settings.failureRate / 4
        let rates: [(InjectedFailure, Double)] = [
            (.rateLimited, settings.rate429 + even), (.serverError, settings.rate500 + even),
            (.timeout, settings.rateTimeout + even), (.malformed, settings.rateMalformed + even),
        ]
        var roll = random.unit()
        for (kind, rate) in rates {
            if roll < rate { return kind }
            roll -= rate
        }
        return nil
    }

    /// Log-normal with the configured median and 99th percentile: most calls near the median,
    /// a long tail, as real APIs behave.
    public func latency(for call: ProviderCall) -> Duration {
        let median = Double(settings.latencyP50Millis)
        guard median > 0 else { return .zero }
        var random = SplitMix64(
            seed: settings.seed, keyedBy: Self.contentKey(call) + ["latency:\(call.attempt)"])
        let sigma = log(max(Double(settings.latencyP99Millis), median) / median) / 2.326
        // Box–Muller; 1 - unit() keeps the logarithm's argument in (0, 1].
        let normal = sqrt(-2 * log(1 - random.unit())) * cos(2 * .pi * random.unit())
        let millis = min(median * exp(sigma * normal), Double(settings.latencyP99Millis) * 4)
        return .microseconds(Int64(millis * 1000))
    }

    public func send(_ call: ProviderCall) async throws(ProviderError) -> ProviderReply {
        let delay = min(latency(for: call), call.timeout)
        if delay > .zero {
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw .transport(.cancelled, message: "cancelled")
            }
        }
        let failure = injectedFailure(for: call)
        let inputTokens = estimator.estimate(messages: call.request.messages.map(\.content))
        var idSource = SplitMix64(seed: settings.seed, keyedBy: Self.contentKey(call) + ["id"])
        let requestID = "sim-" + String(idSource.next() % 1_000_000_007, radix: 36)
        switch failure {
        case .rateLimited?:
            throw .http(
                status: 429, failure: .rateLimited, message: "simulated rate limit",
                retryAfter: .seconds(settings.retryAfterSeconds), rateLimits: RateLimitSnapshot(),
                requestID: requestID)
        case .serverError?:
            throw .http(
                status: 500, failure: .serverError, message: "simulated server error", retryAfter: nil,
                rateLimits: RateLimitSnapshot(), requestID: requestID)
        case .timeout?:
            throw .transport(.timeout, message: "simulated timeout")
        case .malformed?:
            return ProviderReply(
                text: SimulatedResponder.malformedText, requestID: requestID,
                tokens: TokenCounts(
                    input: inputTokens, output: estimator.estimate(SimulatedResponder.malformedText)))
        case nil:
            var random = SplitMix64(seed: settings.seed, keyedBy: Self.contentKey(call))
            let text = responder.respond(to: call.request, random: &random)
            let output = min(estimator.estimate(text), max(1, call.request.maxOutputTokens))
            return ProviderReply(
                text: text, requestID: requestID, tokens: TokenCounts(input: inputTokens, output: output))
        }
    }
}
