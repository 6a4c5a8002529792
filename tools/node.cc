#include "tools/node.h"

#include <fmt/format.h>
#include <rocksdb/table.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <filesystem>

#include "engine/domain/commands.h"
#include "engine/domain/reference.h"
#include "engine/local_log.h"
#include "engine/rocks_setup.h"
#include "projections/audit.h"
#include "projections/budget_ledger.h"
#include "projections/commitments.h"
#include "projections/matching.h"
#include "projections/tokens.h"

namespace ledger {

std::vector<std::unique_ptr<Projection>> AllProjections() {
  std::vector<std::unique_ptr<Projection>> p;
  p.push_back(std::make_unique<AuditProjection>());
  p.push_back(std::make_unique<CommitmentsProjection>());
  p.push_back(std::make_unique<BudgetLedgerProjection>());
  p.push_back(std::make_unique<MatchingProjection>());
  p.push_back(std::make_unique<TokensProjection>());
  return p;
}

Result<std::unique_ptr<Node>> Node::Open(const Config& config, const Clock* clock) {
  if (config.log_backend != "local" && config.log_backend != "kafka") {
    return Status::Malformed("log backend must be \"local\" or \"kafka\"");
  }
  if (config.partitions_per_topic == 0 || config.partitions_per_topic > 64) {
    return Status::Malformed("partitions_per_topic must be between 1 and 64");
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
    ko.replication_factor = config.kafka_replication_factor;
    ko.writer = !config.log_read_only;
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
  auto engine = Engine::Open(node->log_.get(), node->store_.get(), clock, config.engine);
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
    engine = Engine::Open(node->log_.get(), node->store_.get(), clock, config.engine);
  }
  if (!engine.ok()) return engine.status();
  node->engine_ = std::move(engine.value());
  auto attachments = AttachmentStore::Open(config.data_dir + "/attachments");
  if (!attachments.ok()) return attachments.status();
  node->attachments_ = std::move(attachments.value());
  auto key = api::TokenKey::LoadOrCreate(
      config.token_key_file.empty() ? config.data_dir + "/token.key" : config.token_key_file);
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

ProjectionRunner* Node::projection(std::string_view name) {
  for (auto& p : projections_) {
    if (p->projection().name() == name) return p.get();
  }
  return nullptr;
}

Status Node::ListAdminsOnce() {
  if (engine_->Load(domain::kAdminDirectoryType, domain::kAdminDirectoryId)) return Status::Ok();
  // Users exist by the thousand, not the million: the bound is a safeguard.
  constexpr size_t kUsersMax = 1'000'000;
  auto users = engine_->StreamIds("user", kUsersMax);
  if (!users.ok()) return users.status();
  if (users->empty()) return Status::Ok();
  Command c = domain::ListAdmins(std::move(users.value()));
  c.actor = Actor{"system", {"admin"}};
  auto out = engine_->Execute(std::move(c));
  if (!out.status.ok() && out.status.code() != Errc::kDuplicate) return out.status;
  spdlog::info("listed the enabled admins of a ledger written before the admin directory");
  return Status::Ok();
}

Status Node::EnsureAdmin() {
  Actor system{"system", {"admin"}};
  // Break glass: whoever can start the server with --admin-token gets an
  // enabled admin back, even if the admin user was disabled or lost its
  // role through the API (a recorded change, by "system").
  auto current = engine_->Load("user", "admin");
  const auto* state = current ? StateCast<domain::ReferenceState>(current.get()) : nullptr;
  const auto* defined = state ? domain::TableOf<events::UserDefined>(*state) : nullptr;
  bool has_role = false;
  if (defined != nullptr && defined->roles() != nullptr) {
    for (const auto* r : *defined->roles()) has_role = has_role || events::Sv(r) == "admin";
  }
  if (defined == nullptr || defined->disabled() || !has_role) {
    events::UserDefinedT u;
    u.name = "Administrator";
    if (defined != nullptr) {
      u.name = events::Str(defined->name());
      if (defined->roles() != nullptr) {
        for (const auto* r : *defined->roles()) u.roles.push_back(events::Str(r));
      }
    }
    if (!has_role) u.roles.push_back("admin");
    u.disabled = false;
    if (defined != nullptr) {
      spdlog::warn("the admin user was disabled or not an admin; --admin-token restores it");
    }
    events::PayloadUnion p;
    p.Set(std::move(u));
    Command c = domain::DefineReference("admin", std::move(p),
                                        defined == nullptr ? Expect::kNew : Expect::kExisting);
    c.actor = system;
    auto out = engine_->Execute(std::move(c));
    if (!out.status.ok() && out.status.code() != Errc::kDuplicate) return out.status;
  }
  return Status::Ok();
}

}  // namespace ledger
