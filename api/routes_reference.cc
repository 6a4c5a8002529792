// Reference data routes: settings, tax codes, fiscal positions, payment
// terms, cost centres, categories, projects, suppliers, products, users and
// their tokens.
#include <fmt/format.h>

#include "api/request_context.h"
#include "engine/domain/commands.h"
#include "events/event_json.h"
#include "projections/tokens.h"

namespace ledger::api {
namespace {

using events::PayloadUnion;

PayloadUnion ParseDefinition(events::Payload type, const Body& b) {
  PayloadUnion u;
  switch (type) {
    case events::Payload::TaxCodeDefined: {
      events::TaxCodeDefinedT t;
      t.name = b.opt_str("name").value_or("");
      t.rate = b.dec("rate").ToString();
      t.price_included = b.boolean("price_included", false);
      u.Set(std::move(t));
      break;
    }
    case events::Payload::FiscalPositionDefined: {
      events::FiscalPositionDefinedT t;
      t.name = b.opt_str("name").value_or("");
      for (const auto& m : b.objects("map")) {
        auto e = std::make_unique<events::TaxMappingT>();
        e->from = m.str("from");
        e->to = m.opt_str("to").value_or("");
        t.map.push_back(std::move(e));
      }
      u.Set(std::move(t));
      break;
    }
    case events::Payload::PaymentTermDefined: {
      events::PaymentTermDefinedT t;
      t.name = b.opt_str("name").value_or("");
      t.kind = b.str("kind");
      int64_t days = b.integer("days", 0);
      if (days < 0 || days > 3650) FailMalformed("days must be between 0 and 3650");
      t.days = static_cast<int32_t>(days);
      u.Set(std::move(t));
      break;
    }
    case events::Payload::CostCenterDefined: {
      events::CostCenterDefinedT t;
      t.name = b.str("name");
      u.Set(std::move(t));
      break;
    }
    case events::Payload::CategoryDefined: {
      events::CategoryDefinedT t;
      t.name = b.str("name");
      u.Set(std::move(t));
      break;
    }
    case events::Payload::ProjectDefined: {
      events::ProjectDefinedT t;
      t.name = b.str("name");
      u.Set(std::move(t));
      break;
    }
    case events::Payload::SupplierDefined: {
      events::SupplierDefinedT t;
      t.name = b.str("name");
      t.currency = b.str("currency");
      t.payment_terms = b.opt_str("payment_terms").value_or("");
      t.fiscal_position = b.opt_str("fiscal_position").value_or("");
      t.billing_method = b.opt_str("billing_method").value_or("received");
      t.incoterm = b.opt_str("incoterm").value_or("");
      t.note_purchase = b.opt_str("note_purchase").value_or("");
      t.note_receipt = b.opt_str("note_receipt").value_or("");
      t.note_invoice = b.opt_str("note_invoice").value_or("");
      t.note_internal = b.opt_str("note_internal").value_or("");
      t.blocked = b.boolean("blocked", false);
      u.Set(std::move(t));
      break;
    }
    case events::Payload::ProductDefined: {
      events::ProductDefinedT t;
      t.name = b.str("name");
      t.kind = b.str("kind");
      t.tax_code = b.opt_str("tax_code").value_or("");
      t.category = b.opt_str("category").value_or("");
      t.licence_typology = b.opt_str("licence_typology").value_or("");
      u.Set(std::move(t));
      break;
    }
    case events::Payload::UserDefined: {
      events::UserDefinedT t;
      t.name = b.str("name");
      t.roles = b.strings("roles");
      t.disabled = b.boolean("disabled", false);
      u.Set(std::move(t));
      break;
    }
    case events::Payload::SettingsDefined: {
      events::SettingsDefinedT t;
      t.currency = b.str("currency");
      t.tax_rounding = b.opt_str("tax_rounding").value_or("per_line");
      u.Set(std::move(t));
      break;
    }
    default:
      LEDGER_ASSERT(false && "not a reference definition");
  }
  return u;
}

}  // namespace

// The JSON of a reference entity: id, version, status and its fields.
Json ReferenceJson(const std::string& id, const AggregateState& state) {
  const auto* s = StateCast<domain::ReferenceState>(&state);
  Json j = Json::parse(events::TableJson(s->type, s->table.data()), nullptr, false);
  if (j.is_discarded() || !j.is_object()) j = Json::object();
  j["id"] = id;
  j["version"] = state.version;
  j["status"] = std::string(state.StatusLabel());
  return j;
}

namespace {

struct Collection {
  const char* path;
  events::Payload type;
  std::vector<std::string> writers;
};

}  // namespace

void ApiServer::AddReferenceRoutes() {
  static const std::vector<Collection> kCollections = {
      {"tax-codes", events::Payload::TaxCodeDefined, {"accountant"}},
      {"fiscal-positions", events::Payload::FiscalPositionDefined, {"accountant"}},
      {"payment-terms", events::Payload::PaymentTermDefined, {"accountant"}},
      {"cost-centers", events::Payload::CostCenterDefined, {"accountant"}},
      {"categories", events::Payload::CategoryDefined, {"accountant", "buyer"}},
      {"projects", events::Payload::ProjectDefined, {"accountant"}},
      {"suppliers", events::Payload::SupplierDefined, {"buyer", "accountant"}},
      {"products", events::Payload::ProductDefined, {"buyer"}},
      {"users", events::Payload::UserDefined, {}},
  };
  for (const auto& c : kCollections) {
    const std::string base = std::string("/v1/") + c.path;
    const std::string stream_type(domain::ReferenceStreamType(c.type));
    auto writers = c.writers.empty() ? std::vector<std::string>{"admin"} : c.writers;
    Add("POST", base, writers, "Create a " + stream_type, [type = c.type](RequestContext& rc) {
      Body b = rc.body();
      std::string id = b.str("id");
      CheckClientId(id);
      rc.Submit(domain::DefineReference(id, ParseDefinition(type, b), Expect::kNew));
    });
    Add("PUT", base + "/{id}", writers, "Replace a " + stream_type,
        [type = c.type](RequestContext& rc) {
          rc.Submit(domain::DefineReference(
              rc.path(1), ParseDefinition(type, rc.body()), Expect::kExisting));
        });
    Add("GET", base + "/{id}", {"*"}, "Read a " + stream_type,
        [stream_type](RequestContext& rc) {
          std::string id = rc.path(1);
          auto state = rc.ctx.engine->Load(stream_type, id);
          if (!state) Fail(Status::NotFound(stream_type + " \"" + id + "\" does not exist"));
          rc.res.set_header("ETag", fmt::format("\"{}\"", state->version));
          WriteJson(rc.res, 200, ReferenceJson(id, *state));
        });
  }

  Add("PUT", "/v1/settings", {"admin"}, "Define the company settings", [](RequestContext& rc) {
    rc.Submit(domain::DefineReference(
        std::string(domain::kSettingsId),
        ParseDefinition(events::Payload::SettingsDefined, rc.body()), Expect::kAny));
  });
  Add("GET", "/v1/settings", {"*"}, "Read the company settings", [](RequestContext& rc) {
    auto state = rc.ctx.engine->Load("settings", domain::kSettingsId);
    if (!state) {
      domain::CompanySettings d;
      WriteJson(rc.res, 200,
                Json{{"currency", d.currency}, {"tax_rounding", d.tax_rounding}, {"version", 0}});
      return;
    }
    WriteJson(rc.res, 200, ReferenceJson(std::string(domain::kSettingsId), *state));
  });

  AddTokenRoutes();
}

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
  auto state = engine.Load("api_token", id);
  const auto* t = state ? StateCast<domain::ApiToken>(state.get()) : nullptr;
  return t ? std::optional<domain::ApiToken>(*t) : std::nullopt;
}

// Tokens are listed by their user and by admins.
void CheckMayListTokens(const RequestContext& rc, const std::string& user) {
  if (rc.actor.id != user && !rc.actor.HasRole("admin")) {
    Fail(Status(Errc::kForbidden, rc.actor.id + " may not list the tokens of " + user));
  }
  if (!rc.ctx.engine->Load("user", user)) {
    Fail(Status::NotFound("user \"" + user + "\" does not exist"));
  }
}

}  // namespace

void ApiServer::AddTokenRoutes() {
  const std::string base = "/v1/users/{id}/tokens";
  Add("POST", base, {"admin"},
      "Issue an API token for a user (body: optional label); the token is shown once",
      [this](RequestContext& rc) {
        std::string label = rc.optional_field("label");
        auto token = GenerateToken();
        if (!token.ok()) Fail(token.status());
        std::string digest = ctx_.token_key->Digest(token->bearer);
        std::string user = rc.path(1);
        rc.Submit(domain::IssueToken(token->id, user, label, std::move(digest)),
                  [this, token = *token, user, label](const CommandOutcome& out,
                                                       httplib::Response& res) {
                    if (!out.status.ok()) Fail(out.status);
                    if (out.replayed) {
                      // The secret is shown once and never stored: a replay
                      // cannot show it.
                      Fail(Status::Duplicate("a token was already issued for this Idempotency-Key"));
                    }
                    auto t = FindToken(*ctx_.engine, token.id);
                    if (!t) Fail(Status::Internal("the token just issued has no state"));
                    WriteJson(res, 201,
                              Json{{"id", token.id},
                                   {"token", token.bearer},
                                   {"user", user},
                                   {"label", label},
                                   {"created_at", IsoTimestamp(t->created_at_us)}});
                  });
      });
  // Any actor may ask; the handler admits the token's user and admins.
  Add("GET", base, {"*", "integrator"},
      "A user's tokens, newest first (?status=active|revoked&limit=&cursor=), never their "
      "secret; last_used_at: this process's last request with the token, to the second",
      [this](RequestContext& rc) {
        const std::string user = rc.path(1);
        CheckMayListTokens(rc, user);
        std::string status = Param(rc.req, "status").value_or("");
        if (!status.empty() && status != "active" && status != "revoked") {
          FailMalformed("status must be \"active\" or \"revoked\"");
        }
        auto page = QueryUserTokens(ctx_.store, user, status, Param(rc.req, "cursor").value_or(""),
                                    LimitParam(rc.req, 100, 500));
        if (!page.ok()) Fail(page.status());
        Json items = Json::array();
        for (const auto& id : page->ids) {
          // Listed by the projection a moment before the engine publishes
          // its state: shown by the next request.
          if (auto t = FindToken(*ctx_.engine, id)) {
            items.push_back(TokenJson(id, *t, token_usage_.LastUsed(id)));
          }
        }
        Json next = page->next_cursor.empty() ? Json(nullptr) : Json(page->next_cursor);
        WriteJson(rc.res, 200, Json{{"items", items}, {"next", next}});
      });
  Add("POST", base + "/{token_id}/revoke", {"admin"},
      "Revoke a token (body: optional reason); the next request with it is refused",
      [this](RequestContext& rc) {
        std::string token_id = rc.path(2);
        rc.Submit(domain::RevokeToken(token_id, rc.path(1), rc.optional_field("reason")),
                  [this, token_id](const CommandOutcome& out, httplib::Response& res) {
                    if (!out.status.ok()) Fail(out.status);
                    auto t = FindToken(*ctx_.engine, token_id);
                    if (!t) Fail(Status::Internal("the token just revoked has no state"));
                    WriteJson(res, 200, TokenJson(token_id, *t, token_usage_.LastUsed(token_id)));
                  });
      });
}

}  // namespace ledger::api
