// What a client is told over HTTP when a request cannot be done as asked:
// bad input on every route, illegal transitions and stale versions, bodies
// over the limit, and a reused idempotency key; in every case a JSON error,
// nothing appended, and a server still up.
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/http_fixture.h"

namespace ledger::testing {
namespace {

using Json = nlohmann::json;

// Sends raw bytes and returns whatever the server answers.
std::string RawRequest(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  (void)!write(fd, request.data(), request.size());
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
    out.append(buf, static_cast<size_t>(n));
    // Stop once one whole response is in (the connection may stay open).
    auto head_end = out.find("\r\n\r\n");
    auto length_at = out.find("Content-Length: ");
    if (head_end != std::string::npos && length_at != std::string::npos &&
        out.size() >= head_end + 4 + std::stoul(out.substr(length_at + 16))) {
      break;
    }
  }
  close(fd);
  return out;
}

TEST_P(HttpTest, BadInputGetsAClearErrorAppendsNothingAndTheServerStaysUp) {
  SeedOverHttp();
  auto buyer = As("alice", {"buyer"});
  const uint64_t before = LogSize();
  struct Case {
    std::string path, body;
    int status;
    std::string code;
  };
  std::string line = R"({"product":"LAPTOP","quantity":"1","unit_price":"1","cost_center":"IT"})";
  std::vector<Case> cases = {
      {"/v1/purchase-orders", "{not json", 400, "malformed"},
      {"/v1/purchase-orders", "[1,2]", 400, "malformed"},
      {"/v1/purchase-orders", "", 400, "malformed"},
      {"/v1/purchase-orders", R"({"supplier":42})", 400, "malformed"},
      {"/v1/purchase-orders", R"({"currency":"EUR"})", 400, "malformed"},
      {"/v1/purchase-orders", R"({"supplier":"ACME","lines":{}})", 400, "malformed"},
      {"/v1/purchase-orders",
       R"({"supplier":"ACME","lines":[{"product":"LAPTOP","quantity":1,"unit_price":"1","cost_center":"IT"}]})",
       400, "malformed"},
      {"/v1/purchase-orders",
       R"({"supplier":"ACME","lines":[{"product":"LAPTOP","quantity":"1.1234567","unit_price":"1","cost_center":"IT"}]})",
       400, "malformed"},
      {"/v1/purchase-orders",
       R"({"supplier":"ACME","lines":[{"product":"LAPTOP","quantity":"1e3","unit_price":"1","cost_center":"IT"}]})",
       400, "malformed"},
      {"/v1/purchase-orders", R"({"supplier":"ACME","lines":[{"quantity":"1"}]})", 400, "malformed"},
      {"/v1/purchase-orders", R"({"supplier":"NOBODY"})", 422, "rule_violation"},
      {"/v1/purchase-orders", R"({"supplier":"ACME","currency":"ZZZ"})", 400, "malformed"},
      {"/v1/purchase-orders/PO-2099-00001/confirm", "{}", 404, "not_found"},
      {"/v1/purchase-orders/PO-2099-00001/lines", line, 404, "not_found"},
      {"/v1/purchase-orders/PO-2099-00001/lines/x/remove", "{}", 400, "malformed"},
      {"/v1/nothing-here", "{}", 404, "not_found"},
  };
  for (const auto& c : cases) {
    auto r = buyer->PostRaw(c.path, c.body);
    EXPECT_EQ(r.status, c.status) << c.path << " " << c.body << " -> " << r.body;
    EXPECT_EQ(r.error_code(), c.code) << c.body;
    EXPECT_TRUE(r.json["error"].contains("message")) << r.body;
    EXPECT_TRUE(r.json["error"].contains("details")) << r.body;
  }
  // A POST without Content-Length (curl -X POST with no data) and garbage
  // that is not HTTP at all get a JSON error too.
  auto raw = RawRequest(port_, "POST /v1/purchase-orders/PO-2099-00001/confirm HTTP/1.1\r\n"
                               "Host: x\r\nAuthorization: Bearer " + std::string(kAdminToken) +
                               "\r\n\r\n");
  EXPECT_NE(raw.find(" 400 "), std::string::npos) << raw;
  EXPECT_NE(raw.find("\"malformed\""), std::string::npos) << raw;
  raw = RawRequest(port_, "\x16\x03\x01 not http at all\r\n\r\n");
  EXPECT_EQ(raw.find("ledger"), std::string::npos);
  EXPECT_EQ(LogSize(), before);
  EXPECT_EQ(admin_->Get("/healthz").status, 200);
}

TEST_P(HttpTest, PurchaseToPayRoutesRefuseBadInputAndAppendNothing) {
  SeedOverHttp();
  // admin may call every route: only the input is wrong.
  const uint64_t before = LogSize();
  struct Case {
    std::string method, path, body;
    int status;
    std::string code;
  };
  const std::string po_line = R"({"product":"LAPTOP","quantity":"1","estimated_unit_price":"1","cost_center":"IT"})";
  std::vector<Case> cases = {
      {"PUT", "/v1/settings/approval-policy", R"({"bands":[]})", 400, "malformed"},
      {"PUT", "/v1/settings/approval-policy", R"({"bands":[{"up_to":"10","levels":["manager"]}]})", 400, "malformed"},
      {"PUT", "/v1/settings/approval-policy", R"({"bands":[{"up_to":null,"levels":["boss"]}]})", 400, "malformed"},
      {"PUT", "/v1/settings/approval-policy", R"({"bands":[{"up_to":10,"levels":["manager"]}]})", 400, "malformed"},
      {"PUT", "/v1/settings/matching", R"({"quantity_pct":"101","price_pct":"2","amount_abs":"5"})", 400, "malformed"},
      {"PUT", "/v1/settings/matching", R"({"price_pct":"2"})", 400, "malformed"},
      {"PUT", "/v1/exchange-rates/ZZZ", R"({"rate":"1"})", 400, "malformed"},
      {"PUT", "/v1/exchange-rates/USD", R"({"rate":"-1"})", 400, "malformed"},
      {"POST", "/v1/budgets", R"({"id":"B","currency":"EUR","policy":"block","lines":[]})", 400, "malformed"},
      {"POST", "/v1/budgets", R"({"id":"B","currency":"EUR","policy":"maybe","lines":[{"cost_center":"IT","category":"hardware","periods":{"2026-01":"1"}}]})", 400, "malformed"},
      {"POST", "/v1/budgets", R"({"id":"B","currency":"EUR","policy":"block","lines":[{"cost_center":"IT","category":"hardware","periods":{"2026-13":"1"}}]})", 400, "malformed"},
      {"POST", "/v1/budgets", R"({"id":"B","currency":"EUR","policy":"block","lines":[{"cost_center":"IT","category":"hardware","periods":{"2026-01":"1.001"}}]})", 400, "malformed"},
      {"POST", "/v1/budgets", R"({"id":"B","currency":"EUR","policy":"block","lines":[{"cost_center":"IT","category":"hardware","periods":["1"]}]})", 400, "malformed"},
      {"POST", "/v1/budgets", R"({"id":"B","currency":"EUR","policy":"block","lines":[{"cost_center":"XX","category":"hardware","periods":{"2026-01":"1"}}]})", 422, "rule_violation"},
      {"POST", "/v1/budgets/NOPE/amend", R"({"line":{"cost_center":"IT","category":"hardware"},"period":"2026-01","delta":"1","reason":"r"})", 404, "not_found"},
      {"POST", "/v1/budgets/NOPE/amend", R"({"line":"IT","period":"2026-01","delta":"1","reason":"r"})", 400, "malformed"},
      {"POST", "/v1/purchase-requests", R"({"lines":[]})", 400, "malformed"},
      {"POST", "/v1/purchase-requests", R"({"lines":[{"product":"LAPTOP","quantity":"1"}]})", 400, "malformed"},
      {"POST", "/v1/purchase-requests", R"({"lines":[)" + po_line + R"(],"attachments":[{"sha256":"xyz"}]})", 422, "rule_violation"},
      {"POST", "/v1/purchase-requests/PR-2099-00001/submit", "{}", 404, "not_found"},
      {"POST", "/v1/purchase-requests/PR-2099-00001/reject", "{}", 400, "malformed"},
      {"POST", "/v1/purchase-requests/PR-2099-00001/convert", R"({"supplier_by_line":{"one":"ACME"}})", 400, "malformed"},
      {"POST", "/v1/receipts", R"({"purchase_order":"PO-2099-00001","date":"2026-01-01","lines":[{"line":1,"quantity":"1"}]})", 404, "not_found"},
      {"POST", "/v1/receipts", R"({"purchase_order":"PO-2099-00001","date":"2026-01-01","lines":[{"line":0,"quantity":"1"}]})", 400, "malformed"},
      {"POST", "/v1/supplier-invoices", R"({"supplier":"ACME","supplier_ref":"F","date":"2026-01-01","lines":[]})", 400, "malformed"},
      {"POST", "/v1/supplier-invoices", R"({"supplier":"ACME","supplier_ref":"F","date":"01/01/2026","lines":[{"description":"x","quantity":"1","unit_price":"1"}]})", 400, "malformed"},
      {"POST", "/v1/supplier-invoices", R"({"supplier":"ACME","supplier_ref":"F","date":"2026-01-01","purchase_order":"PO-2099-00001","lines":[{"po_line":1,"quantity":"1","unit_price":"1"}]})", 404, "not_found"},
      {"POST", "/v1/supplier-invoices", R"({"supplier":"ACME","supplier_ref":"F","date":"2026-01-01","lines":[{"description":"x","quantity":"1","unit_price":"1"}],"totals":"1"})", 400, "malformed"},
      {"POST", "/v1/supplier-invoices/SI-2099-00001/payments", R"({"amount":"1","method":"bank_transfer","reference":"r"})", 404, "not_found"},
      {"POST", "/v1/supplier-invoices/SI-2099-00001/credit-notes", R"({"supplier_ref":"A","lines":[{"line":-1}]})", 400, "malformed"},
      {"POST", "/v1/attachments", "", 400, "malformed"},
  };
  for (const auto& c : cases) {
    HttpReply r = c.method == "PUT" ? admin_->Put(c.path, Json::parse(c.body, nullptr, false))
                                    : admin_->PostRaw(c.path, c.body);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << " " << c.body << " -> " << r.body;
    EXPECT_EQ(r.error_code(), c.code) << c.path << " " << c.body;
  }
  EXPECT_EQ(admin_->Get("/v1/attachments/" + std::string(64, 'b')).status, 404);
  EXPECT_EQ(admin_->Get("/v1/attachments/../../etc/passwd").status, 404);
  EXPECT_EQ(admin_->Get("/v1/budgets/B/report?as_of=yesterday").status, 400);
  EXPECT_EQ(LogSize(), before);
  EXPECT_EQ(admin_->Get("/healthz").status, 200);
}

TEST_P(HttpTest, IllegalTransitionsAndVersionConflicts) {
  SeedOverHttp();
  auto id = admin_->Post("/v1/purchase-orders", NewOrder()).json["id"].get<std::string>();
  auto reset = admin_->Post("/v1/purchase-orders/" + id + "/reset-to-draft", Json::object());
  EXPECT_EQ(reset.status, 409);
  EXPECT_EQ(reset.error_code(), "invalid_state");
  auto stale = admin_->Post("/v1/purchase-orders/" + id + "/confirm", Json::object(),
                            {{"If-Match", "\"2\""}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.error_code(), "version_conflict");
  EXPECT_EQ(stale.json["error"]["details"]["actual"], "5");
  auto bad = admin_->Post("/v1/purchase-orders/" + id + "/confirm", Json::object(),
                          {{"If-Match", "abc"}});
  EXPECT_EQ(bad.status, 400);
  auto locked = admin_->Post("/v1/purchase-orders/" + id + "/update", {{"currency", "USD"}});
  EXPECT_EQ(locked.status, 422);
  EXPECT_EQ(locked.json["error"]["details"]["rule"], "currency_locked");
}

TEST_P(HttpTest, OversizedBodiesAreRefusedWith413) {
  SeedOverHttp();
  const uint64_t before = LogSize();
  std::string huge = R"({"supplier":"ACME","padding":")" + std::string(200 * 1024, 'x') + "\"}";
  auto r = admin_->PostRaw("/v1/purchase-orders", huge);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.error_code(), "payload_too_large");
  EXPECT_EQ(LogSize(), before);
  EXPECT_EQ(admin_->Get("/healthz").status, 200);
}

TEST_P(HttpTest, IdempotencyKeyReplaysTheFirstAnswer) {
  SeedOverHttp();
  httplib::Headers key = {{"Idempotency-Key", "order-42"}};
  auto first = admin_->Post("/v1/purchase-orders", NewOrder(), key);
  ASSERT_EQ(first.status, 201);
  const uint64_t after_first = LogSize();
  auto second = admin_->Post("/v1/purchase-orders", NewOrder(), key);
  EXPECT_EQ(second.status, 201);
  EXPECT_EQ(second.json, first.json);
  EXPECT_EQ(second.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(LogSize(), after_first);
  Json other = NewOrder();
  other["lines"][0]["quantity"] = "2";
  auto reused = admin_->Post("/v1/purchase-orders", other, key);
  EXPECT_EQ(reused.status, 409);
  EXPECT_EQ(LogSize(), after_first);
}

}  // namespace
}  // namespace ledger::testing
