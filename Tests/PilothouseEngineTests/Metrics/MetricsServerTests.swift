import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import PilothouseMetrics

/// The metrics server over real HTTP on 127.0.0.1, on a port the system picks.
@Suite(.timeLimit(.minutes(1))) struct MetricsServerTests {
    private struct Refused: Error, CustomStringConvertible {
        var description: String { "the store is locked" }
    }

    private func get(_ url: String, method: HTTPMethod = .GET) async throws -> (
        status: UInt, type: String?, body: String
    ) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, response.headers.first(name: "Content-Type"), String(buffer: body))
    }

    @Test func servesTheExpositionAtMetricsAndNothingElse() async throws {
        let server = try await MetricsServer.start(
            on: MetricsAddress(host: "127.0.0.1", port: 0),
            exposition: { Array("pilothouse_beads_total 7\n".utf8) })
        let base = "http://127.0.0.1:\(server.address.port)"
        #expect(server.address.port != 0, "the bound port is reported")
        let metrics = try await get(base + "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.type == "text/plain; version=0.0.4; charset=utf-8")
        #expect(metrics.body == "pilothouse_beads_total 7\n")
        #expect(try await get(base + "/metrics?x=1").status == 200)
        for path in ["/", "/metrics/", "/metricsx", "/../metrics", "/%00"] {
            #expect(try await get(base + path).status == 404, "\(path)")
        }
        #expect(try await get(base + "/metrics", method: .POST).status == 404)
        await server.stop()
        await #expect(throws: (any Error).self) { _ = try await get(base + "/metrics") }
    }

    @Test func aFailedReadIsA500SayingWhy() async throws {
        let server = try await MetricsServer.start(
            on: MetricsAddress(host: "127.0.0.1", port: 0), exposition: { throw Refused() })
        let answer = try await get("http://127.0.0.1:\(server.address.port)/metrics")
        #expect(answer.status == 500)
        #expect(answer.body.contains("the store is locked"))
        await server.stop()
    }

    @Test func aPortInUseIsRefusedNamingTheAddress() async throws {
        let first = try await MetricsServer.start(
            on: MetricsAddress(host: "127.0.0.1", port: 0), exposition: { [] })
        let taken = first.address
        await #expect(throws: MetricsServerError.addressInUse(taken)) {
            _ = try await MetricsServer.start(on: taken, exposition: { [] })
        }
        #expect(MetricsServerError.addressInUse(taken).description.contains("127.0.0.1:\(taken.port)"))
        await first.stop()
    }

    @Test func anAddressThisMachineDoesNotHaveIsRefused() async throws {
        // 192.0.2.0/24 is TEST-NET-1: never assigned to a host; bind fails without sending anything.
        let address = MetricsAddress(host: "192.0.2.1", port: 0)
        await #expect(throws: MetricsServerError.self) {
            _ = try await MetricsServer.start(on: address, exposition: { [] })
        }
    }

    /// Garbage and a half-sent request do not stop the server answering the next scraper.
    @Test func garbageOnTheSocketLeavesTheServerServing() async throws {
        let server = try await MetricsServer.start(
            on: MetricsAddress(host: "127.0.0.1", port: 0), exposition: { Array("ok 1\n".utf8) })
        for junk in [
            "\u{0}\u{1b}[31m\r\n\r\n", "GET /metrics HTTP/1.1\r\nHost: x\r\n",
            String(repeating: "A", count: 200_000),
        ] {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: server.address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            try await channel.executeThenClose { _, outbound in
                try? await outbound.write(ByteBuffer(string: junk))
            }
        }
        #expect(try await get("http://127.0.0.1:\(server.address.port)/metrics").body == "ok 1\n")
        await server.stop()
    }
}
