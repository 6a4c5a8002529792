// The fixture of the front door's tests (http_front_*_test.cc): a node served
// by an ApiServer with small limits and short timeouts, so that every limit is
// reached fast, holding the reference data an order needs. The tests speak to
// it as a client and an attacker do: raw bytes over loopback sockets
// (RawConnection, http_support.h), with the fixture's admin token.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "api/server.h"
#include "tests/http_support.h"
#include "tests/test_support.h"

namespace ledger::testing {

inline constexpr const char* kToken = "front-test-admin";
// An answer that needs no waiting: the server has seen enough bytes to
// decide. Kept well under the fixture's 1 s header and read timeouts, so that
// an answer which only comes when one of those expires cannot pass for an
// immediate one.
inline constexpr int kAtOnceMs = 750;
// For what may legitimately wait on a 1 s timeout, and for closes.
inline constexpr int kPatientMs = 3000;

// A one-line order: every POST that should create one uses it, and every
// request that should be refused carries it, so that a server accepting what
// it must refuse appends something the test sees.
inline const std::string kOrder =
    R"({"supplier":"ACME","lines":[{"product":"LAPTOP","quantity":"1","unit_price":"10.00",)"
    R"("cost_center":"IT"}]})";

// Requests as bytes, authenticated with kToken.
std::string AuthLine();
std::string GetRequest(const std::string& target);
// A POST head whose body framing is `framing` (header lines, each ending in
// CRLF), without the body.
std::string PostHead(const std::string& target, const std::string& framing);
std::string Request(const std::string& method, const std::string& target,
                    const std::string& body);
std::string PostRequest(const std::string& target, const std::string& body);

// Whether a fresh connection gets 200 for GET /healthz within timeout_ms,
// retrying while the server is at its connection limit (it may not have seen
// the client's last closes yet).
bool AnswersHealthz(int port, int timeout_ms);

// The resident memory of this process, which runs the server too.
int64_t VmRssKib();

class HttpFrontTest : public NodeTest {
 protected:
  // Small limits and short timeouts, so that every limit is reached fast.
  static api::ApiOptions FastOptions();

  void SetUp() override;
  void TearDown() override;

  // Replaces the server (same node) by one with `options`; returns once it
  // answers, and once the connection that asked is closed so that it holds
  // no place under connections_max.
  void StartServer(const api::ApiOptions& options);
  void StopServer();

  // The reference data an order needs: settings, VAT20, net30, cost centre
  // IT, category hardware, supplier ACME, product LAPTOP.
  void SeedOverHttp();

  uint64_t LogSize() { return CursorTotal(node().log().End()); }

  void ExpectStillServing();

  std::unique_ptr<api::ApiServer> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace ledger::testing
