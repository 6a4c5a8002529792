// The front door's bounds on one request: the size of its body and of its
// head, refused as soon as they are passed and without reading the rest, and
// the time its head and its body may take (slow clients hold no thread).
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/http_front_fixture.h"

namespace ledger::testing {
namespace {

using std::chrono::milliseconds;

// A declared body over the limit is refused from the head alone.

TEST_F(HttpFrontTest, OversizedContentLengthGets413BeforeAnyBodyAndTheConnectionCloses) {
  const uint64_t before = LogSize();
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send(PostHead("/v1/purchase-orders", "Content-Length: 10000000\r\n"),
                        In(kPatientMs)));
  // No body follows: a server that waits for it (or for its read timeout)
  // before refusing answers too late.
  auto r = conn.Read(In(kAtOnceMs));
  EXPECT_EQ(r.status, 413) << r.Describe();
  EXPECT_EQ(r.error_code(), "payload_too_large") << r.Describe();
  EXPECT_TRUE(conn.WaitClosed(In(kPatientMs)))
      << "the connection stays open although its body will never be read";
  EXPECT_EQ(LogSize(), before);
  ExpectStillServing();
}

TEST_F(HttpFrontTest, OversizedContentLengthWithExpectContinueGets413InsteadOf100) {
  const uint64_t before = LogSize();
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send(PostHead("/v1/purchase-orders",
                                 "Content-Length: 10000000\r\nExpect: 100-continue\r\n"),
                        In(kPatientMs)));
  // A client that asked waits for 100 before sending 10 MB; it must be told
  // 413 instead, so that it sends nothing.
  auto r = conn.Read(In(kAtOnceMs));
  EXPECT_EQ(r.status, 413) << r.Describe();
  EXPECT_EQ(r.error_code(), "payload_too_large") << r.Describe();
  EXPECT_TRUE(conn.WaitClosed(In(kPatientMs)));
  EXPECT_EQ(LogSize(), before);
  ExpectStillServing();
}

// Chunked bodies: the limit applies to what the chunks add up to.

TEST_F(HttpFrontTest, ChunkedBodyOverTheLimitGets413AndIsNotReadToTheEnd) {
  constexpr size_t kBodyBytes = 200 << 10;
  constexpr size_t kChunkBytes = 4 << 10;
  const uint64_t before = LogSize();
  // A valid order padded with whitespace: a server that ignored the limit
  // would create it.
  const std::string body = "{" + std::string(kBodyBytes, ' ') + kOrder.substr(1);
  std::string chunks;
  for (size_t at = 0; at < body.size(); at += kChunkBytes) {
    chunks += Chunk(std::string_view(body).substr(at, kChunkBytes));
  }
  chunks += "0\r\n\r\n";
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.connected());
  // Sending may fail (EPIPE, ECONNRESET) once the server stops reading.
  conn.Send(PostHead("/v1/purchase-orders", "Transfer-Encoding: chunked\r\n") + chunks,
            In(kPatientMs));
  auto r = conn.Read(In(kPatientMs));
  EXPECT_EQ(r.status, 413) << r.Describe();
  EXPECT_EQ(r.error_code(), "payload_too_large") << r.Describe();
  EXPECT_TRUE(conn.WaitClosed(In(kPatientMs))) << "the server keeps reading a body it refused";
  EXPECT_EQ(LogSize(), before);
  ExpectStillServing();
}

// Heads: a bound on header fields, on one line, and on the whole head.

TEST_F(HttpFrontTest, HeaderFloodsGet431AtOnce) {
  auto fill = [](int count) {
    std::string s;
    for (int i = 0; i < count; ++i) s += fmt::format("X-Fill-{}: v\r\n", i);
    return s;
  };
  // Host and Authorization count among the fields.
  const std::string start = "GET /v1/suppliers/ACME HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AuthLine();
  std::string seven_kib_fields;
  for (int i = 0; i < 3; ++i) {
    seven_kib_fields += fmt::format("X-Big-{}: {}\r\n", i, std::string(7 << 10, 'b'));
  }
  struct Case {
    std::string name;
    std::string request;
    int status;
  };
  const std::vector<Case> cases = {
      {"100 fields, the limit", start + fill(98) + "\r\n", 200},
      {"101 fields", start + fill(99) + "\r\n", 431},
      {"a 21 KiB head in 3 fields of 7 KiB", start + seven_kib_fields + "\r\n", 431},
      {"one 9 KiB field line", start + "X-Long: " + std::string(9 << 10, 'l') + "\r\n\r\n", 431},
  };
  for (const auto& c : cases) {
    auto r = Exchange(port_, c.request, kAtOnceMs);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.Describe();
    if (c.status != 200) {
      EXPECT_TRUE(r.is_json_error()) << c.name << ": " << r.Describe();
    }
  }
  auto after = Exchange(port_, GetRequest("/v1/suppliers/ACME"), kAtOnceMs);
  EXPECT_EQ(after.status, 200) << after.Describe();
  ExpectStillServing();
}

TEST_F(HttpFrontTest, TenThousandStreamedHeaderFieldsGet431AndMemoryStaysBounded) {
  constexpr int kFields = 10'000;
  constexpr int kFieldsPerSend = 100;
  constexpr int64_t kRssGrowthKibMax = 16 << 10;  // well under the 40 MB flood
  // 4 KiB a field (each line under the 8 KiB line limit): 40 MB in all, so a
  // server that kept every field would show in this process's memory.
  std::string batch;
  for (int i = 0; i < kFieldsPerSend; ++i) {
    batch += "X-Flood: " + std::string(4 << 10, 'f') + "\r\n";
  }
  const int64_t rss_before_kib = VmRssKib();
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", In(kPatientMs)));
  // As fast as the server takes them; sending fails once it stops reading.
  const Deadline send_by = In(5000);
  int sent_fields = 0;
  while (sent_fields < kFields && conn.Send(batch, send_by)) sent_fields += kFieldsPerSend;
  if (sent_fields == kFields) conn.Send("\r\n", send_by);
  auto r = conn.Read(In(kAtOnceMs));
  EXPECT_EQ(r.status, 431) << r.Describe() << " after " << sent_fields << " fields sent";
  const int64_t rss_growth_kib = VmRssKib() - rss_before_kib;
  EXPECT_LT(rss_growth_kib, kRssGrowthKibMax);
  ExpectStillServing();
}

TEST_F(HttpFrontTest, AFloodOfEmptyLinesIsAHeadOverItsLimit) {
  RawConnection conn(port_, In(kPatientMs));
  std::string empty_lines;
  for (int i = 0; i < (64 << 10); ++i) empty_lines += "\r\n";  // 128 KiB
  conn.Send(empty_lines, In(kPatientMs));
  auto r = conn.Read(In(kAtOnceMs));
  EXPECT_EQ(r.status, 431) << r.Describe();
  EXPECT_TRUE(conn.WaitClosed(In(kPatientMs)));
  ExpectStillServing();
}

// Slow heads (slowloris) hold no thread and have a deadline of their own;
// so does a body.

TEST_F(HttpFrontTest, SlowHeadsNeitherStarveOtherClientsNorOutliveTheHeaderTimeout) {
  constexpr int kSlow = 40;
  constexpr int kByteIntervalMs = 200;
  constexpr int64_t kClosedWithinMs = 3000;  // header_timeout_ms is 1000
  constexpr int kNormal = 20;
  constexpr int kNormalAnswerMsMax = 1000;
  // What the slow clients trickle: a head that never ends.
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  struct Slow {
    std::unique_ptr<RawConnection> conn;
    SteadyClock::time_point first_byte_at;
    std::optional<int64_t> closed_after_ms;
    int status = 0;
  };
  std::vector<Slow> slow(kSlow);
  for (auto& s : slow) {
    s.conn = std::make_unique<RawConnection>(port_, In(kPatientMs));
    ASSERT_TRUE(s.conn->connected());
  }
  const auto start = SteadyClock::now();
  std::thread trickler([&] {
    const Deadline stop_at = start + milliseconds(kClosedWithinMs + 500);
    size_t sent = 0;  // the same count for every connection
    for (auto tick = start; SteadyClock::now() < stop_at; tick += milliseconds(kByteIntervalMs)) {
      bool all_closed = true;
      for (auto& s : slow) {
        if (s.closed_after_ms) continue;
        if (sent > 0 && s.conn->WaitClosed(SteadyClock::now())) {
          s.closed_after_ms = MsSince(s.first_byte_at);
          s.status = s.conn->Read(SteadyClock::now()).status;
          continue;
        }
        all_closed = false;
        if (sent == 0) s.first_byte_at = SteadyClock::now();
        const char byte = sent < head.size() ? head[sent] : 'a';
        s.conn->Send(std::string_view(&byte, 1), In(kByteIntervalMs));
      }
      if (all_closed) break;
      ++sent;
      std::this_thread::sleep_until(tick + milliseconds(kByteIntervalMs));
    }
    // Frees whatever an old-style server still holds for them.
    for (auto& s : slow) s.conn.reset();
  });
  // While every slow head is under way (they end at 1 s), normal clients
  // come and go on fresh connections.
  std::this_thread::sleep_until(start + milliseconds(250));
  int normal_answered = 0;
  int64_t normal_ms_max = 0;
  for (int i = 0; i < kNormal; ++i) {
    const auto sent_at = SteadyClock::now();
    normal_answered += Exchange(port_, GetRequest("/healthz"), kNormalAnswerMsMax).status == 200;
    normal_ms_max = std::max(normal_ms_max, MsSince(sent_at));
    std::this_thread::sleep_until(sent_at + milliseconds(25));
  }
  trickler.join();
  EXPECT_EQ(normal_answered, kNormal) << "the slowest normal GET took " << normal_ms_max << " ms";
  int still_open = 0;
  int64_t closed_ms_max = 0;
  std::multiset<int> statuses;
  for (const auto& s : slow) {
    if (!s.closed_after_ms) {
      ++still_open;
      continue;
    }
    closed_ms_max = std::max(closed_ms_max, *s.closed_after_ms);
    if (s.status != 0) statuses.insert(s.status);
  }
  EXPECT_EQ(still_open, 0) << "slow connections still open " << kClosedWithinMs
                           << " ms after their first byte";
  EXPECT_LE(closed_ms_max, kClosedWithinMs);
  EXPECT_EQ(statuses.size(), statuses.count(408)) << "a slow head got another answer than 408";
  ExpectStillServing();
}

TEST_F(HttpFrontTest, ABodyThatDoesNotArriveInTimeGets408) {
  const uint64_t before = LogSize();
  RawConnection conn(port_, In(kPatientMs));
  // Half the body, then silence past read_timeout_ms (1 s in this fixture).
  conn.Send(PostHead("/v1/purchase-orders", fmt::format("Content-Length: {}\r\n", kOrder.size())) +
                kOrder.substr(0, kOrder.size() / 2),
            In(kPatientMs));
  const auto start = SteadyClock::now();
  auto r = conn.Read(In(kPatientMs));
  EXPECT_EQ(r.status, 408) << r.Describe();
  EXPECT_GE(MsSince(start), 800);
  EXPECT_TRUE(conn.WaitClosed(In(kPatientMs)));
  EXPECT_EQ(LogSize(), before);
}

}  // namespace
}  // namespace ledger::testing
