#include "api/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>


#include "api/request_context.h"
#include "engine/domain/reference.h"
#include "events/codec.h"

namespace ledger::api {
namespace {

// "/v1/purchase-orders/{id}" -> "/v1/purchase-orders/([^/]+)"
std::string PathRegex(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      i = path.find('}', i);
      LEDGER_ASSERT(i != std::string::npos);
      out += "([^/]+)";
    } else {
      out += path[i];
    }
  }
  return out;
}

std::string Header(const httplib::Request& req, const char* name) {
  return req.has_header(name) ? req.get_header_value(name) : std::string();
}

// The actor behind a bearer token, or the reason there is none.
Result<Actor> Authenticate(const httplib::Request& req, const Engine& engine) {
  std::string auth = Header(req, "Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0) {
    return Status(Errc::kUnauthenticated, "missing bearer token");
  }
  std::string digest = events::Sha256Hex(std::string_view(auth).substr(kBearer.size()));
  auto token = engine.Load("api_token", digest);
  const auto* t = token ? StateCast<domain::ReferenceState>(token.get()) : nullptr;
  const auto* issued = t ? domain::TableOf<events::ApiTokenIssued>(*t) : nullptr;
  if (issued == nullptr || t->revoked) return Status(Errc::kUnauthenticated, "invalid token");
  std::string user_id = events::Str(issued->user_id());
  auto user = engine.Load("user", user_id);
  const auto* u = user ? StateCast<domain::ReferenceState>(user.get()) : nullptr;
  const auto* def = u ? domain::TableOf<events::UserDefined>(*u) : nullptr;
  if (def == nullptr || def->disabled()) return Status(Errc::kUnauthenticated, "user disabled");
  Actor actor{user_id, {}};
  if (def->roles()) {
    for (const auto* r : *def->roles()) actor.roles.push_back(events::Str(r));
  }
  return actor;
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

CommandOutcome RequestContext::Execute(Command cmd) {
  cmd.actor = actor;
  cmd.correlation_id = req.get_header_value("X-Correlation-Id");
  if (cmd.correlation_id.size() > 128) FailMalformed("X-Correlation-Id is too long");
  std::string key = req.get_header_value("Idempotency-Key");
  if (key.size() > 256) FailMalformed("Idempotency-Key is longer than 256 characters");
  if (!key.empty()) {
    cmd.idempotency_key = key;
    cmd.request_hash = events::Sha256Hex(req.method + " " + req.path + "\n" + req.body);
  }
  std::string if_match = req.get_header_value("If-Match");
  if (!if_match.empty()) {
    std::string v = if_match;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    uint64_t version = 0;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
      FailMalformed("If-Match must be a version number");
    }
    version = std::stoull(v);
    cmd.expected_version = version;
  }
  return ctx.engine->Execute(std::move(cmd));
}

void RequestContext::Reply(const CommandOutcome& out) {
  if (!out.status.ok()) Fail(out.status);
  res.set_header("ETag", fmt::format("\"{}\"", out.version));
  if (out.replayed) res.set_header("Idempotent-Replayed", "true");
  WriteJson(res, out.created ? 201 : 200,
            Json{{"id", out.stream_id}, {"version", out.version}, {"state", out.state_label}});
}

ApiServer::ApiServer(ApiContext ctx, ApiOptions options)
    : ctx_(std::move(ctx)), options_(std::move(options)), http_(new httplib::Server()) {
  http_->new_task_queue = [n = options_.threads] { return new httplib::ThreadPool(n); };
  http_->set_payload_max_length(options_.body_bytes_max);
  http_->set_read_timeout(options_.read_timeout_ms / 1000, (options_.read_timeout_ms % 1000) * 1000);
  http_->set_write_timeout(10, 0);
  http_->set_keep_alive_max_count(10'000);
  http_->set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                  std::exception_ptr) {
    WriteError(res, Status::Internal("internal error"));
  });
  http_->set_error_handler([this](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      WriteError(res, Status(Errc::kTooLarge, fmt::format("the body is larger than {} bytes",
                                                          options_.body_bytes_max)));
    } else if (res.status == 404) {
      WriteError(res, Status::NotFound("no such route"));
    } else if (res.status == 400) {
      // cpp-httplib refuses, before routing, a request it cannot read, most
      // often a POST without Content-Length (curl -X POST with no data).
      WriteError(res, Status::Malformed("the request could not be read; a POST needs a body or "
                                        "Content-Length: 0 (e.g. curl -d '{}')"));
    } else {
      WriteJson(res, res.status,
                Json{{"error", {{"code", "http_" + std::to_string(res.status)},
                                {"message", "HTTP error " + std::to_string(res.status)},
                                {"details", Json::object()}}}});
    }
  });
  AddRoutes();
}

ApiServer::~ApiServer() { Stop(); }

Result<int> ApiServer::Bind() {
  int port = options_.port == 0 ? http_->bind_to_any_port(options_.host)
                                : (http_->bind_to_port(options_.host, options_.port)
                                       ? options_.port
                                       : -1);
  if (port < 0) {
    return Status::Unavailable(fmt::format("cannot listen on {}:{}", options_.host, options_.port));
  }
  socket_port_ = port;
  return port;
}

void ApiServer::Serve() { http_->listen_after_bind(); }

void ApiServer::Stop() {
  stopping_ = true;  // ends event streams within a second
  if (http_) http_->stop();
}

void ApiServer::Add(const std::string& method, const std::string& path,
                    std::vector<std::string> roles, const std::string& summary, Handler handler) {
  routes_.push_back({method, path, summary, roles});
  auto wrapped = [this, roles, handler = std::move(handler)](const httplib::Request& req,
                                                             httplib::Response& res) {
    ++requests_;
    try {
      Actor actor;
      if (!roles.empty()) {
        auto a = Authenticate(req, *ctx_.engine);
        if (!a.ok()) Fail(a.status());
        if (!Allowed(*a, roles)) {
          Fail(Status(Errc::kForbidden,
                      fmt::format("{} may not {} {}", a->id, req.method, req.path)));
        }
        actor = std::move(a.value());
      }
      RequestContext rc(req, res, std::move(actor), ctx_);
      handler(rc);
    } catch (const ApiError& e) {
      WriteError(res, e.status);
    } catch (const std::exception& e) {
      spdlog::error("api: {} {} failed: {}", req.method, req.path, e.what());
      WriteError(res, Status::Internal("internal error"));
    }
    if (res.status >= 500) {
      ++errors_5xx_;
    } else if (res.status >= 400) {
      ++errors_4xx_;
    }
  };
  std::string pattern = PathRegex(path);
  if (method == "GET") {
    http_->Get(pattern, wrapped);
  } else if (method == "POST") {
    http_->Post(pattern, wrapped);
  } else if (method == "PUT") {
    http_->Put(pattern, wrapped);
  } else {
    LEDGER_ASSERT(false && "unsupported method");
  }
}

void ApiServer::AddRoutes() {
  AddReferenceRoutes();
  AddPurchasingRoutes();
  AddP2pRoutes();
  AddQueryRoutes();
}

}  // namespace ledger::api
