#include "tests/test_support.h"
#include "events/reference_events.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <random>

namespace ledger::testing {

// Every test sees the stream types of every context, as the binaries do.
const bool kContextsInstalled = (InstallBoundedContexts(), true);

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "ledger_test_XXXXXX").string();
  char* p = mkdtemp(tmpl.data());
  LEDGER_ASSERT(p != nullptr);
  path_ = p;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Decimal D(const char* text) {
  auto d = Decimal::Parse(text);
  LEDGER_ASSERT(d.ok());
  return *d;
}

uint64_t TestSeed(const char* test_name) {
  uint64_t seed = 0;
  if (const char* env = std::getenv("LEDGER_TEST_SEED")) {
    seed = std::strtoull(env, nullptr, 10);
  } else {
    seed = (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  }
  std::printf("%s: LEDGER_TEST_SEED=%llu\n", test_name, static_cast<unsigned long long>(seed));
  return seed;
}

domain::PoLineInput Line(const char* product, const char* qty, const char* price,
                         const char* cost_center) {
  domain::PoLineInput l;
  l.product = product;
  l.quantity = D(qty);
  l.unit_price = D(price);
  l.cost_center = cost_center;
  return l;
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  switch (info.param) {
    case Backend::kLocal: return "local";
    case Backend::kKafka: return "kafka";
    case Backend::kKafkaCluster: return "kafka_cluster";
  }
  return "unknown";
}

std::string KafkaClusterBrokers() {
  if (const char* env = std::getenv("LEDGER_KAFKA_BROKERS"); env != nullptr && *env != 0) {
    return env;
  }
  const char* file = std::getenv("LEDGER_KAFKA_CLUSTER_FILE");
  if (file == nullptr) return "";
  std::ifstream in(file);
  constexpr std::string_view kKey = "BOOTSTRAP_SERVERS=";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(kKey, 0) == 0) return line.substr(kKey.size());
  }
  return "";
}

uint64_t RecordCount(const EventLog& log) {
  auto reader = log.NewReader(LogCursor(log.layout().partition_count(), 0), false);
  std::vector<LogRecord> batch;
  uint64_t count = 0;
  while (true) {
    batch.clear();
    Status s = reader->Next(1000, &batch);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok() || batch.empty()) return count;
    count += batch.size();
  }
}

std::string UniqueKafkaName() {
  std::string name = "test";
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
    name = std::string(info->test_suite_name()) + "." + info->name();
  }
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '-';
  }
  // Kafka allows 249 characters; the longest ledger topic adds 17.
  if (name.size() > 200) name.resize(200);
  std::random_device rd;
  return fmt::format("{}.{:08x}", name, rd());
}

void NodeTest::SetUp() {
  if (backend() == Backend::kKafkaCluster) {
    const std::string brokers = KafkaClusterBrokers();
    if (brokers.empty()) {
      GTEST_SKIP() << "no real Kafka cluster: start one with tools/kafka/cluster start --dir DIR "
                      "and set LEDGER_KAFKA_BROKERS (ctest does it: fixture KafkaCluster)";
    }
    const std::string name = UniqueKafkaName();
    config_.log_backend = "kafka";
    config_.kafka_brokers = brokers;
    config_.kafka_topic_prefix = name + ".";
    config_.kafka_transactional_id = "ledgerd-" + name;
    // Replication 3 on three brokers or more, as in production; less on a
    // smaller cluster.
    config_.kafka_replication_factor =
        static_cast<int>(std::min<size_t>(3, std::count(brokers.begin(), brokers.end(), ',') + 1));
  }
  if (backend() == Backend::kKafka) {
    auto cluster = KafkaMockCluster::Start(3, 1);
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    cluster_ = std::move(cluster.value());
    config_.log_backend = "kafka";
    config_.kafka_brokers = cluster_->bootstrap_servers();
    config_.kafka_transactional_id = "ledgerd-test";
  }
  config_.data_dir = dir_.path();
  auto n = Node::Open(config_, &clock_);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  node_ = std::move(n.value());
}

void NodeTest::TearDown() {
  holders_.clear();
  node_.reset();
  cluster_.reset();
}

void NodeTest::Reopen() {
  holders_.clear();
  node_.reset();
  auto n = Node::Open(config_, &clock_);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  node_ = std::move(n.value());
}

CommandOutcome NodeTest::Run(Command c, const Actor& actor) {
  c.actor = actor;
  return engine().Execute(std::move(c));
}

CommandOutcome NodeTest::Ok(Command c, const Actor& actor) {
  auto out = Run(std::move(c), actor);
  EXPECT_TRUE(out.status.ok()) << out.status.ToString();
  return out;
}

CommandOutcome NodeTest::When(Command c, const Actor& actor) {
  LogCursor before = node_->log().End();
  last_ = Run(std::move(c), actor);
  appended_.clear();
  auto reader = node_->log().NewReader(before, true);
  Status s = reader->Next(100000, &appended_);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return last_;
}

std::vector<std::string> NodeTest::appended_types() const {
  std::vector<std::string> types;
  for (const auto& r : appended_) types.emplace_back(events::EventTypeName(*r.envelope()));
  return types;
}

void NodeTest::ExpectRejected(Errc code, const std::string& rule) {
  EXPECT_EQ(last_.status.code(), code) << last_.status.ToString();
  if (!rule.empty()) {
    EXPECT_EQ(last_.status.rule(), rule) << last_.status.ToString();
  }
  EXPECT_TRUE(appended_.empty()) << "a rejected command appended " << appended_.size()
                                 << " events";
}

std::string NodeTest::NewPo(std::vector<domain::PoLineInput> lines, const char* supplier) {
  domain::PoHeaderInput h;
  h.supplier = supplier;
  auto out = Ok(domain::CreatePurchaseOrder{h, {}, std::move(lines)});
  return out.stream_id;
}

const domain::PurchaseOrder& NodeTest::Po(const std::string& id) {
  return State<domain::PurchaseOrder>("purchase_order", id);
}

void NodeTest::SeedReference(const std::string& rounding) {
  auto def = [&](const std::string& id, events::ReferenceEventUnion p) {
    Ok(domain::DefineReference{id, std::move(p), Expect::kAny}, kAdmin);
  };
  events::SettingsDefinedT s;
  s.currency = "EUR";
  s.tax_rounding = rounding;
  def("company", Def(s));
  for (auto [id, rate] : {std::pair{"VAT20", "20"}, {"VAT10", "10"}, {"VAT0", "0"}}) {
    events::TaxCodeDefinedT t;
    t.name = id;
    t.rate = rate;
    def(id, Def(t));
  }
  events::FiscalPositionDefinedT fp;
  fp.name = "intra-EU";
  auto m = std::make_unique<events::TaxMappingT>();
  m->from = "VAT20";
  m->to = "VAT0";
  fp.map.push_back(std::move(m));
  def("intra_eu", Def(std::move(fp)));
  events::PaymentTermDefinedT pt;
  pt.kind = "net";
  pt.days = 30;
  def("net30", Def(pt));
  for (const char* cc : {"IT", "OPS"}) {
    events::CostCenterDefinedT t;
    t.name = cc;
    def(cc, Def(t));
  }
  events::CategoryDefinedT cat;
  cat.name = "Hardware";
  def("hardware", Def(cat));
  events::ProjectDefinedT prj;
  prj.name = "Project one";
  def("P1", Def(prj));
  struct S {
    const char *id, *currency, *fiscal;
    bool blocked;
  };
  for (auto sp : {S{"ACME", "EUR", "", false}, S{"EUROPA", "EUR", "intra_eu", false},
                  S{"YEN", "JPY", "", false}, S{"FRANC", "XOF", "", false},
                  S{"BLOCKED", "EUR", "", true}}) {
    events::SupplierDefinedT t;
    t.name = sp.id;
    t.currency = sp.currency;
    t.payment_terms = "net30";
    t.billing_method = "received";
    t.fiscal_position = sp.fiscal;
    t.blocked = sp.blocked;
    t.note_purchase = "Deliver to dock 3";
    def(sp.id, Def(t));
  }
  for (auto [id, tax] : {std::pair{"LAPTOP", "VAT20"}, {"SCREEN", "VAT20"}, {"SERVICE", "VAT20"},
                         {"BOOK", "VAT10"}}) {
    events::ProductDefinedT p;
    p.name = id;
    p.kind = std::string(id) == "SERVICE" ? "service" : "good";
    p.tax_code = tax;
    p.category = "hardware";
    def(id, Def(p));
  }
}

}  // namespace ledger::testing
