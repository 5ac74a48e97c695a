import PilothouseCore
import Testing

@testable import PilothouseEngine

/// `ReviewStage.parse` reads the score that decides auto-approval, from whatever a model wrote:
/// a wrong number approves a patch nobody looked at, a crash takes the engine down.
@Suite struct ReviewStageParseTests {
    @Test func readsTheScoreFromJSONAmongProse() throws {
        let text = """
            Here is my review.
            ```json
            {"overall": 8, "dimensions": {"correctness": 9, "safety": 7, "style": 6}, "summary": "Fine."}
            ```
            Thanks!
            """
        let score = try #require(ReviewStage.parse(text))
        #expect(
            score
                == ReviewScore(
                    overall: 8, dimensions: ["correctness": 9, "safety": 7, "style": 6], summary: "Fine."))
    }

    @Test func fractionalScoresRoundAndMissingPartsDefault() throws {
        #expect(ReviewStage.parse(#"{"overall": 6.5}"#) == ReviewScore(overall: 7))
        #expect(ReviewStage.parse(#"{"overall": 6.4}"#)?.overall == 6)
        #expect(ReviewStage.parse(#"{"overall": 10, "summary": "x"}"#)?.summary == "x")
    }

    @Test(arguments: [
        "", "no JSON at all", "}{", #"{"overall": "9"}"#, #"{"overall": 0}"#, #"{"overall": 11}"#,
        #"{"overall": -3}"#, #"{"score": 9}"#, #"{"overall": 9"#, #"{"overall": 1e400}"#,
        #"{"overall": 3} and later {"overall": 9}"#, "{\"overall\": 9\u{0}}",
    ])
    func anythingButAValidOverallScoreIsRefused(text: String) {
        #expect(ReviewStage.parse(text) == nil, "\(text.debugDescription) was read as a score")
    }

    /// Dimensions a model sets out of range or absurdly large are clamped like every score,
    /// never converted blindly (`Int(1e300)` traps and would kill the engine).
    @Test func outOfRangeDimensionsAreClampedNotFatal() throws {
        let score = try #require(
            ReviewStage.parse(#"{"overall": 9, "dimensions": {"a": 1e300, "b": -1e300, "c": 0, "d": 42}}"#))
        #expect(score.overall == 9)
        #expect(score.dimensions == ["a": 10, "b": 1, "c": 1, "d": 10])
    }

    @Test func hugeAnswersAreHandled() {
        let prose = String(repeating: "blah { not json } ", count: 50_000)
        #expect(ReviewStage.parse(prose) == nil)
        #expect(
            ReviewStage.parse(
                "Summary: " + #"{"overall": 9, "summary": "\#(String(repeating: "a", count: 200_000))"}"#)?
                .overall == 9)
    }
}
