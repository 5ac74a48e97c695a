import Foundation
import PilothouseCore
import Testing

@testable import PilothouseConsole

/// The job view's transcript (issue #13 point 4): asked of the engine when the view opens,
/// drawn a window at a time, searched with `/`, `n` and `N`.
@Suite struct JobTranscriptTests {
    static let entries: [TranscriptEntry] = [
        TranscriptEntry(
            source: .model, stage: .analyze, model: "anthropic:claude-sonnet-4",
            prompt:
                "[system]\nYou analyse code.\n\n[user]\nFind why Retry jitter is missing in backoff.swift",
            response: "The backoff has no jitter: every retry waits the same delay.",
            at: Fixtures.now.addingTimeInterval(-500)),
        TranscriptEntry(
            source: .model, stage: .implement, model: "anthropic:claude-sonnet-4",
            prompt: "[user]\nAdd jitter to the retry delay.\tKeep the cap.",
            response:
                "backoff.swift\n<<<<<<< SEARCH\n    return base\n=======\n    return base + jitter()\n>>>>>>> REPLACE",
            at: Fixtures.now.addingTimeInterval(-400)),
        TranscriptEntry(
            source: .agent, stage: .implement, model: "agent:aider", prompt: "aider finished in 812 ms",
            response: "Applied edit to backoff.swift\nCommit skipped (--no-auto-commits)",
            at: Fixtures.now.addingTimeInterval(-300)),
    ]

    static func openedModel() -> (ConsoleModel, [ConsoleEffect]) {
        var model = JobViewTests.finishedJobModel()
        _ = model.handle(.char("g"), keymap: .default)
        while model.selectedJob?.id != Fixtures.id(5) {
            let before = model.selectedJobIndex
            _ = model.handle(.char("j"), keymap: .default)
            if model.selectedJobIndex == before { break }
        }
        let effects = model.handle(.enter, keymap: .default)
        return (model, effects)
    }

    static func search(_ text: String, in model: inout ConsoleModel) {
        _ = model.handle(.char("/"), keymap: .default)
        for character in text { _ = model.handle(.char(character), keymap: .default) }
        _ = model.handle(.enter, keymap: .default)
    }

    static func text(_ canvas: Canvas) -> String { canvas.lines.joined(separator: "\n") }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func theTranscriptIsAskedForShownAndSearched(size: Size) throws {
        var (model, effects) = Self.openedModel()
        #expect(effects == [.loadJobDetail(Fixtures.id(5))])
        var canvas = ConsoleView.render(&model, size: size, theme: Fixtures.probeTheme)
        if size.height >= 40 { #expect(Self.text(canvas).contains("loading…")) }

        model.receiveJobDetail(
            Fixtures.id(5), .success(JobDetail(jobID: Fixtures.id(5), transcript: Self.entries)))
        Self.search("JITTER", in: &model)
        #expect(model.prompt == nil)
        let search = try #require(model.jobDetail?.search)
        // "jitter" in the first prompt and answer, the second prompt, and the second answer.
        #expect(search.matches.count == 4)
        #expect(model.status.text.contains("match 1 of 4"))
        canvas = ConsoleView.render(&model, size: size, theme: Fixtures.probeTheme)
        Snapshot.check(canvas, named: "job-transcript-\(size.width)x\(size.height)")
        #expect(Self.text(canvas).contains("Find why Retry jitter is missing"))
        #expect(Self.text(canvas).contains("transcript 3") || size.height < 40)
        try Self.expectHighlighted("jitter", in: canvas)

        _ = model.handle(.char("n"), keymap: .default)
        #expect(model.jobDetail?.search?.current == 1)
        _ = model.handle(.char("N"), keymap: .default)
        _ = model.handle(.char("N"), keymap: .default)
        #expect(model.jobDetail?.search?.current == 3, "N from the first match wraps to the last")
        canvas = ConsoleView.render(&model, size: size, theme: Fixtures.probeTheme)
        #expect(Self.text(canvas).contains("return base + jitter()"))
        try Self.expectHighlighted("jitter", in: canvas)
        #expect(Self.text(canvas).contains("agent:aider") || size.height < 40)
    }

    /// Some on-screen occurrence of `word` (any case) is drawn in the selection style, all of it.
    static func expectHighlighted(
        _ word: String, in canvas: Canvas, sourceLocation: SourceLocation = #_sourceLocation
    )
        throws
    {
        let selection = Fixtures.probeTheme[.selection]
        for (y, line) in canvas.lines.enumerated() {
            let lower = Array(line.lowercased())
            let needle = Array(word.lowercased())
            guard lower.count >= needle.count else { continue }
            for x in 0...(lower.count - needle.count) where Array(lower[x..<x + needle.count]) == needle {
                if (0..<needle.count).allSatisfy({ canvas[x + $0, y].style == selection }) { return }
            }
        }
        Issue.record("no occurrence of '\(word)' is highlighted", sourceLocation: sourceLocation)
    }

    @Test func aFailedRequestSaysWhyAndALateAnswerForAnotherJobIsIgnored() {
        var (model, _) = Self.openedModel()
        model.receiveJobDetail(
            Fixtures.id(1), .success(JobDetail(jobID: Fixtures.id(1), transcript: Self.entries)))
        #expect(model.jobDetail?.load == .loading)
        model.receiveJobDetail(
            Fixtures.id(5), .failure(JobDetailFailure("disk I/O error reading transcripts")))
        var canvas = ConsoleView.render(
            &model, size: Size(width: 200, height: 60), theme: Fixtures.probeTheme)
        #expect(Self.text(canvas).contains("disk I/O error reading transcripts"))
        Self.search("jitter", in: &model)
        #expect(model.status.tone == .error)
        #expect(model.status.text.contains("not arrived"))
        _ = model.handle(.char("n"), keymap: .default)
        #expect(model.status.text.contains("/ searches the transcript"))
        _ = model.handle(.esc, keymap: .default)
        #expect(model.overlay == nil)
        canvas = ConsoleView.render(&model, size: Size(width: 200, height: 60), theme: Fixtures.probeTheme)
        #expect(!Self.text(canvas).contains("disk I/O error"))
    }

    @Test func noTranscriptRecordedSaysHowToRecordOne() {
        var (model, _) = Self.openedModel()
        model.receiveJobDetail(Fixtures.id(5), .success(JobDetail(jobID: Fixtures.id(5))))
        let canvas = ConsoleView.render(
            &model, size: Size(width: 200, height: 60), theme: Fixtures.probeTheme)
        #expect(Self.text(canvas).contains("[gateway] transcripts = true"))
        var searched = model
        Self.search("x", in: &searched)
        #expect(searched.status.text.contains("no match for 'x'"))
    }

    /// Megabytes of transcript, escape and NUL bytes, a 1 MB line: laid out once, drawn a window
    /// at a time, no raw control byte reaches the screen, and a match far right is shown.
    @Test func aHugeHostileTranscriptIsLaidOutOnceAndDrawnSafely() throws {
        let longLine = String(repeating: "x", count: 1 << 20) + "NEEDLE"
        let manyLines = (0..<50_000).map { "line \($0) \u{1B}[2J\u{1B}]0;pwned\u{07}\u{0}" }.joined(
            separator: "\n")
        let entry = TranscriptEntry(
            source: .model, stage: .implement, model: "m", prompt: manyLines, response: longLine,
            at: Fixtures.now)
        let document = TranscriptDocument([entry])
        #expect(document.lines.allSatisfy { $0.text.count <= TranscriptDocument.chunkCharacters })
        #expect(document.lines.count > 50_000 + (1 << 20) / TranscriptDocument.chunkCharacters)

        var (model, _) = Self.openedModel()
        model.receiveJobDetail(
            Fixtures.id(5), .success(JobDetail(jobID: Fixtures.id(5), transcript: [entry])))
        Self.search("needle", in: &model)
        #expect(model.jobDetail?.search?.matches.count == 1)
        for size in [Size(width: 80, height: 24), Size(width: 200, height: 60)] {
            let canvas = ConsoleView.render(&model, size: size, theme: Fixtures.probeTheme)
            let text = Self.text(canvas)
            #expect(text.contains("NEEDLE"), "the match is scrolled into view at \(size)")
            try Self.expectHighlighted("needle", in: canvas)
        }
        _ = model.handle(.char("g"), keymap: .default)
        Self.search("pwned", in: &model)
        #expect(model.jobDetail?.search?.matches.count == 50_000)
        let canvas = ConsoleView.render(&model, size: Size(width: 80, height: 24), theme: Fixtures.probeTheme)
        let scalars = Self.text(canvas).unicodeScalars
        #expect(!scalars.contains { $0.value < 0x20 && $0 != "\n" }, "control characters are drawn as glyphs")
    }
}
