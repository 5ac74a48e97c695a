import MCP
import PilothouseEngine
import Testing

@testable import PilothouseMCP

@Suite struct CatalogueTests {
    static let everyday = [
        "cost", "enqueue", "events_since", "get_diff", "get_job", "import_plan", "list_jobs",
        "list_quarantine",
        "status", "submit_patch", "verify_chain",
    ]

    @Test func decisionToolsAreListedOnlyWhenAllowed() throws {
        var config = PilothouseConfig()
        let fixture = try MCPFixture(config)
        #expect(fixture.tools.catalogue.map(\.name).sorted() == Self.everyday)
        config.mcp.allowDecisions = true
        fixture.config = config
        #expect(
            fixture.tools.catalogue.map(\.name).sorted()
                == (Self.everyday + ["approve", "drop_quarantine", "reject"]).sorted())
    }

    @Test func everySchemaIsAClosedObjectWhoseRequiredArgumentsItDescribes() {
        for tool in ToolCatalogue.all {
            let schema = tool.inputSchema.objectValue ?? [:]
            #expect(schema["type"] == "object", "\(tool.name)")
            #expect(schema["additionalProperties"] == false, "\(tool.name)")
            let properties = schema["properties"]?.objectValue ?? [:]
            for required in schema["required"]?.arrayValue ?? [] {
                #expect(properties[required.stringValue ?? ""] != nil, "\(tool.name): \(required)")
            }
            for (name, property) in properties {
                #expect(
                    property.objectValue?["description"]?.stringValue?.isEmpty == false,
                    "\(tool.name).\(name)")
            }
            #expect(tool.description?.isEmpty == false)
        }
    }

    @Test func anUnknownToolOrArgumentOrTypeIsRefusedByName() throws {
        let fixture = try MCPFixture()
        let unknown = fixture.call("drop_database")
        #expect(unknown.isError == true)
        #expect(unknown.text.hasPrefix("no tool named 'drop_database'; tools/list names the 11 tools"))
        let argument = fixture.call("enqueue", ["goal": "g", "owner": "me"])
        #expect(argument.isError == true)
        #expect(
            argument.text
                == "enqueue: unknown argument 'owner'; it takes category, files, goal, priority, title")
        let type = fixture.call("enqueue", ["goal": 42])
        #expect(type.text == "enqueue: 'goal' must be a string")
        let list = fixture.call("enqueue", ["goal": "g", "files": ["a.swift", 3]])
        #expect(list.text == "enqueue: 'files' must be a list of strings")
        let escape = fixture.call("enqueue", ["goal": "g", "\u{1B}]0;owned\u{7}": "x"])
        #expect(escape.text.hasPrefix("enqueue: unknown argument '\u{FFFD}]0;owned\u{FFFD}'"))
        #expect(try fixture.store.jobs().isEmpty)
    }
}
