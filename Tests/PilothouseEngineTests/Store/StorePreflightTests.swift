import Foundation
import GRDB
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// Files the store must refuse without writing a single byte to them.
@Suite struct StorePreflightTests {
    let directory = TemporaryDirectory()
    var path: String { directory.file("pilothouse.db") }

    private func contents() -> Data? { FileManager.default.contents(atPath: path) }

    @Test func missingFileIsReported() {
        #expect(throws: StoreError.missing(path: path)) { try Store.open(path: path) }
    }

    @Test func garbageIsRefusedAndLeftAlone() throws {
        var generator = SplitMix64(seed: 0x6A2BA6E)  // seeded: a failure replays
        let garbage = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        _ = FileManager.default.createFile(atPath: path, contents: garbage)
        #expect {
            try Store.open(path: path)
        } throws: { error in
            guard case StoreError.notADatabase = error else { return false }
            return true
        }
        #expect(contents() == garbage)
    }

    @Test func emptyFileIsRefused() throws {
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        #expect(throws: StoreError.notADatabase(path: path, detail: "the file is empty")) {
            try Store.open(path: path)
        }
        #expect(contents() == Data())
    }

    @Test func readOnlyFileIsRefusedAndLeftAlone() throws {
        let store = try Store.openOrCreate(path: path)
        try store.enqueue(Job(title: "t", goal: "g"))
        let before = try #require(contents())
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        #expect(throws: StoreError.readOnly(path: path)) { try Store.open(path: path) }
        #expect(contents() == before)
    }

    @Test func newerSchemaIsRefusedAndLeftAlone() throws {
        _ = try Store.openOrCreate(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write {
            try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99_from_the_future')")
        }
        _ = try queue.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try queue.close()
        let before = try #require(contents())
        #expect(throws: StoreError.newerSchema(path: path, unknown: ["v99_from_the_future"])) {
            try Store.open(path: path)
        }
        #expect(contents() == before)
    }

    @Test func anotherProgramsDatabaseIsRefused() throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE contacts (name TEXT)") }
        try queue.close()
        let before = try #require(contents())
        #expect {
            try Store.open(path: path)
        } throws: { error in
            (error as? StoreError)?.description.contains("another program") == true
        }
        #expect(contents() == before)
    }

    @Test func messagesSayWhatToDo() {
        #expect(StoreError.readOnly(path: "x").description.contains("chmod"))
        #expect(StoreError.newerSchema(path: "x", unknown: ["v9"]).description.contains("upgrade"))
        #expect(StoreError.missing(path: "x").description.contains("pilothouse init"))
    }
}
