import Foundation
import Testing

@testable import PilothouseCore

@Suite struct MoneyTests {
    @Test(
        arguments: [
            ("12", 12_000_000), ("0.5", 500_000), ("$3.25", 3_250_000), ("0.000001", 1), (".75", 750_000),
        ] as [(String, Int64)])
    func parsesDollars(text: String, micros: Int64) {
        #expect(Money(dollars: text)?.micros == micros)
    }

    @Test(arguments: ["", "abc", "1.2345678", "-1", "1.2.3", "$", "1e3"])
    func rejectsMalformedAmounts(text: String) {
        #expect(Money(dollars: text) == nil)
    }

    @Test func formatsExactly() {
        #expect(Money(micros: 12_500_000).description == "$12.50")
        #expect(Money(micros: 1).description == "$0.000001")
        #expect(Money(micros: -2_000_000).description == "-$2.00")
        #expect((Money(micros: 1) + Money(micros: 2)).micros == 3)
    }
}

@Suite struct JobIDTests {
    @Test func idsSortByCreationTime() {
        let early = JobID(date: Date(timeIntervalSince1970: 1_000))
        let late = JobID(date: Date(timeIntervalSince1970: 2_000))
        #expect(early < late)
        #expect(early.rawValue.count == 26)
    }

    @Test func parsesCaseInsensitivelyAndRejectsJunk() {
        let id = JobID()
        #expect(JobID(id.rawValue.lowercased()) == id)
        #expect(JobID("not-an-id") == nil)
        #expect(JobID(String(repeating: "Z", count: 26)) == nil)  // timestamp overflow
        #expect(JobID("") == nil)
    }

    @Test func roundTripsThroughJSON() throws {
        let id = JobID()
        let data = try JSONEncoder().encode([id])
        #expect(try JSONDecoder().decode([JobID].self, from: data) == [id])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([JobID].self, from: Data(#"["x"]"#.utf8))
        }
    }
}

@Suite struct LabelTests {
    @Test func priorityWords() {
        #expect(Priority(label: "Critical") == .p0)
        #expect(Priority(label: "p1") == .p1)
        #expect(Priority(label: " Medium ") == .p2)
        #expect(Priority(label: "low") == .p3)
        #expect(Priority(label: "P7") == nil)
    }

    @Test func categoryWords() {
        #expect(JobCategory(label: "Security") == .security)
        #expect(JobCategory(label: "documentation") == .docs)
        #expect(JobCategory(label: "Correctness") == .quality)
        #expect(JobCategory(label: "weather") == nil)
    }
}
