/// Money already committed in one scope: settled spend plus open reservations.
///
/// Reservations are counted because calls run concurrently: without them, ten workers could
/// each see $1 left and together spend $10.
public struct BudgetState: Sendable, Hashable, Codable {
    public var spent: Money
    public var reserved: Money

    public init(spent: Money = .zero, reserved: Money = .zero) {
        self.spent = spent
        self.reserved = reserved
    }

    public static let zero = BudgetState()

    public var committed: Money { spent + reserved }
}
