import Foundation
import PilothouseCore

/// The response-cache key: SHA-256 over a canonical encoding of everything that shapes the
/// answer. Job, stage, priority and attempt are left out on purpose: the same prompt to the
/// same model from another job is the same question.
enum ResponseCacheKey {
    private struct Canonical: Encodable {
        var model: String
        var role: String
        var messages: [ModelRequest.Message]
        var maxOutputTokens: Int
        var temperature: Double?
    }

    static func make(_ request: ModelRequest, route: ModelRoute) -> String {
        let canonical = Canonical(
            model: route.id, role: request.role, messages: request.messages,
            maxOutputTokens: request.maxOutputTokens, temperature: request.temperature)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(canonical)) ?? Data(route.id.utf8)
        return SHA256Hex.of(data)
    }
}
