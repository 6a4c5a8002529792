#include "api/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unordered_map>

#include "api/front_door.h"
#include "api/request_context.h"
#include "events/codec.h"
#include "events/event_json.h"

namespace ledger::api {
namespace {

std::string Header(const httplib::Request& req, const char* name) {
  return req.has_header(name) ? req.get_header_value(name) : std::string();
}

// "*" admits any actor holding a role other than integrator: integrators
// read events and schemas only.
bool Allowed(const Actor& a, const std::vector<std::string>& roles) {
  if (a.HasRole("admin")) return true;
  const bool reader = std::any_of(a.roles.begin(), a.roles.end(),
                                  [](const std::string& r) { return r != "integrator"; });
  for (const auto& r : roles) {
    if (r == "*" ? reader : a.HasRole(r)) return true;
  }
  return false;
}

}  // namespace

void CheckClientId(const std::string& id) {
  bool ok = !id.empty() && id.size() <= 64;
  for (char c : id) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
                c == ':' || c == '@');
  }
  if (!ok) FailMalformed("ids are 1 to 64 characters of letters, digits and . _ - : @");
}

struct Deferral {
  FrontDoor* door;
  FramedRequest* request;
  HttpCounters* counters;
  const std::string* keep_alive;  // the Keep-Alive header cpp-httplib would write
};

namespace {

// The deferral of the request this worker thread is answering. cpp-httplib
// calls the route; this is how the route reaches the front door that holds
// the request.
thread_local Deferral* current_deferral = nullptr;

// A response as bytes, as cpp-httplib's writer would send it.
std::string ResponseBytes(const httplib::Response& res, bool close, const std::string& keep_alive) {
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", res.status, ReasonPhrase(res.status));
  for (const auto& [name, value] : res.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += fmt::format("Content-Length: {}\r\n", res.body.size());
  out += close ? "Connection: close\r\n\r\n" : "Keep-Alive: " + keep_alive + "\r\n\r\n";
  out += res.body;
  return out;
}

}  // namespace

void RequestContext::Prepare(Command& cmd) {
  cmd.actor = actor;
  // Both are written into the command's events: text an auditor can read.
  cmd.correlation_id = req.get_header_value("X-Correlation-Id");
  if (cmd.correlation_id.size() > 128) FailMalformed("X-Correlation-Id is too long");
  if (!events::IsUtf8(cmd.correlation_id)) FailMalformed("X-Correlation-Id is not UTF-8 text");
  std::string key = req.get_header_value("Idempotency-Key");
  if (key.size() > 256) FailMalformed("Idempotency-Key is longer than 256 characters");
  if (!events::IsUtf8(key)) FailMalformed("Idempotency-Key is not UTF-8 text");
  if (!key.empty()) {
    cmd.idempotency_key = key;
    cmd.request_hash = events::Sha256Hex(req.method + " " + req.path + "\n" + req.body);
  }
  std::string if_match = req.get_header_value("If-Match");
  if (!if_match.empty()) {
    std::string v = if_match;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
      FailMalformed("If-Match must be a version number");
    }
    cmd.expected_version = std::stoull(v);
  }
}

namespace {

// The answer `render` (or WriteOutcome) makes of an outcome; what it throws
// becomes the error answer, as in a route. Never throws: on the engine's
// writer thread an exception would end the process.
void RenderOutcome(const RequestContext::Render& render, const CommandOutcome& out,
                   httplib::Response& res) noexcept {
  try {
    if (render) {
      render(out, res);
    } else {
      WriteOutcome(res, out);
    }
    return;
  } catch (const ApiError& e) {
    res = httplib::Response();
    WriteError(res, e.status);
    return;
  } catch (const std::exception& e) {
    spdlog::error("api: rendering the answer of {} failed: {}", out.stream_id, e.what());
  } catch (...) {
    spdlog::error("api: rendering the answer of {} failed", out.stream_id);
  }
  res = httplib::Response();
  res.status = 500;
  res.set_content(R"({"error":{"code":"internal","message":"internal error","details":{}}})",
                  "application/json");
}

}  // namespace

void RequestContext::Submit(Command cmd, Render render) {
  Prepare(cmd);
  // Every route runs inside the front door's Answer (so there is a
  // deferral), and answers once.
  LEDGER_ASSERT(deferral_ != nullptr && !deferred_);
  deferred_ = true;
  const Deferral d = *deferral_;
  const bool close = d.request->close_after;
  d.door->Defer(*d.request);
  // Runs on the engine's writer thread: builds the answer and hands it over,
  // the loop sends it.
  ctx.engine->Submit(std::move(cmd), [d, close, render = std::move(render)](
                                         CommandOutcome out) noexcept {
    httplib::Response answer;
    RenderOutcome(render, out, answer);
    d.counters->CountAnswer(answer.status);
    std::string bytes;
    bool close_now = close;
    try {
      bytes = ResponseBytes(answer, close, *d.keep_alive);
    } catch (...) {
      close_now = true;  // out of memory: no answer, the client sees the close
    }
    // Always: the front door holds the connection until it is completed.
    d.door->Complete(*d.request, std::move(bytes), close_now);
  });
}

void WriteOutcome(httplib::Response& res, const CommandOutcome& out) {
  if (!out.status.ok()) {
    WriteError(res, out.status);
    return;
  }
  res.set_header("ETag", fmt::format("\"{}\"", out.version));
  if (out.replayed) res.set_header("Idempotent-Replayed", "true");
  WriteJson(res, out.created ? 201 : 200,
            Json{{"id", out.stream_id}, {"version", out.version}, {"state", out.state_label}});
}

// cpp-httplib's message layer: it parses the head the front door framed
// into a Request, calls the route (through the pre-routing hook, so its
// regular-expression routing never runs) and writes the Response: status
// line, headers, body, compression and chunked streams.
class ApiServer::MessageLayer : public httplib::Server {
 public:
  // Answers the request in `request` on `stream`. Returns false if the
  // connection must close after it.
  bool Answer(FramedRequest& request, httplib::Stream& stream, Deferral deferral) {
    deferral.request = &request;
    current_deferral = &deferral;
    // Whether the connection stays open is the front door's decision alone
    // (its framing saw `Connection: close` and the HTTP version); what
    // cpp-httplib concludes on its own is not used.
    bool client_closed_unused = false;
    bool ok = process_request(stream, request.close_after, client_closed_unused,
                              [&request](httplib::Request& req) {
                                req.body = std::move(request.body);
                                // The front door already answered
                                // `100 Continue` before reading the body.
                                req.headers.erase("Expect");
                              });
    current_deferral = nullptr;
    return ok && !request.close_after;
  }
  // Content providers (event streams) end once this is no longer a socket.
  void SetListening(bool on) { svr_sock_ = on ? 0 : INVALID_SOCKET; }
};

// Routes by path segments: a literal segment is one map lookup, a `{...}`
// segment matches any one segment. Cost grows with the path's depth, not
// with the number of routes.
class ApiServer::RouteTable {
 public:
  struct Entry {
    std::vector<std::string> roles;
    Handler handler;
  };

  void Add(const std::string& method, const std::string& path, Entry entry) {
    Node* node = &root_;
    for (std::string_view segment : Segments(path)) {
      if (!segment.empty() && segment.front() == '{') {
        if (!node->param) node->param = std::make_unique<Node>();
        node = node->param.get();
      } else {
        auto& child = node->literal[std::string(segment)];
        if (!child) child = std::make_unique<Node>();
        node = child.get();
      }
    }
    LEDGER_ASSERT(node->methods.count(method) == 0 && "route declared twice");
    node->methods.emplace(method, std::move(entry));
  }

  // The entry for `method` on `path`, with the values of its `{...}`
  // segments; nullptr if none. HEAD is served by GET's entry.
  const Entry* Find(std::string_view method, std::string_view path,
                    std::vector<std::string>* params) const {
    std::vector<std::string_view> segments = Segments(path);
    const Node* node = Walk(&root_, segments, 0, params);
    if (node == nullptr) return nullptr;
    auto it = node->methods.find(method == "HEAD" ? "GET" : std::string(method));
    return it == node->methods.end() ? nullptr : &it->second;
  }

 private:
  struct Node {
    std::unordered_map<std::string, std::unique_ptr<Node>> literal;
    std::unique_ptr<Node> param;
    std::unordered_map<std::string, Entry> methods;
  };

  static std::vector<std::string_view> Segments(std::string_view path) {
    std::vector<std::string_view> out;
    size_t at = path.empty() || path.front() != '/' ? 0 : 1;
    while (at <= path.size()) {
      size_t slash = path.find('/', at);
      if (slash == std::string_view::npos) slash = path.size();
      out.push_back(path.substr(at, slash - at));
      at = slash + 1;
    }
    return out;
  }

  // A literal match is preferred; a parameter is tried when the literal
  // branch leads nowhere.
  static const Node* Walk(const Node* node, const std::vector<std::string_view>& segments,
                          size_t i, std::vector<std::string>* params) {
    if (i == segments.size()) return node->methods.empty() ? nullptr : node;
    auto it = node->literal.find(std::string(segments[i]));
    if (it != node->literal.end()) {
      if (const Node* found = Walk(it->second.get(), segments, i + 1, params)) return found;
    }
    if (node->param && !segments[i].empty()) {
      params->emplace_back(segments[i]);
      if (const Node* found = Walk(node->param.get(), segments, i + 1, params)) return found;
      params->pop_back();
    }
    return nullptr;
  }

  Node root_;
};

namespace {
enum Lane : size_t { kCommandLane = 0, kReadLane = 1, kStreamLane = 2 };
constexpr size_t kPathParamBytesMax = 256;
constexpr std::string_view kEventStreamPath = "/v1/events/stream";
}  // namespace

ApiServer::ApiServer(ApiContext ctx, ApiOptions options)
    : ctx_(std::move(ctx)),
      options_(std::move(options)),
      messages_(new MessageLayer()),
      table_(new RouteTable()) {
  LEDGER_ASSERT(ctx_.engine != nullptr && ctx_.token_key != nullptr &&
                ctx_.authenticate != nullptr);
  ctx_.token_usage = &token_usage_;
  if (!options_.admin_token.empty()) admin_token_sha256_ = events::Sha256Hex(options_.admin_token);
  // What the Keep-Alive header says, whoever writes the answer (cpp-httplib,
  // or ResponseBytes for a deferred one).
  const int keep_alive_idle_s = std::max(1, options_.keep_alive_idle_ms / 1000);
  keep_alive_ = fmt::format("timeout={}, max={}", keep_alive_idle_s, options_.keep_alive_requests_max);
  messages_->set_keep_alive_max_count(options_.keep_alive_requests_max);
  messages_->set_keep_alive_timeout(keep_alive_idle_s);
  messages_->set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                      std::exception_ptr) {
    WriteError(res, Status::Internal("internal error"));
  });
  messages_->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    WriteJson(res, res.status,
              Json{{"error", {{"code", "http_" + std::to_string(res.status)},
                              {"message", "HTTP error " + std::to_string(res.status)},
                              {"details", Json::object()}}}});
  });
  messages_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    std::vector<std::string> params;
    const RouteTable::Entry* entry = table_->Find(req.method, req.path, &params);
    if (entry == nullptr) {
      ++counters_.requests;
      WriteError(res, Status::NotFound("no such route"));
      counters_.CountAnswer(res.status);
    } else {
      Invoke(entry->roles, entry->handler, req, res, std::move(params));
    }
    return httplib::Server::HandlerResponse::Handled;
  });

  FrontDoorOptions door;
  door.host = options_.host;
  door.port = options_.port;
  door.listen_backlog = options_.listen_backlog;
  door.listen_fd = options_.listen_fd;
  door.connections_max = options_.connections_max;
  door.body_bytes_buffered_max = options_.body_bytes_buffered_max;
  door.limits = {options_.header_bytes_max, options_.header_line_bytes_max, options_.headers_max,
                 options_.body_bytes_max};
  door.header_timeout_ms = options_.header_timeout_ms;
  door.body_timeout_ms = options_.read_timeout_ms;
  door.write_timeout_ms = options_.write_timeout_ms;
  door.keep_alive_idle_ms = options_.keep_alive_idle_ms;
  door.keep_alive_requests_max = options_.keep_alive_requests_max;
  door.lanes.resize(3);
  door.lanes[kCommandLane] = {"http-command", std::max<size_t>(1, options_.threads),
                              /*throughput=*/true, /*streaming=*/false};
  door.lanes[kReadLane] = {"http-read", std::max<size_t>(1, options_.read_threads),
                           /*throughput=*/false, /*streaming=*/false};
  // One thread per stream, and two more to answer 429 to the streams
  // beyond the limit at once.
  door.lanes[kStreamLane] = {"http-stream", options_.event_streams_max + 2, /*throughput=*/false,
                             /*streaming=*/true};
  front_door_ = std::make_unique<FrontDoor>(
      std::move(door),
      [](std::string_view method, std::string_view target) -> size_t {
        if (method != "GET" && method != "HEAD") return kCommandLane;
        std::string_view path = target.substr(0, target.find('?'));
        return path == kEventStreamPath ? kStreamLane : kReadLane;
      },
      [this](FramedRequest& request, httplib::Stream& stream) {
        return messages_->Answer(request, stream,
                                 Deferral{front_door_.get(), nullptr, &counters_, &keep_alive_});
      });

  AddRoutes();
}

ApiServer::~ApiServer() { Stop(); }

Result<int> ApiServer::Bind() {
  auto port = front_door_->Bind();
  if (port.ok()) messages_->SetListening(true);
  return port;
}

void ApiServer::Serve() { front_door_->Run(); }

void ApiServer::Stop() {
  stopping_ = true;  // ends event streams within a second
  messages_->SetListening(false);
  front_door_->Stop();
}

void ApiServer::Add(const std::string& method, const std::string& path,
                    std::vector<std::string> roles, const std::string& summary, Handler handler) {
  LEDGER_ASSERT(method == "GET" || method == "POST" || method == "PUT");
  routes_.push_back({method, path, summary, roles});
  table_->Add(method, path, {std::move(roles), std::move(handler)});
}

Result<Actor> ApiServer::Authenticate(const httplib::Request& req) {
  std::string auth = Header(req, "Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0) {
    return Status(Errc::kUnauthenticated, "missing bearer token");
  }
  const std::string_view bearer = std::string_view(auth).substr(kBearer.size());
  const std::string bearer_sha256 = events::Sha256Hex(bearer);
  if (!admin_token_sha256_.empty() && SameDigest(bearer_sha256, admin_token_sha256_)) {
    return Actor{"admin", {"admin"}};
  }
  std::string token_id;
  auto actor = ctx_.authenticate(ctx_, bearer, &token_id);
  if (!actor.ok()) return actor;
  if (!token_id.empty()) token_usage_.Record(token_id, ctx_.engine->clock()->NowMicros());
  return actor;
}

void ApiServer::Invoke(const std::vector<std::string>& roles, const Handler& handler,
                       const httplib::Request& req, httplib::Response& res,
                       std::vector<std::string> path_params) {
  ++counters_.requests;
  bool deferred = false;
  try {
    // A path segment may name what a command creates or touches: it is text
    // of a bounded length, like every string that reaches an event.
    for (const auto& p : path_params) {
      if (p.size() > kPathParamBytesMax || !events::IsUtf8(p)) {
        FailMalformed(fmt::format("a path segment must be UTF-8 text of at most {} bytes",
                                  kPathParamBytesMax));
      }
    }
    if (ctx_.read_replica && req.method != "GET" && req.method != "HEAD") {
      RefuseWriteOnReplica(res);
      counters_.CountAnswer(res.status);
      return;
    }
    Actor actor;
    if (!roles.empty()) {
      auto a = Authenticate(req);
      if (!a.ok()) Fail(a.status());
      if (!Allowed(*a, roles)) {
        Fail(Status(Errc::kForbidden, fmt::format("{} may not {} {}", a->id, req.method, req.path)));
      }
      actor = std::move(a.value());
    }
    RequestContext rc(req, res, std::move(actor), ctx_, std::move(path_params), current_deferral);
    handler(rc);
    deferred = rc.deferred();
  } catch (const ApiError& e) {
    WriteError(res, e.status);
  } catch (const std::exception& e) {
    spdlog::error("api: {} {} failed: {}", req.method, req.path, e.what());
    WriteError(res, Status::Internal("internal error"));
  }
  if (!deferred) counters_.CountAnswer(res.status);  // a deferred answer is counted when it is made
}

void ApiServer::RefuseWriteOnReplica(httplib::Response& res) const {
  const std::string& writer = ctx_.writer_url;
  const std::string message =
      writer.empty()
          ? "this ledgerd is a read replica: it serves reads only; send writes to the ledger's "
            "writer (this reader has no writer_url configured)"
          : "this ledgerd is a read replica: it serves reads only; send writes to the writer at " +
                writer;
  Json err = {{"code", WireCode(Errc::kUnavailable)},
              {"message", message},
              {"details", Json::object()}};
  if (!writer.empty()) err["writer"] = writer;
  WriteJson(res, 503, Json{{"error", err}});
}

bool ApiServer::TakeEventStream(const std::string& user) {
  std::lock_guard lock(event_streams_mu_);
  size_t& mine = event_streams_of_[user];
  if (event_streams_ >= options_.event_streams_max || mine >= options_.event_streams_per_user_max) {
    if (mine == 0) event_streams_of_.erase(user);
    return false;
  }
  ++event_streams_;
  ++mine;
  return true;
}

void ApiServer::ReleaseEventStream(const std::string& user) {
  std::lock_guard lock(event_streams_mu_);
  LEDGER_ASSERT(event_streams_ > 0 && event_streams_of_[user] > 0);
  --event_streams_;
  if (--event_streams_of_[user] == 0) event_streams_of_.erase(user);
}

void ApiServer::AddRoutes() {
  AddQueryRoutes();
  AddListRoutes();
  for (AddRoutesFn add : ctx_.routes) add(*this);
}

}  // namespace ledger::api
