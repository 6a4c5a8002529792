// Reference data routes: settings, tax codes, fiscal positions, payment
// terms, cost centres, categories, projects, suppliers, products and users.
#include <fmt/format.h>

#include <functional>

#include "api/request_context.h"
#include "api/reference/routes.h"
#include "engine/reference/commands.h"
#include "events/event_json.h"

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

// POST /v1/<collection>: a new entity of kind `type`, named in the body.
domain::DefineReference ParseCreateReference(events::Payload type, const RequestContext& rc) {
  Body b = rc.body();
  std::string id = b.str("id");
  CheckClientId(id);
  return {std::move(id), ParseDefinition(type, b), Expect::kNew};
}
// PUT /v1/<collection>/{id}: replaces an entity of kind `type`.
domain::DefineReference ParseReplaceReference(events::Payload type, const RequestContext& rc) {
  return {rc.path(1), ParseDefinition(type, rc.body()), Expect::kExisting};
}
domain::DefineReference ParseSettings(const RequestContext& rc) {
  return {std::string(domain::kSettingsId),
          ParseDefinition(events::Payload::SettingsDefined, rc.body()), Expect::kAny};
}

// GET /v1/<collection>/{id}: an entity of stream type `stream_type`.
void ReadReference(const std::string& stream_type, RequestContext& rc) {
  std::string id = rc.path(1);
  auto state = rc.ctx.engine->Load(stream_type, id);
  if (!state) Fail(Status::NotFound(stream_type + " \"" + id + "\" does not exist"));
  rc.res.set_header("ETag", fmt::format("\"{}\"", state->version));
  WriteJson(rc.res, 200, ReferenceJson(id, *state));
}

// GET /v1/settings: the defaults until the company defines them.
void ReadSettings(RequestContext& rc) {
  auto state =
      rc.ctx.engine->Load(domain::kReferenceType<events::SettingsDefined>, domain::kSettingsId);
  if (!state) {
    domain::CompanySettings d;
    WriteJson(rc.res, 200,
              Json{{"currency", d.currency}, {"tax_rounding", d.tax_rounding}, {"version", 0}});
    return;
  }
  WriteJson(rc.res, 200, ReferenceJson(std::string(domain::kSettingsId), *state));
}

}  // namespace

void AddReferenceRoutes(Routes& r) {
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
    r.Command("POST", base, writers, "Create a " + stream_type,
              std::bind_front(&ParseCreateReference, c.type));
    r.Command("PUT", base + "/{id}", writers, "Replace a " + stream_type,
              std::bind_front(&ParseReplaceReference, c.type));
    r.Add("GET", base + "/{id}", {"*"}, "Read a " + stream_type,
          std::bind_front(&ReadReference, stream_type));
  }

  r.Command("PUT", "/v1/settings", {"admin"}, "Define the company settings", &ParseSettings);
  r.Add("GET", "/v1/settings", {"*"}, "Read the company settings", &ReadSettings);

}

}  // namespace ledger::api
