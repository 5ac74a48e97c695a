import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore
import Testing

@testable import PilothouseMetrics

/// The part of `/metrics` read from the store, against a real SQLite store in a known state.
struct StoreMetricsTests {
    let directory = TemporaryDirectory()

    private func call(
        _ provider: String, _ model: String, _ outcome: String, cost: Int64, tokens: TokenCounts
    )
        -> LedgerEntry
    {
        LedgerEntry(
            runID: nil, jobID: nil, stage: nil, provider: provider, model: model, requestedModel: model,
            tokens: tokens, cost: Money(micros: cost), outcome: outcome, attempt: 1)
    }

    @Test func reportsJobsLedgerQuarantineAndBeadsAsTheStoreHoldsThem() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let first = try store.enqueue(Job(title: "a", goal: "g"))
        let second = try store.enqueue(Job(title: "b", goal: "g"))
        _ = try store.enqueue(Job(title: "c", goal: "g"))
        try store.transition(first.id, to: .running)
        try store.transition(second.id, to: .cancelled)
        try store.quarantine(QuarantineRecord(jobID: nil, reason: .malformedOutput, message: "bad"))
        try store.quarantine(QuarantineRecord(jobID: nil, reason: .malformedOutput, message: "worse"))
        try store.recordCall(
            call("openai", "gpt-x", "ok", cost: 1_234_567, tokens: .init(input: 10, output: 5)))
        try store.recordCall(
            call("openai", "gpt-x", "ok", cost: 1, tokens: .init(input: 1, output: 1, cachedInput: 7)))
        try store.recordCall(call("openai", "gpt-x", "rateLimited", cost: 0, tokens: .zero))
        try store.recordCall(
            call("anthropic", "claude-y", "ok", cost: 500_000, tokens: .init(input: 3, output: 2)))

        let text = Exposition(
            try await MetricsExposition(store: store, events: EngineEventMetrics()).render())

        #expect(text.value("pilothouse_jobs", ["state": "queued"]) == 1)
        #expect(text.value("pilothouse_jobs", ["state": "running"]) == 1)
        #expect(text.value("pilothouse_jobs", ["state": "cancelled"]) == 1)
        #expect(text.series("pilothouse_jobs").count == JobState.allCases.count, "a zero for every state")
        #expect(text.value("pilothouse_queue_depth") == 1)
        #expect(text.value("pilothouse_approvals_waiting") == 0)
        #expect(
            text.series("pilothouse_llm_requests_total") == [
                ["model": "openai:gpt-x", "outcome": "ok"]: 2,
                ["model": "openai:gpt-x", "outcome": "rateLimited"]: 1,
                ["model": "anthropic:claude-y", "outcome": "ok"]: 1,
            ])
        #expect(text.value("pilothouse_llm_tokens_total", ["model": "openai:gpt-x", "kind": "input"]) == 11)
        #expect(text.value("pilothouse_llm_tokens_total", ["model": "openai:gpt-x", "kind": "output"]) == 6)
        #expect(
            text.value("pilothouse_llm_tokens_total", ["model": "openai:gpt-x", "kind": "cached_input"]) == 7)
        #expect(text.value("pilothouse_llm_spend_usd_total", ["model": "openai:gpt-x"]) == 1.234568)
        #expect(text.value("pilothouse_llm_spend_usd_total", ["model": "anthropic:claude-y"]) == 0.5)
        #expect(text.value("pilothouse_quarantine_records", ["reason": "malformed_output"]) == 2)
        #expect(text.value("pilothouse_quarantine_records", ["reason": "path_escape"]) == 0)
        #expect(text.value("pilothouse_beads_total") == Double(try store.lastBeadSeq()))
        #expect(text.types["pilothouse_jobs"] == "gauge")
        #expect(text.types["pilothouse_llm_spend_usd_total"] == "counter")
    }

    /// The SQLite store's grouped query and the default every other backend gets agree.
    @Test func groupedLedgerTotalsEqualTheSumOfTheRows() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        for index in 0..<30 {
            try store.recordCall(
                call(
                    index % 3 == 0 ? "openai" : "local", "m\(index % 2)",
                    index % 5 == 0 ? "serverError" : "ok",
                    cost: Int64(index * 1_001),
                    tokens: .init(input: index, output: 2 * index, cachedInput: index % 4)))
        }
        #expect(try store.ledgerTotals() == LedgerTotal.summing(try store.ledgerEntries()))
        #expect(try store.ledgerTotals().count == 8)
    }

    /// Model names come from the configuration, so they may hold quotes, backslashes and line
    /// breaks: each sample stays one line and reads back as written.
    @Test func labelValuesWithQuotesAndLineBreaksStayOneSample() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let hostile = "we\"ird\\mo\ndel\u{1b}[31m"
        try store.recordCall(call("openai", hostile, "ok", cost: 10, tokens: .init(input: 1, output: 1)))
        let bytes = try await MetricsExposition(store: store, events: EngineEventMetrics()).render()
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("#") || $0.hasPrefix("pilothouse_") })
        #expect(
            Exposition(bytes).value(
                "pilothouse_llm_requests_total", ["model": "openai:" + hostile, "outcome": "ok"]) == 1)
    }

    /// A provider that reported negative usage (or a negative price) is stored as it came; a
    /// counter cannot go down, and the library traps on a negative step, so the scrape reports
    /// zero instead of taking the engine down.
    @Test func negativeUsageInTheLedgerCountsAsZero() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        try store.recordCall(call("odd", "m", "ok", cost: -7, tokens: .init(input: -5, output: 3)))
        let text = Exposition(
            try await MetricsExposition(store: store, events: EngineEventMetrics()).render())
        #expect(text.value("pilothouse_llm_tokens_total", ["model": "odd:m", "kind": "input"]) == 0)
        #expect(text.value("pilothouse_llm_tokens_total", ["model": "odd:m", "kind": "output"]) == 3)
        #expect(text.value("pilothouse_llm_spend_usd_total", ["model": "odd:m"]) == 0)
    }
}
