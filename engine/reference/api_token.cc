#include "engine/reference/api_token.h"

#include <fmt/format.h>

#include "engine/reference/reference_entity.h"

namespace ledger::domain {
namespace {

using events::Payload;

}  // namespace

Decision Decide(const IssueToken& cmd, DecideContext& ctx) {
  const std::string& user_id = cmd.user_id;
  const std::string& label = cmd.label;
  const std::string& digest = cmd.digest;
  const auto* user = FindReference<events::UserDefined>(ctx, user_id);
  if (user == nullptr) return Status::NotFound("user \"" + user_id + "\" does not exist");
  if (user->disabled()) return Status::InvalidState("user \"" + user_id + "\" is disabled");
  if (label.size() > kTokenLabelBytesMax) {
    return Status::Malformed(fmt::format("a label is at most {} bytes", kTokenLabelBytesMax));
  }
  // The digest is an HMAC-SHA256: anything else is a bug of the caller.
  if (digest.size() != 32) return Status::Internal("a token digest is 32 bytes");
  events::ApiTokenIssuedT t;
  t.user_id = user_id;
  t.label = label;
  t.digest.assign(digest.begin(), digest.end());
  return One(Emit(std::move(t)));
}

Decision Decide(const ApiToken& token, const RevokeToken& cmd, DecideContext&) {
  const std::string& user_id = cmd.user_id;
  const std::string& reason = cmd.reason;
  if (token.user_id != user_id) {
    return Status::NotFound("user \"" + user_id + "\" has no such token");
  }
  if (token.revoked) return Status::InvalidState("the token is already revoked");
  events::ApiTokenRevokedT t;
  t.reason = reason;
  return One(Emit(std::move(t)));
}

void Apply(ApiToken& t, const events::Envelope& e) {
  if (const auto* issued = e.payload_as_ApiTokenIssued()) {
    t.user_id = events::Str(issued->user_id());
    t.label = events::Str(issued->label());
    t.digest.clear();
    if (issued->digest()) t.digest.assign(issued->digest()->begin(), issued->digest()->end());
    t.created_at_us = e.recorded_at_us();
  } else if (e.payload_type() == Payload::ApiTokenRevoked) {
    t.revoked = true;
    t.revoked_at_us = e.recorded_at_us();
    t.revoked_by = events::Str(e.actor());
  }
}

std::string_view Label(const ApiToken& t) { return t.revoked ? "revoked" : "active"; }

bool Valid(const ApiToken& t) { return t.digest.empty() || t.digest.size() == 32; }

}  // namespace ledger::domain
