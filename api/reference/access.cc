// Who a bearer token is: the `api_token` stream the token names, checked by
// its keyed digest, and the definition of its user.
#include "api/reference/routes.h"
#include "engine/reference/api_token.h"
#include "engine/reference/reference_entity.h"

namespace ledger::api {

Result<Actor> AuthenticateToken(const ApiContext& ctx, std::string_view bearer,
                                std::string* token_id) {
  // A token of today's shape names its stream; an older one is named by its
  // SHA-256 and has no keyed digest.
  const std::optional<std::string_view> id = TokenIdOf(bearer);
  const std::string stream_id = id ? std::string(*id) : events::Sha256Hex(bearer);
  auto token = ctx.engine->Load<domain::ApiToken>(stream_id);
  const bool genuine =
      token != nullptr && (id ? SameDigest(token->digest, ctx.token_key->Digest(bearer))
                              : token->digest.empty());
  if (!genuine || token->revoked) return Status(Errc::kUnauthenticated, "invalid token");
  auto user = ctx.engine->Load(domain::kReferenceType<events::UserDefined>, token->user_id);
  const auto* u = user ? StateCast<domain::ReferenceState>(user.get()) : nullptr;
  const auto* def = u ? domain::TableOf<events::UserDefined>(*u) : nullptr;
  if (def == nullptr || def->disabled()) return Status(Errc::kUnauthenticated, "user disabled");
  Actor actor{token->user_id, {}};
  if (def->roles()) {
    for (const auto* r : *def->roles()) actor.roles.push_back(events::Str(r));
  }
  *token_id = stream_id;
  return actor;
}

}  // namespace ledger::api
