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

// Issues an API token for `user_id` on the command's stream (named by the
// token's id); `digest` is the HMAC of its secret. not_found for an unknown
// user, invalid_state for a disabled one, malformed for a label longer than
// kTokenLabelBytesMax.
Decision DecideIssueToken(const std::string& user_id, const std::string& label,
                          const std::string& digest, DecideContext& ctx);
// Revokes `token` as a token of `user_id`: not_found if it is another user's
// (a token is addressed under its user), invalid_state if already revoked.
Decision DecideRevokeToken(const ApiToken& token, const std::string& user_id,
                           const std::string& reason);

}  // namespace ledger::domain
