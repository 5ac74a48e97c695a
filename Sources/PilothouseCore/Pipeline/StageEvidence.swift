/// What a job's finished stages say about its patch: the facts the approval gate, the
/// auto-approve rule and the approvals pane decide on.
public struct StageEvidence: Sendable, Hashable {
    public var review: ReviewScore?
    public var tests: TestSummary?
    public var policy: PolicyReport?

    public init(_ outputs: some Sequence<StageOutput>) {
        for output in outputs {
            switch output {
            case .review(let score): review = score
            case .tests(let summary): tests = summary
            case .policy(let report): policy = report
            default: break
            }
        }
    }

    public var policyFlags: [String] { (policy?.flags ?? []) + (policy?.violations ?? []) }
}

extension AutoApproveRule {
    public func refusal(_ evidence: StageEvidence, category: JobCategory) -> String? {
        refusal(review: evidence.review, tests: evidence.tests, policy: evidence.policy, category: category)
    }
}
