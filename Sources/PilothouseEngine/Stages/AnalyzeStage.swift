import PilothouseCore

/// Asks a model what the job touches and what could go wrong, before anything is planned.
public struct AnalyzeStage: PipelineStage {
    public init() {}

    public func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        let job = context.job
        let files: String
        do {
            files = PromptFiles.render(
                try PromptFiles.read(
                    root: context.repositoryRoot, paths: job.filesHint, maxTotalBytes: 48_000,
                    includeMissing: false))
        } catch {
            throw PromptFiles.failure(for: error)
        }
        let request = ModelRequest(
            jobID: job.id, stage: context.spec.name, role: context.spec.role ?? "analyst",
            model: context.spec.model ?? ModelStageDefaults.model,
            messages: [
                .init(.system, "You analyze a code repository for one improvement. Be brief and concrete."),
                .init(
                    .user,
                    """
                    Job: \(job.title)
                    Category: \(job.category)   Priority: \(job.priority)

                    Goal:
                    \(job.goal)

                    \(files.isEmpty ? "No files were named." : "Relevant files:\n" + files)
                    Describe which code is involved, the risks, and how to verify the change.
                    """),
            ], maxOutputTokens: 1024, priority: job.priority, attempt: context.attempt)
        return .text(try await ModelStageDefaults.complete(request, context: context))
    }
}
