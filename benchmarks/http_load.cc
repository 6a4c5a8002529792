#include "benchmarks/http_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "events/status.h"

namespace ledger::bench {
namespace {

using Clock = std::chrono::steady_clock;

// An answer head or body beyond these cannot be one of the ledger's answers
// to our requests: reading on would only grow the buffer.
constexpr size_t kHeadBytesMax = 64 << 10;
constexpr size_t kBodyBytesMax = 16 << 20;
constexpr size_t kReadBytes = 64 << 10;  // one recv
constexpr int kEventsMax = 256;          // one epoll_wait
// How late a client thread may notice the end of a phase.
constexpr int kWaitMs = 10;
// How often a client thread looks for connects and requests past their
// deadline: deadlines are seconds long, a tenth of a second late is noise.
constexpr auto kScanInterval = std::chrono::milliseconds(100);

double Us(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

// The TcpExt counters are two lines: names, then values in the same order.
int64_t ReadListenDrops() {
  std::ifstream in("/proc/net/netstat");
  std::string line, names, values;
  while (std::getline(in, line)) {
    if (line.rfind("TcpExt:", 0) != 0) continue;
    if (names.empty()) {
      names = line;
    } else {
      values = line;
      break;
    }
  }
  std::istringstream n(names), v(values);
  std::string name, value;
  while (n >> name && v >> value) {
    if (name == "ListenDrops") return std::strtoll(value.c_str(), nullptr, 10);
  }
  return -1;
}

void RaiseOpenFilesLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  // Should it fail, sockets fail with EMFILE and count as failed connects.
  setrlimit(RLIMIT_NOFILE, &limit);
}

// ASCII case folding: the client must cost the shared cores as little as it
// can, and std::tolower consults the locale for every byte.
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool ContainsIgnoreCase(std::string_view s, std::string_view word) {
  for (size_t i = 0; i + word.size() <= s.size(); ++i) {
    if (EqualsIgnoreCase(s.substr(i, word.size()), word)) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct AnswerHead {
  int status = 0;
  size_t head_bytes = 0;  // through the blank line
  size_t body_bytes = 0;
  bool close = false;  // the server closes the connection after this answer
};

enum class Parse { kIncomplete, kDone, kBad };

// Reads the head at the start of `in`.
Parse ParseHead(std::string_view in, AnswerHead* head) {
  const size_t end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    return in.size() > kHeadBytesMax ? Parse::kBad : Parse::kIncomplete;
  }
  head->head_bytes = end + 4;
  std::string_view lines = in.substr(0, end + 2);  // every line ends with CRLF
  size_t eol = lines.find("\r\n");
  std::string_view status_line = lines.substr(0, eol);
  lines.remove_prefix(eol + 2);
  // "HTTP/1.1 201 Created"
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') {
    return Parse::kBad;
  }
  auto [p, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, head->status);
  if (ec != std::errc() || p != status_line.data() + 12) return Parse::kBad;
  head->close = status_line[7] == '0';  // HTTP/1.0 closes unless it says keep-alive
  bool has_length = false;
  while (!lines.empty()) {
    eol = lines.find("\r\n");
    std::string_view line = lines.substr(0, eol);
    lines.remove_prefix(eol + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Parse::kBad;
    std::string_view name = line.substr(0, colon), value = Trim(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "Content-Length")) {
      auto [q, e] = std::from_chars(value.data(), value.data() + value.size(), head->body_bytes);
      const bool whole = e == std::errc() && q == value.data() + value.size();
      if (!whole || head->body_bytes > kBodyBytesMax) {
        return Parse::kBad;
      }
      has_length = true;
    } else if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      return Parse::kBad;
    } else if (EqualsIgnoreCase(name, "Connection")) {
      if (ContainsIgnoreCase(value, "close")) head->close = true;
      if (ContainsIgnoreCase(value, "keep-alive")) head->close = false;
    }
  }
  return has_length ? Parse::kDone : Parse::kBad;
}

// When each phase ends; shared by the client threads.
class Phases {
 public:
  Phases(const HttpLoadOptions& o, Clock::time_point start)
      : warm_end(start + std::chrono::milliseconds(o.warmup_ms)),
        drain(std::chrono::milliseconds(o.drain_ms)),
        requests_max_(o.requests_max),
        window_end_(
            (warm_end + std::chrono::milliseconds(o.window_ms)).time_since_epoch().count()) {}

  const Clock::time_point warm_end;
  const Clock::duration drain;

  // Only ever moves earlier, so that the drain's end does too.
  Clock::time_point WindowEnd() const {
    return Clock::time_point(Clock::duration(window_end_.load(std::memory_order_relaxed)));
  }
  // Counts a 2xx answer of the window; the requests_max-th ends the window.
  void CountWindowAnswer(Clock::time_point now) {
    if (window_answers_.fetch_add(1, std::memory_order_relaxed) + 1 < requests_max_) return;
    Clock::rep end = window_end_.load();
    const Clock::rep at = now.time_since_epoch().count();
    // Another thread may have ended the window a moment earlier: keep that.
    while (at < end && !window_end_.compare_exchange_weak(end, at)) {
    }
  }

 private:
  const uint64_t requests_max_;
  std::atomic<uint64_t> window_answers_{0};
  std::atomic<Clock::rep> window_end_;
};

// One client thread: its connections, its epoll set, its counts.
class ClientThread {
 public:
  ClientThread(const HttpLoadOptions& options, const std::vector<HttpLoadGroup>& groups,
               const sockaddr_in& server, Phases* phases)
      : options_(options),
        groups_(groups),
        server_(server),
        phases_(*phases),
        epoll_fd_(epoll_create1(EPOLL_CLOEXEC)),
        next_request_(groups.size(), 0),
        results_(groups.size()),
        read_buffer_(kReadBytes) {
    LEDGER_ASSERT(epoll_fd_ >= 0);
  }
  ~ClientThread() { close(epoll_fd_); }

  void AddConnection(size_t group) {
    Connection c;
    c.group = group;
    connections_.push_back(std::move(c));
  }

  // Connects every connection, runs the load, closes every connection.
  void Run();

  std::vector<HttpGroupResult>& results() { return results_; }

 private:
  enum class State { kClosed, kConnecting, kSending, kAwaiting, kIdle };

  struct Connection {
    size_t group = 0;
    int fd = -1;
    State state = State::kClosed;
    Clock::time_point since;  // when the connect started, or the request was sent
    const std::string* request = nullptr;
    size_t sent_bytes = 0;
    std::string answer;  // bytes read so far
    AnswerHead head;
    bool head_done = false;
    bool watching_out = false;  // EPOLLOUT is in the epoll set: a request's rest waits
    double latency_us_max = 0;
  };

  // A connection waits for the server while connecting, sending or awaiting.
  static bool Busy(State s) {
    return s == State::kConnecting || s == State::kSending || s == State::kAwaiting;
  }
  void SetState(Connection& c, State s) {
    busy_ += static_cast<int>(Busy(s)) - static_cast<int>(Busy(c.state));
    c.state = s;
  }
  void Watch(Connection& c, uint32_t events, int op) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = static_cast<uint64_t>(&c - connections_.data());
    LEDGER_ASSERT(epoll_ctl(epoll_fd_, op, c.fd, &ev) == 0);
  }

  void Connect(Connection& c, Clock::time_point now);
  void OnConnected(Connection& c, Clock::time_point now);
  void SendNext(Connection& c, Clock::time_point now);
  void SendRest(Connection& c);
  void Receive(Connection& c, Clock::time_point now);
  void OnAnswer(Connection& c, Clock::time_point now);
  void CheckDeadlines(Clock::time_point now);
  // Records how long a request waited before it was given up.
  void Abandon(Connection& c, Clock::time_point now) {
    c.latency_us_max = std::max(c.latency_us_max, Us(now - c.since));
  }
  void Fail(Connection& c) {
    ++results_[c.group].failed;
    Close(c);
  }
  void Close(Connection& c) {
    close(c.fd);  // also takes it out of the epoll set
    c.fd = -1;
    SetState(c, State::kClosed);
  }

  const HttpLoadOptions& options_;
  const std::vector<HttpLoadGroup>& groups_;
  const sockaddr_in server_;
  Phases& phases_;
  const int epoll_fd_;
  // Sized before Run and never after: epoll events carry indexes into it.
  std::vector<Connection> connections_;
  std::vector<uint64_t> next_request_;  // per group, for the round robin
  std::vector<HttpGroupResult> results_;
  std::vector<char> read_buffer_;
  int busy_ = 0;
};

void ClientThread::Run() {
  const Clock::time_point start = Clock::now();
  for (auto& c : connections_) Connect(c, start);
  Clock::time_point next_check = start + kScanInterval;
  std::array<epoll_event, kEventsMax> events;
  // Bounded: the window ends by warm-up + window_ms, the drain by drain_ms
  // after it.
  for (;;) {
    const Clock::time_point now = Clock::now();
    const Clock::time_point window_end = phases_.WindowEnd();
    if (now >= window_end && (busy_ == 0 || now >= window_end + phases_.drain)) break;
    if (now >= next_check) {
      CheckDeadlines(now);
      next_check = now + kScanInterval;
    }
    const int n = epoll_wait(epoll_fd_, events.data(), kEventsMax, kWaitMs);
    LEDGER_ASSERT(n >= 0 || errno == EINTR);
    const Clock::time_point at = Clock::now();
    for (int i = 0; i < n; ++i) {
      Connection& c = connections_[events[i].data.u64];
      const uint32_t ev = events[i].events;
      switch (c.state) {
        case State::kConnecting:
          OnConnected(c, at);
          break;
        case State::kSending:
          if (ev & EPOLLOUT) SendRest(c);
          if (c.state == State::kSending && (ev & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
            Receive(c, at);
          }
          break;
        case State::kAwaiting:
        case State::kIdle:
          Receive(c, at);
          break;
        case State::kClosed:
          break;
      }
    }
  }
  const Clock::time_point end = Clock::now();
  for (auto& c : connections_) {
    HttpGroupResult& r = results_[c.group];
    if (c.state == State::kSending || c.state == State::kAwaiting) {
      ++r.requests_without_answer;
      Abandon(c, end);
    } else if (c.state == State::kConnecting) {
      ++r.failed;  // the drain outlasts every connect deadline: this one is past it
    }
    if (c.fd >= 0) Close(c);
    r.connection_latency_us_max.push_back(c.latency_us_max);
  }
}

void ClientThread::Connect(Connection& c, Clock::time_point now) {
  c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) {
    ++results_[c.group].failed;
    return;
  }
  // Each request goes out in one send; without this its segment could wait
  // for the ACK of the previous one.
  int one = 1;
  setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c.since = now;
  SetState(c, State::kConnecting);
  Watch(c, EPOLLOUT, EPOLL_CTL_ADD);
  if (connect(c.fd, reinterpret_cast<const sockaddr*>(&server_), sizeof server_) != 0 &&
      errno != EINPROGRESS) {
    Fail(c);
  }
}

void ClientThread::OnConnected(Connection& c, Clock::time_point now) {
  int error = 0;
  socklen_t size = sizeof error;
  if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) {
    Fail(c);
    return;
  }
  HttpGroupResult& r = results_[c.group];
  r.connect_us_max = std::max(r.connect_us_max, Us(now - c.since));
  Watch(c, EPOLLIN, EPOLL_CTL_MOD);
  c.watching_out = false;
  SendNext(c, now);
}

void ClientThread::SendNext(Connection& c, Clock::time_point now) {
  if (now >= phases_.WindowEnd()) {
    SetState(c, State::kIdle);
    return;
  }
  const auto& requests = groups_[c.group].requests;
  c.request = &requests[next_request_[c.group]++ % requests.size()];
  c.sent_bytes = 0;
  c.answer.clear();
  c.head_done = false;
  c.since = now;
  SendRest(c);
}

// A request is small and the socket's buffer empty in a closed loop, so one
// send takes it all; the rest of this is for a buffer that is not.
void ClientThread::SendRest(Connection& c) {
  const ssize_t n = send(c.fd, c.request->data() + c.sent_bytes,
                         c.request->size() - c.sent_bytes, MSG_NOSIGNAL);
  if (n < 0 && errno != EAGAIN && errno != EINTR) {
    Fail(c);
    return;
  }
  c.sent_bytes += static_cast<size_t>(std::max<ssize_t>(n, 0));
  const bool rest = c.sent_bytes < c.request->size();
  SetState(c, rest ? State::kSending : State::kAwaiting);
  if (rest == c.watching_out) return;
  Watch(c, rest ? EPOLLIN | EPOLLOUT : EPOLLIN, EPOLL_CTL_MOD);
  c.watching_out = rest;
}

void ClientThread::Receive(Connection& c, Clock::time_point now) {
  const ssize_t n = recv(c.fd, read_buffer_.data(), read_buffer_.size(), 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (c.state == State::kIdle) {
    // With no request in flight, the server may end the connection (an idle
    // keep-alive one); bytes it sends then, nobody asked for.
    if (n > 0) {
      Fail(c);
    } else {
      Close(c);
    }
    return;
  }
  if (n <= 0) {
    Fail(c);
    return;
  }
  c.answer.append(read_buffer_.data(), static_cast<size_t>(n));
  if (!c.head_done) {
    const Parse p = ParseHead(c.answer, &c.head);
    if (p == Parse::kBad) {
      Fail(c);
      return;
    }
    if (p == Parse::kIncomplete) return;
    c.head_done = true;
  }
  const size_t whole = c.head.head_bytes + c.head.body_bytes;
  if (c.answer.size() < whole) return;
  // Without pipelining, bytes beyond the answer are none of ours.
  if (c.answer.size() > whole) {
    Fail(c);
    return;
  }
  OnAnswer(c, now);
}

void ClientThread::OnAnswer(Connection& c, Clock::time_point now) {
  HttpGroupResult& r = results_[c.group];
  const bool ok = c.head.status >= 200 && c.head.status < 300;
  r.non_2xx += !ok;
  if (now >= phases_.warm_end) {
    const double us = Us(now - c.since);
    r.latency_us.push_back(us);
    c.latency_us_max = std::max(c.latency_us_max, us);
    if (ok && now < phases_.WindowEnd()) {
      ++r.ops;
      phases_.CountWindowAnswer(now);
    }
  }
  if (c.head.close) {
    ++r.reconnects;
    Close(c);
    if (now < phases_.WindowEnd()) Connect(c, now);
    return;
  }
  SendNext(c, now);
}

void ClientThread::CheckDeadlines(Clock::time_point now) {
  const auto connect_timeout = std::chrono::milliseconds(options_.connect_timeout_ms);
  const auto request_timeout = std::chrono::milliseconds(options_.request_timeout_ms);
  for (auto& c : connections_) {
    if (c.state == State::kConnecting && now - c.since >= connect_timeout) {
      Fail(c);
    } else if ((c.state == State::kSending || c.state == State::kAwaiting) &&
               now - c.since >= request_timeout) {
      Abandon(c, now);
      Fail(c);
    }
  }
}

}  // namespace

HttpLoadResult RunHttpLoad(const HttpLoadOptions& options,
                           const std::vector<HttpLoadGroup>& groups) {
  LEDGER_ASSERT(options.client_threads >= 1);
  LEDGER_ASSERT(options.drain_ms >= options.connect_timeout_ms);  // see the end of Run
  RaiseOpenFilesLimit();
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(options.port));
  LEDGER_ASSERT(inet_pton(AF_INET, options.host.c_str(), &server.sin_addr) == 1);

  const int64_t drops_before = ReadListenDrops();
  Phases phases(options, Clock::now());
  std::vector<std::unique_ptr<ClientThread>> clients;
  for (size_t i = 0; i < options.client_threads; ++i) {
    clients.push_back(std::make_unique<ClientThread>(options, groups, server, &phases));
  }
  const size_t shared = clients.size();
  size_t k = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    LEDGER_ASSERT(!groups[g].requests.empty());
    if (groups[g].own_thread) {
      clients.push_back(std::make_unique<ClientThread>(options, groups, server, &phases));
      for (size_t i = 0; i < groups[g].connections; ++i) clients.back()->AddConnection(g);
      continue;
    }
    for (size_t i = 0; i < groups[g].connections; ++i) clients[k++ % shared]->AddConnection(g);
  }
  std::vector<std::thread> threads;
  for (auto& c : clients) threads.emplace_back([&c] { c->Run(); });
  for (auto& t : threads) t.join();
  const int64_t drops_after = ReadListenDrops();

  HttpLoadResult result;
  result.seconds = std::chrono::duration<double>(phases.WindowEnd() - phases.warm_end).count();
  result.listen_drops = drops_before < 0 || drops_after < 0 ? -1 : drops_after - drops_before;
  for (size_t g = 0; g < groups.size(); ++g) {
    HttpGroupResult r;
    r.connections = groups[g].connections;
    for (auto& c : clients) {
      HttpGroupResult& part = c->results()[g];
      r.ops += part.ops;
      r.latency_us.insert(r.latency_us.end(), part.latency_us.begin(), part.latency_us.end());
      r.connection_latency_us_max.insert(r.connection_latency_us_max.end(),
                                         part.connection_latency_us_max.begin(),
                                         part.connection_latency_us_max.end());
      r.non_2xx += part.non_2xx;
      r.failed += part.failed;
      r.reconnects += part.reconnects;
      r.requests_without_answer += part.requests_without_answer;
      r.connect_us_max = std::max(r.connect_us_max, part.connect_us_max);
    }
    std::sort(r.latency_us.begin(), r.latency_us.end());
    std::sort(r.connection_latency_us_max.begin(), r.connection_latency_us_max.end());
    result.groups.push_back(std::move(r));
  }
  return result;
}

std::string FormatHttpRequest(std::string_view method, std::string_view target,
                              std::string_view header_lines, std::string_view body) {
  std::string r;
  r.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
  r.append(header_lines);
  if (method != "GET" && method != "HEAD") {
    r.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  r.append("\r\n").append(body);
  return r;
}

}  // namespace ledger::bench
