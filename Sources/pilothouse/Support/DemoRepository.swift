import Foundation

/// The sample repository `pilothouse demo` creates: a tiny Python checkout library with four
/// real defects, a unittest suite where each defect has a failing test, a plan describing the
/// defects (each with a ``Fix: replace `OLD` with `NEW` in path`` line the simulated model
/// follows), one plan item that breaks the default policy on purpose, and a configuration
/// that makes the run visible (latency, injected rate limits and server errors).
enum DemoRepository {
    /// A file of the sample, relative to its root.
    struct File {
        var path: String
        var text: String
    }

    /// The plan, relative to the root; it carries `markerLine`, which marks a directory as a
    /// demo repository, so a second `pilothouse demo DIR` reuses it.
    static let planPath = "PLAN.md"
    static let markerLine = "<!-- pilothouse demo -->"

    /// One known defect: the module and test that show it.
    struct Defect {
        var module: String
        var test: String
        var summary: String
    }

    static let defects: [Defect] = [
        Defect(
            module: "shop/pricing.py", test: "tests.test_pricing.PricingTests.test_ten_percent_off",
            summary: "a 10% discount takes 100% off"),
        Defect(
            module: "shop/cart.py", test: "tests.test_cart.CartTests.test_counts_every_line",
            summary: "the first cart line is not counted"),
        Defect(
            module: "shop/stats.py", test: "tests.test_stats.StatsTests.test_unsorted_input",
            summary: "median of unsorted values is wrong"),
        Defect(
            module: "shop/text.py", test: "tests.test_text.TextTests.test_repeated_spaces",
            summary: "slugs keep empty words"),
    ]

    static let files: [File] = [
        File(path: "README.md", text: readme),
        File(path: planPath, text: plan),
        File(path: ".gitignore", text: "__pycache__/\n*.pyc\n"),
        File(
            path: "shop/__init__.py",
            text: "\"\"\"A tiny checkout library: the Pilothouse demo's sample code.\"\"\"\n"),
        File(path: "shop/pricing.py", text: pricing),
        File(path: "shop/cart.py", text: cart),
        File(path: "shop/stats.py", text: stats),
        File(path: "shop/text.py", text: text),
        File(path: "tests/__init__.py", text: ""),
        File(path: "tests/run.py", text: runner),
        File(path: "tests/test_pricing.py", text: testPricing),
        File(path: "tests/test_cart.py", text: testCart),
        File(path: "tests/test_stats.py", text: testStats),
        File(path: "tests/test_text.py", text: testText),
        File(path: ".github/workflows/tests.yml", text: workflow),
    ]

    /// `.pilothouse/pilothouse.toml` of the demo; `seed` is the simulated provider's seed.
    static func configuration(seed: UInt64) -> String {
        """
        # Pilothouse configuration of the demo repository (written by `pilothouse demo`).
        # Reference: Docs/CONFIGURATION.md of Pilothouse.

        [jobs]
        max_attempts = 3

        [test]
        # Runs the tests of the modules a job changed (all tests when nothing changed).
        command = ["python3", "-B", "tests/run.py"]
        timeout_seconds = 120

        [approval]
        # `pilothouse demo --auto-approve` merges every patch whose review scores at least this
        # and whose tests pass; without it, each patch waits for `a` in the console.
        min_score = 6

        [simulated]
        # The embedded offline model. The same seed replays the same run; with seed 4 one
        # review answer comes back malformed, so that job is quarantined too.
        seed = \(seed)
        # Slow enough to watch the stages move.
        latency_ms_p50 = 700
        latency_ms_p99 = 2000
        # Injected failures: rate limits (429, honouring Retry-After) and server errors, which
        # the gateway retries with backoff (watch the gauges), and malformed answers, which
        # are quarantined (press 4).
        rate_429 = 0.12
        rate_500 = 0.05
        rate_malformed = 0.1
        retry_after_seconds = 1

        [gateway]
        backoff_base_ms = 200
        backoff_cap_seconds = 2
        # Keep every prompt and answer (redacted), for the job view (enter on a job, / searches).
        transcripts = true

        """
    }

    static let readme = """
        # shop — the Pilothouse demo repository

        A tiny checkout library with four known defects, each shown by a failing test.
        `PLAN.md` describes them; `pilothouse demo` imports it and lets the swarm fix them.

            python3 -m unittest -v          # every test (four fail until the plan is done)
            python3 tests/run.py            # the tests of the modules you changed

        Approved fixes are merged into the branch `pilothouse/integration`; your checkout
        (`main`) is never touched. See them with `git log pilothouse/integration`.

        """

    static let plan = """
        # Improvement plan: shop

        \(markerLine)
        Four defects found in review, each with a failing test in `tests/`, and one change the
        default policy refuses (CI workflows are off limits to the swarm), so it is quarantined.

        ## P0 — Critical

        ### 1. Discounts take ten times too much off
        `apply_discount(1000, 10)` returns 0 instead of 900: the percentage is divided by 10.
        Failing test: `tests.test_pricing.PricingTests.test_ten_percent_off`.
        Fix: replace `percent / 10)` with `percent / 100)` in shop/pricing.py
        File: `shop/pricing.py`

        ## P1 — High

        ### 2. The first cart line is not counted
        `total_quantity` skips the first line of the cart.
        Failing test: `tests.test_cart.CartTests.test_counts_every_line`.
        Fix: replace `lines[1:]` with `lines` in shop/cart.py
        File: `shop/cart.py`

        ## P2 — Medium

        ### 3. Median of unsorted values is wrong
        `median` takes the middle element without sorting first.
        Failing test: `tests.test_stats.StatsTests.test_unsorted_input`.
        Fix: replace `ordered = list(values)` with `ordered = sorted(values)` in shop/stats.py
        File: `shop/stats.py`

        ### 4. Slugs keep empty words
        `slugify("Summer  Sale ")` gives `summer--sale-`: splitting on one space keeps empty words.
        Failing test: `tests.test_text.TextTests.test_repeated_spaces`.
        Fix: replace `.split(" ")` with `.split()` in shop/text.py
        File: `shop/text.py`

        ## P3 — Low

        ### 5. Run the tests on every push
        The workflow only runs by hand. Pilothouse's default policy forbids patches to
        `.github/workflows/**`, so this job is quarantined with reason `policy_violation`.
        Fix: replace `on: [workflow_dispatch]` with `on: [push, workflow_dispatch]` in .github/workflows/tests.yml
        File: `.github/workflows/tests.yml`

        """

    static let pricing = """
        \"\"\"Prices and discounts, in cents.\"\"\"


        def apply_discount(price_cents, percent):
            \"\"\"The price after a percentage discount, rounded to whole cents.\"\"\"
            if not 0 <= percent <= 100:
                raise ValueError("percent must be between 0 and 100")
            return round(price_cents - price_cents * percent / 10)


        def add_tax(price_cents, rate_percent):
            \"\"\"The price with tax added, rounded to whole cents.\"\"\"
            return round(price_cents * (100 + rate_percent) / 100)

        """

    static let cart = """
        \"\"\"A shopping cart: a list of (sku, unit price in cents, quantity) lines.\"\"\"


        def total_quantity(lines):
            \"\"\"How many items the cart holds.\"\"\"
            return sum(quantity for _sku, _price, quantity in lines[1:])


        def subtotal(lines):
            \"\"\"Unit price times quantity, summed over all lines, in cents.\"\"\"
            return sum(price * quantity for _sku, price, quantity in lines)

        """

    static let stats = """
        \"\"\"Order statistics.\"\"\"


        def median(values):
            \"\"\"The middle value; the mean of the two middle values for an even count.\"\"\"
            if not values:
                raise ValueError("median of an empty list")
            ordered = list(values)
            middle = len(ordered) // 2
            if len(ordered) % 2:
                return ordered[middle]
            return (ordered[middle - 1] + ordered[middle]) / 2

        """

    static let text = """
        \"\"\"Text helpers for product pages.\"\"\"


        def slugify(title):
            \"\"\"A URL slug: the lower-case words of the title joined by single hyphens.\"\"\"
            return "-".join(title.lower().split(" "))

        """

    static let runner = """
        \"\"\"Runs the tests of the shop modules a change touches; every test when nothing changed.

        Pilothouse runs this in each job's worktree (`[test] command` in
        .pilothouse/pilothouse.toml), so a job is judged by the tests of the code it changed:
        the other defects keep failing their own tests until their jobs fix them.
        Every test: python3 -m unittest -v
        \"\"\"
        import os
        import subprocess
        import sys
        import unittest

        ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        sys.path.insert(0, ROOT)


        def changed_modules():
            try:
                out = subprocess.run(
                    ["git", "status", "--porcelain", "--untracked-files=all"],
                    cwd=ROOT, capture_output=True, text=True, check=True,
                ).stdout
            except (OSError, subprocess.CalledProcessError):
                return []
            names = set()
            for line in out.splitlines():
                path = line[3:].split(" -> ")[-1].strip('"')
                if path.startswith("shop/") and path.endswith(".py"):
                    name = os.path.basename(path)[:-3]
                    if name != "__init__" and os.path.exists(os.path.join(ROOT, "tests", "test_%s.py" % name)):
                        names.add(name)
            return sorted(names)


        def main():
            modules = changed_modules()
            loader = unittest.TestLoader()
            if modules:
                print("changed: " + ", ".join("shop/%s.py" % name for name in modules))
                suite = unittest.TestSuite(loader.loadTestsFromName("tests.test_" + name) for name in modules)
            else:
                print("no changes: running every test")
                suite = loader.discover(os.path.join(ROOT, "tests"), top_level_dir=ROOT)
            result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
            sys.exit(0 if result.wasSuccessful() else 1)


        if __name__ == "__main__":
            main()

        """

    static let testPricing = """
        import unittest

        from shop.pricing import add_tax, apply_discount


        class PricingTests(unittest.TestCase):
            def test_no_discount(self):
                self.assertEqual(apply_discount(1000, 0), 1000)

            def test_ten_percent_off(self):
                self.assertEqual(apply_discount(1000, 10), 900)

            def test_rejects_bad_percent(self):
                with self.assertRaises(ValueError):
                    apply_discount(1000, 120)

            def test_tax(self):
                self.assertEqual(add_tax(1000, 20), 1200)

        """

    static let testCart = """
        import unittest

        from shop.cart import subtotal, total_quantity

        LINES = [("apple", 50, 2), ("pear", 80, 3)]


        class CartTests(unittest.TestCase):
            def test_empty_cart(self):
                self.assertEqual(total_quantity([]), 0)

            def test_counts_every_line(self):
                self.assertEqual(total_quantity(LINES), 5)

            def test_subtotal(self):
                self.assertEqual(subtotal(LINES), 340)

        """

    static let testStats = """
        import unittest

        from shop.stats import median


        class StatsTests(unittest.TestCase):
            def test_sorted_even(self):
                self.assertEqual(median([1, 2, 3, 4]), 2.5)

            def test_unsorted_input(self):
                self.assertEqual(median([3, 1, 2]), 2)

            def test_empty(self):
                with self.assertRaises(ValueError):
                    median([])

        """

    static let testText = """
        import unittest

        from shop.text import slugify


        class TextTests(unittest.TestCase):
            def test_simple(self):
                self.assertEqual(slugify("Hello World"), "hello-world")

            def test_repeated_spaces(self):
                self.assertEqual(slugify("Summer  Sale "), "summer-sale")

        """

    static let workflow = """
        name: tests
        on: [workflow_dispatch]
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: python3 -m unittest -v

        """
}
