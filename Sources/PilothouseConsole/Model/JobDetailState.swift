import PilothouseCore

/// The detail of the job whose view (or quarantine record) is open, as the engine sent it on
/// request (`ConsoleEffect.loadJobDetail`), with the transcript already laid out, and the
/// operator's search in it.
struct JobDetailState: Sendable, Hashable {
    enum Load: Sendable, Hashable {
        case loading
        case loaded(JobDetail, TranscriptDocument)
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
        if case .loaded(let detail, _) = load { return detail }
        return nil
    }

    var document: TranscriptDocument? {
        if case .loaded(_, let document) = load { return document }
        return nil
    }
}

extension JobDetailState.Load {
    /// The engine's answer, with the transcript laid out (the costly part for megabytes).
    init(_ result: Result<JobDetail, JobDetailFailure>) {
        switch result {
        case .success(let detail): self = .loaded(detail, TranscriptDocument(detail.transcript))
        case .failure(let failure): self = .failed(failure.message)
        }
    }
}
