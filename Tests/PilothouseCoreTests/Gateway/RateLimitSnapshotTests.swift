import Foundation
import Testing

@testable import PilothouseCore

extension GatewayTests {
    /// Header sets as real servers send them: LiteLLM 1.106.2 captured from the proxy (a
    /// router `rpm` refusal and an answer under the limit), OpenAI's and Anthropic's from their
    /// rate-limit documentation.
    @Suite("RateLimitSnapshot")
    struct RateLimitSnapshotTests {
        /// 2024-06-01T12:00:00Z.
        let now = Date(timeIntervalSince1970: 1_717_243_200)

        struct Case: Sendable, CustomStringConvertible {
            var description: String
            var headers: [String: String]
            var expected: RateLimitSnapshot
        }

        static let cases: [Case] = [
            Case(
                description: "LiteLLM router 429 (only llm_provider-retry-after)",
                headers: [
                    "date": "Sat, 28 Nov 2026 21:22:45 GMT", "llm_provider-retry-after": "60",
                    "x-litellm-call-id": "951a020b-dc31-42ff-8807-88afcc8072b8", "x-litellm-key-spend": "0.0",
                    "content-length": "410", "content-type": "application/json",
                ],
                expected: RateLimitSnapshot(retryAfter: .seconds(60))),
            Case(
                description: "LiteLLM 200 under its router limit",
                headers: [
                    "x-litellm-model-group": "limited", "x-ratelimit-remaining-requests": "1",
                    "x-ratelimit-limit-requests": "2", "x-litellm-attempted-retries": "0",
                ],
                expected: RateLimitSnapshot(limitRequests: 2, remainingRequests: 1)),
            Case(
                description: "LiteLLM forwarding OpenAI's headers with its prefix",
                headers: [
                    "llm_provider-x-ratelimit-limit-tokens": "200000",
                    "llm_provider-x-ratelimit-remaining-tokens": "0",
                    "llm_provider-x-ratelimit-reset-tokens": "20ms",
                    "llm_provider-retry-after-ms": "1500",
                ],
                expected: RateLimitSnapshot(
                    retryAfter: .milliseconds(1500), limitTokens: 200_000, remainingTokens: 0,
                    tokensReset: .milliseconds(20))),
            Case(
                description: "OpenAI documented headers",
                headers: [
                    "x-ratelimit-limit-requests": "60", "x-ratelimit-limit-tokens": "150000",
                    "x-ratelimit-remaining-requests": "59", "x-ratelimit-remaining-tokens": "149984",
                    "x-ratelimit-reset-requests": "1s", "x-ratelimit-reset-tokens": "6m0s",
                ],
                expected: RateLimitSnapshot(
                    limitRequests: 60, limitTokens: 150_000, remainingRequests: 59, remainingTokens: 149_984,
                    requestsReset: .seconds(1), tokensReset: .seconds(360))),
            Case(
                description: "OpenAI 429 with retry-after-ms and a long reset",
                headers: [
                    "Retry-After-Ms": "20", "Retry-After": "1", "X-RateLimit-Remaining-Requests": "0",
                    "X-RateLimit-Reset-Requests": "1h2m3.5s",
                ],
                expected: RateLimitSnapshot(
                    retryAfter: .milliseconds(20), remainingRequests: 0,
                    requestsReset: .milliseconds(3_723_500))),
            Case(
                description: "Anthropic 429: the tightest token limit governs",
                headers: [
                    "retry-after": "12",
                    "anthropic-ratelimit-requests-limit": "50", "anthropic-ratelimit-requests-remaining": "0",
                    "anthropic-ratelimit-requests-reset": "2024-06-01T12:00:12Z",
                    "anthropic-ratelimit-tokens-limit": "80000",
                    "anthropic-ratelimit-tokens-remaining": "12000",
                    "anthropic-ratelimit-tokens-reset": "2024-06-01T12:00:30Z",
                    "anthropic-ratelimit-input-tokens-limit": "40000",
                    "anthropic-ratelimit-input-tokens-remaining": "0",
                    "anthropic-ratelimit-input-tokens-reset": "2024-06-01T12:00:45Z",
                    "anthropic-ratelimit-output-tokens-limit": "16000",
                    "anthropic-ratelimit-output-tokens-remaining": "16000",
                    "anthropic-ratelimit-output-tokens-reset": "2024-06-01T12:00:00Z",
                ],
                expected: RateLimitSnapshot(
                    retryAfter: .seconds(12), limitRequests: 50, limitTokens: 16_000, remainingRequests: 0,
                    remainingTokens: 0, requestsReset: .seconds(12), tokensReset: .seconds(45))),
            Case(
                description: "Retry-After as an HTTP date",
                headers: ["retry-after": "Sat, 01 Jun 2024 12:00:42 GMT"],
                expected: RateLimitSnapshot(retryAfter: .seconds(42))),
            Case(
                description: "garbage and negative figures are ignored",
                headers: [
                    "retry-after": "soon", "x-ratelimit-remaining-requests": "-3",
                    "x-ratelimit-limit-requests": "9999999999999999999999",
                    "x-ratelimit-reset-tokens": "\u{0}1s",
                ],
                expected: RateLimitSnapshot()),
        ]

        @Test(arguments: cases)
        func parsesEveryDialect(_ sample: Case) {
            #expect(RateLimitSnapshot.parse(headers: sample.headers, now: now) == sample.expected)
        }

        @Test func impliedWaitIsTheLongestHoldTheHeadersAskFor() {
            let anthropic = RateLimitSnapshot.parse(headers: Self.cases[5].headers, now: now)
            #expect(anthropic.impliedWait == .seconds(45))
            let underLimit = RateLimitSnapshot.parse(headers: Self.cases[3].headers, now: now)
            #expect(underLimit.impliedWait == nil)
            #expect(RateLimitSnapshot().isEmpty)
            #expect(!RateLimitSnapshot.parse(headers: Self.cases[0].headers, now: now).isEmpty)
        }

        @Test func retryAfterParserReadsLiteLLMHint() {
            #expect(
                RetryAfterParser.retryAfter(headers: ["llm_provider-retry-after": "60"], now: now)
                    == .seconds(60))
        }
    }

    @Suite("Provider error classification")
    struct ProviderErrorClassificationTests {
        /// Bodies as LiteLLM 1.106.2 sends them (captured), and OpenAI's and Anthropic's own.
        @Test(arguments: [
            (
                400,
                #"{"error":{"message":"litellm.ContextWindowExceededError: litellm.BadRequestError: this is a mock context window exceeded error\nmodel=toolong.","type":"invalid_request_error","param":null,"code":"400"}}"#,
                FailureClass.contextLengthExceeded
            ),
            (
                400,
                #"{"error":{"message":"This model's maximum context length is 8192 tokens. However, your messages resulted in 9120 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#,
                .contextLengthExceeded
            ),
            (
                400,
                #"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210012 tokens > 200000 maximum"}}"#,
                .contextLengthExceeded
            ),
            (
                400,
                #"{"error":{"message":"/chat/completions: Invalid model name passed in model=nosuchmodel. Call `/v1/models` to view available models for your key.","type":"invalid_request_error","param":null,"code":"400"}}"#,
                .notFound
            ),
            (
                429,
                #"{"error":{"message":"litellm.RateLimitError: No deployments available for selected model. Passed model=limited.","type":"throttling_error","param":null,"code":"429"}}"#,
                .rateLimited
            ),
            (
                500,
                #"{"error":{"message":"litellm.InternalServerError: this is a mock internal server error","type":"internal_server_error","param":null,"code":"500"}}"#,
                .serverError
            ),
            (
                529, #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
                .overloaded
            ),
            (401, #"{"error":{"message":"Incorrect API key provided"}}"#, .authentication),
        ])
        func classifiesRealBodies(status: Int, body: String, expected: FailureClass) {
            #expect(FailureClassifier.classify(status: status, body: body) == expected)
        }

        @Test func waitsAreRateLimitsOverloadsAndHintedUnavailability() {
            #expect(FailureClassifier.isWait(status: 429, failure: .rateLimited, retryHint: nil))
            #expect(FailureClassifier.isWait(status: 529, failure: .overloaded, retryHint: nil))
            #expect(FailureClassifier.isWait(status: 503, failure: .overloaded, retryHint: .seconds(5)))
            #expect(!FailureClassifier.isWait(status: 503, failure: .overloaded, retryHint: nil))
            #expect(!FailureClassifier.isWait(status: 500, failure: .serverError, retryHint: .seconds(5)))
            #expect(!FailureClassifier.isWait(status: 401, failure: .authentication, retryHint: .seconds(5)))
        }

        @Test(arguments: [
            (
                "This model's maximum context length is 8192 tokens. However, your messages resulted in 9120 tokens.",
                ContextOverflow(limit: 8192, requested: 9120)
            ),
            (
                "prompt is too long: 210012 tokens > 200000 maximum",
                ContextOverflow(limit: 200_000, requested: 210_012)
            ),
            (
                "litellm.ContextWindowExceededError: this is a mock context window exceeded error",
                ContextOverflow()
            ),
            ("maximum context length is 99999999999999999999 tokens", ContextOverflow()),
        ])
        func readsTokenFigures(message: String, expected: ContextOverflow) {
            #expect(ContextOverflow.parse(message) == expected)
        }

        @Test func keepFractionLeavesAMargin() {
            #expect(ContextOverflow(limit: 8000, requested: 10_000).keepFraction == 0.8 * 0.8)
            #expect(ContextOverflow().keepFraction == 0.5)
            #expect(ContextOverflow(limit: 1, requested: 1_000_000).keepFraction == 0.1)
        }
    }

    @Suite("ContextReducer")
    struct ContextReducerTests {
        static func request(_ user: String) -> ModelRequest {
            ModelRequest(
                jobID: nil, stage: .analyze, role: "analyst", model: "m",
                messages: [.init(.system, "Be brief."), .init(.user, user)])
        }

        @Test func cutsLaterFilesFirstAndSaysSo() throws {
            let big = String(repeating: "let x = 1\n", count: 100)
            let prompt =
                "Job: fix\n=== FILE: a.swift ===\n\(big)=== END FILE ===\n=== FILE: b.swift ===\n\(big)=== END FILE ===\nDescribe it."
            let reduced = try #require(ContextReducer.reduce(Self.request(prompt), keeping: 0.5))
            let text = reduced.messages[1].content
            #expect(text.utf8.count < prompt.utf8.count * 3 / 4)
            #expect(text.contains("=== FILE: a.swift ===\n\(big)=== END FILE ==="))
            #expect(text.contains("=== FILE: b.swift ===\n[left out: 1000 bytes]\n=== END FILE ==="))
            #expect(text.contains("Describe it."))
            #expect(text.contains("shortened or left out"))
            #expect(text.contains("b.swift"))
            #expect(reduced.messages[0] == Self.request(prompt).messages[0])
        }

        @Test func keepsWholeLinesOfAPartlyShownFile() throws {
            let prompt = "=== FILE: a.txt ===\nline one\nline two\nline three\n=== END FILE ===\n"
            let reduced = try #require(ContextReducer.reduce(Self.request(prompt), keeping: 0.65))
            #expect(
                reduced.messages[1].content.contains(
                    "=== FILE: a.txt ===\nline one\nline two\n[… 11 more bytes not shown]"))
        }

        @Test func nothingToCutMeansNoRetry() {
            #expect(ContextReducer.reduce(Self.request("no files here"), keeping: 0.5) == nil)
            #expect(
                ContextReducer.reduce(Self.request("=== FILE: x ===\n=== END FILE ===\n"), keeping: 0.5)
                    == nil)
        }
    }
}
