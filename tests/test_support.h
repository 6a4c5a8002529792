// Test harness: a real node (RocksDB log and store) in a fresh temporary
// directory, a manual clock, reference data, and scenario helpers:
//   given commands, when a command, then these events or this rejection.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/budgets/budget.h"
#include "engine/purchasing/commands.h"
#include "engine/reference/commands.h"
#include "tools/bounded_context.h"
#include "tools/node.h"
#include "tools/reference/context.h"
#include "events/reference_events.h"

namespace ledger::testing {

// 2026-03-15T10:00:00Z
inline constexpr int64_t kT0 = 1773568800LL * 1'000'000;

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Decimal D(const char* text);

// The seed of a randomized test: $LEDGER_TEST_SEED if set, else random.
// Printed, so that any failure replays with LEDGER_TEST_SEED=<seed>.
uint64_t TestSeed(const char* test_name);

template <class T>
events::ReferenceEventUnion Def(T t) {
  events::ReferenceEventUnion u;
  u.Set(std::move(t));
  return u;
}

domain::PoLineInput Line(const char* product, const char* qty, const char* price,
                         const char* cost_center = "IT");

inline const Actor kAdmin{"admin", {"admin"}};
inline const Actor kBuyer{"alice", {"buyer"}};

// kKafka: librdkafka's mock cluster, in the test's process. kKafkaCluster:
// a real Apache Kafka cluster started outside (tools/kafka/cluster; ctest's
// fixture KafkaCluster), each test on topics and a transactional id of its
// own; the test is skipped when there is none.
enum class Backend { kLocal, kKafka, kKafkaCluster };
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

// The real cluster's bootstrap servers: $LEDGER_KAFKA_BROKERS, else the
// BOOTSTRAP_SERVERS= line of the file $LEDGER_KAFKA_CLUSTER_FILE (ctest sets
// it to the file `tools/kafka/cluster start` writes once the cluster is
// ready). Empty when there is no cluster.
std::string KafkaClusterBrokers();
// The records in `log`, read from its start. Not CursorTotal(log.End()):
// on a real Kafka cluster each transaction's commit marker takes an offset
// too, a little after the commit returns.
uint64_t RecordCount(const EventLog& log);
// A name no other test on the same cluster uses, even across runs: the
// running test's name, made a legal Kafka topic name, and a random suffix.
std::string UniqueKafkaName();

class NodeTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // The log backend this test runs on; kKafka starts a mock Kafka cluster,
  // kKafkaCluster uses the real one (and skips the test without one).
  virtual Backend backend() const { return Backend::kLocal; }

  // Closes and reopens the node on the same directory.
  void Reopen();
  Engine& engine() { return node_->engine(); }
  Node& node() { return *node_; }

  CommandOutcome Run(Command c, const Actor& actor = kBuyer);
  // Runs and asserts success.
  CommandOutcome Ok(Command c, const Actor& actor = kBuyer);
  // A command that appends the events `decide` returns to stream `type`/`id`
  // (which must not exist yet with kNew, must exist with kExisting), whatever
  // a command of the domain would decide: for tests that write what older
  // ledgers wrote.
  static Command RawCommand(std::string type, std::string id, Expect expect,
                            std::function<Decision(DecideContext&)> decide) {
    Command c;
    c.stream_type = std::move(type);
    c.stream_id = std::move(id);
    c.expect = expect;
    c.decide = [d = std::move(decide)](const AggregateState*, DecideContext& ctx) {
      return d(ctx);
    };
    return c;
  }
  // Run, Ok and When of a command struct (engine/commands.h).
  template <class C>
    requires requires { typename C::Target; }
  CommandOutcome Run(C c, const Actor& actor = kBuyer) {
    return Run(ToCommand(std::move(c)), actor);
  }
  template <class C>
    requires requires { typename C::Target; }
  CommandOutcome Ok(C c, const Actor& actor = kBuyer) {
    return Ok(ToCommand(std::move(c)), actor);
  }
  // Defines the reference data most tests use: settings (EUR, `rounding`),
  // VAT20, VAT10, VAT0, fiscal position intra_eu (VAT20 -> VAT0), net30,
  // cost centres IT and OPS, category hardware, project P1, suppliers ACME
  // (EUR), EUROPA (intra_eu), YEN (JPY), FRANC (XOF), BLOCKED (blocked), and
  // products LAPTOP, SCREEN, SERVICE (VAT20) and BOOK (VAT10).
  void SeedReference(const std::string& rounding = "per_line");

  // Scenario helpers. When() runs a command and records what it appended.
  CommandOutcome When(Command c, const Actor& actor = kBuyer);
  template <class C>
    requires requires { typename C::Target; }
  CommandOutcome When(C c, const Actor& actor = kBuyer) {
    return When(ToCommand(std::move(c)), actor);
  }
  // The event types the last When appended, in order.
  std::vector<std::string> appended_types() const;
  const std::vector<LogRecord>& appended() const { return appended_; }
  // Asserts the last When was rejected with `code` (and `rule` if given) and
  // appended nothing.
  void ExpectRejected(Errc code, const std::string& rule = "");

  std::string NewPo(std::vector<domain::PoLineInput> lines, const char* supplier = "ACME");
  const domain::PurchaseOrder& Po(const std::string& id);
  // The current state of any stream (kept alive until the test ends).
  template <class S>
  const S& State(const std::string& type, const std::string& id) {
    holders_.push_back(engine().Load(type, id));
    LEDGER_ASSERT(holders_.back() != nullptr);
    return *StateCast<S>(holders_.back().get());
  }

  std::unique_ptr<KafkaMockCluster> cluster_;  // with Backend::kKafka
  TempDir dir_;
  ManualClock clock_{kT0};
  Config config_;
  std::unique_ptr<Node> node_;
  CommandOutcome last_;
  std::vector<LogRecord> appended_;
  std::vector<std::shared_ptr<const AggregateState>> holders_;
};

// A fixture run once per backend: TEST_P, and
// INSTANTIATE_TEST_SUITE_P(Backends, Fixture, BothBackends(), BackendName).
// "Both": the local log and Kafka, the mock and, when there is one, the real
// cluster.
template <class Fixture>
class OnBothBackends : public Fixture, public ::testing::WithParamInterface<Backend> {
 protected:
  Backend backend() const override { return this->GetParam(); }
};
inline auto BothBackends() {
  return ::testing::Values(Backend::kLocal, Backend::kKafka, Backend::kKafkaCluster);
}

}  // namespace ledger::testing
