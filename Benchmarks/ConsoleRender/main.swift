// Measures console frames at 200×60 with 10,000 jobs and a 50,000-line diff open.
// Prints numbers and asserts nothing: run with `swift run -c release ConsoleRender`.
import Foundation
import PilothouseConsole
import PilothouseCore

func id(_ n: Int) -> JobID {
    let digits = String(n)
    return JobID("01JA" + String(repeating: "0", count: 22 - digits.count) + digits)!
}

func measure(_ label: String, iterations: Int, _ body: () -> Void) {
    body()  // warm up
    let clock = ContinuousClock()
    var samples: [Duration] = []
    for _ in 0..<iterations { samples.append(clock.measure(body)) }
    samples.sort()
    func ms(_ d: Duration) -> String {
        let (s, atto) = d.components
        return String(format: "%.3f ms", Double(s) * 1000 + Double(atto) / 1e15)
    }
    print(
        "\(label): median \(ms(samples[samples.count / 2])), p95 \(ms(samples[samples.count * 95 / 100])), n=\(iterations)"
    )
}

let base = Date(timeIntervalSince1970: 1_750_000_000)
let states: [JobState] = [.queued, .running, .awaitingApproval, .merged, .failed]
let jobs = (1...10_000).map { n in
    Job(
        id: id(n), title: "improvement number \(n) across the codebase", goal: "",
        priority: Priority(rawValue: n % 4)!,
        state: states[n % states.count], currentStage: .review, attempts: 1, createdAt: base)
}

// 50,000 diff lines: 1,000 hunks of 50 lines (20 context, 15 removed, 15 added) over 100 files.
var diffText = ""
for file in 0..<100 {
    diffText += "diff --git a/Sources/File\(file).swift b/Sources/File\(file).swift\n"
    diffText += "--- a/Sources/File\(file).swift\n+++ b/Sources/File\(file).swift\n"
    for hunk in 0..<10 {
        let start = hunk * 100 + 1
        diffText += "@@ -\(start),35 +\(start),35 @@ func f\(hunk)() {\n"
        for i in 0..<10 { diffText += " let context\(i) = \(i)\n" }
        for i in 0..<15 { diffText += "-let old\(i) = compute(\(i))\n" }
        for i in 0..<15 { diffText += "+let new\(i) = compute(\(i), faster: true)\n" }
        for i in 0..<10 { diffText += " let tail\(i) = \(i)\n" }
    }
}
let diff = Data(diffText.utf8)
let approval = ApprovalRequest(jobID: id(3), attempt: 1, title: "large patch", diff: diff)
let size = Size(width: 200, height: 60)

// The same screen with 100 jobs: the frame should cost the same, since lists are virtualized.
var small = ConsoleModel(now: base)
small.apply(.snapshot(EngineSnapshot(jobs: Array(jobs.prefix(100)), approvals: [approval], state: .running)))
measure("frame 200×60, 100 jobs (for comparison)", iterations: 200) {
    _ = ConsoleView.render(&small, size: size, theme: .dark)
}

var model = ConsoleModel(now: base)
measure("fold snapshot of 10,000 jobs", iterations: 5) {
    model.apply(.snapshot(EngineSnapshot(jobs: jobs, approvals: [approval], state: .running)))
}
measure("job update (no re-sort)", iterations: 1000) {
    var job = jobs[500]
    job.currentStage = .test
    model.apply(.jobChanged(job))
}
measure("frame 200×60, 10,000 jobs", iterations: 200) {
    _ = ConsoleView.render(&model, size: size, theme: .dark)
}
_ = model.handle(.char("G"), keymap: .default)
measure("frame 200×60, 10,000 jobs, scrolled to the end", iterations: 200) {
    _ = ConsoleView.render(&model, size: size, theme: .dark)
}
let lines = diffText.split(separator: "\n").count
/// Through the keys, as the operator does it: approvals pane, enter.
@MainActor func openDiff() {
    _ = model.handle(.esc, keymap: .default)
    _ = model.handle(.char("5"), keymap: .default)
    _ = model.handle(.enter, keymap: .default)
}
measure("open the \(lines)-line diff (parse + flatten, once)", iterations: 5) { openDiff() }
openDiff()
precondition(model.diff != nil)
measure("frame 200×60 with the \(lines)-line diff open (side by side)", iterations: 200) {
    _ = ConsoleView.render(&model, size: size, theme: .dark)
}
for _ in 0..<500 { _ = model.handle(.char("n"), keymap: .default) }
measure("frame 200×60 with the diff open at hunk 500", iterations: 200) {
    _ = ConsoleView.render(&model, size: size, theme: .dark)
}
// Word emphasis and syntax colours are painted per visible line; these are the other layouts.
let narrow = Size(width: 150, height: 60)
measure("frame 150×60 with the diff open (unified, word + syntax highlighting)", iterations: 200) {
    _ = ConsoleView.render(&model, size: narrow, theme: .dark)
}
_ = model.handle(.char("w"), keymap: .default)
measure("frame 150×60 with the diff open, long lines wrapped", iterations: 200) {
    _ = ConsoleView.render(&model, size: narrow, theme: .dark)
}
_ = model.handle(.char("w"), keymap: .default)
for _ in 0..<3 { _ = model.handle(.char("l"), keymap: .default) }
measure("frame 150×60 with the diff open, scrolled 24 columns right", iterations: 200) {
    _ = ConsoleView.render(&model, size: narrow, theme: .dark)
}
// The same screens with a one-line patch open: the frame's fixed cost (canvas, header, status
// line, side column), so the difference to the lines above is what painting the patch costs.
var tiny = ConsoleModel(now: base)
let tinyDiff = Data(
    "diff --git a/a.swift b/a.swift\n--- a/a.swift\n+++ b/a.swift\n@@ -1 +1 @@\n-let a = 1\n+let a = 2\n".utf8
)
tiny.apply(
    .snapshot(
        EngineSnapshot(
            jobs: Array(jobs.prefix(100)),
            approvals: [ApprovalRequest(jobID: id(3), attempt: 1, title: "tiny", diff: tinyDiff)],
            state: .running)))
_ = tiny.handle(.char("5"), keymap: .default)
_ = tiny.handle(.enter, keymap: .default)
precondition(tiny.diff != nil)
measure("frame 200×60 with a one-line diff open (fixed cost)", iterations: 200) {
    _ = ConsoleView.render(&tiny, size: size, theme: .dark)
}
measure("frame 150×60 with a one-line diff open (fixed cost)", iterations: 200) {
    _ = ConsoleView.render(&tiny, size: narrow, theme: .dark)
}
let first = ConsoleView.render(&model, size: size, theme: .dark)
_ = model.handle(.char("j"), keymap: .default)
let second = ConsoleView.render(&model, size: size, theme: .dark)
measure("changed spans between two frames", iterations: 200) { _ = second.changes(from: first) }

// The job view with a 5 MB transcript (20 calls of 250 KB): laid out once when it arrives,
// searched once per query, then each frame draws only the rows on screen.
var viewer = ConsoleModel(now: base)
viewer.apply(.snapshot(EngineSnapshot(jobs: Array(jobs.prefix(100)), state: .running)))
_ = viewer.handle(.char("g"), keymap: .default)
let opened = viewer.handle(.enter, keymap: .default)
precondition(opened == [.loadJobDetail(viewer.selectedJobID!)])
let chunk = (0..<2_500).map { "line \($0) of the prompt: the parser keeps a stack of open scopes" }
    .joined(separator: "\n")
let transcript = (0..<20).map { n in
    TranscriptEntry(
        source: .model, stage: .implement, model: "anthropic:claude-sonnet-4", prompt: chunk,
        response: chunk + (n == 17 ? "\nthe NEEDLE is here" : ""), at: base)
}
let detail = JobDetail(jobID: viewer.selectedJobID!, transcript: transcript)
print("transcript: \(transcript.reduce(0) { $0 + $1.prompt.utf8.count + $1.response.utf8.count }) bytes")
measure("lay out a 5 MB transcript (once, when it arrives)", iterations: 5) {
    viewer.receiveJobDetail(detail.jobID, .success(detail))
}
measure("search it for a word (once per query)", iterations: 5) {
    _ = viewer.handle(.char("/"), keymap: .default)
    for c in "needle" { _ = viewer.handle(.char(c), keymap: .default) }
    _ = viewer.handle(.enter, keymap: .default)
}
measure("frame 200×60, job view at the match in the 5 MB transcript", iterations: 200) {
    _ = ConsoleView.render(&viewer, size: size, theme: .dark)
}
