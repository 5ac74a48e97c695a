import PilothouseCore

/// Turns the analysis into numbered steps that `implement` follows.
public struct PlanStage: PipelineStage {
    public init() {}

    public func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        let job = context.job
        var analysis = ""
        if case .text(let text) = context.outputs[.analyze] ?? .none { analysis = text }
        let request = ModelRequest(
            jobID: job.id, stage: context.spec.name, role: context.spec.role ?? "planner",
            model: context.spec.model ?? ModelStageDefaults.model,
            messages: [
                .init(.system, "You plan a small, safe code change as numbered steps. No code."),
                .init(
                    .user,
                    """
                    Job: \(job.title)

                    Goal:
                    \(job.goal)

                    Analysis:
                    \(analysis.isEmpty ? "(none)" : analysis)
                    \(context.feedback.map { "\nThe operator rejected the previous attempt: \($0)\n" } ?? "")
                    Files named: \(job.filesHint.isEmpty ? "none" : job.filesHint.joined(separator: ", "))
                    """),
            ], maxOutputTokens: 1024, priority: job.priority, attempt: context.attempt)
        return .plan(try await ModelStageDefaults.complete(request, context: context))
    }
}
