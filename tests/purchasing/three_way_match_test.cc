// Scenario tests of the three-way match (SPEC §4.6): an invoice against its
// order and what was received, within the tolerances or disputed, matched
// when the goods arrive, and invoices of the same order sharing what was
// received. Given commands, when a command, then these events or this
// rejection.
#include "tests/purchasing/p2p_scenarios.h"

namespace ledger::testing {
namespace {

using namespace domain;  // NOLINT: the scenarios read as the domain does
using Types = std::vector<std::string>;

TEST_F(P2pScenarios, AThreeWayMatchMovesTheCommitmentToActual) {
  Ok(NewBudget("B", "block", "5000"), kFinance);
  std::string po = ConfirmedPo({Line("LAPTOP", "3", "1000")});
  Ok(Receive(po, {Got(1, "3")}), kReceiver);
  When(Capture(Invoice(po, "F-001", {Billed(1, "3", "1000")})), kAccountant);
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  EXPECT_EQ(appended_types(),
            (Types{"SupplierInvoiceCaptured", "SupplierDocumentClaimed", "PurchaseOrderInvoiced",
                   "BudgetCommitmentReleased", "BudgetActualRecorded", "SupplierInvoiceMatched"}));
  EXPECT_EQ(last_.state_label, "matched");
  const auto& si = Si(last_.stream_id);
  EXPECT_EQ(si.match_mode, "3-way");
  EXPECT_EQ(si.total, D("3600"));
  EXPECT_EQ(si.due_date, "2026-04-19");  // net 30
  EXPECT_EQ(Cell("B").committed, D("0"));
  EXPECT_EQ(Cell("B").actual, D("3000"));
  EXPECT_EQ(Po(po).status, "done");
}

TEST_F(P2pScenarios, AnInvoiceAheadOfTheGoodsIsDisputedUntilTheyArrive) {
  std::string po = ConfirmedPo({Line("LAPTOP", "3", "1000")});
  Ok(Receive(po, {Got(1, "1")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-002", {Billed(1, "3", "1000")})), kAccountant).stream_id;
  EXPECT_EQ(Si(si).status, "disputed");
  ASSERT_EQ(Si(si).discrepancies.size(), 1u);
  EXPECT_EQ(Si(si).discrepancies[0], (SiDiscrepancy{1, "quantity", "1", "3"}));
  When(Receive(po, {Got(1, "2")}), kReceiver);
  EXPECT_EQ(appended_types(),
            (Types{"ReceiptRecorded", "PurchaseOrderReceived", "SupplierInvoiceMatched"}));
  EXPECT_EQ(Si(si).status, "matched");
  EXPECT_TRUE(Si(si).ever_disputed);
  // Billing on ordered quantities matches 2-way, before any receipt.
  std::string po2 = ConfirmedPo({Line("SERVICE", "1", "800")}, "ACME", "ordered");
  std::string si2 = Ok(Capture(Invoice(po2, "F-003", {Billed(1, "1", "800")})), kAccountant).stream_id;
  EXPECT_EQ(Si(si2).status, "matched");
  EXPECT_EQ(Si(si2).match_mode, "2-way");
}

TEST_F(P2pScenarios, ToleranceEdgesAreWithinAndOneCentOverIsDisputed) {
  Policy("0", "2", "5.00", "0");
  std::string po = ConfirmedPo({Line("LAPTOP", "5", "100"), Line("BOOK", "1", "50")});
  Ok(Receive(po, {Got(1, "5"), Got(2, "1")}), kReceiver);
  // 5 × 101 = 505: price +1% (≤ 2%), amount +5.00 (≤ 5.00): matched.
  std::string at_edge = Ok(Capture(Invoice(po, "F-10", {Billed(1, "5", "101")})), kAccountant).stream_id;
  EXPECT_EQ(Si(at_edge).status, "matched");
  Ok(CancelInvoice{at_edge, "test"}, kAccountant);
  // 5 × 101.002 = 505.01: amount one cent over.
  std::string over = Ok(Capture(Invoice(po, "F-11", {Billed(1, "5", "101.002")})), kAccountant).stream_id;
  EXPECT_EQ(Si(over).status, "disputed");
  EXPECT_EQ(Si(over).discrepancies,
            (std::vector<SiDiscrepancy>{{0, "amount", "500.00", "505.01"}}));
  Ok(CancelInvoice{over, "test"}, kAccountant);
  // Price exactly +2% on one unit: within; a millionth more: a price discrepancy.
  std::string p_edge = Ok(Capture(Invoice(po, "F-12", {Billed(2, "1", "51")})), kAccountant).stream_id;
  EXPECT_EQ(Si(p_edge).status, "matched");
  Ok(CancelInvoice{p_edge, "test"}, kAccountant);
  std::string p_over = Ok(Capture(Invoice(po, "F-13", {Billed(2, "1", "51.000001")})), kAccountant).stream_id;
  EXPECT_EQ(Si(p_over).discrepancies,
            (std::vector<SiDiscrepancy>{{1, "price", "50", "51.000001"}}));
}

TEST_F(P2pScenarios, UnorderedLinesAndWrongPrintedTotalsAreDiscrepancies) {
  std::string po = ConfirmedPo({Line("LAPTOP", "1", "1000")});
  Ok(Receive(po, {Got(1, "1")}), kReceiver);
  SiInput in = Invoice(po, "F-20", {Billed(1, "1", "1000")});
  SiLineInput extra;
  extra.description = "Delivery";
  extra.quantity = D("1");
  extra.unit_price = D("30");
  in.lines.push_back(extra);
  in.stated_total = D("1230.00");
  std::string si = Ok(Capture(in), kAccountant).stream_id;
  EXPECT_EQ(Si(si).total, D("1230"));
  EXPECT_EQ(Si(si).discrepancies, (std::vector<SiDiscrepancy>{{2, "unordered", "0", "30.00"},
                                                             {0, "amount", "1000.00", "1030.00"}}));
  SiInput printed = Invoice(po, "F-21", {Billed(1, "1", "1000")});
  printed.stated_total = D("1200.01");
  Ok(CancelInvoice{si, "recapture"}, kAccountant);
  std::string si2 = Ok(Capture(printed), kAccountant).stream_id;
  EXPECT_EQ(Si(si2).discrepancies,
            (std::vector<SiDiscrepancy>{{0, "amount", "1200.00", "1200.01"}}));
}

TEST_F(P2pScenarios, AnEarlierInvoiceKeepsItsQuantitiesAndACancellationFreesThem) {
  std::string po = ConfirmedPo({Line("LAPTOP", "3", "1000")});
  Ok(Receive(po, {Got(1, "2")}), kReceiver);
  std::string first = Ok(Capture(Invoice(po, "F-1", {Billed(1, "2", "1000")})), kAccountant).stream_id;
  std::string second = Ok(Capture(Invoice(po, "F-2", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  EXPECT_EQ(Si(first).status, "matched");
  EXPECT_EQ(Si(second).discrepancies, (std::vector<SiDiscrepancy>{{1, "quantity", "0", "1"}}));
  // The last laptop arrives: the second invoice matches, the first stays.
  When(Receive(po, {Got(1, "1")}), kReceiver);
  EXPECT_EQ(appended_types(),
            (Types{"ReceiptRecorded", "PurchaseOrderReceived", "SupplierInvoiceMatched"}));
  EXPECT_EQ(appended_[2].envelope()->stream_id()->str(), second);
  EXPECT_EQ(Si(second).status, "matched");
  // A third invoice for the same laptop is the one disputed, not the others.
  std::string third = Ok(Capture(Invoice(po, "F-3", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  EXPECT_EQ(Si(third).status, "disputed");
  // Cancelling the second frees its laptop for the third.
  When(CancelInvoice{second, "sent twice"}, kAccountant);
  EXPECT_EQ(appended_types().back(), "SupplierInvoiceMatched");
  EXPECT_EQ(Si(third).status, "matched");
  EXPECT_EQ(Si(first).status, "matched");
}

}  // namespace
}  // namespace ledger::testing
