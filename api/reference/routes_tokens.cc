// API tokens of users: issued (shown once), listed, revoked.
#include <fmt/format.h>

#include <functional>

#include "api/request_context.h"
#include "api/reference/routes.h"
#include "engine/reference/commands.h"
#include "projections/reference/tokens.h"

namespace ledger::api {

namespace {

Json TimeOrNull(int64_t us) { return us == 0 ? Json(nullptr) : Json(IsoTimestamp(us)); }

// A token as lists show it: never its secret nor its digest.
Json TokenJson(const std::string& id, const domain::ApiToken& t,
               std::optional<int64_t> last_used_us) {
  return Json{{"id", id},
              {"user", t.user_id},
              {"label", t.label},
              {"created_at", IsoTimestamp(t.created_at_us)},
              {"last_used_at", TimeOrNull(last_used_us.value_or(0))},
              {"status", std::string(domain::Label(t))},
              {"revoked_at", TimeOrNull(t.revoked_at_us)},
              {"revoked_by", t.revoked ? Json(t.revoked_by) : Json(nullptr)}};
}

// The committed state of token `id`, if it has one.
std::optional<domain::ApiToken> FindToken(const Engine& engine, const std::string& id) {
  auto t = engine.Load<domain::ApiToken>(id);
  return t ? std::optional<domain::ApiToken>(*t) : std::nullopt;
}

// Tokens are listed by their user and by admins.
void CheckMayListTokens(const RequestContext& rc, const std::string& user) {
  if (rc.actor.id != user && !rc.actor.HasRole("admin")) {
    Fail(Status(Errc::kForbidden, rc.actor.id + " may not list the tokens of " + user));
  }
  if (!rc.ctx.engine->Load(domain::kReferenceType<events::UserDefined>, user)) {
    Fail(Status::NotFound("user \"" + user + "\" does not exist"));
  }
}

// The token just issued, with its secret: shown this once.
void WriteIssuedToken(const ApiContext* ctx, const NewToken& token, const std::string& user,
                      const std::string& label, const CommandOutcome& out,
                      httplib::Response& res) {
  if (!out.status.ok()) Fail(out.status);
  if (out.replayed) {
    // The secret is shown once and never stored: a replay cannot show it.
    Fail(Status::Duplicate("a token was already issued for this Idempotency-Key"));
  }
  auto t = FindToken(*ctx->engine, token.id);
  if (!t) Fail(Status::Internal("the token just issued has no state"));
  WriteJson(res, 201,
            Json{{"id", token.id},
                 {"token", token.bearer},
                 {"user", user},
                 {"label", label},
                 {"created_at", IsoTimestamp(t->created_at_us)}});
}

// POST /v1/users/{id}/tokens: a new token, answered with its secret.
void IssueTokenRoute(RequestContext& rc) {
  std::string label = rc.optional_field("label");
  auto token = GenerateToken();
  if (!token.ok()) Fail(token.status());
  std::string digest = rc.ctx.token_key->Digest(token->bearer);
  std::string user = rc.path(1);
  rc.Submit(ToCommand(domain::IssueToken{token->id, user, label, std::move(digest)}),
            std::bind_front(&WriteIssuedToken, &rc.ctx, *token, user, label));
}

// GET /v1/users/{id}/tokens
void ListTokensRoute(RequestContext& rc) {
  const std::string user = rc.path(1);
  CheckMayListTokens(rc, user);
  std::string status = Param(rc.req, "status").value_or("");
  if (!status.empty() && status != "active" && status != "revoked") {
    FailMalformed("status must be \"active\" or \"revoked\"");
  }
  auto page = QueryUserTokens(rc.ctx.store, user, status, Param(rc.req, "cursor").value_or(""),
                              LimitParam(rc.req, 100, 500));
  if (!page.ok()) Fail(page.status());
  Json items = Json::array();
  for (const auto& id : page->ids) {
    // Listed by the projection a moment before the engine publishes its
    // state: shown by the next request.
    if (auto t = FindToken(*rc.ctx.engine, id)) {
      items.push_back(TokenJson(id, *t, rc.ctx.token_usage->LastUsed(id)));
    }
  }
  Json next = page->next_cursor.empty() ? Json(nullptr) : Json(page->next_cursor);
  WriteJson(rc.res, 200, Json{{"items", items}, {"next", next}});
}

// The token just revoked, as lists show it.
void WriteRevokedToken(const ApiContext* ctx, const std::string& token_id,
                       const CommandOutcome& out, httplib::Response& res) {
  if (!out.status.ok()) Fail(out.status);
  auto t = FindToken(*ctx->engine, token_id);
  if (!t) Fail(Status::Internal("the token just revoked has no state"));
  WriteJson(res, 200, TokenJson(token_id, *t, ctx->token_usage->LastUsed(token_id)));
}

// POST /v1/users/{id}/tokens/{token_id}/revoke
void RevokeTokenRoute(RequestContext& rc) {
  std::string token_id = rc.path(2);
  rc.Submit(ToCommand(domain::RevokeToken{token_id, rc.path(1), rc.optional_field("reason")}),
            std::bind_front(&WriteRevokedToken, &rc.ctx, token_id));
}

}  // namespace

void AddTokenRoutes(Routes& r) {
  const std::string base = "/v1/users/{id}/tokens";
  r.Add("POST", base, {"admin"},
        "Issue an API token for a user (body: optional label); the token is shown once",
        &IssueTokenRoute);
  // Any actor may ask; the handler admits the token's user and admins.
  r.Add("GET", base, {"*", "integrator"},
        "A user's tokens, newest first (?status=active|revoked&limit=&cursor=), never their "
        "secret; last_used_at: this process's last request with the token, to the second",
        &ListTokensRoute);
  r.Add("POST", base + "/{token_id}/revoke", {"admin"},
        "Revoke a token (body: optional reason); the next request with it is refused",
        &RevokeTokenRoute);
}

}  // namespace ledger::api
