// HTTP test helpers for a ledgerd on loopback: a JSON client (JsonClient) for
// what curl would send, and a raw one (RawConnection) for what only an
// attacker or a broken client sends: bytes written as they are, answers read
// back byte by byte. Every raw wait has a deadline, so a server that never
// answers fails a test instead of hanging it.
#pragma once

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace ledger::testing {

struct HttpReply {
  int status = 0;
  nlohmann::json json;
  std::string body;
  httplib::Headers headers;
  std::string header(const char* name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  std::string error_code() const {
    return json.is_object() && json.contains("error") ? json["error"].value("code", "") : "";
  }
};

class JsonClient {
 public:
  JsonClient(int port, std::string token) : client_("127.0.0.1", port), token_(std::move(token)) {
    client_.set_read_timeout(30, 0);
  }
  void set_token(std::string token) { token_ = std::move(token); }

  HttpReply Get(const std::string& path, httplib::Headers extra = {}) {
    return Wrap(client_.Get(path.c_str(), With(extra)));
  }
  HttpReply Post(const std::string& path, const nlohmann::json& body,
                 httplib::Headers extra = {}) {
    return PostRaw(path, body.dump(), extra);
  }
  HttpReply PostRaw(const std::string& path, const std::string& body, httplib::Headers extra = {}) {
    return Wrap(client_.Post(path.c_str(), With(extra), body, "application/json"));
  }
  HttpReply Put(const std::string& path, const nlohmann::json& body) {
    return Wrap(client_.Put(path.c_str(), With({}), body.dump(), "application/json"));
  }

 private:
  httplib::Headers With(httplib::Headers extra) const {
    if (!token_.empty()) extra.emplace("Authorization", "Bearer " + token_);
    return extra;
  }
  static HttpReply Wrap(const httplib::Result& r) {
    HttpReply out;
    if (!r) return out;  // status 0: no answer
    out.status = r->status;
    out.body = r->body;
    out.headers = r->headers;
    out.json = nlohmann::json::parse(r->body, nullptr, false);
    return out;
  }
  httplib::Client client_;
  std::string token_;
};

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;

inline Deadline In(int ms) { return SteadyClock::now() + std::chrono::milliseconds(ms); }
int64_t MsSince(SteadyClock::time_point start);
// What is left before `deadline`, in [0, 60 000] ms.
int LeftMs(Deadline deadline);
std::string Lower(std::string s);

// One answer as the client received it.
struct RawResponse {
  int status = 0;  // 0: no whole answer before the deadline or the close; -1: not HTTP
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  // A top-level field of a JSON object body, null if there is none.
  nlohmann::json field(const char* key) const;
  std::string string_field(const char* key) const;
  std::string error_code() const;
  // Whether the body is the error shape of SPEC §2.
  bool is_json_error() const;
  std::string Describe() const;
};

// A client connection on loopback that never blocks past a deadline.
// Sending also reads what the server answers meanwhile, so that an early
// answer (413 in the middle of a body) is kept even if the server then resets
// the connection. One thread at a time.
class RawConnection {
 public:
  RawConnection(int port, Deadline deadline);
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection();

  bool connected() const { return connected_; }
  // Whether the server has closed (or reset) the connection, as far as read.
  bool closed() const { return closed_ || !connected_; }
  // Bytes received and not yet returned by Read.
  const std::string& pending() const { return in_; }

  // Sends every byte unless the connection fails or closes, or the deadline
  // passes; returns whether all were sent. Never raises SIGPIPE.
  bool Send(std::string_view bytes, Deadline deadline);
  // The next whole answer; status 0 if none completes before the deadline or
  // the close.
  RawResponse Read(Deadline deadline);
  // Closes with a reset (SO_LINGER 0), as a client that gives up abruptly
  // or a load balancer does.
  void Reset();
  // Whether the server closes the connection before the deadline; a deadline
  // already past checks without waiting. What arrives meanwhile is kept.
  bool WaitClosed(Deadline deadline);

 private:
  // Bounds what a misbehaving server can make the client hold.
  static constexpr size_t kReceivedBytesMax = 4 << 20;

  void Fill(Deadline deadline);
  void ReadAvailable();

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string in_;
};

// One chunk of a chunked body, with an optional chunk extension (";x=y").
std::string Chunk(std::string_view data, std::string_view extension = "");

// One request on a fresh connection, its answer within timeout_ms.
RawResponse Exchange(int port, const std::string& request, int timeout_ms);

}  // namespace ledger::testing
