// The front door's connections, lanes and socket I/O: internal to
// api/front_door.cc and api/front_door_io.cc.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "api/front_door.h"

namespace ledger::api {

using SteadyClock = std::chrono::steady_clock;

enum class Sent { kAll, kWouldBlock, kFailed };

// Sends out[*sent, size) without blocking, advancing *sent; once all is
// sent, empties `out` and resets *sent.
Sent SendPending(int fd, std::string* out, size_t* sent);

// The numeric address of `a`; its port in *port.
std::string AddressOf(const sockaddr_storage& a, int* port);

struct FrontDoor::Connection {
  enum class State {
    kIdle,       // waiting for a request's first byte (loop)
    kHead,       // reading a head (loop)
    kBody,       // reading a body (loop)
    kServing,    // a worker answers (worker)
    kFlushing,   // sending an answer the socket could not take at once (loop)
    kLingering,  // half-closed, draining before close (loop)
  };

  Connection(int fd, size_t slot, const FramingLimits& limits)
      : fd(fd), slot(slot), scanner(limits) {}

  const int fd;
  const size_t slot;
  std::string remote_ip, local_ip;
  int remote_port = 0, local_port = 0;
  bool armed = false;    // registered with epoll
  bool counted_open = false;  // counts under connections_max
  bool lingering = false;     // counts under kLingeringMax

  State state = State::kIdle;
  SteadyClock::time_point deadline;

  // Input of the request being framed.
  std::string in;  // received bytes not yet consumed
  RequestHeadScanner scanner;
  bool head_done = false;
  RequestHead head;
  std::optional<ChunkedDecoder> chunked;
  size_t chunk_at = 0;  // where chunked decoding resumes in `in`
  std::string body;     // decoded chunks
  bool continue_sent = false;
  bool peer_closed = false;
  size_t requests = 0;
  size_t body_bytes_reserved = 0;  // this request's share of body_bytes_buffered_max

  // The request a worker answers, and its lane.
  FramedRequest request;
  size_t lane = 0;
  // Holders of a served connection: its worker and, if the answer is
  // deferred, the completion. The last to let go hands it to the loop.
  std::atomic<int> holds{0};
  std::string deferred_answer;  // written by Complete
  bool deferred_close = false;  // written by Complete
  bool broken = false;       // a write failed: close without more
  bool close_after = false;  // close once the answer is sent

  // Output: out[out_sent, size) is still to be sent.
  std::string out;
  size_t out_sent = 0;
  size_t lingered_bytes = 0;

  bool output_pending() const { return out_sent < out.size(); }
};

struct FrontDoor::Lane {
  LaneOptions options;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Connection*> queue;  // guarded by mu
  bool stop = false;              // guarded by mu
  std::vector<std::thread> threads;

  void Push(Connection* c) {
    {
      std::lock_guard lock(mu);
      queue.push_back(c);
    }
    cv.notify_one();
  }
  // The next connection to serve, or nullptr once stopped and drained.
  Connection* Pop() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return stop || !queue.empty(); });
    if (queue.empty()) return nullptr;
    Connection* c = queue.front();
    queue.pop_front();
    return c;
  }
};

// What cpp-httplib reads a request from and writes its answer to: the head
// the front door framed, and the connection's output buffer (or, on a
// streaming lane, the socket itself).
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(const FramedRequest& request, int fd, std::string* out, size_t* out_sent,
                   const std::string& remote_ip, int remote_port, const std::string& local_ip,
                   int local_port, bool streaming, int write_timeout_ms)
      : request_(request), fd_(fd), out_(out), out_sent_(out_sent), remote_ip_(remote_ip),
        remote_port_(remote_port), local_ip_(local_ip), local_port_(local_port),
        streaming_(streaming), write_timeout_ms_(write_timeout_ms) {}

  using httplib::Stream::write;

  bool is_readable() const override { return read_at_ < request_.head.size(); }
  bool is_writable() const override {
    if (failed_) return false;
    if (!streaming_) return true;
    pollfd p{fd_, POLLOUT, 0};
    return poll(&p, 1, write_timeout_ms_) == 1 && (p.revents & (POLLERR | POLLHUP)) == 0;
  }
  ssize_t read(char* ptr, size_t size) override {
    size = std::min(size, request_.head.size() - read_at_);
    std::memcpy(ptr, request_.head.data() + read_at_, size);
    read_at_ += size;
    return static_cast<ssize_t>(size);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (request_.deferred) return static_cast<ssize_t>(size);  // answered by Complete
    if (failed_) return -1;
    out_->append(ptr, size);
    if (streaming_ && !SendAll()) {
      failed_ = true;
      return -1;
    }
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remote_ip_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = local_ip_;
    port = local_port_;
  }
  // Debian's cpp-httplib is built without CPPHTTPLIB_USE_POLL and answers
  // 500 to a stream whose socket number is at least FD_SETSIZE, because its
  // own select()-based waits could not watch it. Nothing in cpp-httplib
  // waits on this stream's socket (the front door does all the waiting),
  // so the socket is not disclosed.
  socket_t socket() const override { return INVALID_SOCKET; }

  bool failed() const { return failed_; }

 private:
  // Sends the whole output, waiting for the socket up to the write timeout
  // each time it is full.
  bool SendAll() {
    for (;;) {
      switch (SendPending(fd_, out_, out_sent_)) {
        case Sent::kAll: return true;
        case Sent::kFailed: return false;
        case Sent::kWouldBlock: {
          pollfd p{fd_, POLLOUT, 0};
          if (poll(&p, 1, write_timeout_ms_) != 1) return false;
        }
      }
    }
  }

  const FramedRequest& request_;
  const int fd_;
  std::string* const out_;
  size_t* const out_sent_;
  const std::string& remote_ip_;
  const int remote_port_;
  const std::string& local_ip_;
  const int local_port_;
  const bool streaming_;
  const int write_timeout_ms_;
  size_t read_at_ = 0;
  bool failed_ = false;
};

}  // namespace ledger::api
