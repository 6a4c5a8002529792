#include "engine/domain/reference.h"

#include <fmt/format.h>

#include "engine/tax.h"

namespace ledger::domain {
namespace {

using events::Payload;

Status MissingRef(std::string_view what, std::string_view id) {
  return Status::Rule("unknown_reference", fmt::format("{} \"{}\" does not exist", what, id),
                      {{"kind", std::string(what)}, {"id", std::string(id)}});
}

Status Require(bool ok, std::string message) {
  return ok ? Status::Ok() : Status::Malformed(std::move(message));
}

Status CheckCurrency(const std::string& c) {
  return CurrencyDigits(c) ? Status::Ok()
                           : Status::Malformed("unknown ISO 4217 currency \"" + c + "\"");
}

Status CheckPercent(const std::string& text, std::string_view field) {
  auto d = Decimal::Parse(text);
  if (!d.ok()) return Status::Malformed(std::string(field) + ": " + d.status().message());
  if (d->is_negative() || *d > Decimal::FromInt(100)) {
    return Status::Malformed(std::string(field) + " must be between 0 and 100");
  }
  return Status::Ok();
}

template <class T>
bool Exists(DecideContext& ctx, std::string_view type, const std::string& id) {
  return FindReference<T>(ctx, type, id) != nullptr;
}

Status Validate(const events::PayloadUnion& u, DecideContext& ctx) {
  switch (u.type) {
    case Payload::SettingsDefined: {
      auto* t = u.AsSettingsDefined();
      LEDGER_RETURN_IF_ERROR(CheckCurrency(t->currency));
      return Require(ParseTaxRounding(t->tax_rounding).has_value(),
                     "tax_rounding must be \"per_line\" or \"global\"");
    }
    case Payload::TaxCodeDefined:
      return CheckPercent(u.AsTaxCodeDefined()->rate, "rate");
    case Payload::FiscalPositionDefined:
      for (const auto& m : u.AsFiscalPositionDefined()->map) {
        if (!m || m->from.empty()) return Status::Malformed("map entries need \"from\"");
        if (!Exists<events::TaxCodeDefined>(ctx, "tax_code", m->from)) {
          return MissingRef("tax_code", m->from);
        }
        if (!m->to.empty() && !Exists<events::TaxCodeDefined>(ctx, "tax_code", m->to)) {
          return MissingRef("tax_code", m->to);
        }
      }
      return Status::Ok();
    case Payload::PaymentTermDefined: {
      auto* t = u.AsPaymentTermDefined();
      LEDGER_RETURN_IF_ERROR(Require(
          t->kind == "immediate" || t->kind == "net" || t->kind == "end_of_month",
          "kind must be \"immediate\", \"net\" or \"end_of_month\""));
      return Require(t->days >= 0 && t->days <= 3650, "days must be between 0 and 3650");
    }
    case Payload::CostCenterDefined:
    case Payload::CategoryDefined:
    case Payload::ProjectDefined:
      return Status::Ok();
    case Payload::SupplierDefined: {
      auto* t = u.AsSupplierDefined();
      LEDGER_RETURN_IF_ERROR(CheckCurrency(t->currency));
      LEDGER_RETURN_IF_ERROR(Require(t->billing_method == "ordered" || t->billing_method == "received",
                                     "billing_method must be \"ordered\" or \"received\""));
      if (!t->payment_terms.empty() &&
          !Exists<events::PaymentTermDefined>(ctx, "payment_term", t->payment_terms)) {
        return MissingRef("payment_term", t->payment_terms);
      }
      if (!t->fiscal_position.empty() &&
          !Exists<events::FiscalPositionDefined>(ctx, "fiscal_position", t->fiscal_position)) {
        return MissingRef("fiscal_position", t->fiscal_position);
      }
      return Status::Ok();
    }
    case Payload::ProductDefined: {
      auto* t = u.AsProductDefined();
      LEDGER_RETURN_IF_ERROR(Require(t->kind == "good" || t->kind == "service" ||
                                         t->kind == "licence" || t->kind == "voucher",
                                     "kind must be good, service, licence or voucher"));
      LEDGER_RETURN_IF_ERROR(
          Require(t->licence_typology.empty() || t->licence_typology == "intangible" ||
                      t->licence_typology == "component" || t->licence_typology == "serialized",
                  "licence_typology must be intangible, component or serialized"));
      if (!t->tax_code.empty() && !Exists<events::TaxCodeDefined>(ctx, "tax_code", t->tax_code)) {
        return MissingRef("tax_code", t->tax_code);
      }
      if (!t->category.empty() && !Exists<events::CategoryDefined>(ctx, "category", t->category)) {
        return MissingRef("category", t->category);
      }
      return Status::Ok();
    }
    case Payload::UserDefined:
      for (const auto& r : u.AsUserDefined()->roles) {
        if (std::find(kRoles.begin(), kRoles.end(), r) == kRoles.end()) {
          return Status::Malformed("unknown role \"" + r + "\"");
        }
      }
      return Status::Ok();
    default:
      return Status::Internal("not a reference definition");
  }
}

}  // namespace

std::string_view ReferenceStreamType(events::Payload type) {
  switch (type) {
    case Payload::SettingsDefined: return "settings";
    case Payload::TaxCodeDefined: return "tax_code";
    case Payload::FiscalPositionDefined: return "fiscal_position";
    case Payload::PaymentTermDefined: return "payment_term";
    case Payload::CostCenterDefined: return "cost_center";
    case Payload::CategoryDefined: return "category";
    case Payload::ProjectDefined: return "project";
    case Payload::SupplierDefined: return "supplier";
    case Payload::ProductDefined: return "product";
    case Payload::UserDefined: return "user";
    case Payload::ApiTokenIssued:
    case Payload::ApiTokenRevoked: return "api_token";
    default: return "";
  }
}

void Apply(ReferenceState& s, const events::Envelope& e) {
  if (e.payload_type() == Payload::ApiTokenRevoked) {
    s.revoked = true;
    return;
  }
  // Keep the payload as a standalone FlatBuffer whose root is its table.
  events::PayloadUnion u;
  u.type = e.payload_type();
  u.value = events::PayloadUnion::UnPack(e.payload(), e.payload_type(), nullptr);
  flatbuffers::FlatBufferBuilder fbb(256);
  auto root = u.Pack(fbb);
  fbb.Finish(flatbuffers::Offset<flatbuffers::Table>(root.o));
  s.type = e.payload_type();
  s.table.assign(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

std::string_view Label(const ReferenceState& s) {
  if (s.revoked) return "revoked";
  if (auto* sup = TableOf<events::SupplierDefined>(s); sup && sup->blocked()) return "blocked";
  if (auto* user = TableOf<events::UserDefined>(s); user && user->disabled()) return "disabled";
  return "active";
}

bool Valid(const ReferenceState& s) {
  if (s.table.empty()) return s.type == Payload::NONE;
  if (s.table.size() < sizeof(flatbuffers::uoffset_t)) return false;
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(s.table.data()), s.table.size());
  const auto* base = reinterpret_cast<const uint8_t*>(s.table.data());
  auto root = flatbuffers::ReadScalar<flatbuffers::uoffset_t>(base);
  if (root >= s.table.size()) return false;
  return events::VerifyPayload(v, base + root, s.type);
}

Decision DecideDefine(const events::PayloadUnion& definition, DecideContext& ctx) {
  LEDGER_RETURN_IF_ERROR(Validate(definition, ctx));
  NewEvent e;
  e.payload = definition;
  std::vector<NewEvent> out;
  out.push_back(std::move(e));
  return out;
}

Decision DecideIssueToken(const std::string& user_id, const std::string& label,
                          DecideContext& ctx) {
  const auto* user = FindReference<events::UserDefined>(ctx, "user", user_id);
  if (user == nullptr) return Status::NotFound("user \"" + user_id + "\" does not exist");
  if (user->disabled()) return Status::InvalidState("user \"" + user_id + "\" is disabled");
  events::ApiTokenIssuedT t;
  t.user_id = user_id;
  t.label = label;
  std::vector<NewEvent> out;
  out.push_back(Emit(std::move(t)));
  return out;
}

Decision DecideRevokeToken(const ReferenceState* token, const std::string& reason) {
  if (token->revoked) return Status::InvalidState("the token is already revoked");
  events::ApiTokenRevokedT t;
  t.reason = reason;
  std::vector<NewEvent> out;
  out.push_back(Emit(std::move(t)));
  return out;
}

CompanySettings GetSettings(DecideContext& ctx) {
  CompanySettings s;
  if (auto* t = FindReference<events::SettingsDefined>(ctx, "settings", kSettingsId)) {
    s.currency = events::Str(t->currency());
    s.tax_rounding = events::Str(t->tax_rounding());
  }
  return s;
}

}  // namespace ledger::domain
