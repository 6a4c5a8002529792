// ledgerd's configuration: one struct, every field of it described once in
// ForEachConfigField, and from that one description the JSON file
// (LoadConfigFile), the command-line flags (ConfigFlags) and `ledgerd --help`.
// A field added to Config, EngineOptions or api::ApiOptions goes into
// ForEachConfigField or kConfigFieldsNotSettable; tests/config_test.cc fails
// until it does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/server.h"
#include "engine/engine.h"

namespace CLI {
class App;
}  // namespace CLI

namespace ledger {

// The whole configuration of a node: loadable from a JSON file, overridable by
// flags. Each field's meaning and default are in ForEachConfigField's help.
struct Config {
  std::string data_dir = "./data";        // Default: ./data
  std::string listen = "127.0.0.1:8080";  // Default: loopback, port 8080
  // The break-glass admin token: ledgerd ensures an enabled user "admin"
  // and the API authenticates this token as it (api::ApiOptions). Default:
  // none (ensure no admin).
  std::string admin_token;
  // The key of API token digests (api::TokenKey), created on first start.
  // Nodes serving the same log share one. Default: <data_dir>/token.key.
  std::string token_key_file;
  std::string log_backend = "local";   // Default: local ("local" | "kafka")
  // "writer" or "all": the ledger's one writer (reads too). "reader": a read
  // replica following a Kafka log (EngineOptions::follow_log), refusing
  // writes. Default: all.
  std::string role = "all";
  // The writer's address (e.g. http://ledger-writer:8080), named by a
  // reader's refusals of writes. Default: none.
  std::string writer_url;
  std::string kafka_brokers;           // Default: none; "embedded" starts a mock cluster
  std::string kafka_transactional_id = "ledgerd";  // Default: "ledgerd"
  std::string kafka_topic_prefix;      // Default: none (topics ledger.<context>)
  int kafka_replication_factor = 3;    // Default: 3 (with min.insync.replicas 2)
  bool demo = false;                   // Default: no demo data
  uint32_t partitions_per_topic = 1;   // Default: 1
  bool sync = true;                    // Default: fsync every group commit
  // Open the log without a writer (ledgerctl): a Kafka log opened this way
  // never fences the running ledgerd's producer. Default: false.
  bool log_read_only = false;
  // When the log lost records that were acknowledged (a damaged WAL or
  // file), start anyway: the state store is set aside (renamed
  // store.lost-<time>) and every derived state is rebuilt from what the log
  // holds. Otherwise ledgerd refuses to start and reports them. Default: false.
  bool accept_lost_records = false;
  // Open the log and the state store as they are, without checking or
  // replaying anything and without an engine (ledgerctl verify, which
  // reports what is wrong instead of refusing to open). Default: false.
  bool inspect_only = false;
  // Check the local log's files against their block checksums at start
  // (LocalLogOptions::verify_on_open). Default: true.
  bool verify_log_on_open = true;
  // The background scrub re-verifies the whole log (checksums, hashes,
  // chains) at most this many records a second; 0 turns it off. Default:
  // 20000.
  uint64_t scrub_records_per_second = 20'000;
  // Pause between two scrub passes. Default: 3600 s.
  int64_t scrub_interval_s = 3600;
  EngineOptions engine;
  // The HTTP front door: limits, timeouts and worker threads (see
  // api::ApiOptions for each field's meaning and default). `listen` above
  // sets its host and port.
  api::ApiOptions http;
};

// Calls visit(key, field, help) for every field of `config` that a file or a
// flag sets, each once: `key` is its name in the file (the flag is --key with
// dashes for underscores), `field` a reference to it in `config`, `help` one
// line for --help. The keys are flat, as the files written so far have them;
// README.md lists them.
template <typename Visit>
void ForEachConfigField(Config& config, Visit&& visit) {
  Config& c = config;
  visit("data_dir", c.data_dir, "Data directory: the log, the state store, the attachments");
  visit("listen", c.listen, "HOST:PORT to serve HTTP on");
  visit("admin_token", c.admin_token,
        "Break-glass token: always authenticates as the admin user, kept enabled");
  visit("token_key_file", c.token_key_file,
        "Key of the API token digests (default <data_dir>/token.key)");
  visit("log", c.log_backend, "Log backend: local or kafka");
  visit("role", c.role,
        "writer or all: writes and reads; reader: a read replica of a kafka log, refusing writes");
  visit("writer_url", c.writer_url, "The writer's address, named by a reader's refusals of writes");
  visit("kafka_brokers", c.kafka_brokers,
        "Kafka bootstrap servers; \"embedded\" starts a mock cluster (not durable)");
  visit("kafka_transactional_id", c.kafka_transactional_id, "Kafka transactional id of the writer");
  visit("kafka_topic_prefix", c.kafka_topic_prefix,
        "Prefix of the Kafka topic names, so that several ledgers share a cluster");
  visit("kafka_replication_factor", c.kafka_replication_factor,
        "Replication factor of topics ledgerd creates");
  visit("demo", c.demo, "Load demo data if the ledger is empty");
  visit("partitions_per_topic", c.partitions_per_topic, "Partitions per topic of the log (1-64)");
  visit("sync", c.sync, "fsync the local log at every group commit");
  visit("accept_lost_records", c.accept_lost_records,
        "Start even if the log lost acknowledged records: rebuild the state from it");
  visit("verify_log_on_open", c.verify_log_on_open,
        "Check the local log's block checksums at start");
  visit("scrub_records_per_second", c.scrub_records_per_second,
        "Background scrub rate of the whole log; 0 turns it off");
  visit("scrub_interval_s", c.scrub_interval_s, "Pause between two scrub passes, seconds");

  EngineOptions& e = c.engine;
  visit("batch_commands_max", e.batch_commands_max,
        "Commands decided together and appended with one log write");
  visit("queue_commands_max", e.queue_commands_max,
        "Commands waiting for the writer; beyond it: 503 overloaded");
  visit("cache_streams_max", e.cache_streams_max, "Aggregate states kept in memory");
  visit("events_per_command_max", e.events_per_command_max, "Events one command may append");
  visit("recovery_flush_records", e.recovery_flush_records,
        "Records replayed between two state-store writes during recovery");
  visit("snapshot_interval_ms", e.snapshot_interval_ms,
        "Snapshots of changed aggregates are written at most this often");
  visit("snapshot_pending_max", e.snapshot_pending_max,
        "Changed aggregates waiting for their snapshot; reaching it forces a write");
  visit("resume_interval_ms", e.resume_interval_ms,
        "After a failed write, how often the writer tries to resume");

  api::ApiOptions& h = c.http;
  visit("http_threads", h.threads, "HTTP workers for commands (all but GET and HEAD)");
  visit("http_read_threads", h.read_threads, "HTTP workers for GET and HEAD");
  visit("listen_backlog", h.listen_backlog, "Pending connections queued by the kernel");
  visit("connections_max", h.connections_max, "Open connections; one more gets 503");
  visit("body_bytes_buffered_max", h.body_bytes_buffered_max,
        "Request bodies being received, all connections together; beyond: 503");
  visit("body_bytes_max", h.body_bytes_max, "One request body; beyond: 413");
  visit("header_bytes_max", h.header_bytes_max, "Request line and headers; beyond: 431");
  visit("header_line_bytes_max", h.header_line_bytes_max,
        "One header line or the request line; beyond: 431 (414)");
  visit("headers_max", h.headers_max, "Header fields in one request; beyond: 431");
  visit("header_timeout_ms", h.header_timeout_ms, "Time for a whole request head; then 408");
  visit("read_timeout_ms", h.read_timeout_ms, "Time for a whole request body; then 408");
  visit("write_timeout_ms", h.write_timeout_ms,
        "Time unsent answer bytes wait for a client that does not read");
  visit("keep_alive_idle_ms", h.keep_alive_idle_ms, "An idle keep-alive connection is closed");
  visit("keep_alive_requests_max", h.keep_alive_requests_max, "Requests served on one connection");
  visit("event_streams_max", h.event_streams_max,
        "Concurrent GET /v1/events/stream connections; beyond: 429");
  visit("event_streams_per_user_max", h.event_streams_per_user_max,
        "Of which one user may hold at once; beyond: 429");
}

// The fields of Config (with its EngineOptions and api::ApiOptions) that no
// file or flag sets, and why: the test that every field is in
// ForEachConfigField counts these.
inline constexpr std::string_view kConfigFieldsNotSettable[] = {
    "log_read_only",     // how ledgerctl opens a node, never the server
    "inspect_only",      // same
    "engine.follow_log", // from `role`
    "http.host",         // from `listen`
    "http.port",         // same
    "http.listen_fd",    // the socket ledgerd opened for `listen`
    "http.admin_token",  // from `admin_token`
};

// Reads a JSON config file: an object whose keys are those of
// ForEachConfigField, each optional; the fields it leaves out keep their
// defaults. Errors: NotFound if the file cannot be read; Malformed, naming the
// key, for a key that is no setting (a typo must not go unnoticed) or a value
// of the wrong type or out of its field's range.
Result<Config> LoadConfigFile(const std::string& path);

// A flag on `app` for each field (--data-dir for data_dir), and --config
// FILE. After app.parse, Resolve gives the file's configuration (the defaults
// without --config) with the flags given on top of it.
// Lifetime: `app` holds references into this object; keep it alive and in
// place (it cannot move) until the app is done.
class ConfigFlags {
 public:
  // A flag for each key of `keys`, or for every field if it is empty.
  explicit ConfigFlags(CLI::App* app, const std::vector<std::string_view>& keys = {});
  ConfigFlags(const ConfigFlags&) = delete;
  ConfigFlags& operator=(const ConfigFlags&) = delete;

  // Errors: those of LoadConfigFile.
  Result<Config> Resolve() const;

 private:
  CLI::App* app_;
  std::string file_;
  Config parsed_;  // what the flags given parse to; the others stay default
};

// The flag of a key: "--" and the key with dashes for underscores.
std::string ConfigFlagName(std::string_view key);

}  // namespace ledger
