import Testing

@testable import PilothouseCore

extension GatewayTests {
    @Suite("TokenEstimator")
    struct TokenEstimatorTests {
        let estimator = TokenEstimator()

        @Test func fourBytesPerTokenRoundedUpWithAFloor() {
            #expect(estimator.estimate("") == 0)
            #expect(estimator.estimate("a") == 1)
            #expect(estimator.estimate("abcdefgh") == 2)
            #expect(estimator.estimate("abcdefghi") == 3)
            #expect(TokenEstimator(minimumTokens: 16).estimate("hi") == 16)
        }

        @Test func nonLatinTextIsNotUndercounted() {
            // Three CJK characters are nine UTF-8 bytes: three tokens, not one.
            #expect(estimator.estimate("日本語") == 3)
        }

        @Test func messagesAddFramingOverhead() {
            #expect(estimator.estimate(messages: ["abcd", "abcdefgh"]) == 1 + 4 + 2 + 4)
            #expect(estimator.estimate(messages: []) == 0)
        }

        @Test func reservationAssumesTheWholeOutputAllowance() {
            let reservation = estimator.reservation(
                messages: [String(repeating: "x", count: 400)], maxOutputTokens: 1_024)
            #expect(reservation == TokenCounts(input: 104, output: 1_024, cachedInput: 0))
        }
    }
}
