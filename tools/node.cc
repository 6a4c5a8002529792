#include "tools/node.h"

#include <fmt/format.h>
#include <rocksdb/table.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <filesystem>

#include "engine/local_log.h"
#include "engine/rocks_setup.h"
#include "tools/bounded_context.h"

namespace ledger {

Result<std::unique_ptr<Node>> Node::Open(const Config& config, const Clock* clock) {
  InstallBoundedContexts();
  if (config.log_backend != "local" && config.log_backend != "kafka") {
    return Status::Malformed("log backend must be \"local\" or \"kafka\"");
  }
  if (config.partitions_per_topic == 0 || config.partitions_per_topic > 64) {
    return Status::Malformed("partitions_per_topic must be between 1 and 64");
  }
  if (config.role != "all" && config.role != "writer" && config.role != "reader") {
    return Status::Malformed("role must be \"writer\", \"reader\" or \"all\"");
  }
  const bool reader = config.role == "reader";
  if (reader && config.log_backend != "kafka") {
    // The local log is a RocksDB database that one process opens (and
    // locks): there is nothing a second process could follow.
    return Status::Malformed(
        "--role reader needs --log kafka: a read replica follows a Kafka log, while the local "
        "log belongs to the one process that writes it");
  }
  const std::string token_key_path =
      config.token_key_file.empty() ? config.data_dir + "/token.key" : config.token_key_file;
  if (reader && !config.inspect_only && !std::filesystem::exists(token_key_path)) {
    // A key of its own would make the reader refuse every token the writer
    // issued: it must share the writer's.
    return Status::Malformed(
        "a reader authenticates the writer's API tokens with the writer's token key: copy it "
        "and set token_key_file (no key at " + token_key_path + ")");
  }
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return Status::IoError("cannot create " + config.data_dir + ": " + ec.message());

  std::unique_ptr<Node> node(new Node());
  if (config.log_backend == "local") {
    LocalLogOptions lo;
    lo.layout.partitions_per_topic = config.partitions_per_topic;
    lo.sync = config.sync;
    lo.verify_on_open = config.verify_log_on_open && !config.inspect_only;
    auto log = LocalLog::Open(config.data_dir + "/log", lo);
    if (!log.ok()) return log.status();
    node->log_ = std::move(log.value());
  } else {
    KafkaLogOptions ko;
    ko.layout.partitions_per_topic = config.partitions_per_topic;
    ko.brokers = config.kafka_brokers;
    ko.transactional_id = config.kafka_transactional_id;
    ko.topic_prefix = config.kafka_topic_prefix;
    ko.replication_factor = config.kafka_replication_factor;
    // A reader opens no transactional producer, so it never fences the writer.
    ko.writer = !config.log_read_only && !reader;
    if (ko.brokers == "embedded") {
      // In-process mock cluster: the real protocol, but nothing survives the
      // process. For trying things out only.
      auto mock = KafkaMockCluster::Start(3, config.partitions_per_topic);
      if (!mock.ok()) return mock.status();
      node->mock_ = std::move(mock.value());
      ko.brokers = node->mock_->bootstrap_servers();
      spdlog::warn("kafka: embedded mock cluster at {} (NOT durable)", ko.brokers);
    }
    auto log = KafkaLog::Open(ko);
    if (!log.ok()) return log.status();
    node->log_ = std::move(log.value());
  }

  const std::string store_path = config.data_dir + "/store";
  LEDGER_RETURN_IF_ERROR(node->OpenStore(store_path));
  if (config.inspect_only) return node;
  node->read_replica_ = reader;
  node->writer_url_ = config.writer_url;
  EngineOptions engine_options = config.engine;
  engine_options.follow_log = reader;
  auto engine = Engine::Open(node->log_.get(), node->store_.get(), clock, engine_options);
  if (!engine.ok() && engine.status().rule() == "lost_records" && config.accept_lost_records) {
    // The operator chose to go on: keep the old store for the inquiry and
    // derive everything again from the log as it is.
    const std::string aside = fmt::format("{}.lost-{}", store_path, std::time(nullptr));
    spdlog::error("{}", engine.status().message());
    spdlog::warn("--accept-lost-records: the state store moves to {}; rebuilding it from the log",
                 aside);
    node->store_.reset();
    std::filesystem::rename(store_path, aside, ec);
    if (ec) return Status::IoError("cannot move " + store_path + ": " + ec.message());
    LEDGER_RETURN_IF_ERROR(node->OpenStore(store_path));
    engine = Engine::Open(node->log_.get(), node->store_.get(), clock, engine_options);
  }
  if (!engine.ok()) return engine.status();
  node->engine_ = std::move(engine.value());
  auto attachments = AttachmentStore::Open(config.data_dir + "/attachments");
  if (!attachments.ok()) return attachments.status();
  node->attachments_ = std::move(attachments.value());
  auto key = api::TokenKey::LoadOrCreate(token_key_path);
  if (!key.ok()) return key.status();
  node->token_key_ = std::make_unique<api::TokenKey>(std::move(key.value()));
  for (auto& p : AllProjections()) {
    node->projections_.push_back(
        std::make_unique<ProjectionRunner>(node->log_.get(), node->store_.get(), std::move(p)));
  }
  return node;
}

Status Node::OpenStore(const std::string& path) {
  rocksdb::Options so;
  so.create_if_missing = true;
  so.IncreaseParallelism(2);
  so.write_buffer_size = 64 << 20;
  so.compression = rocksdb::kLZ4Compression;
  ConfigureRocks(&so, "store");
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(256 << 20);
  so.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  auto opened = OpenRocks(so, path);
  if (!opened.ok()) return Status::IoError("state store: " + opened.status().ToString());
  store_ = std::move(opened.value());
  return Status::Ok();
}

Node::~Node() { Stop(); }

Status Node::StartProjections() {
  for (auto& p : projections_) LEDGER_RETURN_IF_ERROR(p->Start());
  return Status::Ok();
}

void Node::StartScrub(ScrubOptions options) {
  scrubber_ = std::make_unique<LogScrubber>(log_.get(), options);
}

void Node::Stop() {
  scrubber_.reset();
  if (engine_) engine_->Stop();
  for (auto& p : projections_) p->Stop();
}

std::vector<ProjectionRunner*> Node::projections() {
  std::vector<ProjectionRunner*> out;
  for (auto& p : projections_) out.push_back(p.get());
  return out;
}

api::ApiContext Node::api_context() {
  api::ApiContext ctx;
  ctx.engine = engine_.get();
  ctx.log = log_.get();
  ctx.store = store_.get();
  ctx.projections = projections();
  ctx.attachments = attachments_.get();
  ctx.token_key = token_key_.get();
  ctx.scrubber = scrubber_.get();
  ctx.routes = AllRoutes();
  ctx.authenticate = TokenAuthentication();
  ctx.read_replica = read_replica_;
  ctx.writer_url = writer_url_;
  return ctx;
}

ProjectionRunner* Node::projection(std::string_view name) {
  for (auto& p : projections_) {
    if (p->projection().name() == name) return p.get();
  }
  return nullptr;
}

}  // namespace ledger
