import PilothouseCore

/// What model stages share: the default model and the call-and-record step.
enum ModelStageDefaults {
    /// The simulated provider's model: the embedded default, so a fresh repository runs
    /// end to end without keys.
    static let model = "simulated:sim-1"

    /// One model call and its `model_called` bead. A prompt too long for the model's window
    /// gets one more try with less context (files cut to fit, as the prompt then says); when
    /// that does not fit either, the stage quarantines as `context_too_large`.
    static func complete(_ request: ModelRequest, context: StageContext) async throws(StageFailure) -> String
    {
        let response: ModelResponse
        do {
            response = try await context.services.models.complete(request)
        } catch {
            guard case .contextTooLarge(_, let overflow, _) = error,
                let smaller = ContextReducer.reduce(request, keeping: overflow.keepFraction)
            else { throw StageFailure(error) }
            await context.services.recordBead(
                .contextReduced, "\(error.description); trying once more with less context",
                [
                    "requested_tokens": overflow.requested.map(String.init) ?? "",
                    "context_window": overflow.limit.map(String.init) ?? "",
                ])
            do {
                response = try await context.services.models.complete(smaller)
            } catch {
                throw StageFailure(error)
            }
        }
        await context.services.recordBead(
            .modelCalled,
            "\(response.model): \(response.tokens.input) in, \(response.tokens.output) out, \(response.cost)",
            [
                "provider": response.provider, "model": response.model,
                "tokens_in": String(response.tokens.input),
                "tokens_out": String(response.tokens.output), "cost_micros": String(response.cost.micros),
                "request_id": response.requestID ?? "",
            ])
        return response.text
    }
}
