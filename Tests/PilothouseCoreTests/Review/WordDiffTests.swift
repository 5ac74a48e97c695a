import PilothouseCore
import Testing

@Suite struct WordDiffTests {
    func changed(_ old: String, _ new: String) -> ([String], [String]) {
        let a = Array(old.utf8)
        let b = Array(new.utf8)
        let result = WordDiff.compare(a, b)
        return (
            result.removed.map { String(decoding: a[$0], as: UTF8.self) },
            result.added.map { String(decoding: b[$0], as: UTF8.self) }
        )
    }

    @Test func onlyTheChangedWordsAreEmphasised() {
        let (removed, added) = changed("    return total + tax", "    return total - discount")
        #expect(removed == ["+ tax"])
        #expect(added == ["- discount"])
    }

    @Test func aChangedArgumentInsideACall() {
        let (removed, added) = changed("print(user.name, 1)", "print(user.fullName, 1)")
        #expect(removed == ["name"])
        #expect(added == ["fullName"])
    }

    @Test func insertionOnlyLeavesTheRemovedSideUnmarked() {
        let (removed, added) = changed("let x = f(a)", "let x = try f(a)")
        #expect(removed.isEmpty)
        #expect(added == ["try "])
    }

    @Test func unrelatedLinesGetNoEmphasis() {
        #expect(WordDiff.compare(Array("import Foundation".utf8), Array("x = [1, 2, 3]".utf8)) == .none)
        #expect(WordDiff.compare([], Array("x".utf8)) == .none)
    }

    @Test func identicalLinesHaveNothingToEmphasise() {
        #expect(WordDiff.compare(Array("same line".utf8), Array("same line".utf8)) == .none)
    }

    @Test func hugeLinesAreNotCompared() {
        let long = Array(String(repeating: "a b ", count: 1000).utf8)
        #expect(WordDiff.compare(long, long + [0x63]) == .none)
    }

    @Test func nonASCIIWordsStayWhole() {
        let (removed, added) = changed("let café = 1", "let thé = 1")
        #expect(removed == ["café"])
        #expect(added == ["thé"])
    }
}
