// Helpers of the HTTP layer: JSON bodies parsed into native values at once,
// errors rendered as SPEC §2 says, Errc mapped to HTTP statuses.
//
// Inside the api module a request that cannot go on throws ApiError; the
// route wrapper turns it into the error response. Nothing here is visible to
// the engine.
#pragma once

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "engine/decimal.h"
#include "events/status.h"

namespace ledger::api {

using Json = nlohmann::json;

struct ApiError {
  Status status;
};

[[noreturn]] inline void Fail(Status s) { throw ApiError{std::move(s)}; }
[[noreturn]] inline void FailMalformed(std::string message) { Fail(Status::Malformed(std::move(message))); }

int HttpStatus(Errc code);
std::string_view WireCode(Errc code);
void WriteError(httplib::Response& res, const Status& s);
void WriteJson(httplib::Response& res, int status, const Json& body);
void WriteJsonText(httplib::Response& res, int status, std::string body);

// A JSON object from a request body, with typed field access that fails with
// 400 `malformed` naming the field.
class Body {
 public:
  static Body Parse(const std::string& text);
  explicit Body(Json j, std::string path = "") : j_(std::move(j)), path_(std::move(path)) {}

  bool has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  std::string str(const char* key) const;                 // required, non-empty
  std::optional<std::string> opt_str(const char* key) const;
  Decimal dec(const char* key) const;                      // required decimal string
  std::optional<Decimal> opt_dec(const char* key) const;
  bool boolean(const char* key, bool fallback) const;
  int64_t integer(const char* key, int64_t fallback) const;
  std::vector<std::string> strings(const char* key) const;  // absent: empty
  std::vector<Body> objects(const char* key) const;         // absent: empty
  Body object(const char* key) const;                       // required object
  const Json& json() const { return j_; }

 private:
  std::string where(const char* key) const { return path_ + key; }
  const Json* field(const char* key) const;
  Json j_;
  std::string path_;
};

// Query parameter helpers.
std::optional<std::string> Param(const httplib::Request& req, const char* name);
size_t LimitParam(const httplib::Request& req, size_t fallback, size_t max);
// "a,b,,c" -> {"a","b","c"}: a list parameter such as ?group_by=.
std::vector<std::string> SplitComma(const std::string& s);

}  // namespace ledger::api
