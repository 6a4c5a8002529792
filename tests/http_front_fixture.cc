#include "tests/http_front_fixture.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <utility>
#include <vector>

namespace ledger::testing {

using Json = nlohmann::json;

std::string AuthLine() { return std::string("Authorization: Bearer ") + kToken + "\r\n"; }

std::string GetRequest(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AuthLine() + "\r\n";
}

std::string PostHead(const std::string& target, const std::string& framing) {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AuthLine() +
         "Content-Type: application/json\r\n" + framing + "\r\n";
}

std::string Request(const std::string& method, const std::string& target,
                    const std::string& body) {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AuthLine() +
         fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.size()) +
         body;
}

std::string PostRequest(const std::string& target, const std::string& body) {
  return Request("POST", target, body);
}

bool AnswersHealthz(int port, int timeout_ms) {
  const Deadline deadline = In(timeout_ms);
  do {
    if (Exchange(port, GetRequest("/healthz"), LeftMs(deadline)).status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (SteadyClock::now() < deadline);
  return false;
}

int64_t VmRssKib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return -1;
}

api::ApiOptions HttpFrontTest::FastOptions() {
  api::ApiOptions o;
  o.port = 0;
  o.admin_token = kToken;
  o.threads = 8;
  o.read_threads = 4;
  o.body_bytes_max = 64 << 10;
  o.header_bytes_max = 16 << 10;
  o.header_line_bytes_max = 8 << 10;
  o.headers_max = 100;
  o.header_timeout_ms = 1000;
  o.read_timeout_ms = 1000;
  o.keep_alive_idle_ms = 5000;
  o.connections_max = 256;
  return o;
}

void HttpFrontTest::SetUp() {
  NodeTest::SetUp();
  clock_.Set(SystemClock().NowMicros());
  ASSERT_TRUE(reference::EnsureAdmin(node().engine()).ok());
  ASSERT_TRUE(node().StartProjections().ok());
  StartServer(FastOptions());
  if (HasFatalFailure()) return;
  SeedOverHttp();
}

void HttpFrontTest::TearDown() {
  StopServer();
  NodeTest::TearDown();
}

void HttpFrontTest::StartServer(const api::ApiOptions& options) {
  StopServer();
  api::ApiContext ctx = node().api_context();
  server_ = std::make_unique<api::ApiServer>(ctx, options);
  auto port = server_->Bind();
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  port_ = *port;
  thread_ = std::thread([this] { server_->Serve(); });
  RawConnection probe(port_, In(kPatientMs));
  probe.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
             In(kPatientMs));
  auto r = probe.Read(In(kPatientMs));
  ASSERT_EQ(r.status, 200) << r.Describe();
  ASSERT_TRUE(probe.WaitClosed(In(kPatientMs)));
}

void HttpFrontTest::StopServer() {
  if (!server_) return;
  server_->Stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

void HttpFrontTest::SeedOverHttp() {
  const std::vector<std::pair<std::string, Json>> steps = {
      {"PUT /v1/settings", {{"currency", "EUR"}, {"tax_rounding", "per_line"}}},
      {"POST /v1/tax-codes", {{"id", "VAT20"}, {"rate", "20"}, {"price_included", false}}},
      {"POST /v1/payment-terms", {{"id", "net30"}, {"kind", "net"}, {"days", 30}}},
      {"POST /v1/cost-centers", {{"id", "IT"}, {"name", "IT"}}},
      {"POST /v1/categories", {{"id", "hardware"}, {"name", "Hardware"}}},
      {"POST /v1/suppliers",
       {{"id", "ACME"},
        {"name", "Acme"},
        {"currency", "EUR"},
        {"payment_terms", "net30"},
        {"billing_method", "received"}}},
      {"POST /v1/products",
       {{"id", "LAPTOP"},
        {"name", "Laptop"},
        {"kind", "good"},
        {"tax_code", "VAT20"},
        {"category", "hardware"}}},
  };
  for (const auto& [route, body] : steps) {
    const size_t space = route.find(' ');
    const std::string request =
        Request(route.substr(0, space), route.substr(space + 1), body.dump());
    auto r = Exchange(port_, request, kPatientMs);
    ASSERT_TRUE(r.status == 200 || r.status == 201) << route << " -> " << r.Describe();
  }
}

void HttpFrontTest::ExpectStillServing() {
  EXPECT_TRUE(AnswersHealthz(port_, kPatientMs)) << "the server no longer answers GET /healthz";
}

}  // namespace ledger::testing
