// API tokens at the edge (SPEC §6): their shape, the server's key and the
// digest authentication compares, and when each token was last used.
//
// A token is `ldg_<id>_<secret>`: <id> is "tok_" and 16 hex digits, the id of
// its `api_token/<id>` stream, so the server finds a token without an index
// of digests; <secret> is 64 hex digits (32 random bytes). The log holds the
// id and HMAC-SHA256(server key, token), never the token nor a plain digest
// of it: whoever reads the log (auditors, integrators, a backup) cannot test
// guesses offline, not even against a token an operator chose.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "events/status.h"

namespace ledger::api {

// A token just drawn: its id and the whole bearer text, shown once.
struct NewToken {
  std::string id;
  std::string bearer;
};
// Draws a token from OpenSSL's generator; internal if it has no randomness.
Result<NewToken> GenerateToken();
// The id inside a bearer of the shape above; nullopt for any other text
// (e.g. a token issued before ids existed, named by its SHA-256).
std::optional<std::string_view> TokenIdOf(std::string_view bearer);

// Whether two digests are equal, in a time that does not depend on where
// they differ (CRYPTO_memcmp). Digests of different sizes are not equal.
bool SameDigest(std::string_view a, std::string_view b);

// The server's token key: 32 random bytes in a file of mode 0600.
//
// Operation: LoadOrCreate reads the file, or creates it when it does not
//   exist: written aside, fsynced, then linked into place, so that two
//   processes starting at once end up with the same key. Nodes that serve
//   the same log must share the file (Config::token_key_file).
// Concurrency: immutable after construction; Digest is thread-safe.
// Recovery: a lost or replaced key invalidates every token issued under it
//   (reissue them); the --admin-token break glass does not depend on it.
class TokenKey {
 public:
  static constexpr size_t kBytes = 32;
  // io_error if the file cannot be read or created, corruption if it does
  // not hold exactly kBytes bytes.
  static Result<TokenKey> LoadOrCreate(const std::string& path);
  // HMAC-SHA256 of `bearer` under the key: 32 bytes.
  std::string Digest(std::string_view bearer) const;

 private:
  explicit TokenKey(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

// When each token last authenticated a request to this process.
//
// Operation: in memory only: a request is not an event, and appending one
//   per request would make every read a write. So a time is "since this
//   process started", per process (each node of a cluster sees its own
//   requests), to the second.
// Concurrency: thread-safe. A use takes a shared lock and, at most once a
//   second per token, stores an atomic; the first use of a token takes the
//   lock exclusively once.
// Limitations: one entry per token that authenticated since the start,
//   bounded by the tokens admins issued.
class TokenUsage {
 public:
  void Record(std::string_view token_id, int64_t now_us);
  std::optional<int64_t> LastUsed(std::string_view token_id) const;

 private:
  static constexpr int64_t kResolutionUs = 1'000'000;
  mutable std::shared_mutex mu_;
  // The map is guarded by mu_; each time is an atomic of its own.
  std::unordered_map<std::string, std::unique_ptr<std::atomic<int64_t>>> last_used_us_;
};

}  // namespace ledger::api
