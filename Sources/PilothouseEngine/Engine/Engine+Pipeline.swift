import Foundation
import PilothouseCore

extension Engine {
    /// Runs the job's stages as a DAG: every stage whose dependencies are done starts, up
    /// to the per-stage caps; the approval gate stops the run until an operator decides.
    func runPipeline(_ job: Job, resuming: Bool, approvedHunks: [Int]?) async {
        if !resuming, job.attempts > 1, await finishedByEarlierAttempt(job) {
            settle(job, .merged)
            return
        }
        // What the job has done so far. A read that fails is not "nothing stored": running on
        // would redo paid stages or implement without the reviewer's feedback or the
        // operator's own edit, so the run ends here as a failed attempt (retried while
        // attempts last, then quarantined) and says why.
        let outputs: [StageName: StageOutput]
        let feedback: String?
        let operatorPatch: Data?
        do {
            outputs = resuming ? try store.finishedStages(job.id, attempt: job.attempts) : [:]
            feedback = try store.feedback(job.id)
            operatorPatch = try store.operatorPatch(job.id)
        } catch {
            let message = "could not read what the job has done so far from the store: \(error)"
            publish(.notice("\(job.id.short): \(message)"))
            settle(job, .failure(job.currentStage ?? .analyze, .retryable(message)))
            return
        }
        let outcome = await runStages(
            job, outputs: outputs, feedback: feedback, approvedHunks: approvedHunks,
            operatorPatch: operatorPatch)
        settle(job, outcome)
    }

    private func runStages(
        _ job: Job, outputs initial: [StageName: StageOutput], feedback: String?, approvedHunks: [Int]?,
        operatorPatch: Data?
    ) async -> PipelineOutcome {
        var outputs = initial
        var finished = Set(initial.keys)
        var running: Set<StageName> = []
        var failure: (StageName, StageFailure)?
        var gateHeld = false

        return await withTaskGroup(of: (StageName, Result<StageOutput, StageFailure>).self) { group in
            func launchReady() {
                // A stopping engine lets running stages finish but starts no new ones, so an
                // interrupt ends within one stage's time, not one pipeline's.
                guard failure == nil, !Task.isCancelled, !stopping else { return }
                for name in template.ready(finished: finished, running: running) {
                    guard let spec = template.spec(name) else { continue }
                    if spec.kind == StageName.approve.rawValue {
                        if gateHeld { continue }
                        if autoApproveRefusal(job, outputs: outputs) != nil {
                            gateHeld = true
                        } else {
                            recordAutoApproval(job, stage: name)
                            outputs[name] = .text("auto-approved")
                            finished.insert(name)
                            launchReady()
                            return
                        }
                        continue
                    }
                    guard let implementation = stages[spec.kind] else {
                        // An optional stage without an implementation is skipped, visibly.
                        recordSkip(job, stage: name)
                        outputs[name] = StageOutput.none
                        finished.insert(name)
                        launchReady()
                        return
                    }
                    running.insert(name)
                    let context = StageContext(
                        job: job, attempt: job.attempts, spec: spec, outputs: outputs, feedback: feedback,
                        approvedHunks: approvedHunks, operatorPatch: operatorPatch,
                        repositoryRoot: repositoryRoot,
                        services: services(for: job, stage: name))
                    group.addTask { [self] in
                        (name, await self.runStage(implementation, context: context))
                    }
                }
            }

            launchReady()
            while let (name, result) = await group.next() {
                running.remove(name)
                switch result {
                case .success(let output):
                    outputs[name] = output
                    finished.insert(name)
                    launchReady()
                case .failure(let error):
                    if failure == nil {
                        failure = (name, error)
                        group.cancelAll()
                    }
                }
            }
            if Task.isCancelled { return .cancelled }
            if let failure { return .failure(failure.0, failure.1) }
            if gateHeld { return .awaitingApproval }
            let unfinished = template.ready(finished: finished, running: running)
            if !unfinished.isEmpty { return .interrupted(next: unfinished) }
            return template.merges ? .merged : .completed
        }
    }

    /// Whether every final stage of the template (usually just `merge`) reports that an
    /// earlier attempt already completed it; if so, records that under this attempt.
    private func finishedByEarlierAttempt(_ job: Job) async -> Bool {
        let dependedOn = Set(template.stages.flatMap(\.dependsOn))
        let finals = template.stages.filter { !dependedOn.contains($0.name) }
        var found: [(StageName, StageOutput)] = []
        for spec in finals {
            // An optional stage nobody implements would be skipped anyway.
            guard let stage = stages[spec.kind] else {
                if spec.optional { continue }
                return false
            }
            guard let output = await stage.completedEarlier(job) else { return false }
            found.append((spec.name, output))
        }
        guard !found.isEmpty else { return false }
        for (name, output) in found {
            recordFinished(
                job.id, stage: name, attempt: job.attempts, output: output,
                message: "\(name) already done by an earlier attempt; not repeated")
        }
        return true
    }

    /// One stage with its slot, retries, deadline and beads.
    func runStage(_ implementation: any PipelineStage, context: StageContext) async -> Result<
        StageOutput, StageFailure
    > {
        let spec = context.spec
        let id = context.job.id
        var tries = 0
        while true {
            tries += 1
            guard await slots.acquire(spec.name) else { return .failure(.cancelled) }
            // Started is recorded after the slot is taken and finished before it is given
            // back, so the bead order itself proves the caps held.
            recordStarted(id, stage: spec.name, attempt: context.attempt)
            let timeout: Duration? = spec.timeoutSeconds > 0 ? .seconds(spec.timeoutSeconds) : nil
            let observer = StageCallObserver(
                jobID: id, stage: spec.name, recordBead: context.services.recordBead,
                publish: { [weak self] event in await self?.publish(event) })
            let result = await StageWatchdog.run(
                implementation, context: context, timeout: timeout, observer: observer
            ) {
                [self] in
                await self.recordSlow(id, stage: spec.name, attempt: context.attempt, timeout: timeout)
            }
            switch result {
            case .success(let output):
                storagePause = nil
                recordFinished(id, stage: spec.name, attempt: context.attempt, output: output)
                await slots.release(spec.name)
                return .success(output)
            case .failure(let reported):
                let error = reported.classifyingStorageFaults
                recordFailed(
                    id, stage: spec.name, attempt: context.attempt, error: error, try: tries,
                    of: spec.maxRetries + 1)
                await slots.release(spec.name)
                guard case .retryable = error, tries <= spec.maxRetries, !Task.isCancelled else {
                    return .failure(error)
                }
                try? await Task.sleep(for: .milliseconds(50 * tries))
            }
        }
    }

    // MARK: Outcome

    /// Writes where the job goes after its run (through `JobOperations.settle`, in one
    /// transaction with its bead), then counts and announces it.
    func settle(_ job: Job, _ outcome: PipelineOutcome) {
        let id = job.id
        settled.insert(id)
        do {
            switch try operations.settle(job, outcome) {
            case .awaitingApproval:
                publishJob(id)
                if let job = try store.job(id), let request = try store.approvalRequest(for: job) {
                    publish(.approvalRequested(request))
                }
            case .merged: summary.merged.insert(id)
            case .completed: summary.completed.insert(id)
            case .failed: summary.failed.insert(id)
            case .quarantined(let record):
                summary.quarantined.insert(id)
                publish(.quarantineAdded(record))
            case .budgetHold(let scope):
                if scope == "run" || scope == "day" {
                    summary.budgetStopped = true
                    setState(.budgetStopped)
                }
            case .storageFull(let message): pauseClaimsForStorage(message)
            case .retrying, .needsRebase, .waitingForModel, .interrupted, .untouched: break
            }
        } catch {
            publish(.notice("could not record the outcome of \(id.short): \(error)"))
        }
        publishJob(id)
    }

    // MARK: Approval gate

    /// Jobs left waiting by an earlier run get the current rule too (e.g. `run --auto-approve`).
    func approveWaitingJobsByRule() {
        guard configuration.autoApprove.enabled, let waiting = try? store.jobs(state: .awaitingApproval)
        else { return }
        for job in waiting {
            guard let outputs = try? store.finishedStages(job.id, attempt: job.attempts),
                autoApproveRefusal(job, outputs: outputs) == nil,
                let gate = template.stages.first(where: { $0.kind == "approve" })
            else { continue }
            do {
                try approveAndMerge(job, gate: gate.name, by: "auto-approve rule", hunks: nil)
            } catch {
                publish(.notice("could not auto-approve \(job.id.short): \(error)"))
            }
        }
    }

    private func autoApproveRefusal(_ job: Job, outputs: [StageName: StageOutput]) -> String? {
        configuration.autoApprove.refusal(StageEvidence(outputs.values), category: job.category)
    }

    private func recordAutoApproval(_ job: Job, stage: StageName) {
        recording("the auto-approval of \(job.id.short)") {
            _ = try store.recordApproval(
                job.id, stage: stage, attempt: job.attempts, by: "auto-approve rule", hunks: nil)
        }
        publishNewBeads()
    }

    // MARK: Recording

    /// Runs a write whose loss would lose a recorded fact. The store already retried it (a
    /// full disk, a busy file); if it still fails, the operator is told what was not recorded,
    /// as a notice on the status line and in `run`, never silently.
    func recording(_ what: @autoclosure () -> String, _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            publish(.notice("could not record \(what()): \(error)"))
        }
    }

    func services(for job: Job, stage: StageName) -> StageServices {
        let store = store
        let id = job.id
        return StageServices(
            models: models,
            recordBead: { [weak self] kind, message, metadata in
                do {
                    _ = try store.appendBead(
                        jobID: id, kind: kind, stage: stage, message: message, metadata: metadata)
                } catch {
                    await self?.notify("could not record a \(kind) bead of \(id.short) (\(stage)): \(error)")
                }
                await self?.publishNewBeads()
            },
            savePatch: { [weak self] patch in
                try store.savePatch(patch)
                await self?.publishNewBeads()
            },
            latestPatch: { try store.latestPatch(id) }, redact: redact,
            recordTranscript: {
                [weak self, keep = configuration.recordTranscripts] source, prompt, response in
                guard keep else { return }
                do {
                    try store.appendTranscript(
                        callID: nil, jobID: id, stage: stage, model: source, prompt: prompt,
                        response: response)
                } catch {
                    await self?.notify(
                        "could not record the transcript of \(source) for \(id.short): \(error)")
                }
            })
    }

    private func recordStarted(_ id: JobID, stage: StageName, attempt: Int) {
        recording("the start of \(stage) for \(id.short)") {
            _ = try store.recordStageStarted(id, stage: stage, attempt: attempt)
        }
        publish(.stageProgress(StageProgress(jobID: id, stage: stage, attempt: attempt, status: .started)))
        publishJob(id)
    }

    private func recordFinished(
        _ id: JobID, stage: StageName, attempt: Int, output: StageOutput, message: String? = nil
    ) {
        recording("the end of \(stage) for \(id.short)") {
            _ = try store.recordStageFinished(
                id, stage: stage, attempt: attempt, output: output, message: message ?? "\(stage) finished")
        }
        publish(
            .stageProgress(
                StageProgress(
                    jobID: id, stage: stage, attempt: attempt, status: .finished,
                    output: store.stored.output(output))
            ))
        publishNewBeads()
    }

    private func recordFailed(
        _ id: JobID, stage: StageName, attempt: Int, error: StageFailure, try number: Int, of total: Int
    ) {
        let message = "\(stage) failed (try \(number)/\(total)): \(error)"
        recording("the failure of \(stage) for \(id.short)") {
            _ = try store.recordStageFailed(id, stage: stage, attempt: attempt, message: message)
        }
        publish(
            .stageProgress(
                StageProgress(
                    jobID: id, stage: stage, attempt: attempt, status: .failed, message: store.stored(message)
                )))
        publishNewBeads()
    }

    private func recordSlow(_ id: JobID, stage: StageName, attempt: Int, timeout: Duration?) {
        let message = "\(stage) has used 95% of its \(timeout.map { "\($0)" } ?? "") deadline"
        recording("the slow warning of \(stage) for \(id.short)") {
            _ = try store.recordStageFailed(
                id, stage: stage, attempt: attempt, kind: .stageSlow, message: message)
        }
        publish(
            .stageProgress(
                StageProgress(jobID: id, stage: stage, attempt: attempt, status: .slow, message: message)))
        publishNewBeads()
    }

    private func recordSkip(_ job: Job, stage: StageName) {
        recording("the skip of \(stage) for \(job.id.short)") {
            _ = try store.recordStageFinished(
                job.id, stage: stage, attempt: job.attempts, output: .none,
                message: "\(stage) skipped (not available)")
        }
        publishNewBeads()
    }
}
