#include "api/http.h"

#include <fmt/format.h>

namespace ledger::api {

int HttpStatus(Errc code) {
  switch (code) {
    case Errc::kOk: return 200;
    case Errc::kMalformed: return 400;
    case Errc::kUnauthenticated: return 401;
    case Errc::kForbidden: return 403;
    case Errc::kNotFound: return 404;
    case Errc::kInvalidState:
    case Errc::kVersionConflict:
    case Errc::kDuplicate: return 409;
    case Errc::kRuleViolation: return 422;
    case Errc::kTooLarge: return 413;
    case Errc::kOverloaded: return 429;
    case Errc::kUnavailable: return 503;
    case Errc::kNoSpace: return 507;
    case Errc::kCorruption:
    case Errc::kIoError:
    case Errc::kInternal: return 500;
  }
  return 500;
}

std::string_view WireCode(Errc code) {
  switch (code) {
    case Errc::kUnauthenticated: return "unauthorized";
    case Errc::kTooLarge: return "payload_too_large";
    default: return ErrcName(code);
  }
}

void WriteJson(httplib::Response& res, int status, const Json& body) {
  // Text that is not UTF-8 (an id from a URL, an old event) is rendered with
  // U+FFFD rather than failing the answer.
  WriteJsonText(res, status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

void WriteJsonText(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

void WriteError(httplib::Response& res, const Status& s) {
  Json details = Json::object();
  if (!s.rule().empty()) details["rule"] = s.rule();
  for (const auto& [k, v] : s.details()) details[k] = v;
  Json err = {{"code", WireCode(s.code())}, {"message", s.message()}, {"details", details}};
  if (!s.rule().empty()) err["rule"] = s.rule();
  WriteJson(res, HttpStatus(s.code()), Json{{"error", err}});
}

Body Body::Parse(const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) FailMalformed("the body is not valid JSON");
  if (!j.is_object()) FailMalformed("the body must be a JSON object");
  return Body(std::move(j));
}

const Json* Body::field(const char* key) const {
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> Body::opt_str(const char* key) const {
  const Json* f = field(key);
  if (f == nullptr) return std::nullopt;
  if (!f->is_string()) FailMalformed(fmt::format("\"{}\" must be a string", where(key)));
  auto s = f->get<std::string>();
  if (s.size() > 4096) FailMalformed(fmt::format("\"{}\" is longer than 4096 bytes", where(key)));
  return s;
}

std::string Body::str(const char* key) const {
  auto s = opt_str(key);
  if (!s || s->empty()) FailMalformed(fmt::format("missing field \"{}\"", where(key)));
  return *s;
}

std::optional<Decimal> Body::opt_dec(const char* key) const {
  const Json* f = field(key);
  if (f == nullptr) return std::nullopt;
  if (!f->is_string()) {
    FailMalformed(fmt::format("\"{}\" must be a decimal string such as \"12.50\"", where(key)));
  }
  auto d = Decimal::Parse(f->get<std::string>());
  if (!d.ok()) FailMalformed(fmt::format("\"{}\": {}", where(key), d.status().message()));
  return *d;
}

Decimal Body::dec(const char* key) const {
  auto d = opt_dec(key);
  if (!d) FailMalformed(fmt::format("missing field \"{}\"", where(key)));
  return *d;
}

bool Body::boolean(const char* key, bool fallback) const {
  const Json* f = field(key);
  if (f == nullptr) return fallback;
  if (!f->is_boolean()) FailMalformed(fmt::format("\"{}\" must be true or false", where(key)));
  return f->get<bool>();
}

int64_t Body::integer(const char* key, int64_t fallback) const {
  const Json* f = field(key);
  if (f == nullptr) return fallback;
  if (!f->is_number_integer()) FailMalformed(fmt::format("\"{}\" must be an integer", where(key)));
  return f->get<int64_t>();
}

std::vector<std::string> Body::strings(const char* key) const {
  std::vector<std::string> out;
  const Json* f = field(key);
  if (f == nullptr) return out;
  if (!f->is_array()) FailMalformed(fmt::format("\"{}\" must be an array of strings", where(key)));
  for (const auto& v : *f) {
    if (!v.is_string()) FailMalformed(fmt::format("\"{}\" must be an array of strings", where(key)));
    out.push_back(v.get<std::string>());
  }
  return out;
}

Body Body::object(const char* key) const {
  const Json* f = field(key);
  if (f == nullptr) FailMalformed(fmt::format("missing field \"{}\"", where(key)));
  if (!f->is_object()) FailMalformed(fmt::format("\"{}\" must be an object", where(key)));
  return Body(*f, path_ + key + ".");
}

std::vector<Body> Body::objects(const char* key) const {
  std::vector<Body> out;
  const Json* f = field(key);
  if (f == nullptr) return out;
  if (!f->is_array()) FailMalformed(fmt::format("\"{}\" must be an array of objects", where(key)));
  if (f->size() > 10'000) FailMalformed(fmt::format("\"{}\" has too many entries", where(key)));
  for (size_t i = 0; i < f->size(); ++i) {
    if (!(*f)[i].is_object()) {
      FailMalformed(fmt::format("\"{}\" must be an array of objects", where(key)));
    }
    out.emplace_back((*f)[i], fmt::format("{}{}[{}].", path_, key, i));
  }
  return out;
}

std::optional<std::string> Param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

size_t LimitParam(const httplib::Request& req, size_t fallback, size_t max) {
  auto p = Param(req, "limit");
  if (!p) return fallback;
  size_t v = 0;
  for (char c : *p) {
    if (c < '0' || c > '9' || v > max) FailMalformed("limit must be a positive integer");
    v = v * 10 + (c - '0');
  }
  if (p->empty() || v == 0) FailMalformed("limit must be a positive integer");
  return std::min(v, max);
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t c = s.find(',', pos);
    if (c == std::string::npos) c = s.size();
    if (c > pos) out.push_back(s.substr(pos, c - pos));
    pos = c + 1;
  }
  return out;
}

}  // namespace ledger::api
