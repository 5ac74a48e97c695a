import Foundation

/// The larger sample `pilothouse demo --swarm` adds to the demo repository: a few hundred small
/// modules under `shop/units/`… each with one defect, a failing test and a plan item whose
/// ``Fix:`` line the simulated model follows; every 40th item asks for a change to the CI
/// workflow, which the default policy refuses, so those are quarantined. Its configuration
/// runs 24 agents against one rate-limited simulated model with realistic latencies, so a
/// newcomer sees dozens of jobs move, queue for the model, wait for approval, get rate limited
/// and quarantined for minutes.
enum DemoSwarm {
    static let defaultCount = 300

    /// `shop/unit_NNN.py` and `tests/test_unit_NNN.py` for each defect.
    static func files(count: Int) -> [DemoRepository.File] {
        (1...count).flatMap { n -> [DemoRepository.File] in
            let name = unitName(n)
            // The CI items (every 40th) change the workflow, not the unit: their unit is right.
            let body = n % 40 == 0 ? "value * \(n)" : "value * \(n) + 1"
            return [
                DemoRepository.File(
                    path: "shop/\(name).py",
                    text: """
                        \"\"\"Unit \(n) of the swarm demo: scales a quantity by \(n).\"\"\"


                        def scale_\(n)(value):
                            return \(body)

                        """),
                DemoRepository.File(
                    path: "tests/test_\(name).py",
                    text: """
                        import unittest

                        from shop.\(name) import scale_\(n)


                        class Unit\(n)Tests(unittest.TestCase):
                            def test_scales_exactly(self):
                                self.assertEqual(scale_\(n)(2), \(2 * n))


                        if __name__ == "__main__":
                            unittest.main()

                        """),
            ]
        }
    }

    static func unitName(_ n: Int) -> String {
        let digits = String(n)
        return "unit_" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// The plan items, appended to the demo's PLAN.md: the CI requests first (P1, so they are
    /// claimed early and the quarantine fills while the units run), then the units (P2).
    static func plan(count: Int) -> String {
        var ci = "\n## P1 — Swarm: CI requests the policy refuses\n\n"
        var units = "\n## P2 — Swarm: small defects\n\n"
        for n in 1...count {
            let name = unitName(n)
            if n % 40 == 0 {
                ci += """
                    ### \(5 + n). Unit \(n) check in CI
                    Run the unit \(n) tests on every push (the policy refuses workflow changes: quarantined).
                    Fix: replace `on: [workflow_dispatch]` with `on: [push, workflow_dispatch]` in .github/workflows/tests.yml
                    File: `.github/workflows/tests.yml`


                    """
                continue
            }
            units += """
                ### \(5 + n). Unit \(n) scales one too far
                `scale_\(n)(2)` returns \(2 * n + 1) instead of \(2 * n).
                Failing test: `tests.test_\(name).Unit\(n)Tests.test_scales_exactly`.
                Fix: replace `value * \(n) + 1` with `value * \(n)` in shop/\(name).py
                File: `shop/\(name).py`


                """
        }
        return ci + units
    }

    /// Appended to the demo's configuration: many agents, one model with a rate limit, slow
    /// answers, and more injected failures than the small demo.
    static let configuration = """

        # --- demo --swarm: many agents against one rate-limited model ---
        [engine]
        swarm_size = 24

        [models."simulated:sim-1"]
        # Fewer requests a minute than 24 agents want: watch the gauges pane's rpm bar fill and
        # jobs wait for the model.
        rpm = 90

        """
}
