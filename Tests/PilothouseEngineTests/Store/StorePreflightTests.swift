import Foundation
import GRDB
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// Files the store must refuse without writing a single byte to them.
@Suite struct StorePreflightTests {
    let directory = TemporaryDirectory()
    var path: String { directory.file("pilothouse.db") }

    private func contents() -> Data? { FileManager.default.contents(atPath: path) }

    @Test func missingFileIsReported() {
        #expect(throws: StoreError.missing(path: path)) { try SQLiteStore.open(path: path) }
    }

    @Test func garbageIsRefusedAndLeftAlone() throws {
        var generator = SplitMix64(seed: 0x6A2BA6E)  // seeded: a failure replays
        let garbage = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        _ = FileManager.default.createFile(atPath: path, contents: garbage)
        #expect {
            try SQLiteStore.open(path: path)
        } throws: { error in
            guard case StoreError.notADatabase = error else { return false }
            return true
        }
        #expect(contents() == garbage)
    }

    @Test func emptyFileIsRefused() throws {
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        #expect(throws: StoreError.notADatabase(path: path, detail: "the file is empty")) {
            try SQLiteStore.open(path: path)
        }
        #expect(contents() == Data())
    }

    @Test func readOnlyFileIsRefusedAndLeftAlone() throws {
        let store = try SQLiteStore.openOrCreate(path: path)
        try store.enqueue(Job(title: "t", goal: "g"))
        let before = try #require(contents())
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        #expect(throws: StoreError.readOnly(path: path)) { try SQLiteStore.open(path: path) }
        #expect(contents() == before)
    }

    private var sidecarsLeft: Bool {
        FileManager.default.fileExists(atPath: path + "-wal")
            || FileManager.default.fileExists(atPath: path + "-shm")
    }

    @Test func readOnlyFileCanStillBeReadButNotWritten() throws {
        do {
            let store = try SQLiteStore.openOrCreate(path: path)
            try store.enqueue(Job(title: "t", goal: "g"))
        }
        let before = try #require(contents())
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        do {
            let store = try SQLiteStore.openForReading(path: path)
            #expect(try store.jobs().map(\.title) == ["t"])
            #expect(try store.verifyBeads() == .ok(count: 1))
            #expect(throws: StoreError.readOnly(path: path)) { try store.enqueue(Job(title: "u", goal: "g")) }
        }
        #expect(contents() == before)
        #expect(!sidecarsLeft, "reading left -wal/-shm beside a read-only database")
    }

    @Test func unreadableFileSaysSoNotReadOnly() throws {
        do { _ = try SQLiteStore.openOrCreate(path: path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        #expect(throws: StoreError.unreadable(path: path, mode: 0)) { try SQLiteStore.open(path: path) }
        #expect(throws: StoreError.unreadable(path: path, mode: 0)) {
            try SQLiteStore.openForReading(path: path)
        }
        #expect(StoreError.unreadable(path: "x", mode: 0).description.contains("permissions are 000"))
    }

    @Test func truncatedFileIsRefusedWithoutLeavingSidecars() throws {
        do {
            let store = try SQLiteStore.openOrCreate(path: path)
            for index in 0..<50 {
                try store.enqueue(Job(title: "job \(index)", goal: String(repeating: "g", count: 500)))
            }
        }
        let full = try #require(contents())
        let cut = full.prefix(8192)
        _ = FileManager.default.createFile(atPath: path, contents: cut)
        #expect {
            try SQLiteStore.open(path: path)
        } throws: { error in
            guard case StoreError.notADatabase(_, let detail) = error else { return false }
            return detail == "it is truncated: 8192 bytes of the \(full.count) its header records"
        }
        #expect(contents() == cut)
        #expect(!sidecarsLeft, "checking left -wal/-shm beside a refused database")
    }

    /// Another process enqueueing at this moment closes its last connection after each job,
    /// which checkpoints the -wal into the file (header first, pages after) and then removes
    /// it. Two `enqueue` loops at once were refused as "truncated" that way: a look at the file
    /// between the header write and the last page is a writer, not damage. The verdict needs
    /// two agreeing looks with no writer seen.
    @Test(arguments: [
        ("cut off, nobody writing", false, false, 0, false, true),
        ("sidecars at the first look", true, false, 0, false, false),
        ("sidecars at the second look", false, true, 0, false, false),
        ("the file grew between the looks", false, false, 4096, false, false),
        ("the header changed between the looks", false, false, 0, true, false),
    ])
    func truncationNeedsTwoAgreeingLooksWithoutAWriter(
        name: String, sidecarsFirst: Bool, sidecarsSecond: Bool, grew: Int, headerChanged: Bool,
        truncated: Bool
    ) throws {
        do {
            let store = try SQLiteStore.openOrCreate(path: path)
            for index in 0..<50 {
                try store.enqueue(Job(title: "job \(index)", goal: String(repeating: "g", count: 500)))
            }
        }
        let header = try #require(contents()).prefix(100)
        let first = SQLiteStorePreflight.Look(sidecars: sidecarsFirst, size: 8192, header: Data(header))
        var changed = Data(header)
        if headerChanged { changed[27] &+= 1 }  // the change counter moved on
        let second = SQLiteStorePreflight.Look(sidecars: sidecarsSecond, size: 8192 + grew, header: changed)
        #expect(first.shortOf != nil, "the sample must be short of its header's size")
        #expect(SQLiteStorePreflight.Look.isTruncated(first, second) == truncated, "\(name)")
        #expect(!SQLiteStorePreflight.Look.isTruncated(first, nil), "a second look that failed is no verdict")
    }

    @Test func newerSchemaIsRefusedAndLeftAlone() throws {
        _ = try SQLiteStore.openOrCreate(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write {
            try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99_from_the_future')")
        }
        _ = try queue.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try queue.close()
        let before = try #require(contents())
        #expect(throws: StoreError.newerSchema(path: path, unknown: ["v99_from_the_future"])) {
            try SQLiteStore.open(path: path)
        }
        #expect(contents() == before)
    }

    @Test func anotherProgramsDatabaseIsRefused() throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE contacts (name TEXT)") }
        try queue.close()
        let before = try #require(contents())
        #expect {
            try SQLiteStore.open(path: path)
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
