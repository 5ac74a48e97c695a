import PilothouseCore

/// What model stages share: the default model and the call-and-record step.
enum ModelStageDefaults {
    /// The simulated provider's model: the embedded default, so a fresh repository runs
    /// end to end without keys.
    static let model = "simulated:sim-1"

    static func complete(_ request: ModelRequest, context: StageContext) async throws(StageFailure) -> String
    {
        let response: ModelResponse
        do {
            response = try await context.services.models.complete(request)
        } catch {
            throw StageFailure(error)
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
