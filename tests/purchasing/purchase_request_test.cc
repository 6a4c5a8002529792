// Scenario tests of purchase requests and their approvals (SPEC §4.3): the
// levels of the company's policy band by band, edits, rejections, the budget
// check at submission, and conversion into numbered orders. Given commands,
// when a command, then these events or this rejection.
#include "tests/purchasing/p2p_scenarios.h"

namespace ledger::testing {
namespace {

using namespace domain;  // NOLINT: the scenarios read as the domain does
using Types = std::vector<std::string>;

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
  auto* a = events::As<events::PurchaseRequestApproved>(*appended_[0].envelope());
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

}  // namespace
}  // namespace ledger::testing
