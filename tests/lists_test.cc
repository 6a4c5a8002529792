// Lists (issue 10): GET /v1/<collection> and /v1/purchase-order-lines end to
// end over HTTP against a real server on loopback, as the buyer, the
// accountant and the auditor of the user stories read them.
#include <atomic>
#include <set>
#include <thread>

#include "api/server.h"
#include "projections/lists.h"
#include "tests/http_support.h"
#include "tests/test_support.h"

namespace ledger::testing {
namespace {

using Json = nlohmann::json;
constexpr const char* kAdminToken = "lists-admin-token";

// The node's clock starts at kT0, Sunday 2026-03-15: the week is Monday
// 2026-03-09 to Sunday 2026-03-15, and March holds the approvals.
class ListsFixture : public NodeTest {
 protected:
  void SetUp() override {
    NodeTest::SetUp();
    ASSERT_TRUE(reference::EnsureAdmin(node().engine()).ok());
    ASSERT_TRUE(node().StartProjections().ok());
    api::ApiOptions options;
    options.port = 0;
    options.admin_token = kAdminToken;
    options.threads = 4;
    server_ = std::make_unique<api::ApiServer>(node().api_context(), options);
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { server_->Serve(); });
    admin_ = std::make_unique<JsonClient>(port_, kAdminToken);
    Seed();
  }
  void TearDown() override {
    server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    NodeTest::TearDown();
  }

  static void Done(const HttpReply& r) {
    EXPECT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body;
  }

  void Seed() {
    Done(admin_->Put("/v1/settings", {{"currency", "EUR"}, {"tax_rounding", "per_line"}}));
    Done(admin_->Post("/v1/tax-codes", {{"id", "VAT20"}, {"name", "VAT 20%"}, {"rate", "20"}}));
    Done(admin_->Post("/v1/payment-terms", {{"id", "net30"}, {"kind", "net"}, {"days", 30}}));
    Done(admin_->Post("/v1/cost-centers", {{"id", "IT"}, {"name", "IT"}}));
    Done(admin_->Post("/v1/categories", {{"id", "hardware"}, {"name", "Hardware"}}));
    // Billed on ordered quantities: an invoice matches without a receipt.
    for (const char* s : {"ACME", "BOLT"}) {
      Done(admin_->Post("/v1/suppliers", {{"id", s},
                                        {"name", std::string(s) + " Ltd"},
                                        {"currency", "EUR"},
                                        {"payment_terms", "net30"},
                                        {"billing_method", "ordered"}}));
    }
    for (const char* p : {"LAPTOP", "SCREEN"}) {
      Done(admin_->Post("/v1/products", {{"id", p},
                                       {"name", p},
                                       {"kind", "good"},
                                       {"tax_code", "VAT20"},
                                       {"category", "hardware"}}));
    }
  }

  // Creates a user with `roles` and returns a client holding its token.
  std::unique_ptr<JsonClient> As(const std::string& user, std::vector<std::string> roles) {
    Done(admin_->Post("/v1/users", {{"id", user}, {"name", user}, {"roles", roles}}));
    auto t = admin_->Post("/v1/users/" + user + "/tokens", Json::object());
    Done(t);
    return std::make_unique<JsonClient>(port_, t.json.value("token", ""));
  }

  static Json OrderLine(const char* product, const char* qty, const std::string& expected = "") {
    Json l = {{"product", product}, {"quantity", qty}, {"unit_price", "100"},
              {"cost_center", "IT"}};
    if (!expected.empty()) l["expected_date"] = expected;
    return l;
  }
  std::string NewOrder(const std::string& supplier, Json lines, bool confirm) {
    auto r = admin_->Post("/v1/purchase-orders", {{"supplier", supplier}, {"lines", lines}});
    Done(r);
    const std::string id = r.json.value("id", "");
    if (confirm) Done(admin_->Post("/v1/purchase-orders/" + id + "/confirm", Json::object()));
    return id;
  }
  // An invoice of the first line of `po` (one unit at 100 + 20% VAT),
  // dated `date`: due 30 days later.
  std::string NewInvoice(const std::string& po, const std::string& ref, const std::string& date) {
    auto r = admin_->Post("/v1/supplier-invoices",
                          {{"supplier", "ACME"},
                           {"supplier_ref", ref},
                           {"date", date},
                           {"purchase_order", po},
                           {"lines",
                            {{{"po_line", 1}, {"quantity", "1"}, {"unit_price", "100"}}}}});
    Done(r);
    EXPECT_EQ(r.json.value("state", ""), "matched") << r.body;
    return r.json.value("id", "");
  }

  // Waits until every projection has applied the whole log.
  void CatchUp() {
    for (auto* p : node().projections()) {
      ASSERT_TRUE(p->WaitFor(node().log().End(), std::chrono::seconds(10)));
    }
  }

  // The ids of a list's every page (following `next`) of `limit` items.
  std::vector<std::string> Ids(const std::string& query, int limit = 500) {
    std::vector<std::string> ids;
    std::string cursor;
    for (int page = 0; page < 1000; ++page) {
      std::string sep = query.find('?') == std::string::npos ? "?" : "&";
      auto r = admin_->Get(query + sep + "limit=" + std::to_string(limit) +
                           (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      for (const auto& item : r.json["items"]) ids.push_back(item["id"].get<std::string>());
      if (r.json["next"].is_null()) break;
      cursor = r.json["next"].get<std::string>();
    }
    return ids;
  }

  std::unique_ptr<api::ApiServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::unique_ptr<JsonClient> admin_;
};

using ListsTest = OnBothBackends<ListsFixture>;
INSTANTIATE_TEST_SUITE_P(Backends, ListsTest, BothBackends(), BackendName);

// The buyer filters the orders by status and supplier and pages through them.
TEST_P(ListsTest, BuyerFiltersOrdersByStatusAndSupplierAndPages) {
  std::vector<std::string> acme_confirmed;
  for (int i = 0; i < 7; ++i) {
    const bool confirm = i % 2 == 0;
    std::string po = NewOrder(i < 5 ? "ACME" : "BOLT", {OrderLine("LAPTOP", "1")}, confirm);
    if (confirm && i < 5) acme_confirmed.push_back(po);
  }
  CatchUp();
  // Newest first.
  std::vector<std::string> expected(acme_confirmed.rbegin(), acme_confirmed.rend());
  EXPECT_EQ(Ids("/v1/purchase-orders?status=confirmed&supplier=ACME", 2), expected);
  EXPECT_EQ(Ids("/v1/purchase-orders?status=confirmed&supplier=ACME", 1), expected);
  EXPECT_EQ(Ids("/v1/purchase-orders?supplier=BOLT").size(), 2u);
  EXPECT_EQ(Ids("/v1/purchase-orders?status=draft,confirmed").size(), 7u);
  EXPECT_EQ(Ids("/v1/purchase-orders?status=draft").size(), 3u);

  auto page = admin_->Get("/v1/purchase-orders?status=confirmed&supplier=ACME&limit=2");
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(page.json["items"].size(), 2u);
  const Json& first = page.json["items"][0];
  EXPECT_EQ(first["id"], expected[0]);
  EXPECT_EQ(first["status"], "confirmed");
  EXPECT_EQ(first["supplier"], "ACME");
  EXPECT_EQ(first["total"], "120.00");
  EXPECT_EQ(first["dates"]["created"], "2026-03-15");
  EXPECT_EQ(first["dates"]["confirmed"], "2026-03-15");
  EXPECT_TRUE(first["version"].is_number());
  EXPECT_TRUE(page.json["next"].is_string());
  // Free text finds the supplier's orders, and the id.
  EXPECT_EQ(Ids("/v1/purchase-orders?q=bolt").size(), 2u);
  EXPECT_EQ(Ids("/v1/purchase-orders?q=" + expected[0]), std::vector<std::string>{expected[0]});
  // Reference data is listed too.
  auto suppliers = admin_->Get("/v1/suppliers?currency=EUR");
  ASSERT_EQ(suppliers.status, 200) << suppliers.body;
  ASSERT_EQ(suppliers.json["items"].size(), 2u);
  EXPECT_EQ(suppliers.json["items"][0]["id"], "BOLT");
  EXPECT_EQ(suppliers.json["items"][0]["name"], "BOLT Ltd");
  EXPECT_EQ(Ids("/v1/products?kind=good&category=hardware").size(), 2u);
  EXPECT_EQ(Ids("/v1/users?role=admin").size(), 1u);
}

// The buyer's daily list: the lines of one product past their expected date
// and not fully received.
TEST_P(ListsTest, LateOrderLinesOfOneProduct) {
  auto rob = As("rob", {"receiver"});
  const std::string past = "2026-03-10", future = "2026-03-20";
  std::string a = NewOrder("ACME",
                           {OrderLine("LAPTOP", "3", past), OrderLine("SCREEN", "2", past),
                            OrderLine("LAPTOP", "1", future)},
                           true);
  std::string b = NewOrder("BOLT", {OrderLine("LAPTOP", "2", past), OrderLine("LAPTOP", "4", past)},
                           true);
  NewOrder("ACME", {OrderLine("LAPTOP", "9", past)}, false);  // a draft has no open line
  // a/1 partly received (late), b/1 fully received (not late).
  Done(rob->Post("/v1/receipts", {{"purchase_order", a},
                                {"date", "2026-03-14"},
                                {"lines", {{{"line", 1}, {"quantity", "1"}}}}}));
  Done(rob->Post("/v1/receipts", {{"purchase_order", b},
                                {"date", "2026-03-14"},
                                {"lines", {{{"line", 1}, {"quantity", "2"}}}}}));
  CatchUp();
  auto late = admin_->Get("/v1/purchase-order-lines?product=LAPTOP&late=true");
  ASSERT_EQ(late.status, 200) << late.body;
  std::vector<std::string> ids;
  for (const auto& l : late.json["items"]) ids.push_back(l["id"].get<std::string>());
  EXPECT_EQ(ids, (std::vector<std::string>{b + "/2", a + "/1"}));
  const Json& line = late.json["items"][1];
  EXPECT_EQ(line["purchase_order"], a);
  EXPECT_EQ(line["supplier"], "ACME");
  EXPECT_EQ(line["ordered"], "3");
  EXPECT_EQ(line["received"], "1");
  EXPECT_EQ(line["invoiced"], "0");
  EXPECT_EQ(line["expected_date"], past);
  EXPECT_EQ(line["status"], "open");
  // Every open line of the product, late or not; one supplier's.
  EXPECT_EQ(Ids("/v1/purchase-order-lines?product=LAPTOP").size(), 4u);
  EXPECT_EQ(Ids("/v1/purchase-order-lines?product=LAPTOP&supplier=ACME&late=true"),
            std::vector<std::string>{a + "/1"});
  // Days pass: the future line becomes late too (the server's date).
  clock_.Advance(10LL * 86'400'000'000);
  EXPECT_EQ(Ids("/v1/purchase-order-lines?product=LAPTOP&late=true").size(), 3u);
  EXPECT_EQ(Ids("/v1/purchase-order-lines?late=true").size(), 4u);
}

// The accountant lists the supplier invoices to pay this week.
TEST_P(ListsTest, AccountantListsInvoicesToPayThisWeek) {
  auto fred = As("fred", {"approver_finance"});
  std::string po = NewOrder("ACME", {OrderLine("LAPTOP", "10")}, true);
  auto approve = [&](const std::string& si) {
    Done(fred->Post("/v1/supplier-invoices/" + si + "/approve", Json::object()));
  };
  auto pay = [&](const std::string& si, const char* amount) {
    Done(admin_->Post("/v1/supplier-invoices/" + si + "/payments",
                    {{"amount", amount}, {"method", "bank_transfer"}, {"reference", si}}));
  };
  std::string due_approved = NewInvoice(po, "F-1", "2026-02-10");   // due 2026-03-12
  std::string due_partly = NewInvoice(po, "F-2", "2026-02-13");     // due 2026-03-15
  std::string due_unapproved = NewInvoice(po, "F-3", "2026-02-10"); // matched only
  std::string due_paid = NewInvoice(po, "F-4", "2026-02-11");       // paid
  std::string due_later = NewInvoice(po, "F-5", "2026-02-20");      // due 2026-03-22
  for (const auto& si : {due_approved, due_partly, due_paid, due_later}) approve(si);
  pay(due_partly, "50.00");
  pay(due_paid, "120.00");
  CatchUp();
  auto week = admin_->Get(
      "/v1/supplier-invoices?status=approved,partially_paid&date=due"
      "&from=2026-03-09&to=2026-03-15");
  ASSERT_EQ(week.status, 200) << week.body;
  std::vector<std::string> ids;
  for (const auto& i : week.json["items"]) ids.push_back(i["id"].get<std::string>());
  EXPECT_EQ(ids, (std::vector<std::string>{due_partly, due_approved}));
  const Json& partly = week.json["items"][0];
  EXPECT_EQ(partly["status"], "partially_paid");
  EXPECT_EQ(partly["due_date"], "2026-03-15");
  EXPECT_EQ(partly["total"], "120.00");
  EXPECT_EQ(partly["paid"], "50.00");
  EXPECT_EQ(partly["remaining"], "70.00");
  EXPECT_EQ(partly["supplier_ref"], "F-2");
  EXPECT_EQ(partly["mode"], "2-way");
  EXPECT_EQ(partly["credited"], "0.00");
  EXPECT_EQ(partly["discrepancies"], Json::array());
  EXPECT_EQ(Ids("/v1/supplier-invoices?status=paid"), std::vector<std::string>{due_paid});
  // Overdue: approved or partly paid, due before today (2026-03-15).
  EXPECT_EQ(Ids("/v1/supplier-invoices?late=true"), std::vector<std::string>{due_approved});
  EXPECT_EQ(Ids("/v1/supplier-invoices?date=due&from=2026-03-16").size(), 1u);
  auto stats = admin_->Get("/v1/matching/stats");
  ASSERT_EQ(stats.status, 200);
  EXPECT_EQ(stats.json["invoices"], 5);
  EXPECT_EQ(stats.json["three_way"], 0);
}

// The auditor lists every purchase request approved in March, including one
// since converted into an order.
TEST_P(ListsTest, AuditorListsRequestsApprovedInMarch) {
  auto rita = As("rita", {"requester"});
  auto mona = As("mona", {"approver_manager"});
  Json request = {{"justification", "Screens for the new office"},
                  {"lines",
                   {{{"product", "SCREEN"},
                     {"quantity", "2"},
                     {"estimated_unit_price", "150"},
                     {"currency", "EUR"},
                     {"cost_center", "IT"}}}}};
  auto make = [&](bool approve) {
    auto pr = rita->Post("/v1/purchase-requests", request);
    Done(pr);
    const std::string id = pr.json.value("id", "");
    Done(rita->Post("/v1/purchase-requests/" + id + "/submit", Json::object()));
    if (approve) Done(mona->Post("/v1/purchase-requests/" + id + "/approve", Json::object()));
    return id;
  };
  clock_.Set(kT0 - 20LL * 86'400'000'000);  // 2026-02-23: created, approved in February
  std::string february = make(true);
  clock_.Set(kT0);                           // 2026-03-15
  std::string march = make(true);
  std::string converted = make(true);
  Done(admin_->Post("/v1/purchase-requests/" + converted + "/convert", {{"supplier", "ACME"}}));
  std::string submitted = make(false);
  clock_.Set(kT0 + 20LL * 86'400'000'000);  // 2026-04-04
  Done(mona->Post("/v1/purchase-requests/" + submitted + "/approve", Json::object()));
  CatchUp();
  const std::string march_q = "/v1/purchase-requests?date=approved&from=2026-03-01&to=2026-03-31";
  EXPECT_EQ(Ids(march_q), (std::vector<std::string>{converted, march}));
  EXPECT_EQ(Ids(march_q + "&status=ordered"), std::vector<std::string>{converted});
  EXPECT_EQ(Ids("/v1/purchase-requests?status=approved").size(), 3u);
  EXPECT_EQ(Ids("/v1/purchase-requests?from=2026-03-01&to=2026-03-31").size(), 3u);  // created
  EXPECT_EQ(Ids("/v1/purchase-requests?requester=rita&product=SCREEN").size(), 4u);
  auto page = admin_->Get(march_q);
  ASSERT_EQ(page.status, 200);
  const Json& item = page.json["items"][0];
  EXPECT_EQ(item["status"], "ordered");
  EXPECT_EQ(item["dates"]["approved"], "2026-03-15");
  EXPECT_EQ(item["dates"]["ordered"], "2026-03-15");
  EXPECT_EQ(item["requester"], "rita");
  EXPECT_EQ(item["amount"], "300.00");
  EXPECT_EQ(item["orders"].size(), 1u);
  (void)february;
}

using ListsLocal = ListsFixture;

TEST_F(ListsLocal, RefusesALimitOver500AnUnknownFilterABadDateOrCursor) {
  auto expect_400 = [&](const std::string& path, const std::string& names) {
    auto r = admin_->Get(path);
    EXPECT_EQ(r.status, 400) << path << " " << r.body;
    EXPECT_EQ(r.error_code(), "malformed");
    EXPECT_NE(r.body.find(names), std::string::npos) << r.body;
  };
  expect_400("/v1/purchase-orders?limit=501", "limit");
  expect_400("/v1/purchase-orders?limit=0", "limit");
  expect_400("/v1/purchase-orders?colour=red", "colour");
  expect_400("/v1/suppliers?kind=good", "kind");
  expect_400("/v1/purchase-orders?date=due", "due");
  expect_400("/v1/purchase-orders?from=2026-13-01", "from");
  expect_400("/v1/purchase-orders?to=yesterday", "to");
  expect_400("/v1/purchase-orders?late=true", "late");  // orders have no late entries
  expect_400("/v1/purchase-order-lines?late=maybe", "late");
  expect_400("/v1/purchase-orders?cursor=xyz", "cursor");
  EXPECT_EQ(admin_->Get("/v1/purchase-orders?limit=500").status, 200);
  // The OpenAPI document lists each collection's parameters.
  auto doc = admin_->Get("/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  std::set<std::string> names;
  for (const auto& p : doc.json["paths"]["/v1/purchase-order-lines"]["get"]["parameters"]) {
    names.insert(p["name"].get<std::string>());
  }
  for (const char* n : {"status", "q", "date", "from", "to", "limit", "cursor", "late", "product",
                        "supplier"}) {
    EXPECT_TRUE(names.contains(n)) << n;
  }
}

// A page examines at most scanned_max items: a search that matches few
// comes back short, with a cursor that continues where it stopped.
TEST_F(ListsLocal, APageStopsAfterItsScanBoundWithACursorToContinue) {
  std::vector<std::string> orders;
  for (int i = 0; i < 5; ++i) {
    orders.push_back(NewOrder(i == 1 ? "BOLT" : "ACME", {OrderLine("LAPTOP", "1")}, false));
  }
  CatchUp();
  ListQuery q{.collection = "purchase-orders", .q = "bolt", .limit = 10, .scanned_max = 2};
  std::vector<std::string> found;
  int pages = 0;
  for (; pages < 10; ++pages) {
    auto page = QueryList(node().store(), q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_LE(page->items.size(), 1u);
    for (const auto& item : page->items) found.push_back(item["id"].get<std::string>());
    if (page->next.empty()) break;
    q.cursor = page->next;
  }
  EXPECT_EQ(found, std::vector<std::string>{orders[1]});
  EXPECT_EQ(pages, 2);  // 5 orders, 2 examined per page: the third page ends the list
}

// A writer creates orders and confirms old ones while a reader pages: no
// page repeats or skips an order that existed at the first page.
TEST_F(ListsLocal, PagesNeitherRepeatNorSkipUnderConcurrentWrites) {
  std::vector<std::string> existing;
  for (int i = 0; i < 40; ++i) {
    existing.push_back(NewOrder("ACME", {OrderLine("LAPTOP", "1")}, false));
  }
  CatchUp();
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    JsonClient w(port_, kAdminToken);
    for (int i = 0; !stop && i < 200; ++i) {
      auto r = w.Post("/v1/purchase-orders",
                      {{"supplier", "BOLT"}, {"lines", {OrderLine("SCREEN", "1")}}});
      if (r.status == 201) ++written;
      if (i < 40) w.Post("/v1/purchase-orders/" + existing[i] + "/confirm", Json::object());
    }
  });
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    auto r = admin_->Get("/v1/purchase-orders?limit=3" +
                         (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    for (const auto& item : r.json["items"]) seen.push_back(item["id"].get<std::string>());
    if (r.json["next"].is_null()) break;
    cursor = r.json["next"].get<std::string>();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop = true;
  writer.join();
  EXPECT_GT(written.load(), 0);
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a page repeated an item";
  for (const auto& id : existing) EXPECT_TRUE(unique.contains(id)) << id << " skipped";
}

// Lists are rebuilt from position 0 with identical answers, and an invoice
// cleared by a credit note is listed as the invoice itself says: paid.
TEST_F(ListsLocal, CreditNoteClearingAnApprovedInvoiceListsItPaid) {
  auto fred = As("fred", {"approver_finance"});
  std::string po = NewOrder("ACME", {OrderLine("LAPTOP", "2")}, true);
  std::string si = NewInvoice(po, "F-9", "2026-03-01");
  Done(fred->Post("/v1/supplier-invoices/" + si + "/approve", Json::object()));
  auto credit = admin_->Post("/v1/supplier-invoices/" + si + "/credit-notes",
                             {{"supplier_ref", "AV-9"}, {"amount", "100.00"}});
  Done(credit);
  ASSERT_EQ(admin_->Get("/v1/supplier-invoices/" + si).json["status"], "paid");
  CatchUp();
  EXPECT_EQ(Ids("/v1/supplier-invoices?status=paid"), std::vector<std::string>{si});
  EXPECT_TRUE(Ids("/v1/supplier-invoices?status=approved").empty());
}

TEST_F(ListsLocal, RebuiltFromZeroWithIdenticalAnswers) {
  auto rob = As("rob", {"receiver"});
  std::string a = NewOrder("ACME", {OrderLine("LAPTOP", "3", "2026-03-01")}, true);
  NewOrder("BOLT", {OrderLine("SCREEN", "1")}, false);
  Done(rob->Post("/v1/receipts", {{"purchase_order", a},
                                {"date", "2026-03-14"},
                                {"lines", {{{"line", 1}, {"quantity", "1"}}}}}));
  NewInvoice(a, "F-1", "2026-03-02");
  CatchUp();
  const std::vector<std::string> queries = {
      "/v1/purchase-orders", "/v1/purchase-orders?status=confirmed&limit=1",
      "/v1/purchase-order-lines?late=true", "/v1/receipts", "/v1/supplier-invoices",
      "/v1/suppliers", "/v1/products", "/v1/users", "/v1/tax-codes", "/v1/payment-terms",
      "/v1/cost-centers", "/v1/categories", "/v1/matching/stats"};
  auto answers = [&] {
    std::string out;
    for (const auto& q : queries) out += q + " " + admin_->Get(q).body + "\n";
    return out;
  };
  const std::string before = answers();
  EXPECT_NE(before.find(a + "/1"), std::string::npos) << before;
  ProjectionRunner* lists = nullptr;
  for (auto* p : node().projections()) {
    if (p->projection().name() == "lists") lists = p;
  }
  ASSERT_NE(lists, nullptr);
  lists->Stop();
  ASSERT_TRUE(lists->Reset().ok());
  EXPECT_EQ(admin_->Get("/v1/purchase-orders").json["items"].size(), 0u);
  ASSERT_TRUE(lists->CatchUp().ok());
  EXPECT_EQ(answers(), before);
  for (auto* p : node().projections()) p->Stop();
  ASSERT_TRUE(RebuildProjections(node().projections()).ok());  // as ledgerctl replay does
  EXPECT_EQ(answers(), before);
}

// A summary field set twice keeps its first place and its last value and
// kind, as the JSON object it is rendered into would.
TEST(ListSummary, KeepsOneFieldPerName) {
  ListSummary s;
  s.Text("supplier", "ACME");
  s.Amount("total", std::nullopt, 2);
  s.Amount("total", Decimal::Parse("12.5").value(), 2);
  s.Integer("supplier", 7);
  ASSERT_EQ(s.fields().size(), 2u);
  EXPECT_EQ(s.fields()[0].name, "supplier");
  EXPECT_EQ(s.fields()[0].kind, ListSummary::Kind::kInteger);
  EXPECT_EQ(std::get<int64_t>(s.fields()[0].value), 7);
  const auto& total = std::get<ListSummary::Money>(s.fields()[1].value);
  ASSERT_TRUE(total.value.has_value());
  EXPECT_EQ(total.value->ToString(total.digits), "12.50");
}

}  // namespace
}  // namespace ledger::testing
