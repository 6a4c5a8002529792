// Status and Result<T>: expected failures are values, never exceptions.
//
// Every rejection the ledger produces carries a stable `Errc` (mapped to an
// HTTP status by the api module), a human message, and, for domain rules, the
// rule's name (e.g. "budget_exceeded") plus optional details.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

// Invariant checks that stay on in release builds. Never for user input.
#define LEDGER_ASSERT(cond)                                                              \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace ledger {

enum class Errc {
  kOk = 0,
  kMalformed,        // 400: bad JSON, missing field, bad decimal
  kUnauthenticated,  // 401
  kForbidden,        // 403
  kNotFound,         // 404
  kInvalidState,     // 409: illegal transition
  kVersionConflict,  // 409: If-Match mismatch
  kDuplicate,        // 409: id or reference already used
  kRuleViolation,    // 422: a named business rule refused the command
  kTooLarge,         // 413
  kOverloaded,       // 429
  kUnavailable,      // 503: the writer cannot write (I/O error, fenced, stopping)
  kCorruption,       // a stored record fails verification
  kIoError,          // storage failure
  kNoSpace,          // 507: the disk is full; writes resume once space returns
  kInternal,         // a bug
};

std::string_view ErrcName(Errc code);

class [[nodiscard]] Status {
 public:
  using Details = std::vector<std::pair<std::string, std::string>>;

  Status() = default;
  Status(Errc code, std::string message, std::string rule = {}, Details details = {})
      : code_(code), message_(std::move(message)), rule_(std::move(rule)),
        details_(std::move(details)) {}

  static Status Ok() { return Status(); }
  static Status Malformed(std::string m) { return {Errc::kMalformed, std::move(m)}; }
  static Status NotFound(std::string m) { return {Errc::kNotFound, std::move(m)}; }
  static Status InvalidState(std::string m) { return {Errc::kInvalidState, std::move(m)}; }
  static Status Duplicate(std::string m) { return {Errc::kDuplicate, std::move(m)}; }
  static Status Rule(std::string rule, std::string m, Details d = {}) {
    return {Errc::kRuleViolation, std::move(m), std::move(rule), std::move(d)};
  }
  static Status Corruption(std::string m) { return {Errc::kCorruption, std::move(m)}; }
  static Status IoError(std::string m) { return {Errc::kIoError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Errc::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {Errc::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Errc::kOk; }
  Errc code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& rule() const { return rule_; }
  const Details& details() const { return details_; }
  bool IsNotFound() const { return code_ == Errc::kNotFound; }
  bool IsCorruption() const { return code_ == Errc::kCorruption; }

  std::string ToString() const;
  // The same status, its message prefixed with where it happened
  // ("line 2: quantity must be positive").
  Status Within(const std::string& where) const {
    return Status(code_, where + ": " + message_, rule_, details_);
  }

 private:
  Errc code_ = Errc::kOk;
  std::string message_;
  std::string rule_;
  Details details_;
};

// A value or the Status that explains its absence.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    LEDGER_ASSERT(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { LEDGER_ASSERT(ok()); return std::get<T>(v_); }
  const T& value() const& { LEDGER_ASSERT(ok()); return std::get<T>(v_); }
  T&& value() && { LEDGER_ASSERT(ok()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T value_or(T fallback) const& { return ok() ? std::get<T>(v_) : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ledger

// Returns early from the enclosing function when `expr` is a failed Status.
#define LEDGER_RETURN_IF_ERROR(expr)   \
  do {                                 \
    ::ledger::Status _st = (expr);     \
    if (!_st.ok()) return _st;         \
  } while (0)
