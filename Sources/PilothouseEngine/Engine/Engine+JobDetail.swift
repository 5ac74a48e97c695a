import Foundation
import PilothouseCore

extension Engine {
    /// A job's transcripts, newest patch and stage history, read from the store when a
    /// consumer asks (the console's job view and quarantine record view).
    ///
    /// Nonisolated: a megabyte transcript is read on the caller's task, not inside the actor
    /// that runs the pipeline.
    public nonisolated func jobDetail(_ id: JobID) async throws -> JobDetail {
        try store.jobDetail(id)
    }
}
