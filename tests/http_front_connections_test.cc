// The front door's connections: keep-alive connections share the threads
// instead of holding one each, open connections are bounded and idle ones
// closed, clients that reset and a stop with requests in flight leave no
// request unanswered or half done, and a second ledgerd on a taken port
// leaves the first alone.
#include <fmt/format.h>

#include <algorithm>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/http_front_fixture.h"
#include "tests/process_support.h"

namespace ledger::testing {
namespace {

using std::chrono::milliseconds;

// Keep-alive connections share the threads instead of holding one each.

TEST_F(HttpFrontTest, SixtyFourKeepAliveConnectionsEachServeFiveRequests) {
  constexpr int kConnections = 64;
  constexpr int kRequestsPerConnection = 5;
  constexpr int kAnswerMsMax = 5000;
  constexpr int64_t kAllMsMax = 30'000;
  const uint64_t before = LogSize();
  std::mutex mu;
  std::vector<std::string> failures;  // guarded by mu
  std::set<std::string> ids;          // guarded by mu
  std::latch connected(kConnections);
  const auto start = SteadyClock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < kConnections; ++c) {
    clients.emplace_back([&, c] {
      RawConnection conn(port_, In(kAnswerMsMax));
      // Every connection is open before any sends, so that all compete.
      connected.arrive_and_wait();
      auto fail = [&](const std::string& what) {
        std::lock_guard lock(mu);
        failures.push_back(fmt::format("connection {}: {}", c, what));
      };
      if (!conn.connected()) return fail("cannot connect");
      std::string id;
      for (int i = 0; i < kRequestsPerConnection; ++i) {
        const bool post = i % 2 == 0;  // create, read it back, create, ...
        const Deadline answer_by = In(kAnswerMsMax);
        conn.Send(post ? PostRequest("/v1/purchase-orders", kOrder)
                       : GetRequest("/v1/purchase-orders/" + id),
                  answer_by);
        auto r = conn.Read(answer_by);
        if (r.status != (post ? 201 : 200) || r.string_field("id").empty() ||
            (!post && r.string_field("id") != id)) {
          return fail(fmt::format("request {} (id {}): {}", i, id, r.Describe()));
        }
        id = r.string_field("id");
        if (post) {
          std::lock_guard lock(mu);
          ids.insert(id);
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  const int64_t all_ms = MsSince(start);
  EXPECT_TRUE(failures.empty()) << failures.size() << " connections failed, e.g. "
                                << (failures.empty() ? "" : failures.front());
  EXPECT_EQ(ids.size(), size_t{kConnections * 3}) << "every POST creates its own order";
  EXPECT_LE(all_ms, kAllMsMax);
  EXPECT_GT(LogSize(), before);
  ExpectStillServing();
}

TEST_F(HttpFrontTest, AGetIsAnsweredWhileSixtyFourKeepAliveConnectionsSitIdle) {
  constexpr int kIdle = 64;
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < kIdle; ++i) {
    idle.push_back(std::make_unique<RawConnection>(port_, In(kPatientMs)));
    idle.back()->Send(GetRequest("/healthz"), In(kPatientMs));
  }
  // One request each, then silence: each is now an idle keep-alive connection.
  const Deadline setup_by = In(5000);
  int answered = 0;
  for (auto& c : idle) answered += c->Read(setup_by).status == 200;
  EXPECT_EQ(answered, kIdle);

  auto r = Exchange(port_, GetRequest("/v1/suppliers/ACME"), 1000);
  EXPECT_EQ(r.status, 200) << "within 1 s, beside 64 idle connections: " << r.Describe();
  EXPECT_EQ(r.string_field("name"), "Acme");
  idle.clear();
  ExpectStillServing();
}

// A bound on open connections, told to the client over the limit.

TEST_F(HttpFrontTest, OneConnectionOverTheLimitGets503AndIsClosed) {
  constexpr int kConnectionsMax = 16;
  auto options = FastOptions();
  options.connections_max = kConnectionsMax;
  StartServer(options);
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < kConnectionsMax; ++i) {
    open.push_back(std::make_unique<RawConnection>(port_, In(kPatientMs)));
    open.back()->Send(GetRequest("/healthz"), In(kPatientMs));
  }
  const Deadline setup_by = In(5000);
  int answered = 0;
  for (auto& c : open) answered += c->Read(setup_by).status == 200;
  ASSERT_EQ(answered, kConnectionsMax) << "the connections under the limit are not all served";

  RawConnection extra(port_, In(kPatientMs));
  extra.Send(GetRequest("/healthz"), In(kPatientMs));
  auto r = extra.Read(In(kAtOnceMs));
  EXPECT_EQ(r.status, 503) << r.Describe();
  EXPECT_TRUE(r.error_code() == "unavailable" || r.error_code() == "overloaded") << r.Describe();
  EXPECT_TRUE(extra.WaitClosed(In(kPatientMs)));

  // Closing a few frees their places; those kept open are still served.
  open.resize(kConnectionsMax - 4);
  EXPECT_TRUE(AnswersHealthz(port_, kPatientMs)) << "no place freed by closing connections";
  ASSERT_TRUE(open.front()->Send(GetRequest("/healthz"), In(kPatientMs)));
  EXPECT_EQ(open.front()->Read(In(1000)).status, 200);
  open.clear();
  ExpectStillServing();
}

// Idle keep-alive connections are closed after keep_alive_idle_ms.

TEST_F(HttpFrontTest, AnIdleKeepAliveConnectionIsClosedAfterItsIdleTime) {
  constexpr int kIdleMs = 500;
  constexpr int kClosedWithinMs = 2000;
  auto options = FastOptions();
  options.keep_alive_idle_ms = kIdleMs;
  StartServer(options);
  RawConnection conn(port_, In(kPatientMs));
  // Two requests: the connection is kept alive between them.
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(conn.Send(GetRequest("/healthz"), In(kPatientMs)));
    auto r = conn.Read(In(1000));
    ASSERT_EQ(r.status, 200) << r.Describe();
  }
  const auto idle_from = SteadyClock::now();
  EXPECT_TRUE(conn.WaitClosed(In(kClosedWithinMs)))
      << "still open after " << MsSince(idle_from) << " ms of silence";
  ExpectStillServing();
}

// What a client can do to a deferred answer, and a stop with requests in
// flight.

TEST_F(HttpFrontTest, ClientsThatResetWhileTheirCommandRunsDoNotHurtTheServer) {
  const uint64_t before = LogSize();
  constexpr int kResets = 50;
  for (int i = 0; i < kResets; ++i) {
    RawConnection conn(port_, In(kPatientMs));
    ASSERT_TRUE(conn.Send(PostRequest("/v1/purchase-orders", kOrder), In(kPatientMs)));
    conn.Reset();  // RST while the answer waits for the log
  }
  // A command received whole is executed (the client just never hears of
  // it); one the reset overtook is not: whole commands only, and the server
  // goes on.
  const Deadline by = In(kPatientMs);
  uint64_t size = LogSize();
  for (uint64_t last = ~uint64_t{0}; size != last && SteadyClock::now() < by;) {
    last = size;
    std::this_thread::sleep_for(milliseconds(300));
    size = LogSize();
  }
  EXPECT_LE(size - before, 2u * kResets);
  EXPECT_EQ((size - before) % 2, 0u);  // created + line added, per order
  ExpectStillServing();
}

TEST_F(HttpFrontTest, AStopAnswersEveryRequestItReceived) {
  constexpr int kClients = 64;
  const uint64_t before = LogSize();
  std::vector<std::unique_ptr<RawConnection>> conns;
  for (int i = 0; i < kClients; ++i) {
    conns.push_back(std::make_unique<RawConnection>(port_, In(kPatientMs)));
    ASSERT_TRUE(conns.back()->Send(PostRequest("/v1/purchase-orders", kOrder), In(kPatientMs)));
  }
  server_->Stop();
  std::map<int, int> statuses;
  for (auto& c : conns) ++statuses[c->Read(In(kPatientMs)).status];
  // Executed (201) or refused as not executed (503): never silence.
  EXPECT_EQ(statuses[201] + statuses[503], kClients) << "unanswered: " << statuses[0];
  thread_.join();
  server_.reset();
  // What was answered 201 was executed, what was answered 503 was not.
  EXPECT_EQ(LogSize(), before + 2 * static_cast<uint64_t>(statuses[201]));
}

// A second server on a port already taken says so and leaves the first
// alone (the real binary: the listening socket is set up in main).

TEST(HttpFrontProcessTest, ASecondLedgerdOnATakenPortExitsNamingThePort) {
  constexpr int kExitMsMax = 10'000;
  TempDir first_dir;
  TempDir second_dir;
  LedgerdProcess first({"--data-dir", first_dir.path(), "--listen", "127.0.0.1:0",
                        "--admin-token", kToken});
  ASSERT_GT(first.port(), 0) << first.output();
  const std::string port = std::to_string(first.port());
  const auto started_at = SteadyClock::now();
  // Another admin token: a request that reaches the second gets 401 for ours.
  LedgerdProcess second({"--data-dir", second_dir.path(), "--listen", "127.0.0.1:" + port,
                         "--admin-token", "second-admin"},
                        /*capture_stderr=*/true, kExitMsMax);
  const auto exit_code =
      second.WaitExit(static_cast<int>(std::max<int64_t>(0, kExitMsMax - MsSince(started_at))));
  EXPECT_EQ(second.port(), 0) << "the second ledgerd claims to listen on the taken port";
  EXPECT_TRUE(exit_code.has_value()) << "still running after " << kExitMsMax
                                     << " ms: " << second.output();
  if (exit_code) {
    EXPECT_NE(*exit_code, 0) << second.output();
  }
  EXPECT_NE(second.output().find(port), std::string::npos)
      << "the message does not name port " << port << ": " << second.output();

  // Asked while the second may still run: if it shares the port, the kernel
  // hands it some of these connections.
  int healthy = 0;
  int reached_first = 0;
  for (int i = 0; i < 20; ++i) {
    healthy += Exchange(first.port(), GetRequest("/healthz"), kPatientMs).status == 200;
    reached_first +=
        Exchange(first.port(), GetRequest("/v1/events?limit=1"), kPatientMs).status == 200;
  }
  EXPECT_EQ(healthy, 20);
  EXPECT_EQ(reached_first, 20) << "some requests reached another server than the first";
}

}  // namespace
}  // namespace ledger::testing
