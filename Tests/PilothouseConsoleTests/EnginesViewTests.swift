import Foundation
import PilothouseCore
import Testing

@testable import PilothouseConsole

/// The fleet in the gauges pane: which engines share the store, what each holds, and which
/// stopped giving signs of life.
@Suite struct EnginesViewTests {
    func engine(_ host: String, pid: Int32, jobs: Int, silentFor seconds: TimeInterval) -> EngineRecord {
        EngineRecord(
            owner: "\(host):\(pid)", host: host, pid: pid, version: "1.4.0",
            startedAt: Fixtures.now.addingTimeInterval(-3_600),
            heartbeatAt: Fixtures.now.addingTimeInterval(-seconds), leaseSeconds: 30, jobsHeld: jobs)
    }

    func render(_ engines: [EngineRecord], size: Size = Size(width: 200, height: 60)) -> [String] {
        var model = Fixtures.model()
        model.apply(contentsOf: [.gauges(Gauges(engines: engines))])
        return ConsoleView.render(&model, size: size, theme: Fixtures.probeTheme).lines
    }

    @Test func showsEveryEngineAndWhichIsLost() throws {
        let lines = render([
            engine("build-1", pid: 4_242, jobs: 2, silentFor: 5),
            engine("build-2", pid: 77, jobs: 1, silentFor: 130),
            engine("laptop", pid: 9, jobs: 0, silentFor: 1),
        ])
        #expect(lines.contains { $0.contains("engines 3 · 1 lost") })
        let first = try #require(lines.first { $0.contains("build-1 4242 v1.4.0") })
        #expect(first.contains("2 jobs · 5s"))
        let lost = try #require(lines.first { $0.contains("build-2 77 v1.4.0") })
        #expect(lost.contains("lost 2m · jobs reclaimable"))
        #expect(try #require(lines.first { $0.contains("laptop 9") }).contains("0 jobs · 1s"))
    }

    @Test func aLoneHealthyEngineAddsNothingAndALoneLostOneIsShown() {
        #expect(
            !render([engine("laptop", pid: 9, jobs: 1, silentFor: 1)]).contains { $0.contains("engines") })
        #expect(
            render([engine("laptop", pid: 9, jobs: 1, silentFor: 60)]).contains {
                $0.contains("engines 1 · 1 lost")
            })
    }

    @Test func aHostNameCannotDriveTheTerminal() {
        let lines = render([
            engine("evil\u{1B}]0;title\u{07}", pid: 1, jobs: 0, silentFor: 1),
            engine("b", pid: 2, jobs: 0, silentFor: 1),
        ])
        #expect(!lines.joined().contains("\u{1B}"))
        #expect(lines.contains { $0.contains("engines 2") })
    }
}
