// HTTP test helpers: a JSON client for a ledgerd on loopback.
#pragma once

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>

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

}  // namespace ledger::testing
