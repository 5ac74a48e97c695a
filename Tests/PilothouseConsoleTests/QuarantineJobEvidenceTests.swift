import Foundation
import PilothouseCore
import Testing

@testable import PilothouseConsole

/// A quarantine record's view with its job's evidence (issue #13 point 8): the patch with what
/// a policy record names marked, and the last attempts' failures side by side.
@Suite struct QuarantineJobEvidenceTests {
    static let secretRecord = QuarantineRecord(
        id: Fixtures.id(91), jobID: Fixtures.id(7), reason: .secretDetected,
        message: "config.py adds aws_access_key (1 finding)",
        payload:
            "[secret_detected] config.py adds aws_access_key (1 finding)\n  config.py:3: +KEY = \"[REDACTED:aws_access_key]\"",
        createdAt: Fixtures.now.addingTimeInterval(-30))

    static let patch = Data(
        """
        diff --git a/app.py b/app.py
        --- a/app.py
        +++ b/app.py
        @@ -1,2 +1,2 @@
         import os
        -print(1)
        +print(2)
        diff --git a/config.py b/config.py
        --- a/config.py
        +++ b/config.py
        @@ -1,2 +1,3 @@
         REGION = "eu"
         TIMEOUT = 3
        +KEY = "[REDACTED:aws_access_key]"

        """.utf8)

    static let attemptsRecord = QuarantineRecord(
        id: Fixtures.id(92), jobID: Fixtures.id(7), reason: .maxAttempts,
        message: "out of attempts (3/3) after test failed", createdAt: Fixtures.now.addingTimeInterval(-20))

    static let history: [StageProgress] = [
        StageProgress(jobID: Fixtures.id(7), stage: .implement, attempt: 1, status: .finished),
        StageProgress(
            jobID: Fixtures.id(7), stage: .test, attempt: 1, status: .failed,
            message: "1 failed: test_quote\nAssertionError: 'a b' != \"'a b'\""),
        StageProgress(
            jobID: Fixtures.id(7), stage: .implement, attempt: 2, status: .failed,
            message: "edit block did not apply"),
        StageProgress(
            jobID: Fixtures.id(7), stage: .test, attempt: 3, status: .failed,
            message: "2 failed: test_quote, test_empty"),
        StageProgress(
            jobID: Fixtures.id(7), stage: .test, attempt: 4, status: .failed, message: "timed out after 120 s"
        ),
    ]

    static func open(_ record: QuarantineRecord) -> (ConsoleModel, [ConsoleEffect]) {
        var model = Fixtures.model()
        model.apply(.jobChanged(Fixtures.job(7, "Escape shell arguments", state: .quarantined, attempts: 3)))
        model.apply(.quarantineAdded(record))
        _ = model.handle(.char("4"), keymap: .default)
        while model.selectedQuarantine?.id != record.id {
            let before = model.selectedQuarantineIndex
            _ = model.handle(.char("j"), keymap: .default)
            if model.selectedQuarantineIndex == before { break }
        }
        let effects = model.handle(.enter, keymap: .default)
        return (model, effects)
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func aPolicyRecordShowsThePatchWithTheOffendingFileAndLineMarked(size: Size) throws {
        var (model, effects) = Self.open(Self.secretRecord)
        #expect(effects == [.loadJobDetail(Fixtures.id(7))])
        var canvas = ConsoleView.render(&model, size: size, theme: Fixtures.probeTheme)
        #expect(
            canvas.lines.contains { $0.contains("asking the engine for the job's patch") } || size.height < 40
        )
        model.receiveJobDetail(Fixtures.id(7), .success(JobDetail(jobID: Fixtures.id(7), patch: Self.patch)))
        _ = model.handle(.char("G"), keymap: .default)
        canvas = ConsoleView.render(&model, size: size, theme: Fixtures.probeTheme)
        Snapshot.check(canvas, named: "quarantine-patch-\(size.width)x\(size.height)")
        let rows = canvas.lines
        let header = try #require(rows.firstIndex { $0.contains("▶ config.py (modified)") })
        #expect(
            canvas[
                rows[header].distance(from: rows[header].startIndex, to: rows[header].firstIndex(of: "c")!),
                header
            ].style
                == Fixtures.probeTheme[.error])
        #expect(rows.contains { $0.contains("  app.py (modified)") && !$0.contains("▶") })
        let marked = try #require(rows.firstIndex { $0.contains("▶ +KEY = \"[REDACTED:aws_access_key]\"") })
        #expect(rows.contains { $0.contains("  +print(2)") && !$0.contains("▶") })
        let x = rows[marked].distance(from: rows[marked].startIndex, to: rows[marked].firstIndex(of: "K")!)
        #expect(canvas[x, marked].style == Fixtures.probeTheme[.warn])
    }

    @Test func aRecordWhosePatchWasNeverStoredSaysSo() {
        var (model, _) = Self.open(Self.secretRecord)
        model.receiveJobDetail(Fixtures.id(7), .success(JobDetail(jobID: Fixtures.id(7))))
        let canvas = ConsoleView.render(
            &model, size: Size(width: 200, height: 60), theme: Fixtures.probeTheme)
        #expect(canvas.lines.contains { $0.contains("the job has no stored patch") })
    }

    @Test func aMaxAttemptsRecordShowsTheLastThreeAttemptsSideBySide() throws {
        var (model, _) = Self.open(Self.attemptsRecord)
        model.receiveJobDetail(
            Fixtures.id(7), .success(JobDetail(jobID: Fixtures.id(7), stageHistory: Self.history)))
        let canvas = ConsoleView.render(
            &model, size: Size(width: 200, height: 60), theme: Fixtures.probeTheme)
        Snapshot.check(canvas, named: "quarantine-attempts-200x60")
        let rows = canvas.lines
        let titles = try #require(rows.first { $0.contains("attempt 2") })
        #expect(titles.contains("│ attempt 3") && titles.contains("│ attempt 4"))
        #expect(!rows.contains { $0.contains("attempt 1") }, "only the last three attempts")
        let first = try #require(rows.first { $0.contains("✗ implement") })
        #expect(first.contains("│ ✗ test") && first.components(separatedBy: "│").count >= 3)
        #expect(
            rows.contains {
                $0.contains("edit block did not apply") && $0.contains("2 failed: test_quote, test_empty")
            })

        // At 80 columns three columns would be too narrow: they stack.
        var narrow = model
        let small = ConsoleView.render(&narrow, size: Size(width: 80, height: 24), theme: Fixtures.probeTheme)
        _ = small
        let stacked = QuarantineRecordOverlay.sideBySide(
            QuarantineEvidence.attemptColumns(Self.history), width: 74)
        #expect(stacked.map(\.0).prefix(3) == ["attempt 2", "✗ implement", "  edit block did not apply"])
    }

    @Test func aFailedRequestIsShownInTheRecord() {
        var (model, _) = Self.open(Self.attemptsRecord)
        model.receiveJobDetail(
            Fixtures.id(7),
            .failure(JobDetailFailure("could not read the transcript of 00000007: disk I/O error")))
        let canvas = ConsoleView.render(
            &model, size: Size(width: 200, height: 60), theme: Fixtures.probeTheme)
        #expect(canvas.lines.contains { $0.contains("disk I/O error") })
    }

    /// What a finding names is matched against the patch's paths exactly: `config.py` does not
    /// mark `config.py.bak`, and a line number marks only that line of that file.
    @Test func offendersMatchPathsAndLinesExactly() throws {
        let diff = try UnifiedDiff(
            parsing: Data(
                "--- a/config.py.bak\n+++ b/config.py.bak\n@@ -0,0 +1 @@\n+x\n--- a/config.py\n+++ b/config.py\n@@ -0,0 +1,2 @@\n+a\n+b\n"
                    .utf8))
        let record = QuarantineRecord(
            jobID: Fixtures.id(7), reason: .secretDetected, message: "m", payload: "[x] y\n  config.py:2: +b")
        let offenders = QuarantineEvidence.offenders(in: record, patch: diff)
        #expect(offenders.files == ["config.py"])
        #expect(offenders.linesByFile == ["config.py": [2]])
    }
}
