// Scenario tests of purchase-to-pay (SPEC §4.2–§4.6): budgets, requests and
// approvals, orders' budget effects, receipts, supplier invoices with
// matching, disputes, credit notes and payments. Given commands, when a
// command, then these events or this rejection, and nothing appended.
#include <fmt/format.h>

#include <sstream>

#include "engine/local_log.h"
#include "engine/verify.h"
#include "projections/budgets/budget_ledger.h"
#include "projections/lists.h"
#include "projections/purchasing/matching.h"
#include "tests/test_support.h"
#include "tools/export.h"

namespace ledger::testing {
namespace {

using namespace domain;  // NOLINT: the scenarios read as the domain does
using Types = std::vector<std::string>;

const Actor kRequester{"rita", {"requester"}};
const Actor kManager{"mona", {"approver_manager"}};
const Actor kManager2{"max", {"approver_manager"}};
const Actor kFinance{"fred", {"approver_finance"}};
const Actor kDirector{"dora", {"approver_direction"}};
const Actor kReceiver{"rob", {"receiver"}};
const Actor kAccountant{"anna", {"accountant"}};
const Actor kAccountant2{"abel", {"accountant", "approver_finance"}};

class P2pScenarios : public NodeTest {
 protected:
  void SetUp() override {
    NodeTest::SetUp();
    SeedReference();
  }

  // Budget `id` with one line IT × hardware (× project) and one month.
  static DefineBudget NewBudget(const std::string& id, const char* policy, const char* amount,
                                const char* period = "2026-03", const char* cost_center = "IT",
                                const char* currency = "EUR") {
    BudgetLineInput l{{cost_center, "hardware", ""}, {{period, D(amount)}}};
    return {id, "Budget " + id, currency, policy, {l}};
  }
  const BudgetCell& Cell(const std::string& budget, const char* cc = "IT",
                         const char* period = "2026-03") {
    const auto& b = State<Budget>("budget", budget);
    auto it = b.cells.find(CellKey({cc, "hardware", ""}, period));
    LEDGER_ASSERT(it != b.cells.end());
    return it->second;
  }

  void Policy(const char* qty, const char* price, const char* amount, const char* over) {
    events::MatchingPolicyDefinedT m;
    m.quantity_pct = qty;
    m.price_pct = price;
    m.amount_abs = amount;
    m.over_receipt_pct = over;
    Ok(DefineReference{"company", Def(m), Expect::kAny}, kAdmin);
  }

  static PrLineInput PrLine(const char* product, const char* qty, const char* price,
                            const char* currency = "EUR") {
    PrLineInput l;
    l.product = product;
    l.quantity = D(qty);
    l.estimated_unit_price = D(price);
    l.currency = currency;
    l.cost_center = "IT";
    return l;
  }
  static CreatePr NewPr(std::vector<PrLineInput> lines) {
    return {{"Laptops for the new hires", std::move(lines), {}}};
  }
  static SubmitPr Submit(const std::string& id) { return {id}; }
  static ApprovePr Approve(const std::string& id) { return {id, "ok"}; }
  // A submitted request of `qty` laptops at `price`, by the requester.
  std::string SubmittedPr(const char* qty, const char* price) {
    std::string id = Ok(NewPr({PrLine("LAPTOP", qty, price)}), kRequester).stream_id;
    Ok(Submit(id), kRequester);
    return id;
  }

  static ConfirmPo Confirm(const std::string& id) { return {id}; }
  std::string ConfirmedPo(std::vector<PoLineInput> lines, const char* supplier = "ACME",
                          const char* billing = nullptr) {
    PoHeaderInput h;
    h.supplier = supplier;
    if (billing) h.billing_method = billing;
    std::string id = Ok(CreatePurchaseOrder{h, {}, std::move(lines)}).stream_id;
    Ok(Confirm(id));
    return id;
  }

  static RecordReceipt Receive(const std::string& po, std::vector<ReceiptInput::Line> lines,
                               const char* date = "2026-03-16",
                               std::optional<std::string> warehouse = {}) {
    return {{po, date, std::move(warehouse), std::move(lines)}};
  }
  static ReceiptInput::Line Got(uint32_t line, const char* qty) {
    return {line, D(qty), "", "", "", ""};
  }

  static CaptureInvoice Capture(SiInput in) { return {std::move(in)}; }
  static SiInput Invoice(const std::string& po, const char* ref,
                         std::vector<SiLineInput> lines, const char* supplier = "ACME") {
    SiInput in;
    in.supplier = supplier;
    in.supplier_ref = ref;
    in.date = "2026-03-20";
    in.purchase_order = po;
    in.lines = std::move(lines);
    return in;
  }
  static SiLineInput Billed(uint32_t po_line, const char* qty, const char* price) {
    SiLineInput l;
    l.po_line = po_line;
    l.quantity = D(qty);
    l.unit_price = D(price);
    return l;
  }
  const SupplierInvoice& Si(const std::string& id) {
    return State<SupplierInvoice>("supplier_invoice", id);
  }
  static PayInvoice Pay(const std::string& id, const char* amount,
                        const char* method = "bank_transfer") {
    return {id, {D(amount), method, "TRF-1", "2026-04-19"}};
  }
};

// Budgets.

TEST_F(P2pScenarios, BudgetClaimsItsLinesAndAnotherBudgetCannotOverlap) {
  When(NewBudget("B2026", "block", "10000"), kFinance);
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  EXPECT_EQ(appended_types(), (Types{"BudgetDefined", "BudgetScopeClaimed"}));
  EXPECT_EQ(Cell("B2026").amount, D("10000"));
  When(NewBudget("OTHER", "warn", "5"), kFinance);
  ExpectRejected(Errc::kRuleViolation, "budget_overlap");
  When(NewBudget("OTHER", "warn", "5", "2026-04"), kFinance);
  EXPECT_TRUE(last_.status.ok());
  When(NewBudget("USD", "warn", "5", "2026-05", "IT", "USD"), kFinance);
  ExpectRejected(Errc::kRuleViolation, "budget_currency");
  When(NewBudget("B2026", "warn", "5", "2026-06"), kFinance);
  ExpectRejected(Errc::kDuplicate);
}

TEST_F(P2pScenarios, AmendmentsAndTransfersKeepAmountsNonNegative) {
  BudgetLineInput it{{"IT", "hardware", ""}, {{"2026-03", D("1000")}}};
  BudgetLineInput ops{{"OPS", "hardware", ""}, {{"2026-03", D("0")}}};
  Ok(DefineBudget{"B", "B", "EUR", "block", {it, ops}}, kFinance);
  auto amend = [&](const char* period, const char* delta) {
    return AmendBudget{"B", {"IT", "hardware", ""}, period, D(delta), "reforecast"};
  };
  When(amend("2026-03", "500"), kFinance);
  EXPECT_EQ(appended_types(), (Types{"BudgetAmended"}));
  EXPECT_EQ(Cell("B").amount, D("1500"));
  When(amend("2026-03", "-1500.01"), kFinance);
  ExpectRejected(Errc::kRuleViolation, "budget_negative");
  When(amend("2026-04", "200"), kFinance);  // a new month is claimed for the budget
  EXPECT_EQ(appended_types(), (Types{"BudgetAmended", "BudgetScopeClaimed"}));

  auto transfer = [&](const char* amount) {
    return TransferBudget{"B", {"IT", "hardware", ""}, {"OPS", "hardware", ""}, "2026-03",
                          D(amount), "moved team"};
  };
  When(transfer("1500.01"), kFinance);
  ExpectRejected(Errc::kRuleViolation, "budget_exceeded");
  When(transfer("600"), kFinance);
  EXPECT_EQ(appended_types(), (Types{"BudgetTransferred"}));
  EXPECT_EQ(Cell("B").amount, D("900"));
  EXPECT_EQ(Cell("B", "OPS").amount, D("600"));
}

TEST_F(P2pScenarios, ConfirmationCommitsAndABlockingBudgetRefusesTheExcess) {
  Ok(NewBudget("B", "block", "2500"), kFinance);
  std::string po1 = NewPo({Line("LAPTOP", "2", "1000")});
  When(Confirm(po1));
  EXPECT_EQ(appended_types(), (Types{"PurchaseOrderConfirmed", "BudgetCommitted"}));
  EXPECT_EQ(Cell("B").committed, D("2000"));
  std::string po2 = NewPo({Line("LAPTOP", "1", "500.01")});
  When(Confirm(po2));
  ExpectRejected(Errc::kRuleViolation, "budget_exceeded");
  EXPECT_EQ(Po(po2).status, "draft");
  bool saw_available = false;
  for (const auto& [k, v] : last_.status.details()) {
    if (k == "available") saw_available = v == "500.00";
  }
  EXPECT_TRUE(saw_available) << last_.status.ToString();
  // Exactly the available amount goes through.
  std::string po3 = NewPo({Line("LAPTOP", "1", "500")});
  When(Confirm(po3));
  EXPECT_TRUE(last_.status.ok()) << last_.status.ToString();
  EXPECT_EQ(Cell("B").committed, D("2500"));
  // Cancelling releases exactly what was committed.
  When(CancelPo{po1, "not needed"});
  EXPECT_EQ(appended_types(), (Types{"PurchaseOrderCancelled", "BudgetCommitmentReleased"}));
  EXPECT_EQ(Cell("B").committed, D("500"));
}

TEST_F(P2pScenarios, AWarningBudgetLetsTheOrderThroughAndKeepsTheFigures) {
  Ok(NewBudget("B", "warn", "100"), kFinance);
  std::string po = NewPo({Line("LAPTOP", "1", "1000")});
  When(Confirm(po));
  EXPECT_EQ(appended_types(),
            (Types{"PurchaseOrderConfirmed", "BudgetWarningRecorded", "BudgetCommitted"}));
  auto* w = appended_[1].envelope()->payload_as_BudgetWarningRecorded();
  EXPECT_EQ(events::Sv(w->available()), "100.00");
  EXPECT_EQ(events::Sv(w->requested()), "1000.00");
  EXPECT_EQ(Cell("B").committed, D("1000"));
}

TEST_F(P2pScenarios, ForeignOrdersCommitInTheCompanyCurrencyAtARecordedRate) {
  Ok(NewBudget("B", "block", "100000"), kFinance);
  std::string po = NewPo({Line("LAPTOP", "2", "150000")}, "YEN");
  When(Confirm(po));
  ExpectRejected(Errc::kRuleViolation, "missing_exchange_rate");
  events::ExchangeRateDefinedT r;
  r.rate = "0.0061";
  Ok(DefineReference{"JPY", Def(r), Expect::kAny}, kAdmin);
  When(Confirm(po));
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  auto* c = appended_[1].envelope()->payload_as_BudgetCommitted();
  EXPECT_EQ(events::Sv(c->rate()), "0.0061");
  EXPECT_EQ(events::Sv(c->lines()->Get(0)->amount()), "1830.00");
  EXPECT_EQ(events::Sv(c->lines()->Get(0)->source_amount()), "300000");
  EXPECT_EQ(Cell("B").committed, D("1830"));
}

// Purchase requests and approvals.

TEST_F(P2pScenarios, ApprovalsFollowTheBandOfTheAmountLevelByLevel) {
  std::string id = SubmittedPr("3", "1200");
  const auto& pr = State<PurchaseRequest>("purchase_request", id);
  EXPECT_EQ(pr.levels, (std::vector<std::string>{"manager", "finance"}));
  EXPECT_EQ(pr.amount, D("3600"));
  When(Approve(id), kRequester);
  ExpectRejected(Errc::kRuleViolation, "segregation_of_duties");
  When(Approve(id), kFinance);
  ExpectRejected(Errc::kRuleViolation, "approval_order");
  When(Approve(id), kReceiver);
  ExpectRejected(Errc::kForbidden);
  When(Approve(id), kManager);
  EXPECT_EQ(appended_types(), (Types{"PurchaseRequestApproved"}));
  EXPECT_EQ(last_.state_label, "submitted");
  const Actor both{"mona", {"approver_manager", "approver_finance"}};
  When(Approve(id), both);
  ExpectRejected(Errc::kRuleViolation, "segregation_of_duties");
  When(Approve(id), kFinance);
  EXPECT_EQ(last_.state_label, "approved");
  auto* a = appended_[0].envelope()->payload_as_PurchaseRequestApproved();
  EXPECT_EQ(a->level(), 2u);
  EXPECT_EQ(events::Sv(a->role()), "approver_finance");
  EXPECT_EQ(events::Sv(a->amount()), "3600.00");
  EXPECT_EQ(a->policy_version(), 0u);  // the default policy
  EXPECT_TRUE(a->final());
  When(Approve(id), kDirector);
  ExpectRejected(Errc::kInvalidState);
}

TEST_F(P2pScenarios, ThePolicyVersionAndBandsComeFromTheCompanyPolicy) {
  events::ApprovalPolicyDefinedT p;
  for (auto [up_to, levels] :
       {std::pair<const char*, std::vector<std::string>>{"500", {"manager"}},
        {"", {"manager", "finance", "direction"}}}) {
    auto b = std::make_unique<events::ApprovalBandT>();
    b->up_to = up_to;
    b->levels = levels;
    p.bands.push_back(std::move(b));
  }
  Ok(DefineReference{"company", Def(p), Expect::kAny}, kAdmin);
  std::string small = SubmittedPr("1", "500");
  EXPECT_EQ(State<PurchaseRequest>("purchase_request", small).levels,
            (std::vector<std::string>{"manager"}));
  EXPECT_EQ(State<PurchaseRequest>("purchase_request", small).policy_version, 1u);
  When(Approve(small), kManager);
  EXPECT_EQ(last_.state_label, "approved");
  std::string big = SubmittedPr("1", "500.01");
  EXPECT_EQ(State<PurchaseRequest>("purchase_request", big).levels.size(), 3u);
  Ok(Approve(big), kManager);
  Ok(Approve(big), kFinance);
  When(Approve(big), kDirector);
  EXPECT_EQ(last_.state_label, "approved");
  // A policy whose last band is bounded is refused.
  events::ApprovalPolicyDefinedT bad;
  auto b = std::make_unique<events::ApprovalBandT>();
  b->up_to = "10";
  b->levels = {"manager"};
  bad.bands.push_back(std::move(b));
  When(DefineReference{"company", Def(std::move(bad)), Expect::kAny}, kAdmin);
  ExpectRejected(Errc::kMalformed);
}

TEST_F(P2pScenarios, EditingASubmittedRequestReturnsItToDraftWithoutItsApprovals) {
  std::string id = SubmittedPr("3", "1200");
  Ok(Approve(id), kManager);
  PrInput edited{"Two are enough", {PrLine("LAPTOP", "2", "1200")}, {}};
  When(UpdatePr{id, edited}, kManager);
  ExpectRejected(Errc::kForbidden);
  When(UpdatePr{id, edited}, kRequester);
  EXPECT_EQ(last_.state_label, "draft");
  EXPECT_TRUE(State<PurchaseRequest>("purchase_request", id).approvals.empty());
  When(Approve(id), kManager);
  ExpectRejected(Errc::kInvalidState);
  Ok(Submit(id), kRequester);
  Ok(Approve(id), kManager);
}

TEST_F(P2pScenarios, ARejectionEndsTheRequest) {
  std::string id = SubmittedPr("1", "100");
  When(RejectPr{id, ""}, kManager);
  ExpectRejected(Errc::kMalformed);
  When(RejectPr{id, "use the spare ones"}, kManager);
  EXPECT_EQ(last_.state_label, "rejected");
  When(Approve(id), kManager);
  ExpectRejected(Errc::kInvalidState);
  When(CancelPr{id, ""}, kRequester);
  ExpectRejected(Errc::kInvalidState);
}

TEST_F(P2pScenarios, SubmissionChecksTheBudgetUnderItsPolicy) {
  Ok(NewBudget("B", "block", "1000"), kFinance);
  std::string id = Ok(NewPr({PrLine("LAPTOP", "2", "500.005")}), kRequester).stream_id;
  When(Submit(id), kRequester);
  ExpectRejected(Errc::kRuleViolation, "budget_exceeded");  // 1000.01 > 1000
  std::string ok = Ok(NewPr({PrLine("LAPTOP", "2", "500")}), kRequester).stream_id;
  When(Submit(ok), kRequester);
  EXPECT_EQ(appended_types(), (Types{"PurchaseRequestSubmitted"}));
  // A request does not commit: only the order's confirmation does.
  EXPECT_EQ(Cell("B").committed, D("0"));
}

TEST_F(P2pScenarios, ConversionCreatesOneNumberedOrderPerSupplierLinkedToTheRequest) {
  std::string id = Ok(NewPr({PrLine("LAPTOP", "2", "1000"), PrLine("BOOK", "5", "20")}), kRequester)
                       .stream_id;
  Ok(Submit(id), kRequester);
  Ok(Approve(id), kManager);
  Ok(Approve(id), kFinance);
  auto convert = [&](std::map<uint32_t, std::string> by_line, std::string fallback) {
    return ConvertPr{id, by_line, fallback};
  };
  When(convert({{1, "ACME"}}, ""));
  ExpectRejected(Errc::kMalformed);  // line 2 has no supplier
  When(convert({{1, "ACME"}, {2, "NOBODY"}}, ""));
  ExpectRejected(Errc::kRuleViolation, "unknown_reference");
  When(convert({{2, "EUROPA"}}, "ACME"));
  ASSERT_TRUE(last_.status.ok()) << last_.status.ToString();
  EXPECT_EQ(last_.state_label, "ordered");
  const auto& pr = State<PurchaseRequest>("purchase_request", id);
  ASSERT_EQ(pr.orders, (std::vector<std::string>{"PO-2026-00001", "PO-2026-00002"}));
  EXPECT_EQ(Po("PO-2026-00001").supplier, "ACME");
  EXPECT_EQ(Po("PO-2026-00001").purchase_request, id);
  EXPECT_EQ(Po("PO-2026-00002").supplier, "EUROPA");
  EXPECT_EQ(Po("PO-2026-00002").lines.at(0).request_line, 2u);
  EXPECT_EQ(Po("PO-2026-00002").lines.at(0).quantity, D("5"));
  // The next order number follows without a gap.
  EXPECT_EQ(NewPo({Line("LAPTOP", "1", "1")}), "PO-2026-00003");
  When(convert({}, "ACME"));
  ExpectRejected(Errc::kInvalidState);
}

TEST_F(P2pScenarios, AFreeTextLineCannotBecomeAnOrderLine) {
  PrLineInput free;
  free.description = "Ergonomic chair";
  free.category = "hardware";
  free.quantity = D("1");
  free.estimated_unit_price = D("300");
  free.cost_center = "IT";
  std::string id = Ok(NewPr({free}), kRequester).stream_id;
  Ok(Submit(id), kRequester);
  Ok(Approve(id), kManager);
  When(ConvertPr{id, {}, "ACME"});
  ExpectRejected(Errc::kRuleViolation, "product_required");
}

TEST_F(P2pScenarios, RequestsRefuseBadLines) {
  When(NewPr({}), kRequester);
  ExpectRejected(Errc::kMalformed);
  When(NewPr({PrLine("LAPTOP", "0", "1")}), kRequester);
  ExpectRejected(Errc::kRuleViolation, "invalid_quantity");
  When(NewPr({PrLine("LAPTOP", "1", "1", "XXX")}), kRequester);
  ExpectRejected(Errc::kMalformed);
  PrLineInput l = PrLine("LAPTOP", "1", "1");
  l.cost_center = "NOWHERE";
  When(NewPr({l}), kRequester);
  ExpectRejected(Errc::kRuleViolation, "unknown_reference");
}

// Receipts.

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

// Supplier invoices and matching.

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

TEST_F(P2pScenarios, ASupplierDocumentNumberIsCapturedOnce) {
  std::string po = ConfirmedPo({Line("LAPTOP", "2", "1000")});
  Ok(Receive(po, {Got(1, "2")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-30", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  When(Capture(Invoice(po, "F-30", {Billed(1, "1", "1000")})), kAccountant);
  ExpectRejected(Errc::kDuplicate, "duplicate");
  // Another supplier may use the same number.
  std::string po2 = ConfirmedPo({Line("LAPTOP", "1", "1000")}, "EUROPA");
  Ok(Receive(po2, {Got(1, "1")}), kReceiver);
  When(Capture(Invoice(po2, "F-30", {Billed(1, "1", "1000")}, "EUROPA")), kAccountant);
  EXPECT_TRUE(last_.status.ok()) << last_.status.ToString();
  When(Capture(Invoice(po2, "F-31", {Billed(1, "1", "1000")}, "ACME")), kAccountant);
  ExpectRejected(Errc::kRuleViolation, "supplier_mismatch");
  // A cancelled capture frees its number for the corrected one.
  Ok(CancelInvoice{si, "wrong"}, kAccountant);
  When(Capture(Invoice(po, "F-30", {Billed(1, "1", "1000")})), kAccountant);
  EXPECT_TRUE(last_.status.ok()) << last_.status.ToString();
}

// Issue 9: the same document typed another way is still the same document.
TEST_F(P2pScenarios, ASupplierDocumentNumberIsTheSameHoweverItIsTyped) {
  std::string po = ConfirmedPo({Line("LAPTOP", "5", "1000")});
  Ok(Receive(po, {Got(1, "5")}), kReceiver);
  std::string si =
      Ok(Capture(Invoice(po, "ACME-F-1001", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  const std::vector<std::string> same = {
      "ACME-F-1001 ",
      " ACME-F-1001",
      "acme-f-1001",
      "ACME-F\u200B-1001",                 // a zero-width space
      "ACME\u2010F\u20101001",             // U+2010 hyphens
      "ACME\u2013F\u22121001",             // an en dash and a minus sign
      "\uFF21\uFF23\uFF2D\uFF25-F-1001",  // full-width letters
      "ACME-F-1001\u00AD",                 // a soft hyphen
  };
  for (const auto& ref : same) {
    When(Capture(Invoice(po, ref.c_str(), {Billed(1, "1", "1000")})), kAccountant);
    ExpectRejected(Errc::kDuplicate, "duplicate");
    // The error names the reference as typed.
    EXPECT_NE(std::find(last_.status.details().begin(), last_.status.details().end(),
                        std::pair<std::string, std::string>{"supplier_ref", ref}),
              last_.status.details().end());
  }
  // A credit note cannot take the number either.
  When(RecordCreditNote{si, {"acme-f-1001", "2026-03-25", {}, D("10")}}, kAccountant);
  ExpectRejected(Errc::kDuplicate, "duplicate");
  // Different numbers stay different; the invoice keeps the number as typed.
  std::string other =
      Ok(Capture(Invoice(po, "ACME-F-10011", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  EXPECT_EQ(Si(other).supplier_ref, "ACME-F-10011");
  When(Capture(Invoice(po, "\u200B", {Billed(1, "1", "1000")})), kAccountant);
  ExpectRejected(Errc::kMalformed);
  // Cancelling frees the number, however it is typed next.
  Ok(CancelInvoice{si, "wrong"}, kAccountant);
  When(Capture(Invoice(po, "acme\u2010f\u20101001", {Billed(1, "1", "1000")})), kAccountant);
  EXPECT_TRUE(last_.status.ok()) << last_.status.ToString();
}

// Claims made before references were normalised sit under the number as
// typed: they still refuse the same number typed the same way, and their
// release frees them.
TEST_F(P2pScenarios, AClaimMadeBeforeNormalisationStillCounts) {
  std::string po = ConfirmedPo({Line("LAPTOP", "5", "1000")});
  Ok(Receive(po, {Got(1, "5")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "OLD-1", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  // Move the claim where an older ledgerd put it: released under its key,
  // claimed again under the number as typed.
  auto claim = [&](const std::string& stream, const char* kind) {
    return RawCommand(
        "supplier_document", stream, Expect::kExisting,
        [si, kind](DecideContext&) -> Decision {
          events::SupplierDocumentClaimedT c;
          c.document = si;
          c.kind = kind;
          return One(Emit(std::move(c)));
        });
  };
  Ok(claim("ACME/old-1", "released"), kAdmin);
  Ok(RawCommand("supplier_document", "ACME/OLD-1", Expect::kNew,
                         [si](DecideContext&) -> Decision {
                           events::SupplierDocumentClaimedT c;
                           c.document = si;
                           c.kind = "invoice";
                           return One(Emit(std::move(c)));
                         }),
     kAdmin);
  // Found when typed as it was then (an older claim is not indexed by its
  // key: typed another way, it is not seen).
  When(Capture(Invoice(po, "OLD-1", {Billed(1, "1", "1000")})), kAccountant);
  ExpectRejected(Errc::kDuplicate, "duplicate");
  Ok(CancelInvoice{si, "wrong"}, kAccountant);
  EXPECT_EQ(State<SupplierDocument>("supplier_document", "ACME/OLD-1").kind, "released");
  When(Capture(Invoice(po, "old-1", {Billed(1, "1", "1000")})), kAccountant);
  EXPECT_TRUE(last_.status.ok()) << last_.status.ToString();
}

TEST_F(P2pScenarios, ACreditNoteResolvesAPriceDisputeAndReleasesActual) {
  Ok(NewBudget("B", "block", "5000"), kFinance);
  std::string po = ConfirmedPo({Line("LAPTOP", "2", "1000")});
  Ok(Receive(po, {Got(1, "2")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-40", {Billed(1, "2", "1100")})), kAccountant).stream_id;
  EXPECT_EQ(Si(si).status, "disputed");
  EXPECT_EQ(Cell("B").actual, D("2200"));
  auto credit = [&](CreditNoteInput in) {
    return RecordCreditNote{si, in};
  };
  When(credit({"AV-1", "2026-03-25", {}, D("2200.01")}), kAccountant);
  ExpectRejected(Errc::kRuleViolation, "credit_exceeds_invoice");
  When(credit({"F-40", "2026-03-25", {}, D("100")}), kAccountant);
  ExpectRejected(Errc::kDuplicate, "duplicate");
  When(credit({"AV-1", "2026-03-25", {}, D("200")}), kAccountant);
  EXPECT_EQ(appended_types(), (Types{"SupplierCreditNoteRecorded", "SupplierDocumentClaimed",
                                     "BudgetActualReleased", "SupplierInvoiceMatched"}));
  EXPECT_EQ(Si(si).status, "matched");
  EXPECT_EQ(Si(si).credited_total, D("240"));
  EXPECT_EQ(Remaining(Si(si)), D("2400"));
  EXPECT_EQ(Cell("B").actual, D("2000"));
}

TEST_F(P2pScenarios, AcceptingADifferenceNeedsAnotherPersonWithAnApproverRole) {
  std::string po = ConfirmedPo({Line("LAPTOP", "1", "1000")});
  Ok(Receive(po, {Got(1, "1")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-50", {Billed(1, "1", "1010")})), kAccountant2).stream_id;
  auto accept = [&](const char* reason) {
    return AcceptDifference{si, reason};
  };
  When(ApproveInvoice{si}, kFinance);
  ExpectRejected(Errc::kRuleViolation, "invoice_disputed");
  When(accept("freight surcharge agreed by phone"), kAccountant2);
  ExpectRejected(Errc::kRuleViolation, "segregation_of_duties");
  When(accept("freight surcharge agreed by phone"), kAccountant);
  ExpectRejected(Errc::kForbidden);
  When(accept(""), kFinance);
  ExpectRejected(Errc::kMalformed);
  When(accept("freight surcharge agreed by phone"), kFinance);
  EXPECT_EQ(appended_types(), (Types{"SupplierInvoiceDifferenceAccepted"}));
  EXPECT_EQ(Si(si).status, "matched");
  EXPECT_EQ(Si(si).accepted_by, "fred");
  When(ApproveInvoice{si}, kAccountant2);
  ExpectRejected(Errc::kRuleViolation, "segregation_of_duties");
  When(ApproveInvoice{si}, kFinance);
  EXPECT_EQ(last_.state_label, "approved");
}

TEST_F(P2pScenarios, PaymentsInInstalmentsUntilPaidAndNeverMore) {
  std::string po = ConfirmedPo({Line("LAPTOP", "1", "1000")});
  Ok(Receive(po, {Got(1, "1")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-60", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  When(Pay(si, "100"), kAccountant);
  ExpectRejected(Errc::kInvalidState);  // not approved yet
  Ok(ApproveInvoice{si}, kFinance);
  When(Pay(si, "700", "cheque"), kAccountant);
  ExpectRejected(Errc::kMalformed);
  When(Pay(si, "700.001"), kAccountant);
  ExpectRejected(Errc::kMalformed);
  When(Pay(si, "700", "mobile_money"), kAccountant);
  EXPECT_EQ(last_.state_label, "partially_paid");
  EXPECT_EQ(events::Sv(appended_[0].envelope()->payload_as_SupplierPaymentRecorded()->remaining()),
            "500.00");
  When(Pay(si, "500.01"), kAccountant);
  ExpectRejected(Errc::kRuleViolation, "overpayment");
  When(Pay(si, "500"), kAccountant);
  EXPECT_EQ(last_.state_label, "paid");
  When(CancelInvoice{si, "too late"}, kAccountant);
  ExpectRejected(Errc::kInvalidState);
}

TEST_F(P2pScenarios, CancellingAnInvoiceGivesTheCommitmentBack) {
  Ok(NewBudget("B", "block", "5000"), kFinance);
  std::string po = ConfirmedPo({Line("LAPTOP", "2", "1000")});
  Ok(Receive(po, {Got(1, "2")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-70", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  EXPECT_EQ(Cell("B").committed, D("1000"));
  EXPECT_EQ(Cell("B").actual, D("1000"));
  When(CancelInvoice{si, "duplicate scan"}, kAccountant);
  EXPECT_EQ(appended_types(),
            (Types{"SupplierInvoiceCancelled", "SupplierDocumentClaimed", "PurchaseOrderInvoiced",
                   "BudgetActualReleased", "BudgetCommitted"}));
  EXPECT_EQ(Cell("B").committed, D("2000"));
  EXPECT_EQ(Cell("B").actual, D("0"));
  EXPECT_EQ(Po(po).lines[0].invoiced, D("0"));
}

TEST_F(P2pScenarios, InvoicesRefuseBadCaptures) {
  std::string po = ConfirmedPo({Line("LAPTOP", "1", "1000")});
  When(Capture(Invoice(po, "", {Billed(1, "1", "1")})), kAccountant);
  ExpectRejected(Errc::kMalformed);
  When(Capture(Invoice(po, "X", {Billed(7, "1", "1")})), kAccountant);
  ExpectRejected(Errc::kNotFound);
  When(Capture(Invoice(po, "X", {Billed(1, "0", "1")})), kAccountant);
  ExpectRejected(Errc::kRuleViolation, "invalid_quantity");
  SiInput usd = Invoice(po, "X", {Billed(1, "1", "1")});
  usd.currency = "USD";
  When(Capture(usd), kAccountant);
  ExpectRejected(Errc::kRuleViolation, "currency_mismatch");
  std::string draft = NewPo({Line("LAPTOP", "1", "1")});
  When(Capture(Invoice(draft, "X", {Billed(1, "1", "1")})), kAccountant);
  ExpectRejected(Errc::kInvalidState);
}

// Read side: every projection rebuilt from position 0 answers byte for
// byte as before, and as_of answers as the ledger stood.
TEST_F(P2pScenarios, BudgetAndMatchingAnswersAreIdenticalAfterARebuildAndAsOfFollowsHistory) {
  ASSERT_TRUE(node().StartProjections().ok());
  Ok(NewBudget("B", "warn", "5000"), kFinance);
  clock_.Advance(1'000'000);
  const int64_t before_confirm = clock_.NowMicros();
  clock_.Advance(1'000'000);
  std::string po = ConfirmedPo({Line("LAPTOP", "3", "1000"), Line("BOOK", "2", "20")});
  const int64_t after_confirm = clock_.NowMicros();
  clock_.Advance(1'000'000);
  Ok(Receive(po, {Got(1, "3")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-1", {Billed(1, "3", "1100")})), kAccountant).stream_id;
  Ok(RecordCreditNote{si, {"AV-1", "2026-03-21", {{1, std::nullopt, D("300")}}, {}}}, kAccountant);
  Ok(ApproveInvoice{si}, kFinance);
  Ok(Pay(si, "1000"), kAccountant);
  std::string si2 = Ok(Capture(Invoice(po, "F-2", {Billed(2, "2", "25")})), kAccountant).stream_id;
  EXPECT_EQ(Si(si2).status, "disputed");

  auto answers = [&] {
    for (auto* p : node().projections()) {
      EXPECT_TRUE(p->WaitFor(node().log().End(), std::chrono::seconds(10)));
    }
    std::string out;
    for (const auto& g : std::vector<std::vector<std::string>>{
             {}, {"cost_center", "category", "project", "supplier", "month"}, {"supplier"}}) {
      for (std::optional<int64_t> at : {std::optional<int64_t>(), std::optional(before_confirm),
                                        std::optional(after_confirm)}) {
        auto r = QueryBudgetReport(node().store(), "B", g, at);
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        if (!r.ok()) continue;
        for (const auto& row : r->rows) {
          out += fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}\n", row.cost_center, row.category,
                             row.project, row.month, row.supplier, row.amount, row.committed,
                             row.actual, row.available);
        }
        out += "total " + r->total.committed + " " + r->total.actual + "\n";
      }
    }
    for (const char* status : {"", "disputed", "partially_paid"}) {
      ListQuery q{.collection = "supplier-invoices", .limit = 100};
      if (*status) q.statuses = {status};
      auto page = QueryList(node().store(), q);
      EXPECT_TRUE(page.ok());
      for (const auto& j : page->items) out += j.dump() + "\n";
    }
    auto stats = QueryMatchingStats(node().store());
    out += fmt::format("{} {} {} {}\n", stats->invoices, stats->three_way, stats->three_way_clean,
                       stats->disputed_now);
    return out;
  };
  const std::string before = answers();
  // As the ledger stood: nothing committed before the confirmation, all of
  // it right after, and today the invoiced part has moved to actual.
  auto then = QueryBudgetReport(node().store(), "B", {}, before_confirm);
  EXPECT_EQ(then->total.committed, "0.00");
  EXPECT_EQ(then->total.amount, "5000.00");
  auto after = QueryBudgetReport(node().store(), "B", {}, after_confirm);
  EXPECT_EQ(after->total.committed, "3040.00");
  auto now = QueryBudgetReport(node().store(), "B", {}, std::nullopt);
  EXPECT_EQ(now->total.committed, "0.00");
  EXPECT_EQ(now->total.actual, "3050.00");  // 3300 − 300 credited + 50
  EXPECT_NE(before.find("\"status\":\"partially_paid\""), std::string::npos);

  for (auto* p : node().projections()) p->Stop();
  ASSERT_TRUE(RebuildProjections(node().projections()).ok());  // as ledgerctl replay does
  EXPECT_EQ(answers(), before);
}

TEST_F(P2pScenarios, ExportWritesInvoiceLinesWithCostCentresAndBudgetLinesAsCsv) {
  Ok(NewBudget("B", "block", "5000"), kFinance);
  std::string po = ConfirmedPo({Line("LAPTOP", "2", "1000")});
  Ok(Receive(po, {Got(1, "2")}), kReceiver);
  SiInput in = Invoice(po, "F-\"7\", bis", {Billed(1, "1", "1000")});
  std::string si = Ok(Capture(in), kAccountant).stream_id;
  std::ostringstream invoices, budgets, bad;
  ASSERT_TRUE(ExportCsv(node().log(), "invoices", invoices).ok());
  EXPECT_EQ(invoices.str().substr(0, 38), "invoice,supplier,supplier_ref,date,due");
  EXPECT_NE(invoices.str().find(si + ",ACME,\"F-\"\"7\"\", bis\",2026-03-20,2026-04-19,matched,EUR,1,"
                                + po + ",1,1,LAPTOP,IT,hardware,,1,1000,VAT20,1000.00,0.00,1000.00,"
                                "1200.00,0.00\r\n"),
            std::string::npos)
      << invoices.str();
  ASSERT_TRUE(ExportCsv(node().log(), "budget-lines", budgets).ok());
  EXPECT_NE(budgets.str().find("B,EUR,block,IT,hardware,,2026-03,5000.00,1000.00,1000.00,3000.00\r\n"),
            std::string::npos)
      << budgets.str();
  EXPECT_EQ(ExportCsv(node().log(), "suppliers?", bad).code(), Errc::kMalformed);
}

// An auditor's guarantee: someone who edits the amount of a captured
// invoice in the log is caught by verify at that very record (a record
// re-hashed to hide the edit breaks the chain: EngineTest covers it).
TEST_F(P2pScenarios, AHandEditedInvoiceRecordIsFoundByVerify) {
  std::string po = ConfirmedPo({Line("LAPTOP", "2", "1000")});
  Ok(Receive(po, {Got(1, "2")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-9", {Billed(1, "2", "1000")})), kAccountant).stream_id;
  Ok(ApproveInvoice{si}, kFinance);
  ASSERT_TRUE(VerifyLog(node().log())->ok);
  std::vector<LogRecord> records;
  ASSERT_TRUE(engine().ReadStream("supplier_invoice", si, &records).ok());
  LogRecord victim = records[0];
  std::string bytes = victim.bytes;
  auto pos = bytes.find("2400.00");  // the total
  ASSERT_NE(pos, std::string::npos);
  bytes[pos] = '1';
  auto& log = static_cast<LocalLog&>(node().log());
  ASSERT_TRUE(log.CorruptForTest(victim.partition, victim.offset, bytes).ok());
  auto report = VerifyLog(node().log());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->partition, victim.partition);
  EXPECT_EQ(report->offset, victim.offset);
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
