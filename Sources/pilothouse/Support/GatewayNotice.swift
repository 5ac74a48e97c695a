import PilothouseEngine
import PilothouseSQLiteStore

/// Gateway happenings worth a line for the operator.
enum GatewayNotice {
    static func text(for event: GatewayEvent) -> String? {
        switch event {
        case .circuitChanged(let model, _, let to): "circuit for \(model) is now \(to)"
        case .budgetWarning(let scopes, _, let model):
            "over the warn limit of the \(scopes.map(\.rawValue).joined(separator: ", ")) budget (\(model))"
        case .budgetDenied(let scope, let remaining, _, _):
            "the \(scope.rawValue) budget refused a call (\(remaining) left)"
        case .fellBack(let from, let to, let reason): "\(from) failed (\(reason)); using \(to)"
        case .cacheEntryPurged(let key): "purged a corrupt cache entry (\(key.prefix(12)))"
        case .notice(let text): text
        case .retrying, .rateLimited: nil
        }
    }
}
