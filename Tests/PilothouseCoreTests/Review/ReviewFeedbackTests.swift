import PilothouseCore
import Testing

@Suite struct ReviewFeedbackTests {
    @Test func commentsAreQuotedWithTheirLocationAndLineText() {
        let text = ReviewFeedback.text(
            reason: "not yet",
            comments: [
                LineComment(file: "a.py", line: 3, text: "+x = 1", comment: "  keep the   spacing  "),
                LineComment(file: "b.go", line: 7, endLine: 8, text: "-a\n-b", comment: "why remove these?"),
            ])
        #expect(
            text == """
                not yet

                Comments on lines of the previous patch:

                a.py:3
                    +x = 1
                Comment:   keep the   spacing  \n
                b.go:7-8
                    -a
                    -b
                Comment: why remove these?

                """)
    }

    @Test func withoutCommentsTheReasonIsTheFeedback() {
        #expect(ReviewFeedback.text(reason: "use a guard", comments: []) == "use a guard")
    }

    @Test func aRangeNeverEndsBeforeItStarts() {
        #expect(LineComment(file: "f", line: 9, endLine: 2, text: "", comment: "").location == "f:9")
    }
}
