import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// Budgets reserved and settled in the store, under concurrency and across processes.
@Suite("Gateway budgets and costs")
struct GatewayBudgetTests {
    let directory = TemporaryDirectory()

    /// A priced simulated model: every call costs a few cents, so $1.00 runs out quickly.
    static func pricedConfig(runUSD: Money, mode: BudgetLimit.Mode = .enforce) -> PilothouseConfig {
        var config = GatewayFixture.config()
        config.gateway.pricing["simulated"] = ModelPrice("1000", "1000")
        config.gateway.budget.runUSD = runUSD
        config.gateway.budget.mode = mode
        return config
    }

    /// Runs `count` concurrent calls, each with distinct content; returns successes and denials.
    static func hammer(_ gateway: Gateway, count: Int, tag: String) async -> (served: Int, denied: Int) {
        await withTaskGroup(of: Bool?.self) { group in
            for index in 0..<count {
                group.addTask {
                    do throws(ModelClientError) {
                        _ = try await gateway.complete(
                            GatewayFixture.request(model: "simulated:sim-1", content: "task \(tag)-\(index)"))
                        return true
                    } catch {
                        if case .budgetExceeded = error { return false }
                        return nil
                    }
                }
            }
            var served = 0
            var denied = 0
            for await result in group {
                if result == true { served += 1 }
                if result == false { denied += 1 }
            }
            return (served, denied)
        }
    }

    @Test func eightConcurrentTasksNeverOvershootAnEnforcedBudget() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let gateway = try GatewayFixture.gateway(
            Self.pricedConfig(runUSD: Money(dollars: "1.00")!), store: store)
        var denied = 0
        for round in 0..<4 {
            denied += await Self.hammer(gateway, count: 8, tag: "r\(round)").denied
        }
        let spent = try store.costReport().total.cost
        #expect(spent <= Money(dollars: "1.00")!)
        #expect(spent > .zero)
        #expect(denied > 0)
        let keys = BudgetKeys(runID: "run-test", jobID: nil, at: Date())
        let state = try #require(try store.budgetStates(keys: keys)[.run])
        #expect(state.spent == spent)
        #expect(state.reserved == .zero)
    }

    @Test func twoStoresOnOneFileNeverOvershootAnEnforcedBudget() async throws {
        let path = directory.file("shared.db")
        let first = try SQLiteStore.openOrCreate(path: path)
        let second = try SQLiteStore.open(path: path)
        let config = Self.pricedConfig(runUSD: Money(dollars: "1.00")!)
        let gatewayA = try GatewayFixture.gateway(config, store: first, runID: "shared-run")
        let gatewayB = try GatewayFixture.gateway(config, store: second, runID: "shared-run")
        async let a = Self.hammer(gatewayA, count: 24, tag: "a")
        async let b = Self.hammer(gatewayB, count: 24, tag: "b")
        let (resultA, resultB) = await (a, b)
        #expect(resultA.denied + resultB.denied > 0)
        let spent = try first.costReport().total.cost
        #expect(spent <= Money(dollars: "1.00")!)
        let keys = BudgetKeys(runID: "shared-run", jobID: nil, at: Date())
        #expect(try first.budgetStates(keys: keys)[.run]?.spent == spent)
    }

    /// Issue 11's measurement, shrunk: a model priced 300/1500 USD per Mtok whose calls ask
    /// for 1024 output tokens (worst case about $1.60 each), eight callers at once on each of
    /// two stores sharing one file, and $12 to spend. Every caller keeps calling until the
    /// budget holds it: spending must reach 90% before that, and never pass the limit.
    @Test func twoEnginesSpendNinetyPercentBeforeAnyHold() async throws {
        let path = directory.file("spend.db")
        let stores = [try SQLiteStore.openOrCreate(path: path), try SQLiteStore.open(path: path)]
        var config = GatewayFixture.config()
        config.gateway.pricing["simulated"] = ModelPrice("300", "1500")
        config.gateway.budget.dayUSD = Money(dollars: "12")!
        let gateways = try stores.map { try GatewayFixture.gateway(config, store: $0, runID: nil) }
        let spentAtFirstHold = SpendProbe()
        await withTaskGroup(of: Void.self) { group in
            for (index, gateway) in gateways.enumerated() {
                for worker in 0..<8 {
                    group.addTask {
                        for call in 0..<100 {
                            do throws(ModelClientError) {
                                _ = try await gateway.complete(
                                    GatewayFixture.request(
                                        model: "simulated:sim-1",
                                        content: "engine \(index) worker \(worker) call \(call)",
                                        maxOutputTokens: 1024))
                            } catch {
                                if case .budgetExceeded(_, _, let detail) = error {
                                    await spentAtFirstHold.record(
                                        try? stores[0].costReport().total.cost, detail)
                                }
                                return
                            }
                        }
                    }
                }
            }
        }
        let spent = try stores[0].costReport().total.cost
        let first = try #require(await spentAtFirstHold.first)
        #expect(first.spent >= Money(dollars: "10.80")!, "held at \(first.spent) of $12")
        #expect(spent <= Money(dollars: "12")!)
        #expect(first.detail.contains("left; this call needs at least"))
        #expect(first.detail.contains("day_usd"))
        let keys = BudgetKeys(runID: nil, jobID: nil, at: Date())
        #expect(try stores[0].budgetStates(keys: keys)[.day]?.reserved == .zero)
    }

    actor SpendProbe {
        var first: (spent: Money, detail: String)?
        func record(_ spent: Money?, _ detail: String) {
            if first == nil, let spent { first = (spent, detail) }
        }
    }

    @Test func warnModeLetsCallsThroughAndSignals() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let gateway = try GatewayFixture.gateway(
            Self.pricedConfig(runUSD: Money(micros: 1), mode: .warn), store: store)
        let log = GatewayFixture.EventLog(gateway)
        _ = try await gateway.complete(GatewayFixture.request(model: "simulated:sim-1"))
        await eventually("a budget warning for the run") {
            log.events.contains {
                if case .budgetWarning(let scopes, _, _) = $0 { scopes == [.run] } else { false }
            }
        }
    }

    @Test func deniedCallsSurfaceBudgetExceededAndRaisingTheLimitResumes() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let gateway = try GatewayFixture.gateway(Self.pricedConfig(runUSD: Money(micros: 1)), store: store)
        await #expect(throws: ModelClientError.self) {
            _ = try await gateway.complete(GatewayFixture.request(model: "simulated:sim-1"))
        }
        try store.setBudgetLimit(scope: .run, key: "run-test", limit: Money(dollars: "5")!, mode: .enforce)
        _ = try await gateway.complete(GatewayFixture.request(model: "simulated:sim-1"))
        #expect(await gateway.gauges().runBudget == Money(dollars: "5")!)
    }

    @Test func costReportSumsExactlyToTheMicroDollar() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let day = Date(timeIntervalSince1970: 1_700_000_000)
        var expected: Int64 = 0
        for index in 0..<250 {
            let micros = Int64(index * 7 + 1)
            expected += micros
            try store.recordCall(
                LedgerEntry(
                    runID: nil, jobID: nil, stage: index % 2 == 0 ? .plan : .review, provider: "openai",
                    model: index % 3 == 0 ? "gpt-4o" : "gpt-4o-mini", requestedModel: "openai:gpt-4o",
                    tokens: TokenCounts(input: 10, output: 5, cachedInput: 1), cost: Money(micros: micros),
                    outcome: "ok", attempt: 1, createdAt: day))
        }
        let total = try store.costReport()
        #expect(total.total.cost.micros == expected)
        #expect(total.total.calls == 250)
        #expect(total.total.tokens == TokenCounts(input: 2500, output: 1250, cachedInput: 250))
        for grouping in CostReport.Grouping.allCases {
            let report = try store.costReport(by: grouping)
            #expect(report.rows.reduce(Money.zero) { $0 + $1.cost } == Money(micros: expected))
            #expect(report.total == total.total)
        }
        #expect(try store.costReport(by: .model).rows.map(\.key) == ["openai:gpt-4o", "openai:gpt-4o-mini"])
        #expect(try store.costReport(by: .day).rows.map(\.key) == ["2023-11-14"])
    }

    @Test func dayKeysAreUTCDates() {
        #expect(BudgetKeys.utcDay(Date(timeIntervalSince1970: 0)) == "1970-01-01")
        #expect(BudgetKeys.utcDay(Date(timeIntervalSince1970: 1_700_000_000)) == "2023-11-14")
        #expect(BudgetKeys.utcDay(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29")
        #expect(BudgetKeys.utcDay(Date(timeIntervalSince1970: 86_399)) == "1970-01-01")
    }
}
