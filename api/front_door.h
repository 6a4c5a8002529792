// The HTTP front door: sockets, connections, framing and worker threads.
//
// Operation: one event-loop thread accepts connections and reads them
//   (epoll). It frames each request (api/http_framing.h): a head within its
//   deadline and limits, then a body by Content-Length or chunks. A complete
//   request goes to a worker of the lane the Classifier names; the worker's
//   Responder writes the answer into the connection's output, which is sent
//   in one write (or, for a streaming lane, straight to the socket as it is
//   produced), and hands the connection back to the loop. Pipelined
//   requests are answered one after another, in order. A responder may
//   instead Defer its answer (a command waiting for the log) and Complete it
//   later from any thread: no thread waits meanwhile, and the answers of a
//   whole group commit reach the loop with one wake-up.
// Connections own no thread while idle or while their bytes trickle in:
//   a keep-alive connection costs a socket and its buffers until it sends a
//   complete request, is idle past keep_alive_idle_ms, or has made
//   keep_alive_requests_max requests. Beyond connections_max a new
//   connection is answered 503 at once and closed.
// Concurrency: a connection belongs to exactly one thread at a time: the
//   loop, or the one worker serving its request. Ownership moves through the
//   lanes' queues and the loop's inbox, both under a mutex. Bind, Run and
//   Stop may be called from any thread; Stop is idempotent.
// Errors: a request the framing refuses (malformed, too large, too slow) is
//   answered with a JSON error and `Connection: close`; then the connection
//   is half-closed and drained for a short while so that the client reads
//   the answer rather than a reset.
// Limitations: HTTP/1.1 and 1.0 (one request per connection) over plain
//   TCP; no TLS (terminate it in front); no HTTP/2. A request being answered
//   has no deadline of its own: its responder (or, for a deferred answer,
//   the engine) must answer, and Stop waits for it.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/http_framing.h"
#include "events/status.h"

namespace ledger::api {

struct LaneOptions {
  std::string name = "http-work";  // of its threads (15 bytes at most), for top -H and perf
  size_t threads = 1;
  // Bulk work (commands): the lane's threads yield to those answering reads
  // (engine/threads.h).
  bool throughput = false;
  // Answers are written to the socket as they are produced (server-sent
  // events), waiting up to write_timeout_ms for a slow reader, rather than
  // collected and sent once the responder returns.
  bool streaming = false;
};

struct FrontDoorOptions {
  std::string host = "127.0.0.1";  // Default: loopback
  int port = 0;                    // Default: 0, a free port
  // A socket already bound and listening (OpenListener) to serve instead of
  // binding host:port. Default: -1, none.
  int listen_fd = -1;
  int listen_backlog = 4096;        // Default: 4096 (the kernel caps it at somaxconn)
  // Open connections; one more is answered 503 at once and closed.
  // Default: 10000.
  size_t connections_max = 10'000;
  // Request bodies being received, all connections together (each declared
  // length, or body_bytes_max for a chunked body, counts from its head on);
  // a head that would pass it is answered 503. Default: 256 MiB.
  size_t body_bytes_buffered_max = 256 << 20;
  FramingLimits limits;
  int header_timeout_ms = 5'000;   // a whole head, from its first byte (from accept for the first); 408. Default: 5 s
  int body_timeout_ms = 10'000;    // a whole body, from the end of its head; 408. Default: 10 s
  int write_timeout_ms = 10'000;   // an answer the client does not read; then closed. Default: 10 s
  int keep_alive_idle_ms = 30'000;  // between requests; then closed. Default: 30 s
  size_t keep_alive_requests_max = 10'000;  // per connection; then closed. Default: 10000
  std::vector<LaneOptions> lanes = {LaneOptions{}};  // Default: one lane of one thread
};

// A socket bound to host:port and listening, without SO_REUSEPORT (a port in
// use is an error, never a shared port). Returns the descriptor; the caller
// owns it.
Result<int> OpenListener(const std::string& host, int port, int backlog);

// One complete request, handed to a worker.
struct FramedRequest {
  std::string head;   // request line and headers, CRLF-terminated, blank line included
  std::string body;   // decoded (chunks joined)
  bool close_after = false;  // the answer must say `Connection: close`
  // Set by FrontDoor::Defer: the answer comes later through Complete, and
  // whatever the responder writes to its stream is dropped.
  bool deferred = false;
  void* connection = nullptr;  // the front door's, opaque
};

struct FrontDoorStats {
  uint64_t connections_open = 0;
  uint64_t connections_accepted = 0;
  uint64_t connections_refused = 0;  // over connections_max: 503
  uint64_t requests = 0;
  uint64_t requests_refused = 0;     // refused by the framing (4xx/5xx before a route)
  uint64_t timeouts = 0;             // head or body too slow (408), or idle reader
};

class FrontDoor {
 public:
  // The lane (index into FrontDoorOptions::lanes) that serves a request.
  using Classifier = std::function<size_t(std::string_view method, std::string_view target)>;
  // Answers `request` by writing a whole HTTP response to `stream` (or by
  // deferring it). Returns false if the connection must be closed after it.
  // Runs on a worker.
  using Responder = std::function<bool(FramedRequest& request, httplib::Stream& stream)>;

  FrontDoor(FrontDoorOptions options, Classifier classify, Responder respond);
  ~FrontDoor();
  FrontDoor(const FrontDoor&) = delete;
  FrontDoor& operator=(const FrontDoor&) = delete;

  // Creates the listening socket (OpenListener), or adopts listen_fd.
  // Returns the bound port.
  Result<int> Bind();
  // Serves until Stop. Then: requests being answered are answered (a
  // deferred one waits for its Complete: the engine always answers), a
  // connection holding unanswered request bytes gets 503 and is closed, idle
  // ones are closed, and the workers are joined.
  void Run();
  // Stops accepting and makes Run return. Thread-safe, idempotent.
  void Stop();
  bool stopping() const { return stopping_.load(); }

  FrontDoorStats stats() const;

  // Called by a responder, on its worker, before it hands the work that will
  // produce the answer to another thread: the worker then moves on, and the
  // connection waits for Complete.
  void Defer(FramedRequest& request);
  // The whole HTTP response of a deferred request; `close` if the connection
  // must close after it. Thread-safe; exactly once per Defer.
  void Complete(FramedRequest& request, std::string response, bool close);

 private:
  struct Connection;
  struct Lane;
  using TimePoint = std::chrono::steady_clock::time_point;

  void Accept(TimePoint now);
  // Adds (EPOLL_CTL_ADD) or changes (EPOLL_CTL_MOD) the listener's watch:
  // readable when `on`, nothing otherwise (accepting paused).
  void WatchListener(int op, bool on);
  void OnEvent(Connection* c, uint32_t events, TimePoint now);
  // Reads what the socket has, up to ReadCapBytes in all; false if the peer
  // is gone.
  bool ReadSome(Connection* c);
  size_t ReadCapBytes() const;
  // Frames what was read and dispatches a complete request, answers a
  // refused one, or waits for more bytes.
  void Advance(Connection* c, TimePoint now);
  void Dispatch(Connection* c);
  void Refuse(Connection* c, const FramingError& error, TimePoint now);
  // Reserves room for a body in body_bytes_buffered_max; false if there is none.
  bool ReserveBody(Connection* c, uint64_t bytes);
  void ReleaseBody(Connection* c);
  void OnReturned(Connection* c, TimePoint now);
  // Sends the connection's output; once it is all out, closes the
  // connection (lingering) if it must close, or reads its next request.
  void SendAndContinue(Connection* c, TimePoint now);
  // Sends buffered output without blocking; false on a socket error.
  static bool Flush(Connection* c);
  void Linger(Connection* c, TimePoint now);
  void Watch(Connection* c);
  void Close(Connection* c);
  void Sweep(TimePoint now);
  void Work(Lane* lane);
  // Drops one of the holds on a served connection (its worker's, or its
  // deferred answer's); the last one hands it back to the loop.
  void Release(Connection* c);
  void Wake();

  // Constant after construction.
  const FrontDoorOptions options_;
  const Classifier classify_;
  const Responder respond_;

  // Set by Bind; the loop owns them.
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: workers hand connections back, Stop wakes the loop
  // Kept open to be closed when the process runs out of descriptors, so that
  // one more connection can still be accepted, answered 503 and closed.
  int spare_fd_ = -1;

  std::vector<std::unique_ptr<Lane>> lanes_;

  // Loop-thread state.
  std::vector<std::unique_ptr<Connection>> connections_;  // indexed by Connection::slot
  std::vector<size_t> free_slots_;
  size_t lingering_ = 0;  // connections draining before their close
  size_t body_bytes_reserved_ = 0;  // see body_bytes_buffered_max
  TimePoint accept_paused_until_{};

  // Connections handed back by workers, guarded by inbox_mu_.
  std::mutex inbox_mu_;
  std::vector<Connection*> inbox_;

  std::atomic<bool> stopping_{false};
  mutable std::atomic<uint64_t> stat_accepted_{0}, stat_refused_{0}, stat_requests_{0},
      stat_requests_refused_{0}, stat_timeouts_{0}, stat_open_{0};
};

}  // namespace ledger::api
