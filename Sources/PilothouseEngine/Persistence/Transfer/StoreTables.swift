import Foundation
import PilothouseCore

/// Every table that holds the store's state, in the order a copy writes them (a table after
/// those its foreign keys point to), with the columns both backends define.
///
/// One list for both backends: `StoreTransferSchemaTests` compares it with the tables and
/// columns each backend's migrations create, so a table or column added to the schema fails
/// that test until it is added here, and is never silently left out of a copy.
public enum StoreTables {
    public static let all: [StoreTable] = [
        StoreTable(
            "runs",
            [
                ("id", .text), ("started_at", .integer), ("ended_at", .integer),
                ("pilothouse_version", .text),
                ("repo_head", .text), ("config_hash", .text), ("seed", .integer), ("exit_code", .integer),
            ], orderBy: ["id"]),
        StoreTable(
            "jobs",
            [
                ("id", .text), ("title", .text), ("goal", .text), ("category", .text), ("priority", .integer),
                ("source_plan", .text), ("source_anchor", .text), ("content_hash", .text),
                ("files_hint", .text),
                ("state", .text), ("stage", .text), ("attempts", .integer), ("max_attempts", .integer),
                ("lease_owner", .text), ("lease_expires_at", .integer), ("lease_host", .text),
                ("lease_pid", .integer), ("lease_started", .integer), ("resume_attempt", .integer),
                ("feedback", .text), ("approved_hunks", .text), ("operator_patch", .blob),
                ("created_at", .integer), ("updated_at", .integer),
            ], orderBy: ["id"]),
        StoreTable(
            "stage_results",
            [
                ("id", .integer), ("job_id", .text), ("stage", .text), ("attempt", .integer),
                ("status", .text),
                ("output", .text), ("started_at", .integer), ("finished_at", .integer),
            ], orderBy: ["id"], serial: "id", wide: true),
        StoreTable(
            "beads",
            [
                ("seq", .integer), ("job_id", .text), ("kind", .text), ("stage", .text), ("message", .text),
                ("metadata", .text), ("created_at", .integer), ("prev_hash", .text), ("hash", .text),
                ("encoding_version", .integer),
            ], orderBy: ["seq"]),
        StoreTable(
            "bead_head", [("id", .integer), ("count", .integer), ("last_hash", .text)], orderBy: ["id"],
            seedRows: [StoreRow([.integer(1), .integer(0), .text(Bead.genesisHash)])]),
        StoreTable(
            "patches",
            [
                ("id", .integer), ("job_id", .text), ("attempt", .integer), ("base_commit", .text),
                ("diff", .blob), ("files_changed", .integer), ("lines_added", .integer),
                ("lines_removed", .integer), ("created_at", .integer),
            ], orderBy: ["id"], serial: "id"),
        StoreTable(
            "quarantine",
            [
                ("id", .text), ("job_id", .text), ("reason", .text), ("message", .text), ("payload", .text),
                ("created_at", .integer),
            ], orderBy: ["id"], wide: true),
        StoreTable(
            "llm_calls",
            [
                ("id", .integer), ("run_id", .text), ("job_id", .text), ("stage", .text), ("provider", .text),
                ("model", .text), ("requested_model", .text), ("request_id", .text), ("tokens_in", .integer),
                ("tokens_out", .integer), ("tokens_cached", .integer), ("cost_micros", .integer),
                ("latency_ms", .integer), ("outcome", .text), ("attempt", .integer), ("detail", .text),
                ("created_at", .integer),
            ], orderBy: ["id"], serial: "id"),
        StoreTable(
            "transcripts",
            [
                ("id", .integer), ("llm_call_id", .integer), ("job_id", .text), ("stage", .text),
                ("model", .text), ("prompt", .text), ("response", .text), ("created_at", .integer),
            ], orderBy: ["id"], serial: "id", wide: true),
        StoreTable(
            "budgets",
            [
                ("scope", .text), ("scope_key", .text), ("limit_micros", .integer), ("mode", .text),
                ("reserved_micros", .integer),
            ], orderBy: ["scope", "scope_key"]),
        StoreTable(
            "budget_accounts",
            [
                ("scope", .text), ("scope_key", .text), ("spent_micros", .integer),
                ("reserved_micros", .integer), ("updated_at", .integer),
            ], orderBy: ["scope", "scope_key"]),
        StoreTable(
            "response_cache",
            [
                ("key", .text), ("stage", .text), ("model", .text), ("payload", .blob), ("sha256", .text),
                ("size", .integer), ("created_at", .integer), ("last_used_at", .integer),
            ], orderBy: ["key"]),
        StoreTable(
            "merge_queue",
            [
                ("job_id", .text), ("attempt", .integer), ("priority", .integer), ("approved_at", .integer),
                ("entered_at", .integer), ("status", .text), ("candidate_tree", .text),
                ("test_started_at", .integer),
            ], orderBy: ["job_id"]),
        StoreTable(
            "merge_records",
            [
                ("job_id", .text), ("merge_commit", .text), ("job_commit", .text), ("candidate_tree", .text),
                ("previous_tip", .text), ("new_tip", .text), ("merged_at", .integer),
            ], orderBy: ["job_id"]),
        StoreTable(
            "merge_tests",
            [
                ("tree", .text), ("command", .text), ("passed", .boolean), ("output", .text),
                ("tested_at", .integer),
            ], orderBy: ["tree", "command"], wide: true),
        StoreTable(
            "engines",
            [
                ("owner", .text), ("host", .text), ("pid", .integer), ("version", .text),
                ("started_at", .integer), ("heartbeat_at", .integer), ("lease_seconds", .integer),
            ], orderBy: ["owner"]),
        StoreTable(
            "schedules", [("name", .text), ("last_slot", .integer), ("fired_at", .integer)], orderBy: ["name"]
        ),
        StoreTable(
            "outbox",
            [
                ("id", .integer), ("delivery_id", .text), ("event", .text), ("bead_seq", .integer),
                ("job_id", .text), ("payload", .text), ("created_at", .integer), ("attempts", .integer),
                ("next_attempt_at", .integer), ("last_error", .text), ("delivered_at", .integer),
            ], orderBy: ["id"], serial: "id", wide: true),
    ]

    /// The table named `name`, if the copy knows it.
    public static func named(_ name: String) -> StoreTable? {
        all.first { $0.name == name }
    }
}
