// Scenario tests of budgets (SPEC §4.2) and of what orders do to them: a
// budget claims its lines, amendments and transfers keep amounts
// non-negative, a confirmation commits, a blocking budget refuses the excess
// and a warning one lets it through, foreign orders commit at a recorded
// rate. Given commands, when a command, then these events or this rejection.
#include "tests/purchasing/p2p_scenarios.h"

namespace ledger::testing {
namespace {

using namespace domain;  // NOLINT: the scenarios read as the domain does
using Types = std::vector<std::string>;

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
  auto* w = events::As<events::BudgetWarningRecorded>(*appended_[1].envelope());
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
  auto* c = events::As<events::BudgetCommitted>(*appended_[1].envelope());
  EXPECT_EQ(events::Sv(c->rate()), "0.0061");
  EXPECT_EQ(events::Sv(c->lines()->Get(0)->amount()), "1830.00");
  EXPECT_EQ(events::Sv(c->lines()->Get(0)->source_amount()), "300000");
  EXPECT_EQ(Cell("B").committed, D("1830"));
}

}  // namespace
}  // namespace ledger::testing
