#include "api/front_door.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

#include "api/front_door_connection.h"
#include "engine/threads.h"

namespace ledger::api {
namespace {

using std::chrono::milliseconds;

// How often deadlines are checked: the precision of every timeout.
constexpr milliseconds kSweepInterval{100};
// After a refused request or a `Connection: close` answer the socket is
// half-closed and drained this long, so that the client reads the answer
// instead of a reset caused by bytes it was still sending.
constexpr milliseconds kLinger{2000};
constexpr size_t kLingerBytesMax = 1 << 20;
constexpr size_t kReadChunkBytes = 64 << 10;
// Connections draining before their close (they no longer count under
// connections_max); beyond, a connection is closed at once.
constexpr size_t kLingeringMax = 1024;
// Connections accepted per wake-up of the loop, so that a connect storm
// cannot starve the connections already open.
constexpr int kAcceptsPerWakeMax = 1024;
// Output kept allocated between answers; larger buffers are released.
constexpr size_t kKeptBufferBytesMax = 256 << 10;

// epoll tags for the two descriptors that are not connections.
char kListenTag;
char kWakeTag;

}  // namespace

FrontDoor::FrontDoor(FrontDoorOptions options, Classifier classify, Responder respond)
    : options_(std::move(options)), classify_(std::move(classify)), respond_(std::move(respond)) {
  LEDGER_ASSERT(!options_.lanes.empty());
  for (const auto& l : options_.lanes) {
    LEDGER_ASSERT(l.threads > 0);
    lanes_.push_back(std::make_unique<Lane>());
    lanes_.back()->options = l;
  }
}

FrontDoor::~FrontDoor() {
  Stop();
  for (auto& c : connections_) {
    if (c) ::close(c->fd);
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (spare_fd_ >= 0) ::close(spare_fd_);
}


Result<int> FrontDoor::Bind() {
  if (options_.listen_fd >= 0) {
    listen_fd_ = options_.listen_fd;
  } else {
    auto fd = OpenListener(options_.host, options_.port, options_.listen_backlog);
    if (!fd.ok()) return fd.status();
    listen_fd_ = *fd;
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  int bound_port = 0;
  AddressOf(bound, &bound_port);

  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    return Status::Unavailable(fmt::format("cannot watch sockets: {}", std::strerror(errno)));
  }
  WatchListener(EPOLL_CTL_ADD, true);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &kWakeTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  return bound_port;
}

void FrontDoor::WatchListener(int op, bool on) {
  epoll_event ev{};
  ev.events = on ? static_cast<uint32_t>(EPOLLIN) : 0u;
  ev.data.ptr = &kListenTag;
  epoll_ctl(epoll_fd_, op, listen_fd_, &ev);
}

void FrontDoor::Stop() {
  if (stopping_.exchange(true)) return;
  if (wake_fd_ >= 0) Wake();
}

void FrontDoor::Wake() {
  uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

FrontDoorStats FrontDoor::stats() const {
  FrontDoorStats s;
  s.connections_open = stat_open_.load();
  s.connections_accepted = stat_accepted_.load();
  s.connections_refused = stat_refused_.load();
  s.requests = stat_requests_.load();
  s.requests_refused = stat_requests_refused_.load();
  s.timeouts = stat_timeouts_.load();
  return s;
}

void FrontDoor::Run() {
  LEDGER_ASSERT(epoll_fd_ >= 0 && "Bind before Run");
  for (auto& lane : lanes_) {
    for (size_t i = 0; i < lane->options.threads; ++i) {
      lane->threads.emplace_back([this, l = lane.get()] {
        SetUpThisThread(l->options.name.c_str(),
                        l->options.throughput ? ThreadKind::kThroughput : ThreadKind::kLatency);
        Work(l);
      });
    }
  }
  SetUpThisThread("http-loop", ThreadKind::kLatency);
  std::array<epoll_event, 256> events;
  auto next_sweep = SteadyClock::now() + kSweepInterval;
  bool listening = true;
  for (;;) {
    if (stopping_ && listening) {
      listening = false;
      // Connections the kernel completed but nobody accepted yet would be
      // reset with the listener: take them, so that those which sent a
      // request hear that it was not executed.
      Accept(SteadyClock::now());
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
      ::close(listen_fd_);
      listen_fd_ = -1;
      // Connections between requests are closed; one that has sent (part
      // of) a request learns that it was not executed; those being answered
      // close once their answer is out.
      const auto now = SteadyClock::now();
      for (auto& slot : connections_) {
        Connection* c = slot.get();
        if (c == nullptr || (c->state != Connection::State::kIdle &&
                             c->state != Connection::State::kHead &&
                             c->state != Connection::State::kBody)) {
          continue;
        }
        if (ReadSome(c) && !c->in.empty()) {
          Refuse(c, {503, "unavailable", "the server is stopping; the request was not executed"},
                 now);
        } else {
          Close(c);
        }
      }
    }
    if (!listening && connections_.size() == free_slots_.size()) break;
    const auto now_before = SteadyClock::now();
    const int timeout_ms = static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<milliseconds>(next_sweep - now_before).count() + 1));
    const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
    const auto now = SteadyClock::now();
    bool woken = false;
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &kListenTag) {
        if (listening) Accept(now);
      } else if (tag == &kWakeTag) {
        woken = true;
      } else {
        OnEvent(static_cast<Connection*>(tag), events[i].events, now);
      }
    }
    // Answers handed back are sent after the new requests of this round are
    // dispatched: a group commit's worth of sends must not delay a read.
    if (woken) {
      uint64_t count = 0;
      (void)!::read(wake_fd_, &count, sizeof count);
      std::vector<Connection*> returned;
      {
        std::lock_guard lock(inbox_mu_);
        returned.swap(inbox_);
      }
      for (Connection* c : returned) OnReturned(c, now);
    }
    if (now >= next_sweep) {
      Sweep(now);
      next_sweep = now + kSweepInterval;
    }
  }
  for (auto& lane : lanes_) {
    {
      std::lock_guard lock(lane->mu);
      lane->stop = true;
    }
    lane->cv.notify_all();
    for (auto& t : lane->threads) t.join();
    lane->threads.clear();
  }
}

void FrontDoor::Accept(TimePoint now) {
  for (int i = 0; i < kAcceptsPerWakeMax; ++i) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE) && spare_fd_ >= 0) {
        // Out of descriptors: the spare one makes room to accept this
        // connection, tell it 503 and close it, rather than leave it
        // unanswered in the backlog.
        ::close(spare_fd_);
        int fd_over = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd_over >= 0) {
          ++stat_accepted_;
          ++stat_refused_;
          const std::string answer = ErrorResponse(
              {503, "unavailable", "the server has no descriptor left for a connection; retry later"});
          (void)!send(fd_over, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
          ::close(fd_over);
        }
        spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd_over >= 0) continue;
      }
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Still no descriptor: stop watching the listener for a moment
        // rather than spinning on it; pending connections wait in the
        // backlog. The sweep watches it again.
        spdlog::warn("http: cannot accept a connection: {}", std::strerror(errno));
        WatchListener(EPOLL_CTL_MOD, false);
        accept_paused_until_ = now + kSweepInterval;
      }
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++stat_accepted_;
    size_t slot = connections_.size();
    if (!free_slots_.empty()) {
      slot = free_slots_.back();
      free_slots_.pop_back();
    } else {
      connections_.emplace_back();
    }
    connections_[slot] = std::make_unique<Connection>(fd, slot, options_.limits);
    Connection* c = connections_[slot].get();
    c->remote_ip = AddressOf(peer, &c->remote_port);
    sockaddr_storage local{};
    len = sizeof local;
    getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    c->local_ip = AddressOf(local, &c->local_port);

    if (stat_open_.load() >= options_.connections_max) {
      ++stat_refused_;
      c->out = ErrorResponse(
          {503, "unavailable",
           fmt::format("more than {} connections are open; retry later", options_.connections_max)});
      if (!Flush(c)) {
        Close(c);
        continue;
      }
      Linger(c, now);
      continue;
    }
    ++stat_open_;
    c->counted_open = true;
    // A new connection is expected to send its request at once.
    c->state = Connection::State::kIdle;
    c->deadline = now + milliseconds(options_.header_timeout_ms);
    Watch(c);
  }
}

void FrontDoor::Watch(Connection* c) {
  epoll_event ev{};
  ev.data.ptr = c;
  ev.events = EPOLLONESHOT | EPOLLRDHUP;
  switch (c->state) {
    case Connection::State::kFlushing: ev.events |= EPOLLOUT; break;
    case Connection::State::kLingering: ev.events |= EPOLLIN; break;
    default: ev.events |= EPOLLIN | (c->output_pending() ? EPOLLOUT : 0u); break;
  }
  if (epoll_ctl(epoll_fd_, c->armed ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev) != 0) {
    spdlog::warn("http: cannot watch a connection: {}", std::strerror(errno));
    Close(c);
    return;
  }
  c->armed = true;
}

void FrontDoor::OnEvent(Connection* c, uint32_t events, TimePoint now) {
  using State = Connection::State;
  switch (c->state) {
    case State::kServing:
      LEDGER_ASSERT(false && "a served connection is not watched");
      return;
    case State::kLingering: {
      char sink[4096];
      for (;;) {
        ssize_t n = recv(c->fd, sink, sizeof sink, 0);
        if (n > 0) {
          c->lingered_bytes += static_cast<size_t>(n);
          if (c->lingered_bytes > kLingerBytesMax) break;
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          Watch(c);
          return;
        }
        break;  // end of stream or error
      }
      Close(c);
      return;
    }
    case State::kFlushing:
      SendAndContinue(c, now);
      return;
    case State::kIdle:
    case State::kHead:
    case State::kBody:
      if ((events & EPOLLOUT) && c->output_pending() && !Flush(c)) {
        Close(c);
        return;
      }
      if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        if (!ReadSome(c)) {
          Close(c);
          return;
        }
      }
      Advance(c, now);
      return;
  }
}

size_t FrontDoor::ReadCapBytes() const {
  // Enough for a whole request and the start of the next; more waits in the
  // socket until the request before it is answered.
  return options_.limits.header_bytes_max + options_.limits.body_bytes_max + kReadChunkBytes;
}

bool FrontDoor::ReadSome(Connection* c) {
  const size_t cap = ReadCapBytes();
  char buf[kReadChunkBytes];
  while (c->in.size() < cap) {
    const size_t want = std::min(sizeof buf, cap - c->in.size());
    ssize_t n = recv(c->fd, buf, want, 0);
    if (n > 0) {
      c->in.append(buf, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < want) break;  // drained: spare the EAGAIN round trip
      continue;
    }
    if (n == 0) {
      c->peer_closed = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return false;
  }
  return true;
}

void FrontDoor::Advance(Connection* c, TimePoint now) {
  using State = Connection::State;
  if (!c->head_done) {
    if (c->in.empty()) {
      if (c->peer_closed) {
        Close(c);
        return;
      }
      c->state = State::kIdle;
      Watch(c);
      return;
    }
    if (c->state == State::kIdle) {
      c->state = State::kHead;
      // A new connection's first head is due header_timeout_ms after the
      // accept (its deadline already); a later one after its first byte.
      if (c->requests > 0) c->deadline = now + milliseconds(options_.header_timeout_ms);
    }
    FramingError error;
    switch (c->scanner.Feed(c->in, &c->head, &error)) {
      case Scan::kError: Refuse(c, error, now); return;
      case Scan::kIncomplete:
        if (c->peer_closed) {
          Close(c);
        } else {
          Watch(c);
        }
        return;
      case Scan::kComplete: break;
    }
    c->head_done = true;
    c->state = State::kBody;
    c->deadline = now + milliseconds(options_.body_timeout_ms);
    const uint64_t body_bytes = c->head.body == BodyFraming::kChunked
                                    ? options_.limits.body_bytes_max
                                    : c->head.content_length;
    if (!ReserveBody(c, body_bytes)) {
      Refuse(c,
             {503, "unavailable",
              "too many request bodies are being received at once; retry later"},
             now);
      return;
    }
    if (c->head.body == BodyFraming::kChunked) {
      c->chunked.emplace(options_.limits);
      c->chunk_at = c->head.head_bytes;
      c->body.clear();
    }
  }
  bool complete = true;
  if (c->head.body == BodyFraming::kLength) {
    complete = c->in.size() - c->head.head_bytes >= c->head.content_length;
  } else if (c->head.body == BodyFraming::kChunked) {
    FramingError error;
    Scan s = c->chunked->Feed(c->in, &c->chunk_at, &c->body, &error);
    // Decoded chunk bytes are dropped from the input at once, so a body of
    // tiny chunks costs no more memory than its data.
    c->in.erase(c->head.head_bytes, c->chunk_at - c->head.head_bytes);
    c->chunk_at = c->head.head_bytes;
    if (s == Scan::kError) {
      Refuse(c, error, now);
      return;
    }
    complete = s == Scan::kComplete;
  }
  if (!complete) {
    if (c->peer_closed) {
      Close(c);
      return;
    }
    if (c->in.size() >= ReadCapBytes()) {
      // ReadSome stops here: waiting for more would never end (and epoll
      // would wake the loop for the unread bytes again and again).
      Refuse(c, {413, "payload_too_large", "the request is larger than the server reads"}, now);
      return;
    }
    if (c->head.expect_continue && !c->continue_sent) {
      c->continue_sent = true;
      c->out += "HTTP/1.1 100 Continue\r\n\r\n";
      if (!Flush(c)) {
        Close(c);
        return;
      }
    }
    Watch(c);
    return;
  }
  Dispatch(c);
}

void FrontDoor::Dispatch(Connection* c) {
  FramedRequest& r = c->request;
  const RequestHead& h = c->head;
  r.head.assign(c->in, h.line_start, h.head_bytes - h.line_start);
  size_t consumed = h.head_bytes;
  if (h.body == BodyFraming::kLength) {
    r.body.assign(c->in, h.head_bytes, h.content_length);
    consumed += h.content_length;
  } else if (h.body == BodyFraming::kChunked) {
    r.body = std::move(c->body);
    c->body.clear();
  } else {
    r.body.clear();
  }
  c->in.erase(0, consumed);
  ReleaseBody(c);
  ++c->requests;
  r.close_after = !h.keep_alive || c->requests >= options_.keep_alive_requests_max || stopping_;
  c->close_after = r.close_after;
  c->lane = std::min(classify_(h.method, h.target), lanes_.size() - 1);
  c->head_done = false;
  c->head = RequestHead{};
  c->scanner.Reset();
  c->chunked.reset();
  c->continue_sent = false;
  c->state = Connection::State::kServing;
  r.deferred = false;
  r.connection = c;
  c->holds.store(1);
  ++stat_requests_;
  lanes_[c->lane]->Push(c);
}

void FrontDoor::Work(Lane* lane) {
  while (Connection* c = lane->Pop()) {
    bool keep = false;
    {
      ConnectionStream stream(c->request, c->fd, &c->out, &c->out_sent, c->remote_ip,
                              c->remote_port, c->local_ip, c->local_port, lane->options.streaming,
                              options_.write_timeout_ms);
      keep = respond_(c->request, stream) && !stream.failed();
    }
    // From here on a deferred request's connection may already be complete
    // on another thread: only what Complete never touches is used.
    if (!keep) c->close_after = true;
    c->request.body.clear();
    if (c->request.body.capacity() > kKeptBufferBytesMax) c->request.body.shrink_to_fit();
    // Most answers leave in this one send, from the worker that wrote them.
    if (c->output_pending() && !Flush(c)) c->broken = true;
    Release(c);
  }
}

void FrontDoor::Defer(FramedRequest& request) {
  LEDGER_ASSERT(!request.deferred && request.connection != nullptr);
  request.deferred = true;
  static_cast<Connection*>(request.connection)->holds.fetch_add(1);
}

void FrontDoor::Complete(FramedRequest& request, std::string response, bool close) {
  LEDGER_ASSERT(request.deferred);
  auto* c = static_cast<Connection*>(request.connection);
  c->deferred_answer = std::move(response);
  c->deferred_close = close;
  Release(c);
}

void FrontDoor::Release(Connection* c) {
  if (c->holds.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  bool was_empty = false;
  {
    std::lock_guard lock(inbox_mu_);
    was_empty = inbox_.empty();
    inbox_.push_back(c);
  }
  // A non-empty inbox has a wake-up pending already: the answers of one
  // group commit cost the loop one.
  if (was_empty) Wake();
}

void FrontDoor::OnReturned(Connection* c, TimePoint now) {
  LEDGER_ASSERT(c->state == Connection::State::kServing);
  // The loop owns the connection again: from here on it may be closed (the
  // client may have reset it while its answer was being made).
  c->state = Connection::State::kFlushing;
  c->deadline = now + milliseconds(options_.write_timeout_ms);
  if (c->broken) {
    Close(c);
    return;
  }
  if (c->request.deferred) {
    c->close_after = c->close_after || c->deferred_close;
    c->deferred_close = false;
    c->out += c->deferred_answer;
    c->deferred_answer.clear();
    c->request.deferred = false;
  }
  SendAndContinue(c, now);
}

void FrontDoor::SendAndContinue(Connection* c, TimePoint now) {
  if (!Flush(c)) {
    Close(c);
    return;
  }
  if (c->output_pending()) {
    if (c->state != Connection::State::kFlushing) {
      c->state = Connection::State::kFlushing;
      c->deadline = now + milliseconds(options_.write_timeout_ms);
    }
    Watch(c);
    return;
  }
  if (c->close_after || stopping_) {
    Linger(c, now);
    return;
  }
  c->state = Connection::State::kIdle;
  c->deadline = now + milliseconds(options_.keep_alive_idle_ms);
  Advance(c, now);  // a pipelined request may be in already
}

bool FrontDoor::Flush(Connection* c) {
  const Sent sent = SendPending(c->fd, &c->out, &c->out_sent);
  if (sent == Sent::kAll && c->out.capacity() > kKeptBufferBytesMax) c->out.shrink_to_fit();
  return sent != Sent::kFailed;
}

void FrontDoor::Refuse(Connection* c, const FramingError& error, TimePoint now) {
  ++stat_requests_refused_;
  if (error.http_status == 408) ++stat_timeouts_;
  ReleaseBody(c);
  c->in.clear();
  c->close_after = true;
  c->out += ErrorResponse(error);
  SendAndContinue(c, now);
}

void FrontDoor::Linger(Connection* c, TimePoint now) {
  // Done with: its place under connections_max is free from now on.
  if (c->counted_open) {
    c->counted_open = false;
    --stat_open_;
  }
  if (lingering_ >= kLingeringMax) {
    Close(c);
    return;
  }
  c->lingering = true;
  ++lingering_;
  shutdown(c->fd, SHUT_WR);
  c->in.clear();
  c->state = Connection::State::kLingering;
  c->deadline = now + kLinger;
  Watch(c);
}

bool FrontDoor::ReserveBody(Connection* c, uint64_t bytes) {
  LEDGER_ASSERT(c->body_bytes_reserved == 0);
  if (bytes > options_.body_bytes_buffered_max - body_bytes_reserved_) return false;
  c->body_bytes_reserved = static_cast<size_t>(bytes);
  body_bytes_reserved_ += c->body_bytes_reserved;
  return true;
}

void FrontDoor::ReleaseBody(Connection* c) {
  body_bytes_reserved_ -= c->body_bytes_reserved;
  c->body_bytes_reserved = 0;
}

void FrontDoor::Close(Connection* c) {
  LEDGER_ASSERT(c->state != Connection::State::kServing);  // a worker or a completion holds it
  ReleaseBody(c);
  if (c->armed) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
  ::close(c->fd);
  if (c->counted_open) --stat_open_;
  if (c->lingering) --lingering_;
  const size_t slot = c->slot;
  connections_[slot].reset();
  free_slots_.push_back(slot);
}

void FrontDoor::Sweep(TimePoint now) {
  using State = Connection::State;
  if (accept_paused_until_ != TimePoint{} && now >= accept_paused_until_ && listen_fd_ >= 0) {
    accept_paused_until_ = TimePoint{};
    WatchListener(EPOLL_CTL_MOD, true);
  }
  for (size_t i = 0; i < connections_.size(); ++i) {
    Connection* c = connections_[i].get();
    if (c == nullptr || c->state == State::kServing || now < c->deadline) continue;
    switch (c->state) {
      case State::kHead:
      case State::kBody: {
        const bool head = c->state == State::kHead;
        Refuse(c, {408, "request_timeout",
                   fmt::format("the request {} did not arrive within {} ms", head ? "head" : "body",
                               head ? options_.header_timeout_ms : options_.body_timeout_ms)},
               now);
        break;
      }
      case State::kFlushing:
        ++stat_timeouts_;
        Close(c);
        break;
      default:  // idle past its keep-alive, or done lingering
        Close(c);
        break;
    }
  }
}

}  // namespace ledger::api
