// API tokens of users (docs/ARCHITECTURE.md, Security).
#pragma once

#include <string>

#include "engine/aggregate.h"

namespace ledger::domain {

// Stream `api_token/<token id>`: an API token of a user. The secret is never
// stored; `digest` is its HMAC-SHA256 under the server's token key (32
// bytes), empty for a token issued before token ids existed (such a token is
// named by the SHA-256 hex of its secret).
struct ApiToken {
  // Format 2: reference states no longer carry a `revoked` flag (tokens have
  // a state of their own).
  static constexpr StreamTraits kStream = {
      .type = "api_token", .topic = Topic::kReference, .series = "", .snapshot_format = 2};
  std::string user_id;
  std::string label;
  std::string digest;
  int64_t created_at_us = 0;
  bool revoked = false;
  int64_t revoked_at_us = 0;  // 0 while active
  std::string revoked_by;     // the actor who revoked it
};
void Apply(ApiToken& t, const events::Envelope& e);
std::string_view Label(const ApiToken& t);  // "active" | "revoked"
template <class A, class Self>
void Fields(A& a, Self& t) requires std::is_same_v<std::remove_const_t<Self>, ApiToken> {
  a(t.user_id, t.label, t.digest, t.created_at_us, t.revoked, t.revoked_at_us, t.revoked_by);
}
bool Valid(const ApiToken& t);

// A token's label is shown in lists: short text.
inline constexpr size_t kTokenLabelBytesMax = 200;

// Issues token `token` (its stream's id) for `user_id`; `digest` is the
// HMAC-SHA256 of its secret (32 bytes). not_found for an unknown user,
// invalid_state for a disabled one, malformed for a label longer than
// kTokenLabelBytesMax.
struct IssueToken {
  using Target = ApiToken;
  std::string token;
  std::string user_id, label, digest;
  static constexpr auto kStreamId = &IssueToken::token;
};
// Revokes `token` as a token of `user_id`: not_found if it is another user's
// (a token is addressed under its user), invalid_state if already revoked.
struct RevokeToken {
  using Target = ApiToken;
  std::string token;
  std::string user_id, reason;
  static constexpr auto kStreamId = &RevokeToken::token;
};

Decision Decide(const IssueToken& cmd, DecideContext& ctx);
Decision Decide(const ApiToken& token, const RevokeToken& cmd, DecideContext& ctx);

}  // namespace ledger::domain
