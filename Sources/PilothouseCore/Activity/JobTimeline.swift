import Foundation

/// What a job went through, stage by stage, read from its beads: when each stage ran, how often
/// it was tried, what failed or ran slow, what waited, and what its model calls cost.
///
/// Beads are the audit record the console already holds for every job, so the job view needs
/// nothing the engine does not already publish.
public struct JobTimeline: Sendable, Hashable {
    public struct StageSpan: Sendable, Hashable {
        public var stage: StageName
        public var started: Date
        /// Nil while the stage still runs.
        public var ended: Date?
        /// `stage_started` beads: 1 for a stage that ran once.
        public var tries: Int
        public var failures: [String]
        /// Watchdog warnings (`stage_slow`).
        public var slowWarnings: Int
        public var cost: Money
        public var tokens: Int
        public var calls: Int
    }

    public struct ModelCall: Sendable, Hashable {
        public var at: Date
        public var stage: StageName?
        public var model: String
        public var tokensIn: Int
        public var tokensOut: Int
        public var cost: Money
    }

    /// A time the job stood still for a reason outside itself: a budget hold, a pause, the
    /// approval gate.
    public struct Wait: Sendable, Hashable {
        public var at: Date
        public var text: String
    }

    public private(set) var stages: [StageSpan] = []
    public private(set) var calls: [ModelCall] = []
    public private(set) var waits: [Wait] = []
    public private(set) var start: Date?
    public private(set) var end: Date?

    public var cost: Money { stages.reduce(.zero) { $0 + $1.cost } }
    public var tokens: Int { stages.reduce(0) { $0 + $1.tokens } }

    public init(beads: [Bead]) {
        for bead in beads.sorted(by: { $0.seq < $1.seq }) { fold(bead) }
    }

    private mutating func fold(_ bead: Bead) {
        let at = Date(timeIntervalSince1970: Double(bead.createdAtMillis) / 1000)
        if start == nil { start = at }
        end = at
        if bead.kind == .stageStarted || bead.kind == .patchApproved || bead.kind == .patchRejected {
            closeApprovalGate(at: at)
        }
        switch bead.kind {
        case .stageStarted:
            guard let stage = bead.stage else { return }
            if let index = stages.lastIndex(where: { $0.stage == stage }) {
                stages[index].tries += 1
                stages[index].ended = nil
            } else {
                stages.append(
                    StageSpan(
                        stage: stage, started: at, ended: nil, tries: 1, failures: [], slowWarnings: 0,
                        cost: .zero,
                        tokens: 0, calls: 0))
            }
        case .stageFinished:
            update(bead.stage) { $0.ended = at }
        case .stageFailed:
            update(bead.stage) {
                $0.ended = at
                $0.failures.append(bead.message)
            }
        case .stageSlow:
            update(bead.stage) { $0.slowWarnings += 1 }
        case .modelCalled:
            let tokensIn = bead.metadata["tokens_in"].flatMap(Int.init) ?? 0
            let tokensOut = bead.metadata["tokens_out"].flatMap(Int.init) ?? 0
            let cost = Money(micros: bead.metadata["cost_micros"].flatMap(Int64.init) ?? 0)
            calls.append(
                ModelCall(
                    at: at, stage: bead.stage, model: bead.metadata["model"] ?? "model", tokensIn: tokensIn,
                    tokensOut: tokensOut, cost: cost))
            update(bead.stage) {
                $0.cost = $0.cost + cost
                $0.tokens += tokensIn + tokensOut
                $0.calls += 1
            }
        case .stateChanged:
            let text = bead.message
            if ["budget", "paused", "approval", "rate"].contains(where: { text.contains($0) }) {
                waits.append(Wait(at: at, text: text))
            }
            // The approval gate has no stage beads of its own: the wait for the operator is its span.
            if text.contains("waiting for approval"),
                !stages.contains(where: { $0.stage == .approve && $0.ended == nil })
            {
                stages.append(
                    StageSpan(
                        stage: .approve, started: at, ended: nil, tries: 1, failures: [], slowWarnings: 0,
                        cost: .zero,
                        tokens: 0, calls: 0))
            }
        default:
            break
        }
    }

    private mutating func closeApprovalGate(at: Date) {
        if let index = stages.lastIndex(where: { $0.stage == .approve && $0.ended == nil }) {
            stages[index].ended = at
        }
    }

    private mutating func update(_ stage: StageName?, _ change: (inout StageSpan) -> Void) {
        guard let stage, let index = stages.lastIndex(where: { $0.stage == stage }) else { return }
        change(&stages[index])
    }
}
