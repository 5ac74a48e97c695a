import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// `[[schedules]]` as an operator writes it, and every mistake named with its line.
@Suite struct ScheduleConfigTests {
    @Test func importAndEnqueueSchedulesAreRead() throws {
        let config = try PilothouseConfig.parse(
            """
            [[schedules]]
            cron = "0 3 * * 1-5"
            import = "PLAN.md"

            [[schedules]]
            name = "weekly deps"
            cron = "@weekly"
            timezone = "UTC"
            enqueue = { goal = "Update the pinned dependencies", files = ["requirements.txt"], priority = "P1" }
            """, path: "p.toml")
        #expect(config.schedules.count == 2)
        #expect(config.schedules[0].name == "import PLAN.md at 0 3 * * 1-5")
        #expect(config.schedules[0].action == .importPlan("PLAN.md"))
        #expect(config.schedules[1].name == "weekly deps")
        #expect(config.schedules[1].timeZone == TimeZone(identifier: "UTC"))
        guard case .enqueue(let request) = config.schedules[1].action else {
            Issue.record("the second schedule should enqueue")
            return
        }
        #expect(request.goal == "Update the pinned dependencies")
        #expect(request.files == ["requirements.txt"])
        #expect(request.priority == .p1)
    }

    @Test(arguments: [
        (
            "[[schedules]]\ncron = \"0 25 * * *\"\nimport = \"PLAN.md\"\n",
            "p.toml:2", "hour \"25\" is out of range 0–23"
        ),
        ("[[schedules]]\nimport = \"PLAN.md\"\n", "p.toml", "a cron expression such as"),
        (
            "[[schedules]]\ncron = \"@daily\"\nimport = \"PLAN.md\"\nenqueue = { goal = \"x\" }\n",
            "p.toml:2", "exactly one action"
        ),
        ("[[schedules]]\ncron = \"@daily\"\n", "p.toml:2", "exactly one action"),
        (
            "[[schedules]]\ncron = \"@daily\"\nimport = \"A.md\"\nname = \"n\"\n[[schedules]]\ncron = \"@daily\"\nimport = \"B.md\"\nname = \"n\"\n",
            "p.toml:8", "a name no other schedule has"
        ),
        (
            "[[schedules]]\ncron = \"@daily\"\nimport = \"A.md\"\ntimezone = \"Mars/Olympus\"\n",
            "p.toml:4", "a time zone name"
        ),
        (
            "[[schedules]]\ncron = \"@daily\"\nenqueue = { goal = \"x\", prio = \"P1\" }\n",
            "p.toml:3", "schedules.enqueue.prio"
        ),
        ("[[schedules]]\ncron = \"@daily\"\nimport = \"A.md\"\nwhen = 3\n", "p.toml:4", "schedules.when"),
        (
            "[[schedules]]\ncron = \"@daily\"\nenqueue = { goal = \"x\", priority = \"P9\" }\n",
            "p.toml:3", "P0, P1, P2 or P3"
        ),
    ])
    func mistakesAreNamedWithTheirLine(text: String, place: String, words: String) {
        #expect {
            try PilothouseConfig.parse(text, path: "p.toml")
        } throws: { error in
            let message = String(describing: error)
            return message.contains(place) && message.contains(words)
        }
    }
}
