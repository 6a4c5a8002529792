// A ledger node: the log, the state store, the engine and the projections of
// one data directory, opened and closed in the right order. Shared by
// ledgerd, ledgerctl, the tests and the benchmark.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/server.h"
#include "engine/attachments.h"
#include "engine/engine.h"
#include "engine/kafka_log.h"
#include "engine/scrub.h"
#include "projections/projection.h"

namespace ledger {

// ledgerd's whole configuration: loadable from a JSON file, overridable by
// flags (tools/ledgerd.cc).
struct Config {
  std::string data_dir = "./data";     // Default: ./data
  std::string listen = "127.0.0.1:8080";  // Default: loopback, port 8080
  // The break-glass admin token: ledgerd ensures an enabled user "admin"
  // and the API authenticates this token as it (api::ApiOptions). Default:
  // none (ensure no admin).
  std::string admin_token;
  // The key of API token digests (api::TokenKey), created on first start.
  // Nodes serving the same log share one. Default: <data_dir>/token.key.
  std::string token_key_file;
  std::string log_backend = "local";   // Default: local ("local" | "kafka")
  std::string kafka_brokers;           // Default: none; "embedded" starts a mock cluster
  std::string kafka_transactional_id = "ledgerd";  // Default: "ledgerd"
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

// Reads a JSON config file whose keys are the fields above.
Result<Config> LoadConfigFile(const std::string& path);

class Node {
 public:
  // Opens (creating if needed) the data directory: the log under <dir>/log,
  // the state store under <dir>/store. Replays the log tail into the engine.
  static Result<std::unique_ptr<Node>> Open(const Config& config, const Clock* clock);
  ~Node();

  // Starts every projection in the background (catching up first).
  Status StartProjections();
  // Starts the background scrub of the log (engine/scrub.h).
  void StartScrub(ScrubOptions options);
  const LogScrubber* scrubber() const { return scrubber_.get(); }
  // Stops the engine (answering queued commands) then the projections.
  void Stop();

  Engine& engine() { return *engine_; }
  EventLog& log() { return *log_; }
  rocksdb::DB* store() { return store_.get(); }
  AttachmentStore& attachments() { return *attachments_; }
  const api::TokenKey& token_key() const { return *token_key_; }
  std::vector<ProjectionRunner*> projections();
  // What the API serves of this node: its engine, log, store, projections,
  // attachments, token key, scrub, and every context's routes.
  api::ApiContext api_context();
  ProjectionRunner* projection(std::string_view name);

 private:
  Node() = default;
  Status OpenStore(const std::string& path);
  std::unique_ptr<KafkaMockCluster> mock_;  // --kafka-brokers embedded
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<rocksdb::DB> store_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<AttachmentStore> attachments_;
  std::unique_ptr<api::TokenKey> token_key_;
  std::vector<std::unique_ptr<ProjectionRunner>> projections_;
  std::unique_ptr<LogScrubber> scrubber_;  // before the log closes
};

}  // namespace ledger
