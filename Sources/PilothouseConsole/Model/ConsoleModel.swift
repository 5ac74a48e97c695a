import Foundation
import PilothouseCore

/// Everything the console shows, and the operator's place in it.
///
/// A value folded from `EngineEvent`s and keypresses, with no I/O: the app loop feeds it, panes
/// read it, and tests drive it directly. Jobs are kept in a dictionary plus a sorted, filtered id
/// list that is rebuilt only when an update can change order or membership, so the common
/// update (a job moving to its next stage) costs O(1) even with 10,000 jobs.
public struct ConsoleModel: Sendable {
    public var readOnly: Bool
    /// Merges may skip `check` and `approve` (`allow_ungated_merge`); shown in the header.
    public var ungatedMerge = false
    /// The clock for ages; the app sets it before rendering, tests pin it.
    public var now: Date

    // MARK: Engine state

    public private(set) var jobs: [JobID: Job] = [:]
    public private(set) var visibleJobIDs: [JobID] = []
    private var visibleIndex: [JobID: Int] = [:]
    public private(set) var beadsByJob: [JobID: [Bead]] = [:]
    /// Beads of no job (run started, budget set), newest last.
    public private(set) var engineBeads: [Bead] = []
    public private(set) var lastBead: Bead?
    public private(set) var chain: ChainLinks = .unchecked
    public private(set) var stages: [JobID: [StageName: StageProgress]] = [:]
    /// Spend per job, summed from `cost_micros` in the metadata of its beads (the gateway records
    /// it on `model_called` beads); absent when nothing was reported.
    public private(set) var jobCost: [JobID: Money] = [:]
    public private(set) var gauges = Gauges()
    /// What each job's model call is doing right now (rate-limit wait, streaming tokens so
    /// far); cleared when its stage reports again. The jobs pane and the beads pane's live
    /// line show it.
    public private(set) var modelActivity: [JobID: ModelActivity] = [:]
    /// Jobs finished, spend and tokens per minute over the last 15 minutes, for the gauges
    /// pane's sparklines and the header's throughput.
    public private(set) var activity = SwarmActivity()
    public private(set) var quarantine: [QuarantineRecord] = []
    public private(set) var approvals: [ApprovalRequest] = []
    /// Line counts of each waiting patch, parsed once when it arrives rather than every frame;
    /// nil for a patch that does not parse.
    public private(set) var approvalStats: [JobID: DiffStats?] = [:]
    public private(set) var engineState: EngineRunState = .idle
    public private(set) var hasSnapshot = false
    /// The event stream finished: the engine is gone, the view is frozen.
    public var streamEnded = false

    // MARK: Operator state

    public var focus: PaneID = .jobs
    public var zoomed = false
    public private(set) var sort: JobSort = .priority
    public private(set) var filterText = ""
    public private(set) var filter = JobFilter("")
    public internal(set) var marks: Set<JobID> = []
    public private(set) var selectedJobID: JobID?
    var jobCursor = 0
    /// Index into the selected job's beads; nil follows the newest.
    var beadCursor: Int?
    public private(set) var selectedQuarantineID: JobID?
    var quarantineCursor = 0
    public private(set) var selectedApprovalID: JobID?
    var approvalCursor = 0
    public internal(set) var prompt: Prompt?
    public internal(set) var confirmation: Confirmation?
    public internal(set) var overlay: Overlay?
    public internal(set) var diff: DiffViewState?
    /// Transcript, patch and stage history of the job whose view or quarantine record is open,
    /// asked of the engine when it opened; a result for another job is ignored.
    var jobDetail: JobDetailState?
    /// Line comments written in the diff viewer and not sent yet, per job.
    public internal(set) var reviewDrafts: [JobID: ReviewDraft] = [:]
    public internal(set) var status: StatusMessage
    /// First visible row of each pane's list; written back by the view so scrolling is stable.
    public var scrollOffsets: [PaneID: Int] = [:]
    /// Visible rows of each list and of the diff viewer, from the last layout; page keys use them.
    public var pageSizes: [PaneID: Int] = [:]
    public var diffPageSize = 10
    public var diffSideBySide = false

    /// Per job, the newest beads kept for the beads pane; older ones are in the store.
    public static let beadsPerJob = 500
    public static let engineBeadLimit = 200

    public init(readOnly: Bool = false, now: Date = Date(), statusHint: String? = nil) {
        self.readOnly = readOnly
        self.now = now
        self.status = StatusMessage(
            statusHint ?? (readOnly ? "read-only: watching; keys that change state are off" : "? for help"))
    }

    // MARK: Folding events

    public mutating func apply(_ event: EngineEvent) {
        var dirty = false
        fold(event, dirty: &dirty)
        if dirty { rebuildJobList() }
    }

    /// Folds a batch and re-sorts at most once, which is what the app does with everything that
    /// arrived since the last frame.
    public mutating func apply<S: Sequence>(contentsOf events: S) where S.Element == EngineEvent {
        var dirty = false
        for event in events { fold(event, dirty: &dirty) }
        if dirty { rebuildJobList() }
    }

    private mutating func fold(_ event: EngineEvent, dirty: inout Bool) {
        switch event {
        case .snapshot(let snapshot):
            applySnapshot(snapshot)
            activity.snapshot(snapshot.jobs, at: now)
            dirty = true
        case .jobChanged(let job):
            if let old = jobs[job.id] {
                if sort.keyChanged(from: old, to: job) || filter.matches(old) != filter.matches(job) {
                    dirty = true
                }
            } else {
                dirty = true
            }
            runningJobCount += (Self.isActive(job) ? 1 : 0) - (Self.isActive(jobs[job.id]) ? 1 : 0)
            activity.jobChanged(from: jobs[job.id], to: job)
            remainingJobCount +=
                (Notifier.isBusy(job) ? 1 : 0) - (jobs[job.id].map(Notifier.isBusy) == true ? 1 : 0)
            jobs[job.id] = job
        case .beadAppended(let bead):
            append(bead)
        case .stageProgress(let progress):
            stages[progress.jobID, default: [:]][progress.stage] = progress
            if progress.status != .slow { modelActivity[progress.jobID] = nil }
        case .modelActivity(let live):
            modelActivity[live.jobID] = live
        case .gauges(let gauges):
            self.gauges = gauges
        case .quarantineAdded(let record):
            quarantine.removeAll { $0.id == record.id }
            let index = quarantine.firstIndex { ($0.createdAt, $0.id) > (record.createdAt, record.id) }
            quarantine.insert(record, at: index ?? quarantine.count)
            fixQuarantineSelection()
        case .quarantineRemoved(let id):
            quarantine.removeAll { $0.id == id }
            if case .quarantineRecord(id, _) = overlay { overlay = nil }
            fixQuarantineSelection()
        case .approvalRequested(let request):
            approvals.removeAll { $0.jobID == request.jobID }
            let index = approvals.firstIndex {
                ($0.requestedAt, $0.jobID) > (request.requestedAt, request.jobID)
            }
            approvals.insert(request, at: index ?? approvals.count)
            approvalStats[request.jobID] = Self.stats(of: request.diff)
            if let open = diff, open.jobID == request.jobID, open.diffBytes != request.diff {
                diff = DiffViewState(jobID: request.jobID, diff: request.diff)
                status = StatusMessage(
                    "\(request.jobID.short): a new patch arrived; hunk choices reset", tone: .info)
            }
            fixApprovalSelection()
        case .approvalResolved(let id):
            approvals.removeAll { $0.jobID == id }
            approvalStats[id] = nil
            reviewDrafts[id] = nil
            if diff?.jobID == id {
                diff = nil
                if prompt.map({ if case .rejectReason = $0.purpose { true } else { false } }) == true {
                    prompt = nil
                }
            }
            fixApprovalSelection()
        case .engineStateChanged(let state):
            engineState = state
        case .commandCompleted(let outcome):
            report(outcome)
        case .notice(let text):
            status = StatusMessage(text, tone: .info)
        }
    }

    /// A snapshot replaces the engine's side wholesale (jobs that are gone disappear) but keeps
    /// the operator's place: selection, marks, filter and an open diff survive a repeated
    /// snapshot, which GRDB observation can deliver.
    private mutating func applySnapshot(_ snapshot: EngineSnapshot) {
        hasSnapshot = true
        jobs = Dictionary(snapshot.jobs.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        marks.formIntersection(jobs.keys)
        runningJobCount = jobs.values.reduce(0) { $0 + (Self.isActive($1) ? 1 : 0) }
        remainingJobCount = jobs.values.reduce(0) { $0 + (Notifier.isBusy($1) ? 1 : 0) }
        quarantine = snapshot.quarantine.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        approvals = snapshot.approvals.sorted { ($0.requestedAt, $0.jobID) < ($1.requestedAt, $1.jobID) }
        var stats: [JobID: DiffStats?] = [:]
        for request in approvals { stats[request.jobID] = Self.stats(of: request.diff) }
        approvalStats = stats
        stages = snapshot.stageResults.mapValues { list in
            Dictionary(list.map { ($0.stage, $0) }, uniquingKeysWith: { _, last in last })
        }
        gauges = snapshot.gauges
        engineState = snapshot.state
        for bead in snapshot.recentBeads { append(bead) }
        if let open = diff {
            if let request = approvals.first(where: { $0.jobID == open.jobID }) {
                if request.diff != open.diffBytes {
                    diff = DiffViewState(jobID: open.jobID, diff: request.diff)
                }
            } else {
                diff = nil
            }
        }
        if case .quarantineRecord(let id, _) = overlay, !quarantine.contains(where: { $0.id == id }) {
            overlay = nil
        }
        fixQuarantineSelection()
        fixApprovalSelection()
    }

    /// Beads are deduplicated by sequence number, since a snapshot's recent beads and the deltas
    /// after it can overlap.
    private mutating func append(_ bead: Bead) {
        if let lastBead, bead.seq <= lastBead.seq {
            // Already seen (or older than what we have): only fill a job's list if it is missing.
            return
        }
        chain.check(bead, after: lastBead)
        lastBead = bead
        activity.bead(bead)
        guard let jobID = bead.jobID else {
            engineBeads.append(bead)
            if engineBeads.count > Self.engineBeadLimit { engineBeads.removeFirst(engineBeads.count / 2) }
            return
        }
        var list = beadsByJob[jobID] ?? []
        list.append(bead)
        if list.count > Self.beadsPerJob { list.removeFirst(list.count - Self.beadsPerJob) }
        beadsByJob[jobID] = list
        if let text = bead.metadata["cost_micros"], let micros = Int64(text) {
            jobCost[jobID, default: .zero] = (jobCost[jobID] ?? .zero) + Money(micros: micros)
        }
    }

    private static func stats(of diff: Data) -> DiffStats? {
        (try? UnifiedDiff(parsing: diff))?.stats
    }

    /// Takes the engine's answer to `ConsoleEffect.loadJobDetail`, if it is still wanted.
    public mutating func receiveJobDetail(_ id: JobID, _ result: Result<JobDetail, JobDetailFailure>) {
        receiveJobDetail(id, load: JobDetailState.Load(result))
    }

    /// The same with the transcript already laid out, which the app does off the terminal thread.
    mutating func receiveJobDetail(_ id: JobID, load: JobDetailState.Load) {
        guard jobDetail?.jobID == id else { return }
        jobDetail?.load = load
    }

    // MARK: The job list

    public mutating func setSort(_ sort: JobSort) {
        self.sort = sort
        rebuildJobList()
    }

    public mutating func setFilter(_ text: String) {
        filterText = text
        filter = JobFilter(text)
        rebuildJobList()
    }

    mutating func rebuildJobList() {
        let order = sort
        var list = filter.isEmpty ? Array(jobs.values) : jobs.values.filter(filter.matches)
        list.sort(by: order.areInOrder)
        visibleJobIDs = list.map(\.id)
        visibleIndex = Dictionary(minimumCapacity: visibleJobIDs.count)
        for (i, id) in visibleJobIDs.enumerated() { visibleIndex[id] = i }
        if let id = selectedJobID, let index = visibleIndex[id] {
            jobCursor = index
        } else if visibleJobIDs.isEmpty {
            selectedJobID = nil
            jobCursor = 0
        } else {
            jobCursor = min(jobCursor, visibleJobIDs.count - 1)
            selectJob(at: jobCursor)
        }
    }

    public var selectedJobIndex: Int? { selectedJobID.flatMap { visibleIndex[$0] } }
    public var selectedJob: Job? { selectedJobID.flatMap { jobs[$0] } }

    mutating func selectJob(at index: Int) {
        guard !visibleJobIDs.isEmpty else { return }
        let clamped = min(max(0, index), visibleJobIDs.count - 1)
        if selectedJobID != visibleJobIDs[clamped] { beadCursor = nil }
        jobCursor = clamped
        selectedJobID = visibleJobIDs[clamped]
    }

    /// The jobs an action applies to: the marked ones in list order, else the selected one.
    var targetJobIDs: [JobID] {
        if !marks.isEmpty {
            return marks.sorted { (visibleIndex[$0] ?? .max, $0) < (visibleIndex[$1] ?? .max, $1) }
        }
        return selectedJobID.map { [$0] } ?? []
    }

    // MARK: Other lists

    public var selectedQuarantineIndex: Int? {
        selectedQuarantineID.flatMap { id in quarantine.firstIndex { $0.id == id } }
    }

    public var selectedQuarantine: QuarantineRecord? {
        selectedQuarantineIndex.map { quarantine[$0] }
    }

    mutating func selectQuarantine(at index: Int) {
        guard !quarantine.isEmpty else {
            selectedQuarantineID = nil
            quarantineCursor = 0
            return
        }
        quarantineCursor = min(max(0, index), quarantine.count - 1)
        selectedQuarantineID = quarantine[quarantineCursor].id
    }

    private mutating func fixQuarantineSelection() {
        if let index = selectedQuarantineIndex {
            quarantineCursor = index
        } else {
            selectQuarantine(at: quarantineCursor)
        }
    }

    public var selectedApprovalIndex: Int? {
        selectedApprovalID.flatMap { id in approvals.firstIndex { $0.jobID == id } }
    }

    public var selectedApproval: ApprovalRequest? { selectedApprovalIndex.map { approvals[$0] } }

    public func approval(for id: JobID) -> ApprovalRequest? { approvals.first { $0.jobID == id } }

    mutating func selectApproval(at index: Int) {
        guard !approvals.isEmpty else {
            selectedApprovalID = nil
            approvalCursor = 0
            return
        }
        approvalCursor = min(max(0, index), approvals.count - 1)
        selectedApprovalID = approvals[approvalCursor].jobID
    }

    private mutating func fixApprovalSelection() {
        if let index = selectedApprovalIndex {
            approvalCursor = index
        } else {
            selectApproval(at: approvalCursor)
        }
    }

    /// Beads the beads pane shows: the selected job's chain, or the engine's own when no job is
    /// selected.
    public var beadsOfSelection: [Bead] {
        guard let id = selectedJobID else { return engineBeads }
        return beadsByJob[id] ?? []
    }

    public var selectedBeadIndex: Int? {
        let count = beadsOfSelection.count
        guard count > 0 else { return nil }
        return min(beadCursor ?? count - 1, count - 1)
    }

    /// Jobs actively being worked on, which quitting would interrupt; kept as events arrive so the
    /// header never walks all jobs per frame.
    public private(set) var runningJobCount = 0

    /// Jobs still to be done by the swarm (queued, running, merging), for the time to drain;
    /// kept as events arrive, like `runningJobCount`.
    public private(set) var remainingJobCount = 0

    static func isActive(_ job: Job?) -> Bool { job?.state == .running || job?.state == .merging }
}
