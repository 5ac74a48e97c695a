import Foundation
import Testing

@testable import PilothouseCore

extension GatewayTests {
    @Suite("RetryAfterParser")
    struct RetryAfterParserTests {
        /// Sun, 06 Nov 1994 08:49:37 GMT, the example date of RFC 9110.
        let rfcExample = Date(timeIntervalSince1970: 784_111_777)

        @Test func deltaSeconds() {
            #expect(RetryAfterParser.retryAfter("30", now: rfcExample) == .seconds(30))
            #expect(RetryAfterParser.retryAfter(" 0 ", now: rfcExample) == .zero)
            #expect(RetryAfterParser.retryAfter("1.5", now: rfcExample) == .milliseconds(1_500))
            #expect(RetryAfterParser.retryAfter("-1", now: rfcExample) == nil)
            #expect(RetryAfterParser.retryAfter("soon", now: rfcExample) == nil)
            #expect(RetryAfterParser.retryAfter("", now: rfcExample) == nil)
            #expect(RetryAfterParser.retryAfterMilliseconds("250") == .milliseconds(250))
        }

        @Test(arguments: [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ])
        func allThreeHTTPDateForms(text: String) {
            #expect(RetryAfterParser.httpDate(text) == rfcExample)
        }

        @Test func httpDateRetryAfterIsRelativeToNow() {
            #expect(
                RetryAfterParser.retryAfter("Sun, 06 Nov 1994 08:50:07 GMT", now: rfcExample) == .seconds(30))
            // A date in the past means "now", not a negative wait.
            #expect(RetryAfterParser.retryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now: rfcExample) == .zero)
        }

        @Test func malformedHTTPDates() {
            #expect(RetryAfterParser.httpDate("Sun, 31 Feb 2021 00:00:00 GMT") == nil)
            #expect(RetryAfterParser.httpDate("Sun, 06 Nov 1994 08:49:37 PST") == nil)
            #expect(RetryAfterParser.httpDate("Sun, 06 Foo 1994 08:49:37 GMT") == nil)
            #expect(RetryAfterParser.httpDate("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
            #expect(RetryAfterParser.httpDate("Sun, 06 Nov 99999999999999 08:49:37 GMT") == nil)
        }

        @Test(arguments: [
            ("1s", Duration.seconds(1)),
            ("6m0s", .seconds(360)),
            ("200ms", .milliseconds(200)),
            ("17ms", .milliseconds(17)),
            ("1h2m3.5s", .milliseconds(3_723_500)),
            ("0s", .zero),
            ("0", .zero),
            ("1.25s", .milliseconds(1_250)),
            ("3us", .microseconds(3)),
            ("3µs", .microseconds(3)),
            ("12ns", .nanoseconds(12)),
        ])
        func goDurations(text: String, expected: Duration) {
            #expect(RetryAfterParser.goDuration(text) == expected)
        }

        @Test(arguments: ["", "5", "s", "1x", "1s2", "-1s", "1..5s", ".s"])
        func malformedGoDurations(text: String) {
            #expect(RetryAfterParser.goDuration(text) == nil)
        }

        @Test func rfc3339Timestamps() {
            let noon = Date(timeIntervalSince1970: 1_717_243_200)
            #expect(RetryAfterParser.rfc3339Date("2024-06-01T12:00:00Z") == noon)
            #expect(RetryAfterParser.rfc3339Date("2024-06-01T14:00:00+02:00") == noon)
            #expect(RetryAfterParser.rfc3339Date("2024-06-01T07:30:00-04:30") == noon)
            #expect(RetryAfterParser.rfc3339Date("2024-06-01T12:00:00.5Z") == noon.addingTimeInterval(0.5))
            #expect(
                RetryAfterParser.rfc3339Date("2000-02-29T23:59:59Z")
                    == Date(timeIntervalSince1970: 951_868_799))
            #expect(
                RetryAfterParser.rfc3339Date("1969-07-20T20:17:40Z")
                    == Date(timeIntervalSince1970: -14_182_940))
            #expect(RetryAfterParser.rfc3339Date("2023-02-29T00:00:00Z") == nil)
            #expect(RetryAfterParser.rfc3339Date("2024-06-01T12:00:00") == nil)
            #expect(RetryAfterParser.rfc3339Date("2024-06-01T12:00:00.Z") == nil)
            #expect(RetryAfterParser.rfc3339Date("2024-06-01T12:00:00Zjunk") == nil)
        }

        @Test func resetHeadersInEveryProviderFormat() {
            let now = Date(timeIntervalSince1970: 1_717_243_200)
            // OpenAI x-ratelimit-reset-*
            #expect(RetryAfterParser.resetDelay("6m0s", now: now) == .seconds(360))
            #expect(RetryAfterParser.resetDelay("200ms", now: now) == .milliseconds(200))
            // Bare seconds, as some OpenAI-compatible servers send.
            #expect(RetryAfterParser.resetDelay("12", now: now) == .seconds(12))
            // Anthropic anthropic-ratelimit-*-reset
            #expect(RetryAfterParser.resetDelay("2024-06-01T12:00:30Z", now: now) == .seconds(30))
            #expect(RetryAfterParser.resetDelay("2024-06-01T12:00:00.250Z", now: now) == .milliseconds(250))
            #expect(RetryAfterParser.resetDelay("2024-06-01T11:00:00Z", now: now) == .zero)
            #expect(RetryAfterParser.resetDelay("Sat, 01 Jun 2024 12:01:00 GMT", now: now) == .seconds(60))
            #expect(RetryAfterParser.resetDelay("whenever", now: now) == nil)
        }

        @Test func headerSetPrefersMillisecondsAndIgnoresCase() {
            let now = rfcExample
            #expect(
                RetryAfterParser.retryAfter(
                    headers: ["Retry-After": "2", "Retry-After-Ms": "1500"], now: now)
                    == .milliseconds(1_500))
            #expect(RetryAfterParser.retryAfter(headers: ["RETRY-AFTER": "7"], now: now) == .seconds(7))
            #expect(
                RetryAfterParser.retryAfter(
                    headers: ["retry-after-ms": "junk", "retry-after": "3"], now: now)
                    == .seconds(3))
            #expect(RetryAfterParser.retryAfter(headers: [:], now: now) == nil)
        }
    }
}
