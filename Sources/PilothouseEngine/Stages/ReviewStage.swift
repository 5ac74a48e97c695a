import Foundation
import PilothouseCore

/// Asks a model to score the patch 1–10 overall and per dimension.
///
/// The answer must be the JSON the prompt asks for; anything else is quarantined as
/// malformed output rather than guessed at.
public struct ReviewStage: PipelineStage {
    public init() {}

    public func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        let job = context.job
        let patch: Patch?
        do {
            patch = try await context.services.latestPatch()
        } catch {
            throw .retryable("could not read the patch: \(error)")
        }
        guard let patch, patch.attempt == context.attempt else {
            throw .fatal("there is no patch of this attempt to review")
        }
        let diff = String(decoding: patch.diff.prefix(64_000), as: UTF8.self)
        let request = ModelRequest(
            jobID: job.id, stage: context.spec.name, role: context.spec.role ?? "reviewer",
            model: context.spec.model ?? ModelStageDefaults.model,
            messages: [
                .init(
                    .system,
                    """
                    You review a patch. Answer with JSON only:
                    {"overall": 1-10, "dimensions": {"correctness": 1-10, "safety": 1-10, "style": 1-10}, "summary": "one paragraph"}
                    """),
                .init(.user, "Job: \(job.title)\n\nGoal:\n\(job.goal)\n\nPatch:\n```diff\n\(diff)\n```"),
            ], maxOutputTokens: 800, priority: job.priority, attempt: context.attempt)
        let text = try await ModelStageDefaults.complete(request, context: context)
        guard let score = ReviewStage.parse(text) else {
            throw .quarantine(
                .malformedOutput, message: "the reviewer's answer is not the requested JSON score",
                payload: context.services.redact(String(text.prefix(8_000))))
        }
        return .review(score)
    }

    /// Reads the score from the first JSON object in the text (models like to add prose).
    static func parse(_ text: String) -> ReviewScore? {
        struct Answer: Decodable {
            var overall: Double
            var dimensions: [String: Double]?
            var summary: String?
        }
        guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start < end else {
            return nil
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(text[start...end].utf8)),
            answer.overall.isFinite, (1...10).contains(answer.overall)
        else { return nil }
        return ReviewScore(
            overall: Int(answer.overall.rounded()),
            // Clamped before converting: a model's 1e300 would trap in Int() and kill the engine.
            dimensions: (answer.dimensions ?? [:]).compactMapValues {
                $0.isFinite ? Int(min(10, max(1, $0)).rounded()) : nil
            },
            summary: answer.summary ?? "")
    }
}
