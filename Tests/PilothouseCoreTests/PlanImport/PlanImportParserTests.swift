import Foundation
import Testing

@testable import PilothouseCore

@Suite("PlanImport: parser")
struct PlanImportParserTests {
    static let findingsPlan = """
        # REVIEW.md — Queue service audit & fix plan

        > Reviewed: 2025-11-02

        ## Verdict

        The queue is sound for a prototype. **However**, several issues block production use.

        ## P0 — Critical (data loss)

        ### 1. Lease expiry drops in-flight jobs

        **File:** `queue/lease.go:40-58`

        When a lease expires the job is deleted instead of being returned to the queue.

        ```go
        // ## Not a heading
        // 1. not an item
        func expire(l Lease) { delete(l.id) }
        ```

        **Fix:** Move the job back to `pending` and bump its attempt counter.

        ---

        ### 2. Duplicate delivery after restart

        **Files:** `queue/store.go`, `queue/recover.go`

        **Impact:** Consumers see the same job twice.

        ## P1 — High (correctness)

        ### 3. Metrics endpoint leaks secrets

        **File:** `api/metrics.go`

        **Fix:** Redact the token label.

        ## P3 — Low (polish)

        ### 4. Missing README section on retries

        **Fix:** Document the retry policy.

        ## Feature Suggestions (beyond bugs)

        ### F1. Webhook on job completion

        POST the result to a callback URL.

        ### F2. Priority lanes

        Let urgent jobs skip the line.

        ## Summary Matrix

        | # | Priority | Category | File(s) | Effort |
        |---|----------|----------|---------|--------|
        | 1 | P0 | Reliability | lease.go | S |
        | 2 | P0 | Correctness | store.go, `queue/recover.go` | M |
        | 3 | P1 | Security | metrics.go | XS |
        | 4 | P3 | DX | `README.md` | XS |
        """

    @Test func numberedFindingsTakePrioritiesFromTheirSections() throws {
        let items = PlanParser.parse(Self.findingsPlan)
        try #require(
            items.map(\.title) == [
                "Lease expiry drops in-flight jobs", "Duplicate delivery after restart",
                "Metrics endpoint leaks secrets",
                "Missing README section on retries", "Webhook on job completion", "Priority lanes",
            ])
        #expect(items.map(\.priority) == [.p0, .p0, .p1, .p3, .p2, .p2])
        #expect(items[0].anchor == "p0-critical/1-lease-expiry-drops-in-flight-jobs")
        #expect(items[4].anchor == "feature-suggestions/f1-webhook-on-job-completion")
        #expect(items[4].category == .features)
        #expect(items[5].category == .features)
    }

    @Test func summaryTableMergesIntoItemsWithoutDuplicates() throws {
        let items = PlanParser.parse(Self.findingsPlan)
        try #require(items.count == 6)
        #expect(items[0].category == .quality)  // "Reliability" column
        #expect(items[2].category == .security)
        #expect(items[3].category == .quality)  // "DX" column beats the "README" keyword
        #expect(items[0].files == ["queue/lease.go"])  // the table's short name is already covered
        #expect(items[1].files == ["queue/store.go", "queue/recover.go"])
        #expect(items[3].files == ["README.md"])
    }

    @Test func goalKeepsBodyAndFencedCodeButFencesCreateNothing() throws {
        let items = PlanParser.parse(Self.findingsPlan)
        #expect(items[0].goal.hasPrefix("**File:** `queue/lease.go:40-58`"))
        #expect(items[0].goal.contains("func expire(l Lease)"))
        #expect(items[0].goal.hasSuffix("bump its attempt counter."))
        #expect(!items.contains { $0.title.contains("Not a heading") || $0.title.contains("not an item") })
        #expect(!items.contains { $0.title == "Verdict" || $0.goal.contains("sound for a prototype") })
    }

    @Test func tableAgreeingWithSectionDoesNotOverrideExplicitMarker() throws {
        let plan = """
            ## P1 — High

            ### 1. Slow startup

            **Priority:** P0
            Cache the config.

            | # | Priority |
            |---|---|
            | 1 | P2 |
            """
        let items = PlanParser.parse(plan)
        try #require(items.count == 1)
        #expect(items.first?.priority == .p0)
        #expect(items.first?.category == .performance)
    }

    @Test func tableRowsBecomeItemsWhenNothingElseDescribesThem() throws {
        let plan = """
            # Backlog

            | ID | Task | Priority | Status | Files |
            |----|------|----------|--------|-------|
            | A | Add rate limiting to the API gateway | High | open | `gateway/limits.py` |
            | B | Rotate leaked credentials | Critical | ✅ done | |
            | C | Write a user guide | Low | open | docs/guide.md |
            | D | 42 | P1 | open | |
            """
        let items = PlanParser.parse(plan)
        try #require(items.map(\.title) == ["Add rate limiting to the API gateway", "Write a user guide"])
        #expect(items.map(\.priority) == [.p1, .p3])
        #expect(items[0].files == ["gateway/limits.py"])
        #expect(items[1].category == .docs)
        #expect(items[1].files == ["docs/guide.md"])
    }

    @Test func tableWithoutPriorityOrItemsCreatesNothing() throws {
        let plan = """
            ## Configuration

            | Variable | Default | Description |
            |----------|---------|-------------|
            | `PORT` | 8080 | Listen port |
            """
        #expect(PlanParser.parse(plan).isEmpty)
    }

    @Test func phasesAndTaskLists() throws {
        let plan = """
            # Migration roadmap

            ## Phase 1: Foundation

            - [ ] Add CI workflow for lint and tests
            - [x] Pin toolchain version
            - [ ] Write ADR for storage layout
              Files: `docs/adr/0001-storage.md`

            ## Phase 2: Speed (COMPLETE ✅)

            - [ ] This was finished long ago

            ## Phase 3: Hardening

            **Duration:** 2 days

            Sandbox all subprocess calls and drop privileges.
            """
        let items = PlanParser.parse(plan)
        try #require(
            items.map(\.title) == [
                "Add CI workflow for lint and tests", "Write ADR for storage layout", "Phase 3: Hardening",
            ])
        #expect(items[0].phase == "Phase 1: Foundation")
        #expect(items[0].category == .integration)
        #expect(items[1].files == ["docs/adr/0001-storage.md"])
        #expect(items[1].category == .docs)
        #expect(items[1].anchor == "phase-1-foundation/write-adr-for-storage-layout")
        #expect(items[2].phase == "Phase 3: Hardening")
        #expect(items[2].goal.contains("Sandbox all subprocess calls"))
        #expect(items[2].category == .security)
    }

    @Test func phaseSubsectionsAndCriticalPathLists() throws {
        let plan = """
            ## PHASE 1: PORT HOT PATHS

            **Goal**: port the parsers.

            ### Critical Path (Start Here)
            1. **TokenizerCore.py** - lexing
               - Expected: 10x speedup
            2. **ScoreCore.py** - scoring

            ### Secondary Targets
            - CacheCore → 3x faster

            ### Conversion Process per File
            1. Write property tests
            2. Port the code
            """
        let items = PlanParser.parse(plan)
        try #require(
            items.map(\.title) == [
                "TokenizerCore.py - lexing", "ScoreCore.py - scoring", "CacheCore → 3x faster",
            ])
        #expect(items.map(\.priority) == [.p0, .p0, .p2])
        #expect(items.allSatisfy { $0.phase == "PHASE 1: PORT HOT PATHS" })
        #expect(items[0].goal.contains("Expected: 10x speedup"))
        #expect(items[0].category == .performance)
    }

    @Test func recommendationsListsAndBoldPseudoHeadings() throws {
        let plan = """
            ## Findings by Area

            ### 1. Storage

            #### Critical Issues

            **1.1 Unbounded cache growth**

            - **Problem:** The cache never evicts.
            - **Evidence:** `cache/store.py` grows to 40GB.

            **1.2 Blocking I/O in async handlers**

            - `api/handlers.py` reads files synchronously.

            #### Recommendations

            1. Add an LRU cap to `cache/store.py`.
            2. Move file reads to a thread pool: use `asyncio.to_thread` for every handler that touches disk, including
               the upload, export and thumbnail paths.
            3. **Owner:** storage team
            """
        let items = PlanParser.parse(plan)
        try #require(
            items.map(\.title) == [
                "Unbounded cache growth", "Blocking I/O in async handlers",
                "Add an LRU cap to `cache/store.py`",
                "Move file reads to a thread pool",
            ])
        #expect(items[0].priority == .p0)
        #expect(items[0].anchor == "critical-issues/1-1-unbounded-cache-growth")
        #expect(items[0].goal.contains("grows to 40GB"))
        #expect(items[3].goal.contains("asyncio.to_thread"))
        #expect(items[2].priority == .p2)
    }

    @Test func groupedImprovementBulletsAndHeadedItemsWithFilesBlocks() throws {
        let plan = """
            # Engine work

            ## Retry budget & backoff

            * **Implement**

              * Cap retries per job; back off exponentially.
            * **Files**

              * `src/engine/retry.py` (policy)
              * `src/engine/runner.py`
            * **Tests**

              * `tests/test_retry.py::test_cap`

            ## Logging
            - **Good**: structured logs exist.
            - **Improvements**:
              - Add request ids to every span.
                - Touch `src/log.py`.
              - Ship a log lint script.
            """
        let items = PlanParser.parse(plan)
        try #require(
            items.map(\.title) == [
                "Retry budget & backoff", "Add request ids to every span", "Ship a log lint script",
            ])
        #expect(items[0].files == ["src/engine/retry.py", "src/engine/runner.py"])
        #expect(items[0].goal.contains("Cap retries per job"))
        #expect(items[1].goal.contains("Touch `src/log.py`."))
        #expect(items[1].anchor == "logging/add-request-ids-to-every-span")
    }

    @Test func descriptiveDocumentsYieldNoItems() throws {
        let plan = """
            # Service — Architecture

            ## 1. System Overview

            The service ingests events and writes them to Postgres.

            ## 2. Layers

            ### 2.1 API Layer

            - **Framework:** FastAPI
            - **Responsibilities:**
              - Routing

            ## 3. Security Considerations

            1. **API keys:** loaded from the environment.
            2. **No auth:** handled at the network level.

            ## CODEBASE SNAPSHOT
            - **Size**: 989 Python files
            - **Quality**: 99% lint clean

            Some closing prose that asks for nothing in particular.
            """
        #expect(PlanParser.parse(plan).isEmpty)
    }

    @Test func anchorsSurviveBodyEditsWhileHashesChange() throws {
        let before = """
            ## P1 — High

            ### 3. Metrics endpoint leaks secrets

            **Fix:** Redact the token label.

            ## Tasks
            - [ ] Rotate the signing key
              Use the vault CLI.
            """
        let after = """
            ## P1 — High

            ### 3. Metrics endpoint leaks secrets

            **Fix:** Redact the token label and the session id.
            **Files:** `api/metrics.go`

            ## Tasks
            - [ ] Rotate the signing key
              Use the vault CLI, then restart the workers.
            """
        let old = PlanParser.parse(before)
        let new = PlanParser.parse(after)
        try #require(old.count == 2)
        #expect(old.map(\.anchor) == new.map(\.anchor))
        #expect(zip(old, new).allSatisfy { $0.contentHash != $1.contentHash })
        #expect(PlanParser.parse(before) == old)  // deterministic
    }

    @Test func duplicateTitlesGetDeterministicSuffixes() throws {
        let plan = """
            ## Tasks
            - [ ] Fix flaky test
            - [ ] Fix flaky test
            - [ ] Fix flaky test-2
            - [ ] Fix flaky test
            """
        let anchors = PlanParser.parse(plan).map(\.anchor)
        #expect(
            anchors == [
                "tasks/fix-flaky-test", "tasks/fix-flaky-test-2", "tasks/fix-flaky-test-2-2",
                "tasks/fix-flaky-test-3",
            ])
        #expect(Set(anchors).count == anchors.count)
    }

    @Test func emptyAndGarbageInputGiveNoItems() throws {
        #expect(PlanParser.parse("").isEmpty)
        #expect(PlanParser.parse("\n\n   \n").isEmpty)
        #expect(PlanParser.parse("just a sentence with no structure").isEmpty)
        #expect(PlanParser.parse("\u{0}\u{1}\u{FFFD}\u{FFFD}### \u{0}").isEmpty)
        #expect(PlanParser.parse("```\n## P0\n### 1. Inside an unclosed fence\n").isEmpty)
        #expect(PlanParser.parse("|---|\n| | |\n|").isEmpty)
        #expect(PlanParser.parse("## Tasks\n- [ ]\n- [ ] ***\n-").isEmpty)
    }

    @Test func contentHashIsStableFNV() throws {
        let hash = PlanItem.contentHash(title: "a", goal: "b", priority: .p1, category: .docs, files: ["x"])
        #expect(hash.count == 16)
        #expect(
            hash == PlanItem.contentHash(title: "a", goal: "b", priority: .p1, category: .docs, files: ["x"]))
        #expect(
            hash != PlanItem.contentHash(title: "ab", goal: "", priority: .p1, category: .docs, files: ["x"]))
        #expect(
            hash != PlanItem.contentHash(title: "a", goal: "b", priority: .p2, category: .docs, files: ["x"]))
    }

    @Test func itemsRoundTripThroughJSON() throws {
        let items = PlanParser.parse(Self.findingsPlan)
        let data = try JSONEncoder().encode(items)
        #expect(try JSONDecoder().decode([PlanItem].self, from: data) == items)
    }

    @Test func windowsLineEndingsParseLikeUnix() throws {
        let unix = PlanParser.parse(Self.findingsPlan)
        let windows = PlanParser.parse(Self.findingsPlan.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(windows.map(\.anchor) == unix.map(\.anchor))
        #expect(windows.map(\.priority) == unix.map(\.priority))
    }
}
