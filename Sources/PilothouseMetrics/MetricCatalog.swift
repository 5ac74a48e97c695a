import PilothouseCore
import Prometheus

/// Every metric family Pilothouse exposes (computed: the library's descriptor is not `Sendable`), with its help text: one list, so names, units and
/// meanings are read (and documented in Docs/OPERATIONS.md) in one place.
///
/// Labels stay bounded: states, stages, outcomes, quarantine reasons, budget scopes and
/// `provider:model` names come from fixed sets or the configuration, never from job ids.
enum MetricCatalog {
    private static func family(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "pilothouse", metricName: name, unitName: unit, helpText: help)
    }

    // Read from the store at scrape time: every engine sharing a store reports the same values.
    static var jobs: MetricNameDescriptor { family("jobs", "", "Jobs in the store, by state.") }
    static var queueDepth: MetricNameDescriptor {
        family("queue_depth", "", "Jobs queued and waiting for an engine to claim them.")
    }
    static var approvalsWaiting: MetricNameDescriptor {
        family("approvals_waiting", "", "Jobs waiting at the approval gate for an operator's decision.")
    }
    static var llmRequests: MetricNameDescriptor {
        family("llm_requests", "total", "Model call attempts in the ledger, by provider:model and outcome.")
    }
    static var llmTokens: MetricNameDescriptor {
        family(
            "llm_tokens", "total",
            "Tokens in the ledger, by provider:model and kind (input, output, cached_input).")
    }
    static var llmSpend: MetricNameDescriptor {
        family("llm_spend_usd", "total", "Spend in the ledger in US dollars, by provider:model.")
    }
    static var quarantineRecords: MetricNameDescriptor {
        family("quarantine_records", "", "Records in quarantine waiting for an operator, by reason.")
    }
    static var beads: MetricNameDescriptor { family("beads", "total", "Beads in the audit chain.") }

    // Fed from this process's engine events (reset when the process starts).
    static var jobsFinished: MetricNameDescriptor {
        family("jobs_finished", "total", "Jobs this process saw end, by outcome (the state they ended in).")
    }
    static var stageDuration: MetricNameDescriptor {
        family(
            "stage_duration_seconds", "",
            "Time from a stage's start to its end (finished or failed), by stage.")
    }
    static var approvalWait: MetricNameDescriptor {
        family("approval_wait_seconds", "", "Time patches waited at the approval gate before a decision.")
    }
    static var rateLimitWait: MetricNameDescriptor {
        family(
            "rate_limit_wait_seconds", "total",
            "Seconds model calls were held back by a provider's rate limit, summed over calls, by provider:model."
        )
    }
    static var circuitOpen: MetricNameDescriptor {
        family(
            "circuit_open", "",
            "1 while a model's circuit breaker is open (calls refused), else 0, by provider:model.")
    }
    static var budgetRemaining: MetricNameDescriptor {
        family(
            "budget_remaining_usd", "", "Money left under an enforced or warning limit, by scope (run, day).")
    }

    /// Stage and approval times span a sub-second check to a coffee break.
    static let secondsBuckets: [Double] = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]

    /// The states a job ends in as far as an engine is concerned (quarantine waits for an
    /// operator); `jobs_finished_total` counts moves into them.
    static let finishedStates: [JobState] = JobState.allCases.filter { $0.isTerminal || $0 == .quarantined }
}
