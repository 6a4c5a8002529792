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
#include "tools/config.h"

namespace ledger {

class Node {
 public:
  // Opens (creating if needed) the data directory: the log under <dir>/log,
  // the state store under <dir>/store. Replays the log tail into the engine.
  // With role "reader" the Kafka log opens without a producer and the
  // engine follows it (EngineOptions::follow_log); malformed for a reader of
  // the local log, or one without the writer's token key.
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
  bool read_replica_ = false;  // Config::role "reader": the engine follows the log
  std::string writer_url_;     // Config::writer_url
};

}  // namespace ledger
