// Purchase to pay over HTTP, end to end, as its users drive it with curl:
// reference data defined and read back, an order drafted, edited, confirmed
// and audited, the whole story from a request to its payment, and a budget's
// figures beyond what input may hold.
#include <chrono>
#include <string>

#include "tests/http_fixture.h"

namespace ledger::testing {
namespace {

using Json = nlohmann::json;

TEST_P(HttpTest, ReferenceDataIsReadBack) {
  SeedOverHttp();
  auto s = admin_->Get("/v1/suppliers/ACME");
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(s.json["name"], "Acme");
  EXPECT_EQ(s.json["billing_method"], "received");
  EXPECT_EQ(s.json["version"], 1);
  auto t = admin_->Get("/v1/tax-codes/VAT20");
  EXPECT_EQ(t.json["rate"], "20");
  auto f = admin_->Get("/v1/fiscal-positions/intra_eu");
  EXPECT_EQ(f.json["map"][0]["to"], "VAT0");
  auto settings = admin_->Get("/v1/settings");
  EXPECT_EQ(settings.json["tax_rounding"], "per_line");
  auto dup = admin_->Post("/v1/suppliers", {{"id", "ACME"}, {"name", "x"}, {"currency", "EUR"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.error_code(), "duplicate");
  auto replaced = admin_->Put("/v1/suppliers/ACME",
                              {{"name", "Acme SA"}, {"currency", "EUR"}, {"blocked", true}});
  EXPECT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(admin_->Get("/v1/suppliers/ACME").json["status"], "blocked");
  auto bad_ref = admin_->Post("/v1/products", {{"id", "X"}, {"name", "x"}, {"kind", "good"},
                                               {"tax_code", "NOPE"}});
  EXPECT_EQ(bad_ref.status, 422);
  EXPECT_EQ(bad_ref.json["error"]["details"]["rule"], "unknown_reference");
  EXPECT_EQ(admin_->Get("/v1/products/NOPE").status, 404);
}

TEST_P(HttpTest, BuyerDraftsEditsConfirmsAndReadsAnOrder) {
  SeedOverHttp();
  auto buyer = As("alice", {"buyer"});
  auto created = buyer->Post("/v1/purchase-orders", NewOrder());
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json["id"];
  EXPECT_EQ(id.substr(0, 8), "PO-" + IsoDate(clock_.NowMicros()).substr(0, 4) + "-");
  EXPECT_EQ(created.json["state"], "draft");
  EXPECT_EQ(created.json["version"], 5);

  auto po = buyer->Get("/v1/purchase-orders/" + id);
  ASSERT_EQ(po.status, 200);
  EXPECT_EQ(po.json["totals"]["untaxed"], "4.10");
  EXPECT_EQ(po.json["totals"]["tax"], "0.83");
  EXPECT_EQ(po.json["totals"]["total"], "4.93");
  EXPECT_EQ(po.json["lines"][0]["subtotal"], "1.03");
  EXPECT_EQ(po.json["lines"][0]["tax"], "0.21");
  EXPECT_EQ(po.header("ETag"), "\"5\"");

  auto added = buyer->Post("/v1/purchase-orders/" + id + "/lines",
                           {{"product", "LAPTOP"}, {"quantity", "2"}, {"unit_price", "10"},
                            {"discount", "10"}, {"cost_center", "IT"}, {"project", "P1"}});
  EXPECT_EQ(added.status, 200) << added.body;
  auto upd = buyer->Post("/v1/purchase-orders/" + id + "/lines/5/update", {{"quantity", "3"}});
  EXPECT_EQ(upd.status, 200) << upd.body;
  auto rm = buyer->Post("/v1/purchase-orders/" + id + "/lines/4/remove", Json::object());
  EXPECT_EQ(rm.status, 200) << rm.body;
  po = buyer->Get("/v1/purchase-orders/" + id);
  ASSERT_EQ(po.json["lines"].size(), 4u);
  EXPECT_EQ(po.json["lines"][3]["n"], 5);
  EXPECT_EQ(po.json["lines"][3]["subtotal"], "27.00");
  EXPECT_EQ(po.json["totals"]["untaxed"], "30.09");

  auto confirmed = buyer->Post("/v1/purchase-orders/" + id + "/confirm", Json::object(),
                               {{"If-Match", "\"8\""}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(confirmed.json["state"], "confirmed");
  auto notes = buyer->Post("/v1/purchase-orders/" + id + "/notes", {{"internal", "urgent"}});
  EXPECT_EQ(notes.status, 200) << notes.body;

  auto history = buyer->Get("/v1/purchase-orders/" + id + "/history");
  ASSERT_EQ(history.status, 200);
  auto& ev = history.json["events"];
  ASSERT_EQ(ev.size(), 10u);
  EXPECT_EQ(ev[0]["type"], "PurchaseOrderCreated");
  EXPECT_EQ(ev[0]["actor"], "alice");
  EXPECT_EQ(ev[0]["payload"]["supplier"], "ACME");
  EXPECT_EQ(ev[8]["type"], "PurchaseOrderConfirmed");
  EXPECT_EQ(ev[8]["payload"]["total"], "36.12");  // 30.09 + 3 x 0.21 + 5.40
  EXPECT_EQ(ev[9]["stream_version"], 10);

  // The auditor sees who did what; the commitment is on the books.
  auto auditor = As("carol", {"auditor"});
  for (auto* p : node().projections()) {
    ASSERT_TRUE(p->WaitFor(node().log().End(), std::chrono::seconds(10)));
  }
  auto audit = auditor->Get("/v1/audit?actor=alice&limit=100");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_EQ(audit.json["events"].size(), 10u);
  EXPECT_EQ(audit.json["events"][0]["stream_id"], id);
  auto by_stream = auditor->Get("/v1/audit?stream=" + id + "&limit=3");
  EXPECT_EQ(by_stream.json["events"].size(), 3u);
  EXPECT_FALSE(by_stream.json["next_cursor"].get<std::string>().empty());
  auto commitments = auditor->Get("/v1/commitments?group_by=supplier");
  ASSERT_EQ(commitments.status, 200) << commitments.body;
  ASSERT_EQ(commitments.json["rows"].size(), 1u);
  EXPECT_EQ(commitments.json["rows"][0]["supplier"], "ACME");
  EXPECT_EQ(commitments.json["rows"][0]["committed"], "30.09");
  auto verify = auditor->Get("/v1/audit/verify");
  EXPECT_EQ(verify.json["ok"], true);
}

// The story of issue 4, end to end over HTTP: request, approvals, budget,
// order, receipts, a disputed invoice resolved by a credit note, approval,
// payment in two instalments, and what finance and the auditor read.
TEST_P(HttpTest, PurchaseToPayFromRequestToPaymentWithBudgetAndAudit) {
  SeedOverHttp();
  const std::string month = IsoDate(clock_.NowMicros()).substr(0, 7);
  const std::string today = IsoDate(clock_.NowMicros());
  auto ok = [](const HttpReply& r, int status) { EXPECT_EQ(r.status, status) << r.body; };
  ok(admin_->Put("/v1/settings/approval-policy",
                 Json::parse(R"({"bands":[{"up_to":"1000","levels":["manager"]},
                    {"up_to":"10000","levels":["manager","finance"]},
                    {"up_to":null,"levels":["manager","finance","direction"]}]})")),
     201);  // the first definition creates the policy
  ok(admin_->Put("/v1/settings/matching", Json::parse(R"({"quantity_pct":"0","price_pct":"2",
                    "amount_abs":"5.00","over_receipt_pct":"0"})")),
     201);
  auto rita = As("rita", {"requester"});
  auto mona = As("mona", {"approver_manager"});
  auto fred = As("fred", {"approver_finance"});
  auto alice = As("alice", {"buyer"});
  auto rob = As("rob", {"receiver"});
  auto anna = As("anna", {"accountant"});
  auto auditor = As("audrey", {"auditor"});

  ok(fred->Post("/v1/budgets", {{"id", "IT-HW"},
                                {"currency", "EUR"},
                                {"policy", "block"},
                                {"lines",
                                 {{{"cost_center", "IT"},
                                   {"category", "hardware"},
                                   {"periods", {{month, "10000.00"}}}}}}}),
     201);

  // The requester attaches the quote and asks for three laptops.
  auto quote = rita->PostRaw("/v1/attachments", "%PDF-1.4 quote #Q-77 3 x laptop");
  ok(quote, 201);
  const std::string sha = quote.json["sha256"];
  Json request = {{"justification", "Three new developers"},
                  {"lines",
                   {{{"product", "LAPTOP"},
                     {"quantity", "3"},
                     {"estimated_unit_price", "1200"},
                     {"currency", "EUR"},
                     {"cost_center", "IT"}}}},
                  {"attachments", {{{"sha256", sha}, {"name", "quote.pdf"}}}}};
  Json unknown = request;
  unknown["attachments"][0]["sha256"] = std::string(64, 'a');
  auto bad = rita->Post("/v1/purchase-requests", unknown);
  EXPECT_EQ(bad.status, 422) << bad.body;
  auto pr = rita->Post("/v1/purchase-requests", request);
  ok(pr, 201);
  const std::string pr_id = pr.json["id"];
  ok(rita->Post("/v1/purchase-requests/" + pr_id + "/submit", Json::object()), 200);
  auto read = rita->Get("/v1/purchase-requests/" + pr_id);
  EXPECT_EQ(read.json["amount"], "3600.00");
  EXPECT_EQ(read.json["levels"], Json::parse(R"(["manager","finance"])"));
  EXPECT_EQ(read.json["next_level"]["role"], "approver_manager");
  EXPECT_EQ(read.json["attachments"][0]["size"], 31);

  // Routing: manager, then finance; the requester may not approve.
  uint64_t before = LogSize();
  auto self = rita->Post("/v1/purchase-requests/" + pr_id + "/approve", Json::object());
  EXPECT_EQ(self.status, 403) << self.body;  // a requester has no approver role at all
  auto early = fred->Post("/v1/purchase-requests/" + pr_id + "/approve", Json::object());
  EXPECT_EQ(early.status, 422) << early.body;
  EXPECT_EQ(early.json["error"]["details"]["rule"], "approval_order");
  EXPECT_EQ(LogSize(), before);
  clock_.Advance(60'000'000);
  ok(mona->Post("/v1/purchase-requests/" + pr_id + "/approve", {{"comment", "needed"}}), 200);
  clock_.Advance(60'000'000);
  auto approved = fred->Post("/v1/purchase-requests/" + pr_id + "/approve", Json::object());
  ok(approved, 200);
  EXPECT_EQ(approved.json["state"], "approved");

  // The buyer converts and confirms: the budget now shows the commitment.
  auto converted = alice->Post("/v1/purchase-requests/" + pr_id + "/convert", {{"supplier", "ACME"}});
  ok(converted, 200);
  ASSERT_EQ(converted.json["orders"].size(), 1u);
  const std::string po = converted.json["orders"][0];
  clock_.Advance(60'000'000);
  const std::string before_confirm = IsoTimestamp(clock_.NowMicros() - 1);
  ok(alice->Post("/v1/purchase-orders/" + po + "/confirm", Json::object()), 200);
  const std::string after_confirm = IsoTimestamp(clock_.NowMicros());
  CatchUp();
  auto report = fred->Get("/v1/budgets/IT-HW/report?group_by=cost_center");
  ok(report, 200);
  EXPECT_EQ(report.json["rows"][0]["committed"], "3600.00");
  EXPECT_EQ(report.json["rows"][0]["available"], "6400.00");

  // Receipts: partial, then the rest; more is refused.
  clock_.Advance(60'000'000);
  auto r1 = rob->Post("/v1/receipts", {{"purchase_order", po},
                                        {"date", today},
                                        {"lines", {{{"line", 1}, {"quantity", "1"}}}}});
  ok(r1, 201);
  EXPECT_EQ(alice->Get("/v1/purchase-orders/" + po).json["status"], "partially_received");
  ok(rob->Post("/v1/receipts", {{"purchase_order", po},
                                 {"date", today},
                                 {"lines", {{{"line", 1}, {"quantity", "2"}}}}}),
     201);
  auto over = rob->Post("/v1/receipts", {{"purchase_order", po},
                                          {"date", today},
                                          {"lines", {{{"line", 1}, {"quantity", "0.5"}}}}});
  EXPECT_EQ(over.status, 422);
  EXPECT_EQ(over.json["error"]["details"]["rule"], "over_receipt");

  // The invoice bills 1250 a laptop, 4.2% over the order: disputed.
  Json invoice = {{"supplier", "ACME"},
                  {"supplier_ref", "F-2026-118"},
                  {"date", today},
                  {"purchase_order", po},
                  {"lines", {{{"po_line", 1}, {"quantity", "3"}, {"unit_price", "1250"}}}},
                  {"totals", {{"untaxed", "3750.00"}, {"tax", "750.00"}, {"total", "4500.00"}}}};
  auto si = anna->Post("/v1/supplier-invoices", invoice);
  ok(si, 201);
  EXPECT_EQ(si.json["state"], "disputed");
  const std::string si_id = si.json["id"];
  auto dup = anna->Post("/v1/supplier-invoices", invoice);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.error_code(), "duplicate");
  CatchUp();
  auto disputed = auditor->Get("/v1/supplier-invoices?status=disputed");
  ok(disputed, 200);
  ASSERT_EQ(disputed.json["items"].size(), 1u);
  EXPECT_EQ(disputed.json["items"][0]["discrepancies"],
            Json::parse(R"([{"line":1,"kind":"price","expected":"1200","invoiced":"1250"},
                            {"line":0,"kind":"amount","expected":"3600.00","invoiced":"3750.00"}])"));
  auto blocked = fred->Post("/v1/supplier-invoices/" + si_id + "/approve", Json::object());
  EXPECT_EQ(blocked.status, 422);

  // The supplier's credit note brings the price back: matched.
  auto credit = anna->Post("/v1/supplier-invoices/" + si_id + "/credit-notes",
                           {{"supplier_ref", "AV-2026-007"}, {"amount", "150.00"}});
  ok(credit, 200);
  EXPECT_EQ(credit.json["state"], "matched");
  auto self_approve = anna->Post("/v1/supplier-invoices/" + si_id + "/approve", Json::object());
  EXPECT_EQ(self_approve.status, 422);
  EXPECT_EQ(self_approve.json["error"]["details"]["rule"], "segregation_of_duties");
  ok(fred->Post("/v1/supplier-invoices/" + si_id + "/approve", Json::object()), 200);

  // Paid in two instalments: bank transfer, then mobile money.
  auto p1 = anna->Post("/v1/supplier-invoices/" + si_id + "/payments",
                       {{"amount", "2000.00"}, {"method", "bank_transfer"}, {"reference", "VIR-1"}});
  ok(p1, 200);
  EXPECT_EQ(p1.json["state"], "partially_paid");
  auto too_much = anna->Post("/v1/supplier-invoices/" + si_id + "/payments",
                             {{"amount", "2320.01"}, {"method", "mobile_money"}, {"reference", "OM-2"}});
  EXPECT_EQ(too_much.status, 422);
  auto p2 = anna->Post("/v1/supplier-invoices/" + si_id + "/payments",
                       {{"amount", "2320.00"}, {"method", "mobile_money"}, {"reference", "OM-2"}});
  ok(p2, 200);
  EXPECT_EQ(p2.json["state"], "paid");
  auto paid = anna->Get("/v1/supplier-invoices/" + si_id);
  EXPECT_EQ(paid.json["remaining"], "0.00");
  EXPECT_EQ(paid.json["due_date"], IsoDate(clock_.NowMicros() + 30LL * 86'400'000'000));

  // Finance: committed moved to actual; as_of answers from history.
  CatchUp();
  auto now = fred->Get("/v1/budgets/IT-HW/report?group_by=supplier");
  ok(now, 200);
  EXPECT_EQ(now.json["total"]["committed"], "0.00");
  EXPECT_EQ(now.json["total"]["actual"], "3600.00");
  EXPECT_EQ(now.json["total"]["available"], "6400.00");
  ASSERT_EQ(now.json["rows"].size(), 2u);  // the budget itself, and ACME's spending
  EXPECT_EQ(now.json["rows"][1]["supplier"], "ACME");
  auto then = fred->Get("/v1/budgets/IT-HW/report?as_of=" + before_confirm);
  EXPECT_EQ(then.json["total"]["committed"], "0.00");
  auto after = fred->Get("/v1/budgets/IT-HW/report?as_of=" + after_confirm);
  EXPECT_EQ(after.json["total"]["committed"], "3600.00");
  EXPECT_EQ(after.json["total"]["actual"], "0.00");
  EXPECT_EQ(fred->Get("/v1/budgets/IT-HW/report?group_by=colour").status, 400);
  EXPECT_EQ(fred->Get("/v1/budgets/NOPE/report").status, 404);

  // The auditor: who approved, when, on which policy; the chain verifies.
  auto approvals = auditor->Get("/v1/purchase-requests/" + pr_id + "/approvals");
  ok(approvals, 200);
  ASSERT_EQ(approvals.json["approvals"].size(), 2u);
  EXPECT_EQ(approvals.json["approvals"][0]["actor"], "mona");
  EXPECT_EQ(approvals.json["approvals"][0]["role"], "approver_manager");
  EXPECT_EQ(approvals.json["approvals"][1]["actor"], "fred");
  EXPECT_EQ(approvals.json["approvals"][1]["policy_version"], 1);
  EXPECT_EQ(approvals.json["approvals"][1]["amount"], "3600.00");
  auto stats = auditor->Get("/v1/matching/stats");
  EXPECT_EQ(stats.json["three_way"], 1);
  EXPECT_EQ(stats.json["three_way_without_dispute"], 0);
  EXPECT_EQ(stats.json["ever_disputed"], 1);
  EXPECT_EQ(auditor->Get("/v1/audit/verify").json["ok"], true);
  EXPECT_EQ(auditor->Post("/v1/budgets", {{"id", "X"}}).status, 403);
}

// Found by fuzz_decimal: a budget figure past the 24 integer digits of
// input (the largest amount, amended by one) was written by the budget
// ledger and could not be read back: the report answered 500 `corruption`.
TEST_P(HttpTest, BudgetFiguresBeyondInputDigitsAreReported) {
  SeedOverHttp();
  const std::string month = IsoDate(clock_.NowMicros()).substr(0, 7);
  auto r = admin_->Post("/v1/budgets", {{"id", "BIG"},
                                        {"currency", "EUR"},
                                        {"policy", "warn"},
                                        {"lines",
                                         {{{"cost_center", "IT"},
                                           {"category", "hardware"},
                                           {"periods", {{month, "999999999999999999999999"}}}}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  r = admin_->Post("/v1/budgets/BIG/amend",
                   {{"line", {{"cost_center", "IT"}, {"category", "hardware"}}},
                    {"period", month},
                    {"delta", "1"},
                    {"reason", "one more"}});
  ASSERT_EQ(r.status, 200) << r.body;
  CatchUp();
  auto report = admin_->Get("/v1/budgets/BIG/report");
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.json["total"]["amount"], "1000000000000000000000000.00");
  EXPECT_EQ(admin_->Get("/readyz").status, 200);
}

}  // namespace
}  // namespace ledger::testing
