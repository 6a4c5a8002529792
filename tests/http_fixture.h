// The fixture of the end-to-end HTTP tests that drive the API as curl would: a
// node served by an ApiServer on loopback, an admin client holding the
// server's admin token, and helpers to seed reference data, make users and
// issue tokens over HTTP. (The front door's tests, which send raw bytes, have
// their own: http_front_fixture.h.)
//
// HttpTest runs each test once per log backend (local, Kafka): TEST_P(HttpTest,
// ...). It is instantiated once for every file, in http_fixture.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/server.h"
#include "tests/http_support.h"
#include "tests/test_support.h"

namespace ledger::testing {

inline constexpr const char* kAdminToken = "test-admin-token";

class HttpFixture : public NodeTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Creates a user with `roles` and returns a client holding its token.
  std::unique_ptr<JsonClient> As(const std::string& user, std::vector<std::string> roles);

  // Settings (EUR, per_line), VAT20, VAT0, fiscal position intra_eu
  // (VAT20 -> VAT0), net30, cost centre IT, category hardware, project P1,
  // supplier ACME and product LAPTOP.
  void SeedOverHttp();

  // An order of ACME for four laptops at 1.03, 1.03, 1.03 and 1.01.
  static nlohmann::json NewOrder();

  uint64_t LogSize() { return RecordCount(node().log()); }

  // Issues a token for `user` and returns the answer (id, token, ...).
  nlohmann::json IssueToken(const std::string& user, const std::string& label = "");
  void CreateUser(const std::string& id, std::vector<std::string> roles);
  // Every event of the log as GET /v1/events renders it.
  std::string EventFeed();

  // Waits until every projection has applied the whole log.
  void CatchUp();

  std::unique_ptr<api::ApiServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::unique_ptr<JsonClient> admin_;
};

using HttpTest = OnBothBackends<HttpFixture>;

}  // namespace ledger::testing
