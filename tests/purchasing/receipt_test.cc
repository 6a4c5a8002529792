// Scenario tests of receipts: partial receipts, the over-receipt
// tolerance, what cannot be received, services received per period, and one
// receipt per warehouse and date. Given commands, when a command, then these
// events or this rejection.
#include "tests/purchasing/p2p_scenarios.h"

namespace ledger::testing {
namespace {

using namespace domain;  // NOLINT: the scenarios read as the domain does
using Types = std::vector<std::string>;

TEST_F(P2pScenarios, PartialReceiptsMoveTheOrderToReceived) {
  std::string po = ConfirmedPo({Line("LAPTOP", "3", "1000")});
  When(Receive(po, {Got(1, "1")}), kReceiver);
  EXPECT_EQ(appended_types(), (Types{"ReceiptRecorded", "PurchaseOrderReceived"}));
  EXPECT_EQ(last_.stream_id, "RC-2026-00001");
  EXPECT_EQ(Po(po).status, "partially_received");
  When(Receive(po, {Got(1, "2")}, "2026-03-17"), kReceiver);
  EXPECT_EQ(Po(po).status, "received");
  EXPECT_EQ(Po(po).lines[0].received, D("3"));
  // An order with a receipt can no longer be cancelled or reset.
  When(CancelPo{po, "late"});
  ExpectRejected(Errc::kRuleViolation, "order_has_receipts_or_invoices");
}

TEST_F(P2pScenarios, OverReceiptIsRefusedBeyondTheToleranceOnly) {
  Policy("0", "0", "0", "10");
  std::string po = ConfirmedPo({Line("LAPTOP", "10", "100")});
  When(Receive(po, {Got(1, "11.000001")}), kReceiver);
  ExpectRejected(Errc::kRuleViolation, "over_receipt");
  When(Receive(po, {Got(1, "11")}), kReceiver);  // exactly at the tolerance
  EXPECT_TRUE(last_.status.ok()) << last_.status.ToString();
  When(Receive(po, {Got(1, "-12")}), kReceiver);
  ExpectRejected(Errc::kRuleViolation, "return_exceeds_received");
  When(Receive(po, {Got(1, "-2")}), kReceiver);  // a return
  EXPECT_EQ(Po(po).lines[0].received, D("9"));
  EXPECT_EQ(Po(po).status, "partially_received");
}

TEST_F(P2pScenarios, ReceiptsAreRefusedOnUnconfirmedOrdersAndUnknownLines) {
  std::string draft = NewPo({Line("LAPTOP", "1", "1")});
  When(Receive(draft, {Got(1, "1")}), kReceiver);
  ExpectRejected(Errc::kInvalidState);
  std::string po = ConfirmedPo({Line("LAPTOP", "1", "1")});
  When(Receive(po, {Got(2, "1")}), kReceiver);
  ExpectRejected(Errc::kNotFound);
  When(Receive(po, {Got(1, "1")}, "2026-02-30"), kReceiver);
  ExpectRejected(Errc::kMalformed);
  When(Receive("PO-2026-09999", {Got(1, "1")}), kReceiver);
  ExpectRejected(Errc::kNotFound);
}

TEST_F(P2pScenarios, ServicesAreReceivedPerPeriodAndARefusedServiceCountsNothing) {
  std::string po = ConfirmedPo({Line("SERVICE", "2", "500")});
  When(Receive(po, {Got(1, "1")}), kReceiver);
  ExpectRejected(Errc::kMalformed);  // no period
  When(Receive(po, {{1, D("1"), "2026-03-01", "2026-03-31", "PV-12", "refused"}}), kReceiver);
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  EXPECT_EQ(Po(po).lines[0].received, D("0"));
  When(Receive(po, {{1, D("1"), "2026-03-01", "2026-03-31", "PV-13", "reserved"}}), kReceiver);
  EXPECT_EQ(Po(po).lines[0].received, D("1"));
  When(Receive(po, {{1, D("1"), "2026-04-01", "2026-03-31", "", ""}}), kReceiver);
  ExpectRejected(Errc::kMalformed);
}

// Open-Prod creates one receipt per warehouse (and per date): a receipt
// belongs to one warehouse, and each warehouse's goods are received apart.
TEST_F(P2pScenarios, OneReceiptPerWarehouseAndDate) {
  auto at = [](PoLineInput l, const char* warehouse, const char* date) {
    l.warehouse = warehouse;
    l.expected_date = date;
    return l;
  };
  std::string po = ConfirmedPo({at(Line("LAPTOP", "2", "1000"), "WH-PARIS", "2026-03-20"),
                                at(Line("SCREEN", "2", "200"), "WH-LYON", "2026-03-20"),
                                at(Line("BOOK", "4", "20"), "WH-PARIS", "2026-03-27")});
  When(Receive(po, {Got(1, "2"), Got(2, "2")}), kReceiver);
  ExpectRejected(Errc::kRuleViolation, "warehouse_mismatch");
  When(Receive(po, {Got(1, "2")}, "2026-03-20", "WH-LYON"), kReceiver);
  ExpectRejected(Errc::kRuleViolation, "warehouse_mismatch");
  When(Receive(po, {Got(1, "2")}, "2026-03-20"), kReceiver);
  EXPECT_EQ(State<Receipt>("receipt", last_.stream_id).warehouse, "WH-PARIS");
  When(Receive(po, {Got(2, "2")}, "2026-03-20"), kReceiver);
  EXPECT_EQ(State<Receipt>("receipt", last_.stream_id).warehouse, "WH-LYON");
  When(Receive(po, {Got(3, "4")}, "2026-03-27"), kReceiver);
  EXPECT_EQ(last_.stream_id, "RC-2026-00003");
  EXPECT_EQ(Po(po).status, "received");
}

}  // namespace
}  // namespace ledger::testing
