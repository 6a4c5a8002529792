// What reaches the log through the front door, and how it reads back: text
// checked at the edge, events of older ledgers still rendered as JSON, where
// the event feed starts and how its stream slots are shared, and the traces
// that uploads and the break glass leave.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "events/codec.h"
#include "tests/http_front_fixture.h"

namespace ledger::testing {
namespace {

using Json = nlohmann::json;

// Input at the edge (issue 9): every string that reaches an event is UTF-8
// text of a bounded length, or the request is refused; events written before
// that check still render as valid JSON.

TEST_F(HttpFrontTest, AnIdThatIsNotUtf8IsRefusedAtTheEdge) {
  // It once reached the engine, whose message quoting it made rendering the
  // answer throw on the writer thread and end the process.
  const uint64_t before = LogSize();
  auto r = Exchange(port_, PostRequest("/v1/purchase-orders/PO-%FF/confirm", "{}"), kPatientMs);
  EXPECT_EQ(r.status, 400) << r.Describe();
  EXPECT_EQ(r.error_code(), "malformed") << r.Describe();
  r = Exchange(port_, PostRequest("/v1/purchase-orders/" + std::string(300, 'P') + "/confirm", "{}"),
               kPatientMs);
  EXPECT_EQ(r.status, 400) << r.Describe();
  EXPECT_EQ(LogSize(), before);
  ExpectStillServing();
}

TEST_F(HttpFrontTest, HeadersThatReachEventsMustBeUtf8) {
  const uint64_t before = LogSize();
  struct Case {
    std::string header;
    int status;
  };
  const std::vector<Case> cases = {
      {"X-Correlation-Id: \xff\xfe\r\n", 400},
      {"X-Correlation-Id: caf\xc3\r\n", 400},      // a cut sequence
      {"X-Correlation-Id: \xc0\xaf\r\n", 400},    // an overlong '/'
      {"X-Correlation-Id: \xed\xa0\x80\r\n", 400},  // a surrogate
      {"Idempotency-Key: k-\xff\r\n", 400},
      {"X-Correlation-Id: " + std::string(129, 'c') + "\r\n", 400},
  };
  for (const auto& c : cases) {
    auto r = Exchange(port_,
                      PostHead("/v1/purchase-orders",
                               c.header + fmt::format("Content-Length: {}\r\n", kOrder.size())) +
                          kOrder,
                      kPatientMs);
    EXPECT_EQ(r.status, c.status) << c.header << ": " << r.Describe();
    EXPECT_EQ(r.error_code(), "malformed") << c.header;
  }
  EXPECT_EQ(LogSize(), before);
  // Text in any script is welcome.
  auto ok = Exchange(port_,
                     PostHead("/v1/purchase-orders",
                              "X-Correlation-Id: commande-\xc3\xa9t\xc3\xa9-\xe2\x82\xac\r\n" +
                                  fmt::format("Content-Length: {}\r\n", kOrder.size())) +
                         kOrder,
                     kPatientMs);
  EXPECT_EQ(ok.status, 201) << ok.Describe();
}

TEST_F(HttpFrontTest, EventsWrittenBeforeTheCheckStillRenderAsJson) {
  // As an older ledgerd wrote them: bytes that are not UTF-8 in an envelope
  // field and in a payload string.
  events::SupplierDefinedT sup;
  sup.name = "Acme \xff\xfe Ltd";
  sup.currency = "EUR";
  sup.billing_method = "received";
  Command cmd = ToCommand(domain::DefineReference{"OLD", Def(sup), Expect::kNew});
  cmd.correlation_id = "corr-\xff\xfe";
  auto out = Run(std::move(cmd), kAdmin);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  for (const auto& node_projection : node().projections()) {
    ASSERT_TRUE(node_projection->WaitFor(node().log().End(), std::chrono::seconds(10)));
  }
  // Every way of reading it answers valid JSON; the bad bytes are shown as
  // the text \xFF, not lost (an auditor can still search by them).
  for (const std::string target :
       {"/v1/events?after=0&limit=1000", "/v1/audit?limit=1000", "/v1/audit?stream=OLD",
        "/v1/audit?correlation=corr-%FF%FE"}) {
    auto r = Exchange(port_, GetRequest(target), kPatientMs);
    EXPECT_EQ(r.status, 200) << target << ": " << r.Describe();
    EXPECT_FALSE(r.json().is_discarded()) << target << " is not JSON: " << r.body.substr(0, 300);
    EXPECT_NE(r.body.find(R"(corr-\\xFF\\xFE)"), std::string::npos) << target;
    EXPECT_NE(r.body.find(R"(Acme \\xFF\\xFE Ltd)"), std::string::npos) << target;
  }
  auto supplier = Exchange(port_, GetRequest("/v1/suppliers/OLD"), kPatientMs);
  EXPECT_EQ(supplier.status, 200) << supplier.Describe();
  EXPECT_FALSE(supplier.json().is_discarded()) << supplier.body;
  ExpectStillServing();
}

// The event feed reads `after=0` and an empty `after` as the beginning.

TEST_F(HttpFrontTest, EventsAfterZeroOrEmptyStartFromTheBeginning) {
  auto first_page = Exchange(port_, GetRequest("/v1/events?limit=5"), kPatientMs);
  ASSERT_EQ(first_page.status, 200) << first_page.Describe();
  ASSERT_EQ(first_page.field("events").size(), 5u) << "the seed alone is more than a page";
  for (const char* target : {"/v1/events?after=0&limit=5", "/v1/events?after=&limit=5"}) {
    auto r = Exchange(port_, GetRequest(target), kPatientMs);
    EXPECT_EQ(r.status, 200) << target << ": " << r.Describe();
    EXPECT_EQ(r.field("events"), first_page.field("events")) << target;
    EXPECT_EQ(r.field("next"), first_page.field("next")) << target;
  }
  ExpectStillServing();
}

// Issue 9: one integrator cannot take every event-stream slot.
TEST_F(HttpFrontTest, EventStreamSlotsAreSharedFairly) {
  auto token_of = [&](const std::string& user) {
    Exchange(port_,
             PostRequest("/v1/users", Json{{"id", user}, {"name", user}, {"roles", {"integrator"}}}.dump()),
             kPatientMs);
    return Exchange(port_, PostRequest("/v1/users/" + user + "/tokens", "{}"), kPatientMs)
        .string_field("token");
  };
  const std::string ivan = token_of("ivan"), olga = token_of("olga");
  ASSERT_FALSE(ivan.empty());
  ASSERT_FALSE(olga.empty());
  auto stream_request = [](const std::string& token) {
    return "GET /v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
           "\r\n\r\n";
  };
  // An open stream: its head arrives, its body never ends.
  auto open_stream = [&](const std::string& token) {
    auto conn = std::make_unique<RawConnection>(port_, In(kPatientMs));
    conn->Send(stream_request(token), In(kPatientMs));
    conn->Read(In(500));
    return conn;
  };
  std::vector<std::unique_ptr<RawConnection>> ivans;
  for (int i = 0; i < 2; ++i) {
    ivans.push_back(open_stream(ivan));
    EXPECT_EQ(ivans.back()->pending().rfind("HTTP/1.1 200", 0), 0u) << ivans.back()->pending();
  }
  // A third for the same user: refused at once, while another user gets one.
  auto third = Exchange(port_, stream_request(ivan), kAtOnceMs);
  EXPECT_EQ(third.status, 429) << third.Describe();
  EXPECT_EQ(third.error_code(), "overloaded");
  auto olgas = open_stream(olga);
  EXPECT_EQ(olgas->pending().rfind("HTTP/1.1 200", 0), 0u) << olgas->pending();
  // A slot given back is free again.
  ivans.pop_back();
  const Deadline by = In(kPatientMs);
  std::unique_ptr<RawConnection> again;
  do {
    again = open_stream(ivan);
  } while (again->pending().rfind("HTTP/1.1 200", 0) != 0 && SteadyClock::now() < by);
  EXPECT_EQ(again->pending().rfind("HTTP/1.1 200", 0), 0u) << again->pending();
}

// Issue 9: an upload leaves a trace, who filed which document when.
TEST_F(HttpFrontTest, EveryAttachmentUploadIsRecorded) {
  auto upload = [&](const std::string& query, const std::string& media, const std::string& body) {
    return Exchange(port_,
                    "POST /v1/attachments" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                        AuthLine() + "Content-Type: " + media + "\r\n" +
                        fmt::format("Content-Length: {}\r\n\r\n", body.size()) + body,
                    kPatientMs);
  };
  const std::string quote = "%PDF-1.4 quote #Q-77";
  const uint64_t before = LogSize();
  auto first = upload("?name=quote%20Q-77.pdf", "application/pdf", quote);
  ASSERT_EQ(first.status, 201) << first.Describe();
  const std::string sha = first.string_field("sha256");
  EXPECT_EQ(first.string_field("name"), "quote Q-77.pdf");
  EXPECT_EQ(first.string_field("media_type"), "application/pdf");
  EXPECT_EQ(LogSize(), before + 1);
  // The same content filed again is filed again.
  ASSERT_EQ(upload("?name=again.pdf", "application/pdf", quote).status, 201);
  EXPECT_EQ(LogSize(), before + 2);
  for (const auto& p : node().projections()) {
    ASSERT_TRUE(p->WaitFor(node().log().End(), std::chrono::seconds(10)));
  }
  auto trail = Exchange(port_, GetRequest("/v1/audit?stream=" + sha), kPatientMs);
  ASSERT_EQ(trail.status, 200) << trail.Describe();
  const Json events = trail.field("events");
  ASSERT_EQ(events.size(), 2u) << trail.body;
  EXPECT_EQ(events[0]["type"], "AttachmentFiled");
  EXPECT_EQ(events[0]["actor"], "admin");
  EXPECT_EQ(events[0]["payload"]["name"], "quote Q-77.pdf");
  EXPECT_EQ(events[0]["payload"]["size"], quote.size());
  EXPECT_EQ(events[1]["payload"]["name"], "again.pdf");
  // A refused upload leaves nothing: no event, no stored content.
  const uint64_t after = LogSize();
  auto bad = upload("", "not a media type", "never stored");
  EXPECT_EQ(bad.status, 400) << bad.Describe();
  auto long_name = upload("?name=" + std::string(300, 'n'), "text/plain", "never stored");
  EXPECT_EQ(long_name.status, 400) << long_name.Describe();
  EXPECT_EQ(LogSize(), after);
  EXPECT_EQ(Exchange(port_, GetRequest("/v1/attachments/" + events::Sha256Hex("never stored")),
                     kPatientMs)
                .status,
            404);
}

// Issue 9: an admin who disables their own user does not lock everyone out:
// the server's admin token (break glass) authenticates whatever the log
// says, and --admin-token at start (EnsureAdmin) gives an enabled admin back.
TEST_F(HttpFrontTest, TheAdminTokenOfTheCommandLineBreaksTheGlass) {
  auto root = Exchange(
      port_, Request("POST", "/v1/users", R"({"id":"root","name":"Root","roles":["admin"]})"),
      kPatientMs);
  ASSERT_EQ(root.status, 201) << root.Describe();
  auto off = Exchange(port_,
                      Request("PUT", "/v1/users/admin",
                              R"({"name":"Administrator","roles":["admin"],"disabled":true})"),
                      kPatientMs);
  ASSERT_EQ(off.status, 200) << off.Describe();
  EXPECT_EQ(Exchange(port_, GetRequest("/v1/suppliers/ACME"), kPatientMs).status, 200)
      << "the admin token works even while the admin user is disabled";
  // What ledgerd does when it starts with --admin-token.
  ASSERT_TRUE(reference::EnsureAdmin(node().engine()).ok());
  EXPECT_EQ(Exchange(port_, GetRequest("/v1/users/admin"), kPatientMs).field("status"), "active");
  // Recorded, by "system".
  const uint64_t size = LogSize();
  ASSERT_TRUE(reference::EnsureAdmin(node().engine()).ok());
  EXPECT_EQ(LogSize(), size) << "an admin already enabled is left alone";
  for (const auto& p : node().projections()) {
    ASSERT_TRUE(p->WaitFor(node().log().End(), std::chrono::seconds(10)));
  }
  auto trail = Exchange(port_, GetRequest("/v1/audit?stream=admin&stream_type=user"), kPatientMs);
  ASSERT_EQ(trail.status, 200) << trail.Describe();
  const Json events = trail.field("events");
  ASSERT_GE(events.size(), 3u) << trail.body;
  EXPECT_EQ(events.back()["actor"], "system");
  EXPECT_EQ(events.back()["payload"]["disabled"], false);
}

}  // namespace
}  // namespace ledger::testing
