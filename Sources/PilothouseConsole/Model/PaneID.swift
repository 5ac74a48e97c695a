import PilothouseCore

/// The five panes, in the order `tab` and the `1`–`5` keys use.
public enum PaneID: Int, CaseIterable, Hashable, Sendable {
    case jobs = 1
    case beads
    case gauges
    case quarantine
    case approvals

    public var title: String {
        switch self {
        case .jobs: "Jobs"
        case .beads: "Beads"
        case .gauges: "Gauges"
        case .quarantine: "Quarantine"
        case .approvals: "Approvals"
        }
    }

    public var next: PaneID { PaneID(rawValue: rawValue % PaneID.allCases.count + 1) ?? .jobs }
    public var previous: PaneID {
        PaneID(rawValue: (rawValue + PaneID.allCases.count - 2) % PaneID.allCases.count + 1) ?? .jobs
    }
}
