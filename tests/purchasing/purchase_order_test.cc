// Scenario tests of purchase orders (SPEC §4.4): given commands, when a
// command, then these events or this rejection, and nothing appended.
#include "tests/test_support.h"

namespace ledger::testing {
namespace {

using domain::PurchaseOrder;
using Types = std::vector<std::string>;

class PurchaseOrderScenarios : public NodeTest {
 protected:
  void SetUp() override {
    NodeTest::SetUp();
    SeedReference();
  }

  static domain::CreatePurchaseOrder Create(std::vector<domain::PoLineInput> lines,
                                            const char* supplier = "ACME") {
    domain::PoHeaderInput h;
    h.supplier = supplier;
    return {h, {}, std::move(lines)};
  }
  static domain::AddPoLine AddLine(const std::string& id, domain::PoLineInput l) { return {id, l}; }
  static domain::UpdatePoLine UpdateLine(const std::string& id, uint32_t n, domain::PoLineInput l) {
    return {id, n, l};
  }
  static domain::RemovePoLine RemoveLine(const std::string& id, uint32_t n) { return {id, n}; }
  static domain::UpdatePoHeader Header(const std::string& id, domain::PoHeaderInput h) {
    return {id, h};
  }
  static domain::ConfirmPo Confirm(const std::string& id) { return {id}; }
  static domain::SendRfq Rfq(const std::string& id) { return {id}; }
  static domain::ResetPoToDraft Reset(const std::string& id) { return {id}; }
  static domain::CancelPo Cancel(const std::string& id) { return {id, "no longer needed"}; }
  static domain::UpdatePoNotes Notes(const std::string& id, const char* internal) {
    domain::PoNotesInput n;
    n.internal = internal;
    return {id, n};
  }
};

using PurchaseOrderTest = OnBothBackends<PurchaseOrderScenarios>;
INSTANTIATE_TEST_SUITE_P(Backends, PurchaseOrderTest, BothBackends(), BackendName);

TEST_P(PurchaseOrderTest, CreateAssignsGapFreeNumbersPerYear) {
  When(Create({Line("LAPTOP", "2", "1000")}));
  EXPECT_EQ(last_.stream_id, "PO-2026-00001");
  EXPECT_TRUE(last_.created);
  EXPECT_EQ(appended_types(), (Types{"PurchaseOrderCreated", "PurchaseOrderLineAdded"}));
  // A rejected creation does not consume a number.
  When(Create({Line("NOPE", "1", "1")}));
  ExpectRejected(Errc::kRuleViolation, "unknown_reference");
  When(Create({}));
  EXPECT_EQ(last_.stream_id, "PO-2026-00002");
  clock_.Set(kT0 + 300LL * 86'400'000'000LL);  // 2027
  When(Create({}));
  EXPECT_EQ(last_.stream_id, "PO-2027-00001");
}

TEST_P(PurchaseOrderTest, CreatePropagatesSupplierDefaults) {
  auto id = NewPo({});
  const auto& po = Po(id);
  EXPECT_EQ(po.status, "draft");
  EXPECT_EQ(po.currency, "EUR");
  EXPECT_EQ(po.payment_terms, "net30");
  EXPECT_EQ(po.billing_method, "received");
  EXPECT_EQ(po.note_supplier, "Deliver to dock 3");
  EXPECT_EQ(po.steps.at("created").actor, "alice");
}

TEST_P(PurchaseOrderTest, CreateRejectsUnknownBlockedOrMissingSupplier) {
  When(Create({}, "NOBODY"));
  ExpectRejected(Errc::kRuleViolation, "unknown_reference");
  When(Create({}, "BLOCKED"));
  ExpectRejected(Errc::kRuleViolation, "supplier_blocked");
  When(Create({}, ""));
  ExpectRejected(Errc::kMalformed);
}

TEST_P(PurchaseOrderTest, LineRulesAreEnforced) {
  auto id = NewPo({});
  When(AddLine(id, Line("LAPTOP", "0", "10")));
  ExpectRejected(Errc::kRuleViolation, "invalid_quantity");
  When(AddLine(id, Line("LAPTOP", "-1", "10")));
  ExpectRejected(Errc::kRuleViolation, "invalid_quantity");
  When(AddLine(id, Line("LAPTOP", "1", "-10")));
  ExpectRejected(Errc::kRuleViolation, "invalid_price");
  auto l = Line("LAPTOP", "1", "10");
  l.discount = D("100.5");
  When(AddLine(id, l));
  ExpectRejected(Errc::kRuleViolation, "invalid_discount");
  When(AddLine(id, Line("LAPTOP", "1", "10", "NOWHERE")));
  ExpectRejected(Errc::kRuleViolation, "unknown_reference");
  l = Line("LAPTOP", "1", "10");
  l.project = "NOPE";
  When(AddLine(id, l));
  ExpectRejected(Errc::kRuleViolation, "unknown_reference");
  l = Line("LAPTOP", "1", "10");
  l.expected_date = "2026-02-30";
  When(AddLine(id, l));
  ExpectRejected(Errc::kMalformed);
  When(AddLine(id, Line("LAPTOP", "999999999999999999999999", "999999999999999999999999")));
  ExpectRejected(Errc::kRuleViolation, "amount_overflow");
  When(AddLine("PO-2026-09999", Line("LAPTOP", "1", "10")));
  ExpectRejected(Errc::kNotFound);
  EXPECT_TRUE(Po(id).lines.empty());
}

TEST_P(PurchaseOrderTest, LinesAreNumberedFromOneAndNumbersAreNeverReused) {
  auto id = NewPo({Line("LAPTOP", "1", "10"), Line("SCREEN", "1", "20")});
  Ok(RemoveLine(id, 2));
  When(AddLine(id, Line("BOOK", "1", "5")));
  EXPECT_EQ(appended_types(), (Types{"PurchaseOrderLineAdded"}));
  const auto& po = Po(id);
  ASSERT_EQ(po.lines.size(), 2u);
  EXPECT_EQ(po.lines[0].line_no, 1u);
  EXPECT_EQ(po.lines[1].line_no, 3u);
  When(RemoveLine(id, 2));
  ExpectRejected(Errc::kNotFound);
  When(UpdateLine(id, 7, Line("LAPTOP", "1", "1")));
  ExpectRejected(Errc::kNotFound);
}

TEST_P(PurchaseOrderTest, UpdateLineChangesOnlyTheGivenFields) {
  auto id = NewPo({Line("LAPTOP", "2", "1000")});
  domain::PoLineInput change;
  change.quantity = D("3");
  When(UpdateLine(id, 1, change));
  EXPECT_EQ(appended_types(), (Types{"PurchaseOrderLineUpdated"}));
  const auto& po = Po(id);
  EXPECT_EQ(po.lines[0].quantity, D("3"));
  EXPECT_EQ(po.lines[0].unit_price, D("1000"));
  EXPECT_EQ(po.lines[0].cost_center, "IT");
}

TEST_P(PurchaseOrderTest, SupplierAndCurrencyLockOnceALineExists) {
  auto id = NewPo({});
  domain::PoHeaderInput h;
  h.supplier = "EUROPA";
  When(Header(id, h));
  EXPECT_EQ(appended_types(), (Types{"PurchaseOrderHeaderUpdated"}));
  EXPECT_EQ(Po(id).fiscal_position, "intra_eu");
  Ok(AddLine(id, Line("LAPTOP", "1", "10")));
  h.supplier = "ACME";
  When(Header(id, h));
  ExpectRejected(Errc::kRuleViolation, "supplier_locked");
  domain::PoHeaderInput c;
  c.currency = "USD";
  When(Header(id, c));
  ExpectRejected(Errc::kRuleViolation, "currency_locked");
  domain::PoHeaderInput terms;
  terms.incoterm = "EXW";
  When(Header(id, terms));
  EXPECT_EQ(Po(id).incoterm, "EXW");
}

TEST_P(PurchaseOrderTest, FiscalPositionMapsTheProductTax) {
  auto id = NewPo({Line("LAPTOP", "1", "100"), Line("BOOK", "1", "100")}, "EUROPA");
  const auto& po = Po(id);
  EXPECT_EQ(po.lines[0].tax_code, "VAT0");  // VAT20 -> VAT0 by intra_eu
  EXPECT_EQ(po.lines[1].tax_code, "VAT10");  // not mapped
  auto a = domain::Amounts(po);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->tax.ToString(2), "10.00");
}

TEST_P(PurchaseOrderTest, TotalsFollowTheCompanyRoundingMode) {
  auto four = [] {
    return std::vector{Line("LAPTOP", "1", "1.03"), Line("LAPTOP", "1", "1.03"),
                       Line("LAPTOP", "1", "1.03"), Line("LAPTOP", "1", "1.01")};
  };
  auto per_line = NewPo(four());
  EXPECT_EQ(domain::Amounts(Po(per_line))->tax.ToString(2), "0.83");
  SeedReference("global");
  auto global = NewPo(four());
  EXPECT_EQ(domain::Amounts(Po(global))->tax.ToString(2), "0.82");
  // The mode is fixed when the order is created.
  EXPECT_EQ(domain::Amounts(Po(per_line))->tax.ToString(2), "0.83");
}

TEST_P(PurchaseOrderTest, ZeroDecimalCurrencies) {
  auto id = NewPo({Line("LAPTOP", "3", "333.5")}, "FRANC");
  auto a = domain::Amounts(Po(id));
  EXPECT_EQ(Po(id).digits, 0);
  EXPECT_EQ(a->untaxed.ToString(0), "1001");
  EXPECT_EQ(a->tax.ToString(0), "200");
}

TEST_P(PurchaseOrderTest, ConfirmCommitsEveryLineAndRecordsTheStep) {
  auto id = NewPo({Line("LAPTOP", "2", "1000"), Line("SCREEN", "1", "250.5", "OPS")});
  When(Confirm(id));
  ASSERT_EQ(appended_types(), (Types{"PurchaseOrderConfirmed"}));
  const auto* c = appended_[0].envelope()->payload_as_PurchaseOrderConfirmed();
  EXPECT_EQ(events::Str(c->untaxed()), "2250.50");
  EXPECT_EQ(events::Str(c->tax()), "450.10");
  EXPECT_EQ(events::Str(c->total()), "2700.60");
  EXPECT_EQ(events::Str(c->period()), "2026-03");
  ASSERT_EQ(c->commitments()->size(), 2u);
  EXPECT_EQ(events::Str(c->commitments()->Get(1)->cost_center()), "OPS");
  EXPECT_EQ(events::Str(c->commitments()->Get(1)->untaxed()), "250.50");
  EXPECT_EQ(Po(id).status, "confirmed");
  EXPECT_EQ(Po(id).steps.at("confirmed").actor, "alice");
  EXPECT_EQ(Po(id).steps.at("confirmed").at_us, kT0);
}

TEST_P(PurchaseOrderTest, IllegalTransitionsAreRejected) {
  auto empty = NewPo({});
  When(Confirm(empty));
  ExpectRejected(Errc::kRuleViolation, "empty_order");
  When(Reset(empty));
  ExpectRejected(Errc::kInvalidState);

  auto id = NewPo({Line("LAPTOP", "1", "10")});
  Ok(Confirm(id));
  When(Confirm(id));
  ExpectRejected(Errc::kInvalidState);
  When(Rfq(id));
  ExpectRejected(Errc::kInvalidState);
  When(AddLine(id, Line("LAPTOP", "1", "10")));
  ExpectRejected(Errc::kInvalidState);
  When(RemoveLine(id, 1));
  ExpectRejected(Errc::kInvalidState);
  When(UpdateLine(id, 1, Line("LAPTOP", "5", "10")));
  ExpectRejected(Errc::kInvalidState);
  domain::PoHeaderInput h;
  h.incoterm = "EXW";
  When(Header(id, h));
  ExpectRejected(Errc::kInvalidState);

  Ok(Cancel(id));
  When(Cancel(id));
  ExpectRejected(Errc::kInvalidState);
  When(Confirm(id));
  ExpectRejected(Errc::kInvalidState);
}

TEST_P(PurchaseOrderTest, RfqThenConfirm) {
  auto id = NewPo({Line("LAPTOP", "1", "10")});
  When(Rfq(id));
  EXPECT_EQ(appended_types(), (Types{"PurchaseOrderRfqSent"}));
  EXPECT_EQ(Po(id).status, "rfq_sent");
  When(Rfq(id));
  ExpectRejected(Errc::kInvalidState);
  Ok(AddLine(id, Line("SCREEN", "1", "10")));  // still editable
  When(Confirm(id));
  EXPECT_EQ(Po(id).status, "confirmed");
  EXPECT_TRUE(Po(id).steps.count("rfq_sent"));
}

TEST_P(PurchaseOrderTest, ResetToDraftReleasesTheCommitmentAndClearsStepDates) {
  auto id = NewPo({Line("LAPTOP", "2", "1000")});
  Ok(Rfq(id));
  Ok(Confirm(id));
  When(Reset(id));
  ASSERT_EQ(appended_types(), (Types{"PurchaseOrderResetToDraft"}));
  const auto* r = appended_[0].envelope()->payload_as_PurchaseOrderResetToDraft();
  ASSERT_EQ(r->released()->size(), 1u);
  EXPECT_EQ(events::Str(r->released()->Get(0)->untaxed()), "2000.00");
  EXPECT_EQ(events::Str(r->period()), "2026-03");
  const auto& po = Po(id);
  EXPECT_EQ(po.status, "draft");
  EXPECT_FALSE(po.steps.count("confirmed"));
  EXPECT_FALSE(po.steps.count("rfq_sent"));
  Ok(AddLine(id, Line("SCREEN", "1", "10")));  // editable again
}

TEST_P(PurchaseOrderTest, CancelReleasesOnlyWhatWasCommitted) {
  auto draft = NewPo({Line("LAPTOP", "1", "10")});
  When(Cancel(draft));
  ASSERT_EQ(appended_types(), (Types{"PurchaseOrderCancelled"}));
  const auto* none = appended_[0].envelope()->payload_as_PurchaseOrderCancelled()->released();
  EXPECT_TRUE(none == nullptr || none->size() == 0);
  auto confirmed = NewPo({Line("LAPTOP", "1", "10")});
  Ok(Confirm(confirmed));
  When(Cancel(confirmed));
  const auto* released = appended_[0].envelope()->payload_as_PurchaseOrderCancelled()->released();
  ASSERT_NE(released, nullptr);
  EXPECT_EQ(released->size(), 1u);
  EXPECT_EQ(Po(confirmed).status, "cancelled");
  // A cancelled order can be reset to draft and confirmed again.
  Ok(Reset(confirmed));
  Ok(Confirm(confirmed));
}

TEST_P(PurchaseOrderTest, NotesStayEditableInEveryState) {
  auto id = NewPo({Line("LAPTOP", "1", "10")});
  Ok(Confirm(id));
  When(Notes(id, "call before delivery"));
  EXPECT_EQ(appended_types(), (Types{"PurchaseOrderNotesUpdated"}));
  EXPECT_EQ(Po(id).note_internal, "call before delivery");
  EXPECT_EQ(Po(id).note_supplier, "Deliver to dock 3");
  Ok(Cancel(id));
  When(Notes(id, "cancelled: supplier out of stock"));
  EXPECT_EQ(appended_types(), (Types{"PurchaseOrderNotesUpdated"}));
  // Unchanged notes append nothing.
  When(Notes(id, "cancelled: supplier out of stock"));
  EXPECT_TRUE(last_.status.ok());
  EXPECT_TRUE(appended_.empty());
}

TEST_P(PurchaseOrderTest, ConfirmRefusedOnceTheSupplierIsBlocked) {
  auto id = NewPo({Line("LAPTOP", "1", "10")});
  events::SupplierDefinedT t;
  t.name = "ACME";
  t.currency = "EUR";
  t.billing_method = "received";
  t.blocked = true;
  Ok(domain::DefineReference{"ACME", Def(t), Expect::kExisting}, kAdmin);
  When(Confirm(id));
  ExpectRejected(Errc::kRuleViolation, "supplier_blocked");
}

TEST_P(PurchaseOrderTest, EveryEventRecordsItsActorAndCommand) {
  auto id = NewPo({Line("LAPTOP", "1", "10"), Line("SCREEN", "1", "10")});
  std::vector<LogRecord> records;
  ASSERT_TRUE(engine().ReadStream("purchase_order", id, &records).ok());
  ASSERT_EQ(records.size(), 3u);
  std::string command = events::Str(records[0].envelope()->command_id());
  for (size_t i = 0; i < records.size(); ++i) {
    const auto* e = records[i].envelope();
    EXPECT_EQ(e->stream_version(), i + 1);
    EXPECT_EQ(events::Str(e->actor()), "alice");
    EXPECT_EQ(events::Str(e->command_id()), command);
    EXPECT_EQ(e->recorded_at_us(), kT0);
    EXPECT_EQ(events::Str(e->effective_date()), "2026-03-15");
  }
}

}  // namespace
}  // namespace ledger::testing
