import PilothouseCore

/// The detail of the job whose view (or quarantine record) is open, as the engine sent it on
/// request (`ConsoleEffect.loadJobDetail`), with the transcript already laid out, and the
/// operator's search in it.
struct JobDetailState: Sendable, Hashable {
    enum Load: Sendable, Hashable {
        case loading
        /// With the transcript laid out and the patch parsed (nil when there is none, or it
        /// does not parse), once, when the answer arrives.
        case loaded(JobDetail, TranscriptDocument, UnifiedDiff?)
        /// The request failed, or this console has no way to ask (a test, an old engine).
        case failed(String)
    }

    let jobID: JobID
    var load: Load
    var search: TranscriptSearch?

    init(jobID: JobID, load: Load = .loading) {
        self.jobID = jobID
        self.load = load
    }

    var detail: JobDetail? {
        if case .loaded(let detail, _, _) = load { return detail }
        return nil
    }

    var document: TranscriptDocument? {
        if case .loaded(_, let document, _) = load { return document }
        return nil
    }

    var patch: UnifiedDiff? {
        if case .loaded(_, _, let patch) = load { return patch }
        return nil
    }
}

extension JobDetailState.Load {
    /// The engine's answer, with the transcript laid out (the costly part for megabytes).
    init(_ result: Result<JobDetail, JobDetailFailure>) {
        switch result {
        case .success(let detail):
            self = .loaded(
                detail, TranscriptDocument(detail.transcript),
                detail.patch.flatMap { try? UnifiedDiff(parsing: $0) })
        case .failure(let failure): self = .failed(failure.message)
        }
    }
}
