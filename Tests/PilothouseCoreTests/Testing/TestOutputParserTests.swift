import PilothouseCore
import Testing

@Suite struct TestOutputParserTests {
    @Test func pytest() {
        let output = """
            ============================= test session starts ==============================
            collected 6 items

            tests/test_a.py ..F.s.                                                   [100%]
            =================================== FAILURES ===================================
            =========================== short test summary info ============================
            FAILED tests/test_a.py::test_x - assert 1 == 2
            ================ 1 failed, 4 passed, 1 skipped in 0.12s ================
            """
        #expect(
            TestOutputParser.parse(output) == TestCounts(runner: "pytest", passed: 4, failed: 1, skipped: 1))
        #expect(
            TestOutputParser.parse("3 passed in 0.01s\n")
                == TestCounts(runner: "pytest", passed: 3, failed: 0))
    }

    @Test func unittest() {
        let failing = """
            test_discount (tests.test_pricing.PricingTests.test_discount) ... FAIL
            ======================================================================
            FAIL: test_discount (tests.test_pricing.PricingTests.test_discount)
            ----------------------------------------------------------------------
            AssertionError: 0 != 900

            ----------------------------------------------------------------------
            Ran 7 tests in 0.002s

            FAILED (failures=1, errors=1, skipped=1)
            """
        #expect(
            TestOutputParser.parse(failing)
                == TestCounts(runner: "unittest", passed: 4, failed: 2, skipped: 1))
        #expect(
            TestOutputParser.parse("Ran 1 test in 0.000s\n\nOK\n")
                == TestCounts(runner: "unittest", passed: 1, failed: 0))
        #expect(TestOutputParser.parse("Ran 3 tests in 0.1s\n") == nil)
    }

    @Test func swiftTesting() {
        let output = """
            \u{1B}[1;32m✔\u{1B}[0m Test a() passed after 0.001 seconds.
            ✘ Test b() recorded an issue at X.swift:3:5: Expectation failed
            ✘ Test b() failed after 0.002 seconds with 1 issue.
            ✘ Test run with 5 tests in 2 suites failed after 0.004 seconds with 1 issue.
            """
        #expect(TestOutputParser.parse(output) == TestCounts(runner: "swift test", passed: 4, failed: 1))
        #expect(
            TestOutputParser.parse("✔ Test run with 12 tests in 3 suites passed after 0.01 seconds.")
                == TestCounts(runner: "swift test", passed: 12, failed: 0))
    }

    @Test func xctest() {
        let output = """
            Test Suite 'All tests' started at 2026-01-01 10:00:00.000
            Executed 3 tests, with 1 failure (0 unexpected) in 0.010 (0.010) seconds
            Test Suite 'All tests' failed at 2026-01-01 10:00:00.010
            Executed 7 tests, with 2 failures (0 unexpected) in 0.020 (0.020) seconds
            """
        #expect(TestOutputParser.parse(output) == TestCounts(runner: "swift test", passed: 5, failed: 2))
    }

    @Test func goTest() {
        let verbose = """
            === RUN   TestA
            --- PASS: TestA (0.00s)
            === RUN   TestB
                b_test.go:9: boom
            --- FAIL: TestB (0.00s)
            --- SKIP: TestC (0.00s)
            FAIL
            FAIL\texample.com/m\t0.005s
            """
        #expect(
            TestOutputParser.parse(verbose) == TestCounts(runner: "go test", passed: 1, failed: 1, skipped: 1)
        )
        let quiet = "ok  \texample.com/m/a\t0.004s\nFAIL\texample.com/m/b\t0.005s\n"
        #expect(TestOutputParser.parse(quiet) == TestCounts(runner: "go test", passed: 1, failed: 1))
    }

    @Test func cargo() {
        let output = """
            running 3 tests
            test a ... ok
            test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
               Doc-tests m
            test result: ok. 1 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.00s
            """
        #expect(
            TestOutputParser.parse(output)
                == TestCounts(runner: "cargo test", passed: 3, failed: 1, skipped: 2))
    }

    @Test func jest() {
        let output = """
            Test Suites: 1 failed, 2 passed, 3 total
            Tests:       1 failed, 2 skipped, 9 passed, 12 total
            Snapshots:   0 total
            """
        #expect(
            TestOutputParser.parse(output) == TestCounts(runner: "jest", passed: 9, failed: 1, skipped: 2))
    }

    @Test func unknownOutputGivesNil() {
        #expect(TestOutputParser.parse("all good\n") == nil)
        #expect(TestOutputParser.parse("") == nil)
    }
}
