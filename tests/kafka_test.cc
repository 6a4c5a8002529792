// The Kafka backend against librdkafka's mock cluster (the real protocol on
// loopback): the write path, restart from stored offsets, rebuild from the
// topics alone.
//
// Not here: read_committed isolation and zombie fencing. The mock cluster of
// librdkafka 2.0.2 (Debian 12) serves records of aborted transactions and
// does not fence an older producer with the same transactional.id, so
// neither can be shown against it.
#include "engine/kafka_log.h"
#include "engine/verify.h"
#include "projections/commitments.h"
#include "tests/test_support.h"

namespace ledger::testing {
namespace {

using domain::PurchaseOrder;

class KafkaTest : public NodeTest {
 protected:
  Backend backend() const override { return Backend::kKafka; }
  Command Confirm(const std::string& id) {
    return domain::OnPurchaseOrder(
        id, [](const PurchaseOrder& po, DecideContext& c) { return domain::DecideConfirmPo(po, c); });
  }
  std::string Snapshot(const std::string& id) {
    auto s = engine().Load("purchase_order", id);
    return s ? std::to_string(s->version) + s->Encode() : "absent";
  }
};

TEST_F(KafkaTest, PurchaseOrdersOnKafkaSurviveRestartFromStoredOffsets) {
  SeedReference();
  auto a = NewPo({Line("LAPTOP", "2", "1000"), Line("SCREEN", "1", "250.5", "OPS")});
  Ok(Confirm(a));
  When(Confirm(a));
  ExpectRejected(Errc::kInvalidState);
  std::vector<LogRecord> history;
  ASSERT_TRUE(engine().ReadStream("purchase_order", a, &history).ok());
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(events::EventTypeName(*history[3].envelope()), "PurchaseOrderConfirmed");
  ASSERT_TRUE(node().StartProjections().ok());
  ASSERT_TRUE(node().projection("commitments")->WaitFor(node().log().End(), std::chrono::seconds(20)));
  auto rows = QueryCommitments(node().store(), {"cost_center"});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].committed, "2000.00");
  std::string snap = Snapshot(a);

  // Restart on the same cluster: the engine resumes from its stored offsets.
  Reopen();
  EXPECT_EQ(engine().stats().recovered_records, 0u);
  EXPECT_EQ(Snapshot(a), snap);
  EXPECT_EQ(NewPo({}), "PO-2026-00002");

  // Without its store, the node rebuilds everything from the topics.
  const uint64_t records = CursorTotal(node().log().End());
  node_.reset();
  std::filesystem::remove_all(dir_.path() + "/store");
  Reopen();
  EXPECT_EQ(engine().stats().recovered_records, records);
  EXPECT_EQ(Snapshot(a), snap);
  auto report = VerifyLog(node().log());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->reason;
  EXPECT_EQ(report->records, records);
}

}  // namespace
}  // namespace ledger::testing
