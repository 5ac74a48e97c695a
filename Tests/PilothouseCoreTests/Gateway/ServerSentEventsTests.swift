import Testing

@testable import PilothouseCore

extension GatewayTests {
    @Suite("ServerSentEvents")
    struct ServerSentEventsTests {
        func events(_ chunks: [String]) throws -> [ServerSentEvents.Event] {
            var parser = ServerSentEvents()
            var all: [ServerSentEvents.Event] = []
            for chunk in chunks { all += try parser.feed(Array(chunk.utf8)) }
            return all
        }

        @Test func eventsSplitAnywhereAcrossChunks() throws {
            let text =
                "event: message_start\ndata: {\"a\":1}\n\n: keep-alive\n\ndata: x\r\ndata: y\r\n\r\ndata:z\rdata\r\r"
            let whole = try events([text])
            #expect(
                whole == [
                    .init(name: "message_start", data: "{\"a\":1}"), .init(data: "x\ny"), .init(data: "z\n"),
                ])
            // Byte by byte gives the same events: a chunk boundary may fall anywhere, even in CRLF.
            #expect(try events(text.map { String($0) }) == whole)
            let bytes = Array(text.utf8)
            var parser = ServerSentEvents()
            var one: [ServerSentEvents.Event] = []
            for byte in bytes { one += try parser.feed([byte]) }
            #expect(one == whole)
        }

        @Test func aCutEventIsNeverEmitted() throws {
            #expect(try events(["data: {\"partial\": tr"]).isEmpty)
            #expect(try events(["data: done\n"]).isEmpty)
        }

        @Test func anEndlessLineIsRefused() {
            var parser = ServerSentEvents()
            let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1024 * 1024)
            #expect(throws: ServerSentEvents.Failure.lineTooLong) {
                for _ in 0..<5 { _ = try parser.feed(chunk) }
            }
        }

        @Test func openAIAnswerNeedsDone() throws {
            var answer = StreamedAnswer(dialect: .openAI)
            try answer.apply(.init(data: #"{"id":"c1","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#))
            #expect(answer.text == "Hi" && !answer.finished && answer.outputTokensSoFar == 1)
            try answer.apply(
                .init(data: #"{"id":"c1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3}}"#))
            try answer.apply(.init(data: "[DONE]"))
            #expect(answer.finished && answer.tokens == TokenCounts(input: 9, output: 3))
            #expect(throws: StreamedAnswer.Failure.self) { try answer.apply(.init(data: "{not json")) }
            #expect(throws: StreamedAnswer.Failure.serverError("boom")) {
                try answer.apply(.init(data: #"{"error":{"message":"boom"}}"#))
            }
        }
    }
}

extension GatewayTests.ServerSentEventsTests {
    @Test func anEndlessEventIsRefused() {
        var parser = ServerSentEvents()
        let line = Array(("data: " + String(repeating: "x", count: 1024 * 1024) + "\n").utf8)
        #expect(throws: ServerSentEvents.Failure.eventTooLarge) {
            for _ in 0..<20 { _ = try parser.feed(line) }
        }
    }
}
