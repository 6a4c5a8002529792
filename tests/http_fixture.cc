#include "tests/http_fixture.h"

#include <chrono>

namespace ledger::testing {

using Json = nlohmann::json;

// The one instantiation of HttpTest: every file's TEST_P(HttpTest, ...) runs
// once per backend from here.
INSTANTIATE_TEST_SUITE_P(Backends, HttpTest, BothBackends(), BackendName);

void HttpFixture::SetUp() {
  NodeTest::SetUp();
  clock_.Set(SystemClock().NowMicros());
  ASSERT_TRUE(reference::EnsureAdmin(node().engine()).ok());
  ASSERT_TRUE(node().StartProjections().ok());
  api::ApiContext ctx = node().api_context();
  api::ApiOptions options;
  options.port = 0;
  options.admin_token = kAdminToken;
  options.threads = 8;
  options.body_bytes_max = 64 * 1024;
  options.read_timeout_ms = 300;
  server_ = std::make_unique<api::ApiServer>(ctx, options);
  auto port = server_->Bind();
  ASSERT_TRUE(port.ok());
  port_ = *port;
  thread_ = std::thread([this] { server_->Serve(); });
  admin_ = std::make_unique<JsonClient>(port_, kAdminToken);
}

void HttpFixture::TearDown() {
  server_->Stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
  NodeTest::TearDown();
}

std::unique_ptr<JsonClient> HttpFixture::As(const std::string& user,
                                            std::vector<std::string> roles) {
  auto r = admin_->Post("/v1/users", {{"id", user}, {"name", user}, {"roles", roles}});
  EXPECT_EQ(r.status, 201) << r.body;
  auto t = admin_->Post("/v1/users/" + user + "/tokens", Json::object());
  EXPECT_EQ(t.status, 201) << t.body;
  return std::make_unique<JsonClient>(port_, t.json.value("token", ""));
}

void HttpFixture::SeedOverHttp() {
  auto ok = [](const HttpReply& r) { EXPECT_TRUE(r.status == 200 || r.status == 201) << r.body; };
  ok(admin_->Put("/v1/settings", {{"currency", "EUR"}, {"tax_rounding", "per_line"}}));
  ok(admin_->Post("/v1/tax-codes", {{"id", "VAT20"}, {"rate", "20"}, {"price_included", false}}));
  ok(admin_->Post("/v1/tax-codes", {{"id", "VAT0"}, {"rate", "0"}}));
  ok(admin_->Post("/v1/fiscal-positions",
                  {{"id", "intra_eu"}, {"map", {{{"from", "VAT20"}, {"to", "VAT0"}}}}}));
  ok(admin_->Post("/v1/payment-terms", {{"id", "net30"}, {"kind", "net"}, {"days", 30}}));
  ok(admin_->Post("/v1/cost-centers", {{"id", "IT"}, {"name", "IT"}}));
  ok(admin_->Post("/v1/categories", {{"id", "hardware"}, {"name", "Hardware"}}));
  ok(admin_->Post("/v1/projects", {{"id", "P1"}, {"name", "Project"}}));
  ok(admin_->Post("/v1/suppliers", {{"id", "ACME"},
                                    {"name", "Acme"},
                                    {"currency", "EUR"},
                                    {"payment_terms", "net30"},
                                    {"billing_method", "received"}}));
  ok(admin_->Post("/v1/products", {{"id", "LAPTOP"},
                                   {"name", "Laptop"},
                                   {"kind", "good"},
                                   {"tax_code", "VAT20"},
                                   {"category", "hardware"}}));
}

Json HttpFixture::NewOrder() {
  return {{"supplier", "ACME"},
          {"currency", "EUR"},
          {"lines",
           {{{"product", "LAPTOP"}, {"quantity", "1"}, {"unit_price", "1.03"}, {"cost_center", "IT"}},
            {{"product", "LAPTOP"}, {"quantity", "1"}, {"unit_price", "1.03"}, {"cost_center", "IT"}},
            {{"product", "LAPTOP"}, {"quantity", "1"}, {"unit_price", "1.03"}, {"cost_center", "IT"}},
            {{"product", "LAPTOP"}, {"quantity", "1"}, {"unit_price", "1.01"}, {"cost_center", "IT"}}}}};
}

Json HttpFixture::IssueToken(const std::string& user, const std::string& label) {
  auto t = admin_->Post("/v1/users/" + user + "/tokens", {{"label", label}});
  EXPECT_EQ(t.status, 201) << t.body;
  return t.json;
}

void HttpFixture::CreateUser(const std::string& id, std::vector<std::string> roles) {
  auto r = admin_->Post("/v1/users", {{"id", id}, {"name", id}, {"roles", roles}});
  ASSERT_EQ(r.status, 201) << r.body;
}

std::string HttpFixture::EventFeed() {
  std::string text, after;
  for (int page = 0; page < 1000; ++page) {
    auto r = admin_->Get("/v1/events?limit=1000&after=" + after);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200 || r.json["events"].empty()) break;
    text += r.body;
    after = r.json["next"];
  }
  return text;
}

void HttpFixture::CatchUp() {
  for (auto* p : node().projections()) {
    ASSERT_TRUE(p->WaitFor(node().log().End(), std::chrono::seconds(10)));
  }
}

}  // namespace ledger::testing
