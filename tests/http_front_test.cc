// The HTTP front door as a client and an attacker see it: raw bytes over
// loopback sockets, answers read back byte by byte. Every wait has a deadline,
// so a server that never answers fails a test instead of hanging it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/server.h"
#include "engine/budgets/budget.h"
#include "engine/purchasing/commands.h"
#include "engine/reference/commands.h"
#include "events/codec.h"
#include "tests/process_support.h"
#include "tests/test_support.h"

namespace ledger::testing {
namespace {

using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;
using std::chrono::milliseconds;

constexpr const char* kToken = "front-test-admin";
// An answer that needs no waiting: the server has seen enough bytes to
// decide. Kept well under the fixture's 1 s header and read timeouts, so that
// an answer which only comes when one of those expires cannot pass for an
// immediate one.
constexpr int kAtOnceMs = 750;
// For what may legitimately wait on a 1 s timeout, and for closes.
constexpr int kPatientMs = 3000;

// A one-line order: every POST that should create one uses it, and every
// request that should be refused carries it, so that a server accepting what
// it must refuse appends something the test sees.
const std::string kOrder =
    R"({"supplier":"ACME","lines":[{"product":"LAPTOP","quantity":"1","unit_price":"10.00",)"
    R"("cost_center":"IT"}]})";

Deadline In(int ms) { return SteadyClock::now() + milliseconds(ms); }

int64_t MsSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start).count();
}

int LeftMs(Deadline deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, 60'000));
}

// One answer as the client received it.
struct RawResponse {
  int status = 0;  // 0: no whole answer before the deadline or the close; -1: not HTTP
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  Json json() const { return Json::parse(body, nullptr, false); }
  // A top-level field of a JSON object body, null if there is none.
  Json field(const char* key) const {
    Json j = json();
    return j.is_object() && j.contains(key) ? j[key] : Json();
  }
  std::string string_field(const char* key) const {
    Json f = field(key);
    return f.is_string() ? f.get<std::string>() : "";
  }
  std::string error_code() const {
    Json e = field("error");
    if (!e.is_object() || !e.contains("code") || !e["code"].is_string()) return "";
    return e["code"].get<std::string>();
  }
  // Whether the body is the error shape of SPEC §2.
  bool is_json_error() const {
    Json e = field("error");
    return e.is_object() && e.contains("code") && e.contains("message") && e.contains("details");
  }
  std::string Describe() const {
    if (status == 0) return "no answer";
    return fmt::format("{} {}", status, body.substr(0, 300));
  }
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Parses one whole response at the front of `in`. Returns the bytes it spans,
// or 0 if more are needed (an answer framed by the close needs `closed`).
size_t ParseResponse(const std::string& in, bool closed, RawResponse* out) {
  const size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return 0;
  RawResponse r;
  const size_t line_end = in.find("\r\n");
  const std::string status_line = in.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
    r.status = -1;
    r.body = in;
    *out = std::move(r);
    return in.size();
  }
  r.status = std::atoi(status_line.c_str() + 9);
  for (size_t at = line_end + 2; at < head_end;) {
    size_t end = in.find("\r\n", at);
    std::string line = in.substr(at, end - at);
    at = end + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t value_at = line.find_first_not_of(' ', colon + 1);
    r.headers[Lower(line.substr(0, colon))] =
        value_at == std::string::npos ? "" : line.substr(value_at);
  }
  size_t at = head_end + 4;
  if (r.status / 100 == 1 || r.status == 204 || r.status == 304) {
    *out = std::move(r);
    return at;
  }
  if (Lower(r.header("transfer-encoding")).find("chunked") != std::string::npos) {
    while (true) {
      size_t size_end = in.find("\r\n", at);
      if (size_end == std::string::npos) return 0;
      const size_t size = std::strtoul(in.c_str() + at, nullptr, 16);
      at = size_end + 2;
      if (size == 0) {
        size_t trailers_end = in.find("\r\n\r\n", size_end);
        if (trailers_end == std::string::npos) return 0;
        *out = std::move(r);
        return trailers_end + 4;
      }
      if (in.size() < at + size + 2) return 0;
      r.body.append(in, at, size);
      at += size + 2;
    }
  }
  if (!r.header("content-length").empty()) {
    const size_t length = std::strtoul(r.header("content-length").c_str(), nullptr, 10);
    if (in.size() < at + length) return 0;
    r.body = in.substr(at, length);
    *out = std::move(r);
    return at + length;
  }
  if (!closed) return 0;
  r.body = in.substr(at);
  *out = std::move(r);
  return in.size();
}

// A client connection on loopback that never blocks past a deadline.
// Sending also reads what the server answers meanwhile, so that an early
// answer (413 in the middle of a body) is kept even if the server then resets
// the connection. One thread at a time.
class RawConnection {
 public:
  RawConnection(int port, Deadline deadline) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    int one = 1;  // one byte per send must leave at once (slow clients)
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int r = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    if (r != 0 && errno != EINPROGRESS) return;
    if (r != 0) {
      pollfd p{fd_, POLLOUT, 0};
      if (poll(&p, 1, LeftMs(deadline)) <= 0) return;
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) return;
    }
    connected_ = true;
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }

  bool connected() const { return connected_; }
  // Whether the server has closed (or reset) the connection, as far as read.
  bool closed() const { return closed_ || !connected_; }
  // Bytes received and not yet returned by Read.
  const std::string& pending() const { return in_; }

  // Sends every byte unless the connection fails or closes, or the deadline
  // passes; returns whether all were sent. Never raises SIGPIPE.
  bool Send(std::string_view bytes, Deadline deadline) {
    if (!connected_) return false;
    size_t sent = 0;
    while (sent < bytes.size()) {
      pollfd p{fd_, POLLOUT | POLLIN, 0};
      int ready = poll(&p, 1, LeftMs(deadline));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return false;
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        ReadAvailable();
        if (closed_) return false;
      }
      if (p.revents & POLLOUT) {
        ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
          sent += static_cast<size_t>(n);
        } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return false;  // EPIPE, ECONNRESET: the server stopped reading
        }
      }
    }
    return true;
  }

  // The next whole answer; status 0 if none completes before the deadline or
  // the close.
  RawResponse Read(Deadline deadline) {
    while (true) {
      RawResponse r;
      if (size_t used = ParseResponse(in_, closed(), &r); used > 0) {
        in_.erase(0, used);
        return r;
      }
      if (closed()) return {};
      Fill(deadline);
      if (SteadyClock::now() >= deadline) {
        if (size_t used = ParseResponse(in_, closed(), &r); used > 0) {
          in_.erase(0, used);
          return r;
        }
        return {};
      }
    }
  }

  // Closes with a reset (SO_LINGER 0), as a client that gives up abruptly
  // or a load balancer does.
  void Reset() {
    if (fd_ < 0) return;
    linger hard{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close(fd_);
    fd_ = -1;
    connected_ = false;
  }

  // Whether the server closes the connection before the deadline; a deadline
  // already past checks without waiting. What arrives meanwhile is kept.
  bool WaitClosed(Deadline deadline) {
    while (!closed()) {
      Fill(deadline);
      if (closed()) break;
      if (SteadyClock::now() >= deadline) return false;
    }
    return true;
  }

 private:
  // Bounds what a misbehaving server can make the client hold.
  static constexpr size_t kReceivedBytesMax = 4 << 20;

  void Fill(Deadline deadline) {
    if (closed()) return;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, LeftMs(deadline)) > 0) ReadAvailable();
  }
  void ReadAvailable() {
    char buf[16 << 10];
    while (true) {
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        if (in_.size() < kReceivedBytesMax) in_.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      closed_ = true;  // 0: the server closed; ECONNRESET: it reset
      return;
    }
  }

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string in_;
};

std::string AuthLine() { return std::string("Authorization: Bearer ") + kToken + "\r\n"; }

std::string GetRequest(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AuthLine() + "\r\n";
}

// A POST head whose body framing is `framing` (header lines, each ending in
// CRLF), without the body.
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

std::string Chunk(std::string_view data, std::string_view extension = "") {
  return fmt::format("{:x}{}\r\n", data.size(), extension) + std::string(data) + "\r\n";
}

// One request on a fresh connection, its answer within timeout_ms.
RawResponse Exchange(int port, const std::string& request, int timeout_ms) {
  const Deadline deadline = In(timeout_ms);
  RawConnection conn(port, deadline);
  conn.Send(request, deadline);
  return conn.Read(deadline);
}

// Whether a fresh connection gets 200 for GET /healthz within timeout_ms,
// retrying while the server is at its connection limit (it may not have seen
// the client's last closes yet).
bool AnswersHealthz(int port, int timeout_ms) {
  const Deadline deadline = In(timeout_ms);
  do {
    if (Exchange(port, GetRequest("/healthz"), LeftMs(deadline)).status == 200) return true;
    std::this_thread::sleep_for(milliseconds(50));
  } while (SteadyClock::now() < deadline);
  return false;
}

// The resident memory of this process, which runs the server too.
int64_t VmRssKib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return -1;
}

class HttpFrontTest : public NodeTest {
 protected:
  // Small limits and short timeouts, so that every limit is reached fast.
  static api::ApiOptions FastOptions() {
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

  void SetUp() override {
    NodeTest::SetUp();
    clock_.Set(SystemClock().NowMicros());
    ASSERT_TRUE(reference::EnsureAdmin(node().engine()).ok());
    ASSERT_TRUE(node().StartProjections().ok());
    StartServer(FastOptions());
    if (HasFatalFailure()) return;
    SeedOverHttp();
  }
  void TearDown() override {
    StopServer();
    NodeTest::TearDown();
  }

  // Replaces the server (same node) by one with `options`; returns once it
  // answers, and once the connection that asked is closed so that it holds
  // no place under connections_max.
  void StartServer(const api::ApiOptions& options) {
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
  void StopServer() {
    if (!server_) return;
    server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  // The reference data an order needs: settings, VAT20, net30, cost centre
  // IT, category hardware, supplier ACME, product LAPTOP.
  void SeedOverHttp() {
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

  uint64_t LogSize() { return CursorTotal(node().log().End()); }

  void ExpectStillServing() {
    EXPECT_TRUE(AnswersHealthz(port_, kPatientMs)) << "the server no longer answers GET /healthz";
  }

  std::unique_ptr<api::ApiServer> server_;
  std::thread thread_;
  int port_ = 0;
};

// 1. Keep-alive connections share the threads instead of holding one each.

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

// 2. A declared body over the limit is refused from the head alone.

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

// 3. Chunked bodies: the limit applies to what the chunks add up to.

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

TEST_F(HttpFrontTest, ChunkedBodyWithAnExtensionAndATrailerCreatesTheOrder) {
  const uint64_t before = LogSize();
  const size_t third = kOrder.size() / 3;
  const std::string request =
      PostHead("/v1/purchase-orders", "Transfer-Encoding: chunked\r\n") +
      Chunk(std::string_view(kOrder).substr(0, third)) +
      Chunk(std::string_view(kOrder).substr(third, third), ";x=y") +
      Chunk(std::string_view(kOrder).substr(2 * third)) + "0\r\nX-Checksum: none\r\n\r\n";
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send(request, In(kPatientMs)));
  auto created = conn.Read(In(kPatientMs));
  ASSERT_EQ(created.status, 201) << created.Describe();
  EXPECT_GT(LogSize(), before);
  // The trailer ended that request: the connection serves the next one.
  const std::string id = created.string_field("id");
  ASSERT_TRUE(conn.Send(GetRequest("/v1/purchase-orders/" + id), In(kPatientMs)));
  auto read = conn.Read(In(kPatientMs));
  EXPECT_EQ(read.status, 200) << read.Describe();
  EXPECT_EQ(read.string_field("supplier"), "ACME") << read.Describe();
  ExpectStillServing();
}

// 4. Heads: a bound on header fields, on one line, and on the whole head.

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

// 5. Pipelining: requests written together are answered in order.

TEST_F(HttpFrontTest, ThreePipelinedGetsAreAnsweredInOrderOnOneConnection) {
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
                            GetRequest("/v1/suppliers/ACME") + GetRequest("/healthz"),
                        In(kPatientMs)));
  auto first = conn.Read(In(kPatientMs));
  auto second = conn.Read(In(kPatientMs));
  auto third = conn.Read(In(kPatientMs));
  EXPECT_EQ(first.status, 200) << first.Describe();
  EXPECT_EQ(first.string_field("status"), "ok");
  EXPECT_EQ(second.status, 200) << second.Describe();
  EXPECT_EQ(second.string_field("name"), "Acme") << "answers out of order: " << second.Describe();
  EXPECT_EQ(third.status, 200) << third.Describe();
  EXPECT_EQ(third.string_field("status"), "ok");
  ExpectStillServing();
}

TEST_F(HttpFrontTest, APipelinedGetThenPostAreBothAnsweredAndTheOrderExists) {
  const uint64_t before = LogSize();
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send(GetRequest("/healthz") + PostRequest("/v1/purchase-orders", kOrder),
                        In(kPatientMs)));
  auto health = conn.Read(In(kPatientMs));
  auto created = conn.Read(In(kPatientMs));
  EXPECT_EQ(health.status, 200) << health.Describe();
  EXPECT_EQ(health.string_field("status"), "ok");
  ASSERT_EQ(created.status, 201) << created.Describe();
  EXPECT_GT(LogSize(), before);
  ASSERT_TRUE(
      conn.Send(GetRequest("/v1/purchase-orders/" + created.string_field("id")), In(kPatientMs)));
  auto read = conn.Read(In(kPatientMs));
  EXPECT_EQ(read.status, 200) << read.Describe();
  EXPECT_EQ(read.string_field("id"), created.string_field("id"));
  ExpectStillServing();
}

TEST_F(HttpFrontTest, NothingPipelinedAfterConnectionCloseIsAnsweredOrExecuted) {
  const uint64_t before = LogSize();
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" +
                            PostRequest("/v1/purchase-orders", kOrder),
                        In(kPatientMs)));
  auto first = conn.Read(In(kPatientMs));
  EXPECT_EQ(first.status, 200) << first.Describe();
  EXPECT_TRUE(conn.WaitClosed(In(kPatientMs))) << "the connection outlived Connection: close";
  EXPECT_EQ(conn.pending(), "") << "a request after Connection: close was answered";
  EXPECT_EQ(LogSize(), before) << "a request after Connection: close was executed";
  ExpectStillServing();
}

// 6. Framing a server could read two ways is refused (request smuggling).

TEST_F(HttpFrontTest, ConflictingOrUnknownBodyFramingIsRefusedAndAppendsNothing) {
  const std::string chunked = Chunk(kOrder) + "0\r\n\r\n";
  const size_t n = kOrder.size();
  struct Case {
    std::string name;
    std::string framing;
    std::string body;
    std::set<int> statuses;
    bool closes;
  };
  // Each body is the whole order under one of the readings, so that a
  // lenient server creates it.
  const std::vector<Case> cases = {
      {"two different Content-Length",
       fmt::format("Content-Length: {}\r\nContent-Length: {}\r\n", n, n + 5), kOrder, {400}, true},
      {"Content-Length and chunked",
       fmt::format("Content-Length: {}\r\nTransfer-Encoding: chunked\r\n", chunked.size()),
       chunked, {400}, false},
      {"Content-Length <n>abc", fmt::format("Content-Length: {}abc\r\n", n), kOrder, {400}, false},
      {"Content-Length -1", "Content-Length: -1\r\n", kOrder, {400}, false},
      {"Content-Length +<n>", fmt::format("Content-Length: +{}\r\n", n), kOrder, {400}, false},
      {"Transfer-Encoding gzip, chunked", "Transfer-Encoding: gzip, chunked\r\n", chunked,
       {400, 501}, false},
      {"Transfer-Encoding identity", "Transfer-Encoding: identity\r\n", kOrder, {400, 501}, false},
  };
  for (const auto& c : cases) {
    const uint64_t before = LogSize();
    RawConnection conn(port_, In(kPatientMs));
    conn.Send(PostHead("/v1/purchase-orders", c.framing) + c.body, In(kPatientMs));
    auto r = conn.Read(In(kPatientMs));
    EXPECT_TRUE(c.statuses.count(r.status)) << c.name << ": " << r.Describe();
    EXPECT_TRUE(r.is_json_error()) << c.name << ": " << r.Describe();
    if (c.closes) {
      EXPECT_TRUE(conn.WaitClosed(In(kPatientMs))) << c.name << ": the connection stays open";
    }
    EXPECT_EQ(LogSize(), before) << c.name;
  }
  ExpectStillServing();
}

// 7. What is not a request is refused at once, on its own connection.

TEST_F(HttpFrontTest, MalformedRequestLinesAndFieldsGet400AtOnce) {
  struct Case {
    std::string name;
    std::string bytes;
    std::set<int> statuses;
  };
  // With Host, so that a server requiring it cannot refuse for that reason.
  const std::vector<Case> cases = {
      {"no spaces", "GARBAGE\r\n\r\n", {400}},
      {"a method alone", "GET\r\n\r\n", {400}},
      {"HTTP/9.9", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", {400, 505}},
      {"two spaces", "GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n", {400}},
      {"no leading slash", "GET healthz HTTP/1.1\r\nHost: x\r\n\r\n", {400}},
      {"a 10 KiB request line",
       "GET /healthz?pad=" + std::string(10 << 10, 'p') + " HTTP/1.1\r\nHost: x\r\n\r\n",
       {414, 431}},
      {"bare LF line endings", "GET /healthz HTTP/1.1\nHost: x\n\n", {400}},
      {"a field without a colon", "GET /healthz HTTP/1.1\r\nHost x\r\n\r\n", {400}},
      {"a space before the colon", "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", {400}},
  };
  for (const auto& c : cases) {
    auto r = Exchange(port_, c.bytes, kAtOnceMs);
    EXPECT_TRUE(c.statuses.count(r.status)) << c.name << ": " << r.Describe();
    EXPECT_TRUE(r.is_json_error()) << c.name << ": " << r.Describe();
  }
  ExpectStillServing();
}

TEST_F(HttpFrontTest, ATlsClientHelloGets400AndTheConnectionCloses) {
  // The start of a TLS 1.2/1.3 ClientHello (record header, handshake header,
  // version, random, session id): what `curl https://` sends to a plain HTTP
  // port. No CR or LF in it: nothing to wait for.
  const unsigned char hello[] = {
      0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x5b, 0x9e, 0x41, 0x2f,
      0xc7, 0x88, 0x31, 0x6e, 0x02, 0xf4, 0x97, 0x55, 0xab, 0x3c, 0x61, 0x19, 0xe8, 0x7d, 0x26,
      0x44, 0xb0, 0x93, 0x5f, 0x12, 0xc1, 0x6b, 0x38, 0xfa, 0x07, 0x84, 0x21, 0xde, 0x20, 0x8c,
      0x36, 0x91, 0x4e, 0x57, 0xa2, 0x1b, 0xcf, 0x64, 0x09, 0xe1, 0x72, 0x3b, 0x98, 0x45, 0xbd,
      0x16, 0x2c, 0x83, 0x5a, 0xf0, 0x67, 0x0e, 0xc9, 0x34, 0x7b, 0xa6, 0x11, 0xd8, 0x4f, 0x92,
      0x00, 0x3e, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01, 0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9f};
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send(std::string_view(reinterpret_cast<const char*>(hello), sizeof hello),
                        In(kPatientMs)));
  auto r = conn.Read(In(kAtOnceMs));
  EXPECT_EQ(r.status, 400) << r.Describe();
  EXPECT_TRUE(conn.WaitClosed(In(kPatientMs)));
  ExpectStillServing();
}

// 8. Slow heads (slowloris) hold no thread and have a deadline of their own.

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

// 9. A POST must say how long its body is.

TEST_F(HttpFrontTest, APostWithoutContentLengthOrTransferEncodingIsMalformedAtOnce) {
  const uint64_t before = LogSize();
  auto r = Exchange(port_, PostHead("/v1/purchase-orders", ""), kAtOnceMs);
  EXPECT_EQ(r.status, 400) << r.Describe();
  EXPECT_EQ(r.error_code(), "malformed") << r.Describe();
  EXPECT_EQ(LogSize(), before);
  ExpectStillServing();
}

// 10. A bound on open connections, told to the client over the limit.

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

// 11. The event feed reads `after=0` and an empty `after` as the beginning.

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

// Found in review: what a client can do to a deferred answer, bytes
// before a request line, HTTP/1.0, expectations, slow bodies, pipelined
// commands, and a stop with requests in flight.

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

// Input at the edge (issue 9): every string that reaches an event is UTF-8
// text of a bounded length, or the request is refused; events written before
// that check still render as valid JSON.

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

TEST_F(HttpFrontTest, HttpOneZeroGetsOneAnswerAndAClose) {
  const uint64_t before = LogSize();
  RawConnection conn(port_, In(kPatientMs));
  conn.Send("POST /v1/purchase-orders HTTP/1.0\r\nConnection: keep-alive\r\n" + AuthLine() +
                fmt::format("Content-Length: {}\r\n\r\n", kOrder.size()) + kOrder,
            In(kPatientMs));
  auto r = conn.Read(In(kPatientMs));
  EXPECT_EQ(r.status, 201) << r.Describe();
  EXPECT_EQ(Lower(r.header("connection")), "close") << "the answer must say what happens next";
  EXPECT_TRUE(conn.WaitClosed(In(kPatientMs)));
  EXPECT_EQ(LogSize(), before + 2);
}

TEST_F(HttpFrontTest, AnExpectedContinueIsSentBeforeTheBody) {
  RawConnection conn(port_, In(kPatientMs));
  conn.Send(PostHead("/v1/purchase-orders", fmt::format("Expect: 100-continue\r\n"
                                                        "Content-Length: {}\r\n",
                                                        kOrder.size())),
            In(kPatientMs));
  auto interim = conn.Read(In(kAtOnceMs));
  EXPECT_EQ(interim.status, 100) << interim.Describe();
  conn.Send(kOrder, In(kPatientMs));
  auto r = conn.Read(In(kPatientMs));
  EXPECT_EQ(r.status, 201) << r.Describe();
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

TEST_F(HttpFrontTest, PipelinedCommandsAreExecutedAndAnsweredInOrder) {
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send(PostRequest("/v1/purchase-orders", kOrder) +
                            PostRequest("/v1/purchase-orders", kOrder) +
                            GetRequest("/v1/purchase-orders/nothing-here"),
                        In(kPatientMs)));
  auto first = conn.Read(In(kPatientMs));
  auto second = conn.Read(In(kPatientMs));
  auto third = conn.Read(In(kPatientMs));
  ASSERT_EQ(first.status, 201) << first.Describe();
  ASSERT_EQ(second.status, 201) << second.Describe();
  EXPECT_EQ(third.status, 404) << third.Describe();
  // Numbers are gap-free and given in the order the commands came.
  const std::string a = first.string_field("id"), b = second.string_field("id");
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::stoi(b.substr(b.rfind('-') + 1)), std::stoi(a.substr(a.rfind('-') + 1)) + 1);
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


// 12. A second server on a port already taken says so and leaves the first
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

// 13. Idle keep-alive connections are closed after keep_alive_idle_ms.

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

}  // namespace
}  // namespace ledger::testing
