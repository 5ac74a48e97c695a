import Foundation
import Testing

@testable import PilothouseEngine

@Suite struct ProcessRunnerTests {
    /// Gone, or a zombie waiting for a reaper that is not us (in containers PID 1 may never reap).
    static func isGone(_ pid: Int32) -> Bool {
        if kill(pid, 0) != 0 { return true }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    @Test func timeoutKillsTheWholeProcessGroup() async throws {
        let sandbox = try GitSandbox()
        let command = ProcessCommand(
            argv: ["sh", "-c", "sleep 100 & echo $! > pids; echo $$ >> pids; sleep 100"],
            directory: sandbox.root,
            environment: ProcessRunner.environment(allowing: []), timeout: .seconds(1))
        let start = ContinuousClock.now
        let result = try await ProcessRunner(gracePeriod: .milliseconds(500)).run(command)
        #expect(result.timedOut)
        #expect(!result.succeeded)
        // Far below the 100 s the sleeps would take: the timeout ended it, not the command. The
        // bound is loose on purpose; a loaded 2-core CI machine schedules the test late.
        #expect(result.duration < .seconds(60))
        #expect(ContinuousClock.now - start < .seconds(90))
        let pids = String(decoding: sandbox.read("pids") ?? [], as: UTF8.self).split(separator: "\n")
            .compactMap {
                Int32($0)
            }
        #expect(pids.count == 2)
        for pid in pids {
            await eventually("process \(pid) to be killed with its group") { Self.isGone(pid) }
        }
    }

    @Test func cancellationKillsTheGroup() async throws {
        let sandbox = try GitSandbox()
        let command = ProcessCommand(
            argv: ["sh", "-c", "sleep 100 & echo $! > pids; sleep 100"], directory: sandbox.root,
            environment: ProcessRunner.environment(allowing: []), timeout: .seconds(60))
        let task = Task { try await ProcessRunner(gracePeriod: .milliseconds(500)).run(command) }
        // Cancel once the shell has started its child, not after a guessed delay.
        let readPid = {
            Int32(
                String(decoding: sandbox.read("pids") ?? [], as: UTF8.self).trimmingCharacters(
                    in: .whitespacesAndNewlines))
        }
        try #require(await eventually("the shell to write its child's pid") { readPid() != nil })
        let pid = try #require(readPid())
        task.cancel()
        let result = try await task.value
        #expect(result.cancelled)
        await eventually("process \(pid) to be killed with its group") { Self.isGone(pid) }
    }

    @Test func environmentIsScrubbedAndOutputBounded() async throws {
        let sandbox = try GitSandbox()
        let environment = ProcessRunner.environment(
            allowing: ["KEEP_ME"],
            from: ["PATH": "/usr/bin:/bin", "KEEP_ME": "yes", "AWS_SECRET_ACCESS_KEY": "nope"])
        let env = try await ProcessRunner().run(
            ProcessCommand(argv: ["env"], directory: sandbox.root, environment: environment))
        let text = String(decoding: env.output, as: UTF8.self)
        #expect(text.contains("KEEP_ME=yes"))
        #expect(!text.contains("AWS_SECRET_ACCESS_KEY"))
        #expect(env.succeeded)

        let chatty = try await ProcessRunner().run(
            ProcessCommand(
                argv: ["sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i+1)); done; exit 3"],
                directory: sandbox.root, environment: environment, maxOutputBytes: 4096))
        let output = String(decoding: chatty.output, as: UTF8.self)
        #expect(chatty.termination == .exited(3))
        #expect(chatty.droppedBytes > 0)
        #expect(output.hasPrefix("line0\n"))
        #expect(output.hasSuffix("line2999\n"))
        #expect(chatty.output.count < 4096 + 100)
    }

    /// The reaper wakes the output thread through a pipe; the output thread used to close its
    /// end as soon as the process had exited, so the wake-up could hit a pipe without a reader
    /// and SIGPIPE killed any process that did not ignore it (this test process does not):
    /// one in a few hundred quick processes under load. Thousands of them, eight at a time.
    @Test func manyQuickProcessesNeverRaiseSIGPIPE() async throws {
        let truePath = try #require(ProcessRunner.resolve("true", path: "/usr/bin:/bin"))
        let command = ProcessCommand(
            argv: [truePath], directory: "/", environment: [:], timeout: .seconds(10))
        let failures = try await onOwnThreads(8) { _ in
            var failures = 0
            for _ in 0..<800 where !(try ProcessRunner().runBlocking(command)).succeeded { failures += 1 }
            return failures
        }.reduce(0, +)
        #expect(failures == 0)
    }

    @Test func missingProgramIsATypedError() async {
        await #expect(throws: ProcessRunnerError.notFound("no-such-program-xyz")) {
            try await ProcessRunner().run(
                ProcessCommand(
                    argv: ["no-such-program-xyz"], directory: "/", environment: ["PATH": "/usr/bin:/bin"]))
        }
    }
}
