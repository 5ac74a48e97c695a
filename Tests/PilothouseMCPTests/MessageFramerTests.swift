import Foundation
import Testing

@testable import PilothouseMCP

/// The stdio transport's framing: lines split however the bytes arrive, and a line over the
/// limit answered with an error that carries the request's id, without keeping the line.
@Suite struct MessageFramerTests {
    @Test func linesSplitAcrossReadsComeOutWhole() {
        var framer = MessageFramer(limit: 100)
        #expect(framer.feed(Array(#"{"a":"#.utf8)).isEmpty)
        #expect(
            framer.feed(Array("1}\n\r\n\n{\"b\":2}\r\n{\"c\"".utf8)) == [
                .message(Data(#"{"a":1}"#.utf8)), .message(Data(#"{"b":2}"#.utf8)),
            ])
        #expect(framer.feed(Array(":3}\n".utf8)) == [.message(Data(#"{"c":3}"#.utf8))])
    }

    @Test func aLineOverTheLimitIsDroppedKeepingOnlyItsEnds() {
        var framer = MessageFramer(limit: 1_000)
        let head = #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"goal":""#
        var frames = framer.feed(Array(head.utf8))
        for _ in 0..<100 { frames += framer.feed([UInt8](repeating: UInt8(ascii: "x"), count: 10_000)) }
        frames += framer.feed(Array("\"}}\n{\"ok\":1}\n".utf8))
        guard frames.count == 2, case .oversized(let count, let kept, let tail) = frames[0] else {
            Issue.record("expected an oversized frame, then a message: \(frames)")
            return
        }
        #expect(count == head.utf8.count + 1_000_000 + 3)
        #expect(kept.count == MessageFramer.kept && tail.count == MessageFramer.kept)
        #expect(frames[1] == .message(Data(#"{"ok":1}"#.utf8)))
    }

    @Test(arguments: [
        (#"{"jsonrpc":"2.0","id":7,"method":"x""#, #"xxx"}}"#, "7"),
        (
            #"{"method":"tools/call","params":{"arguments":{"id":"job"#,
            #"xx"}},"jsonrpc":"2.0","id":"r-9"}"#, "r-9"
        ),
        (#"{"method":"tools/call","params":{"id":3"#, #"xxxx"}}}"#, "nil"),
    ])
    func theErrorAnswerCarriesTheRequestsIdWhenAnEndShowsIt(
        _ head: String, _ tail: String, _ expected: String
    ) throws {
        let answer = OversizedMessage.answer(
            count: 9_000, head: Data(head.utf8), tail: Data(tail.utf8), limit: 10)
        let object = try #require(try JSONSerialization.jsonObject(with: answer) as? [String: Any])
        let id = object["id"]
        #expect((id is NSNull ? "nil" : "\(id!)") == expected)
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["code"] as? Int == -32600)
        #expect(
            (error["message"] as? String)?.hasPrefix("the request is 9000 bytes, more than the 10 bytes")
                == true)
    }
}
