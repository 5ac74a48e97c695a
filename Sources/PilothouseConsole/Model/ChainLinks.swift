import PilothouseCore

/// How much of the bead chain the console has seen link up.
///
/// The console has no SHA-256 (it imports only Core), so it cannot recompute hashes the way
/// `pilothouse beads verify` does; it checks what it can from the stream: that each bead it sees
/// right after another names that one's hash as `prevHash`. That catches a broken or forked
/// chain early and says honestly how much was checked.
public enum ChainLinks: Hashable, Sendable {
    case unchecked
    case linked(Int)
    case broken(seq: Int64)

    mutating func check(_ bead: Bead, after previous: Bead?) {
        guard case .broken = self else {
            guard let previous, previous.seq + 1 == bead.seq else { return }
            if bead.prevHash == previous.hash {
                if case .linked(let n) = self { self = .linked(n + 1) } else { self = .linked(1) }
            } else {
                self = .broken(seq: bead.seq)
            }
            return
        }
    }
}
