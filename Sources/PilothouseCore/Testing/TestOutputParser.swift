import Foundation

/// Pass / fail counts read from a test runner's output.
public struct TestCounts: Hashable, Sendable, Codable {
    public var runner: String
    public var passed: Int
    public var failed: Int
    public var skipped: Int

    public init(runner: String, passed: Int, failed: Int, skipped: Int = 0) {
        self.runner = runner
        self.passed = passed
        self.failed = failed
        self.skipped = skipped
    }
}

/// Reads the summaries of common test runners (pytest, swift test, go test, cargo test, jest,
/// Python's unittest).
///
/// The exit status decides pass or fail; counts are only for display, so an output no parser
/// recognises gives nil instead of a guess. Each parser looks for the runner's own summary
/// wording, and summaries are summed where a runner prints one per package or binary.
public enum TestOutputParser {
    public static func parse(_ output: String) -> TestCounts? {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: true).map {
            stripEscapes(String($0)).trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r")))
        }
        return cargo(lines) ?? jest(lines) ?? pytest(lines) ?? swiftTesting(lines) ?? xctest(lines)
            ?? goTest(lines) ?? unittest(lines)
    }

    /// Python's unittest: `Ran 7 tests in 0.002s`, then `OK`, `OK (skipped=1)` or
    /// `FAILED (failures=1, errors=2, skipped=1)`. Errors count as failures, and expected
    /// failures as passes, as unittest itself judges them.
    static func unittest(_ lines: [String]) -> TestCounts? {
        guard
            let ranIndex = lines.lastIndex(where: {
                $0.range(of: #"^Ran \d+ tests? in [0-9.]+s$"#, options: .regularExpression) != nil
            }), let total = number(after: "Ran ", in: lines[ranIndex])
        else { return nil }
        guard
            let verdict = lines[(ranIndex + 1)...].first(where: {
                $0.hasPrefix("OK") || $0.hasPrefix("FAILED")
            })
        else { return nil }
        let failed =
            (number(after: "failures=", in: verdict) ?? 0) + (number(after: "errors=", in: verdict) ?? 0)
            + (number(after: "unexpected successes=", in: verdict) ?? 0)
        let skipped = number(after: "skipped=", in: verdict) ?? 0
        return TestCounts(
            runner: "unittest", passed: max(0, total - failed - skipped), failed: failed, skipped: skipped)
    }

    /// `test result: FAILED. 3 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out`
    static func cargo(_ lines: [String]) -> TestCounts? {
        var counts = TestCounts(runner: "cargo test", passed: 0, failed: 0)
        var seen = false
        for line in lines where line.hasPrefix("test result: ") {
            seen = true
            counts.passed += number(before: " passed", in: line) ?? 0
            counts.failed += number(before: " failed", in: line) ?? 0
            counts.skipped += number(before: " ignored", in: line) ?? 0
        }
        return seen ? counts : nil
    }

    /// `Tests:       1 failed, 2 skipped, 4 passed, 7 total`
    static func jest(_ lines: [String]) -> TestCounts? {
        guard let line = lines.last(where: { $0.hasPrefix("Tests:") && $0.hasSuffix(" total") }) else {
            return nil
        }
        return TestCounts(
            runner: "jest", passed: number(before: " passed", in: line) ?? 0,
            failed: number(before: " failed", in: line) ?? 0,
            skipped: (number(before: " skipped", in: line) ?? 0) + (number(before: " todo", in: line) ?? 0))
    }

    /// `===== 3 passed, 1 failed, 2 skipped in 0.12s =====`, or with `-q`:
    /// `3 passed, 1 failed in 0.12s`. Errors during collection count as failures.
    static func pytest(_ lines: [String]) -> TestCounts? {
        guard
            let line = lines.last(where: { line in
                line.range(
                    of:
                        #"^=*\s*(\d+ (passed|failed|skipped|errors?|xfailed|xpassed|deselected|warnings?)(, )?)+.* in [0-9.]+s"#,
                    options: .regularExpression)
                    != nil
            })
        else { return nil }
        return TestCounts(
            runner: "pytest", passed: number(before: " passed", in: line) ?? 0,
            failed: (number(before: " failed", in: line) ?? 0) + (number(before: " error", in: line) ?? 0),
            skipped: number(before: " skipped", in: line) ?? 0)
    }

    /// Swift Testing: `✔ Test run with 12 tests in 3 suites passed after 0.01 seconds.` or
    /// `✘ Test run with 12 tests in 3 suites failed after 0.01 seconds with 2 issues.`; the
    /// failed count is the number of `✘ Test x() failed` lines, since issues are not tests.
    static func swiftTesting(_ lines: [String]) -> TestCounts? {
        guard let summary = lines.last(where: { $0.contains("Test run with ") && $0.contains(" test") }),
            let total = number(after: "Test run with ", in: summary)
        else { return nil }
        let failed: Int
        if summary.contains(" passed after ") {
            failed = 0
        } else {
            let failures = lines.filter {
                $0.contains("Test ") && $0.contains(" failed after ") && !$0.contains("Test run with ")
                    && !$0.contains("Suite ")
            }.count
            failed = max(failures, 1)
        }
        return TestCounts(runner: "swift test", passed: max(0, total - failed), failed: failed)
    }

    /// XCTest: `Executed 5 tests, with 1 failure (0 unexpected) in 0.1 (0.1) seconds`, printed
    /// per suite and once for all; the last one is the total.
    static func xctest(_ lines: [String]) -> TestCounts? {
        guard let line = lines.last(where: { $0.hasPrefix("Executed ") && $0.contains(" with ") }),
            let total = number(after: "Executed ", in: line)
        else { return nil }
        let failed = number(before: " failure", in: line) ?? 0
        let skipped =
            number(before: " test skipped", in: line) ?? number(before: " tests skipped", in: line) ?? 0
        return TestCounts(
            runner: "swift test", passed: max(0, total - failed - skipped), failed: failed, skipped: skipped)
    }

    /// go test -v prints `--- PASS: TestX` / `--- FAIL:` / `--- SKIP:` per test; without -v only
    /// `ok`/`FAIL` per package is printed, which is counted per package.
    static func goTest(_ lines: [String]) -> TestCounts? {
        var counts = TestCounts(runner: "go test", passed: 0, failed: 0)
        var perTest = false
        for line in lines {
            if line.hasPrefix("--- PASS: ") {
                counts.passed += 1
                perTest = true
            } else if line.hasPrefix("--- FAIL: ") {
                counts.failed += 1
                perTest = true
            } else if line.hasPrefix("--- SKIP: ") {
                counts.skipped += 1
                perTest = true
            }
        }
        if perTest { return counts }
        for line in lines {
            if line.hasPrefix("ok  \t") || line.hasPrefix("ok \t") || line.hasPrefix("ok  ") {
                counts.passed += 1
            } else if line.hasPrefix("FAIL\t") {
                counts.failed += 1
            }
        }
        return counts.passed + counts.failed > 0 ? counts : nil
    }

    /// The integer right before `suffix` (`"3 passed"` → 3), searching from the right end.
    static func number(before suffix: String, in line: String) -> Int? {
        var searchEnd = line.endIndex
        while let range = line.range(of: suffix, options: .backwards, range: line.startIndex..<searchEnd) {
            var start = range.lowerBound
            while start > line.startIndex, line[line.index(before: start)].isNumber {
                start = line.index(before: start)
            }
            if start < range.lowerBound, let value = Int(line[start..<range.lowerBound]) { return value }
            searchEnd = range.lowerBound
        }
        return nil
    }

    /// The integer right after the first `prefix` (`"Executed 5 tests"` → 5).
    static func number(after prefix: String, in line: String) -> Int? {
        guard let range = line.range(of: prefix) else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    /// Removes ANSI colour sequences, which runners emit when they think a terminal is attached.
    static func stripEscapes(_ line: String) -> String {
        guard line.contains("\u{1B}") else { return line }
        var result = ""
        var iterator = line.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\u{1B}" {
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let c = iterator.next(), !(0x40...0x7E).contains(c.value) {}
                }
                continue
            }
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}
