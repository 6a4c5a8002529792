#include "engine/reference/reference_entity.h"

#include <fmt/format.h>

#include "engine/money.h"
#include "engine/reference/admin_directory.h"
#include "engine/tax.h"

namespace ledger::domain {
namespace {

using events::Payload;

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
bool Exists(DecideContext& ctx, const std::string& id) {
  return FindReference<T>(ctx, id) != nullptr;
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
        if (!Exists<events::TaxCodeDefined>(ctx, m->from)) {
          return UnknownReference<events::TaxCodeDefined>(m->from);
        }
        if (!m->to.empty() && !Exists<events::TaxCodeDefined>(ctx, m->to)) {
          return UnknownReference<events::TaxCodeDefined>(m->to);
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
          !Exists<events::PaymentTermDefined>(ctx, t->payment_terms)) {
        return UnknownReference<events::PaymentTermDefined>(t->payment_terms);
      }
      if (!t->fiscal_position.empty() &&
          !Exists<events::FiscalPositionDefined>(ctx, t->fiscal_position)) {
        return UnknownReference<events::FiscalPositionDefined>(t->fiscal_position);
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
      if (!t->tax_code.empty() && !Exists<events::TaxCodeDefined>(ctx, t->tax_code)) {
        return UnknownReference<events::TaxCodeDefined>(t->tax_code);
      }
      if (!t->category.empty() && !Exists<events::CategoryDefined>(ctx, t->category)) {
        return UnknownReference<events::CategoryDefined>(t->category);
      }
      return Status::Ok();
    }
    case Payload::ApprovalPolicyDefined: {
      const auto& bands = u.AsApprovalPolicyDefined()->bands;
      LEDGER_RETURN_IF_ERROR(Require(!bands.empty(), "an approval policy needs bands"));
      std::optional<Decimal> previous;
      for (size_t i = 0; i < bands.size(); ++i) {
        const auto& b = *bands[i];
        const bool last = i + 1 == bands.size();
        if (b.up_to.empty()) {
          LEDGER_RETURN_IF_ERROR(Require(last, "only the last band may have no upper bound"));
        } else {
          auto d = Decimal::Parse(b.up_to);
          if (!d.ok()) return Status::Malformed("up_to: " + d.status().message());
          LEDGER_RETURN_IF_ERROR(Require(!d->is_negative(), "up_to must not be negative"));
          LEDGER_RETURN_IF_ERROR(Require(!previous || *d > *previous,
                                         "bands must be sorted by increasing up_to"));
          previous = *d;
        }
        LEDGER_RETURN_IF_ERROR(Require(!b.levels.empty(), "every band needs levels"));
        for (const auto& level : b.levels) {
          LEDGER_RETURN_IF_ERROR(Require(
              std::find(kApprovalLevels.begin(), kApprovalLevels.end(), level) !=
                  kApprovalLevels.end(),
              "unknown approval level \"" + level + "\" (manager, finance, direction)"));
        }
        std::vector<std::string> sorted = b.levels;
        std::sort(sorted.begin(), sorted.end());
        LEDGER_RETURN_IF_ERROR(Require(std::adjacent_find(sorted.begin(), sorted.end()) ==
                                           sorted.end(),
                                       "a band names a level twice"));
      }
      return Require(bands.back()->up_to.empty(),
                     "the last band must have no upper bound (up_to: null)");
    }
    case Payload::MatchingPolicyDefined: {
      auto* t = u.AsMatchingPolicyDefined();
      LEDGER_RETURN_IF_ERROR(CheckPercent(t->quantity_pct, "quantity_pct"));
      LEDGER_RETURN_IF_ERROR(CheckPercent(t->price_pct, "price_pct"));
      LEDGER_RETURN_IF_ERROR(CheckPercent(t->over_receipt_pct, "over_receipt_pct"));
      auto abs = Decimal::Parse(t->amount_abs);
      if (!abs.ok()) return Status::Malformed("amount_abs: " + abs.status().message());
      return Require(!abs->is_negative(), "amount_abs must not be negative");
    }
    case Payload::ExchangeRateDefined: {
      auto rate = Decimal::Parse(u.AsExchangeRateDefined()->rate);
      if (!rate.ok()) return Status::Malformed("rate: " + rate.status().message());
      return Require(*rate > Decimal(), "rate must be positive");
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

Status UnknownReference(std::string_view kind, std::string_view id) {
  return Status::Rule("unknown_reference", fmt::format("{} \"{}\" does not exist", kind, id),
                      {{"kind", std::string(kind)}, {"id", std::string(id)}});
}

void Apply(ReferenceState& s, const events::Envelope& e) {
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

Decision Decide(const DefineReference& cmd, DecideContext& ctx) {
  const events::PayloadUnion& definition = cmd.definition;
  LEDGER_RETURN_IF_ERROR(Validate(definition, ctx));
  NewEvent e;
  e.payload = definition;
  std::vector<NewEvent> out;
  out.push_back(std::move(e));
  if (definition.type == Payload::UserDefined) {
    auto directory = KeepAdminDirectory(*definition.AsUserDefined(), ctx);
    if (!directory.ok()) return directory.status();
    if (*directory) out.push_back(std::move(**directory));
  }
  return out;
}

CompanySettings GetSettings(DecideContext& ctx) {
  CompanySettings s;
  if (auto* t = FindReference<events::SettingsDefined>(ctx, kSettingsId)) {
    s.currency = events::Str(t->currency());
    s.tax_rounding = events::Str(t->tax_rounding());
  }
  return s;
}

ApprovalPolicy GetApprovalPolicy(DecideContext& ctx) {
  ApprovalPolicy p;
  const AggregateState* st =
      ctx.Find(kReferenceType<events::ApprovalPolicyDefined>, kSettingsId);
  const auto* s = st ? StateCast<ReferenceState>(st) : nullptr;
  const auto* t = s ? TableOf<events::ApprovalPolicyDefined>(*s) : nullptr;
  if (t == nullptr || t->bands() == nullptr) {
    // SPEC §4.3's example until the company defines its own.
    p.bands = {{Decimal::FromInt(1000), {"manager"}},
               {Decimal::FromInt(10000), {"manager", "finance"}},
               {std::nullopt, {"manager", "finance", "direction"}}};
    return p;
  }
  p.version = st->version;
  for (const auto* b : *t->bands()) {
    ApprovalPolicy::Band band;
    if (b->up_to() && b->up_to()->size() > 0) {
      band.up_to = Dec(b->up_to());
    }
    if (b->levels()) {
      for (const auto* l : *b->levels()) band.levels.push_back(l->str());
    }
    p.bands.push_back(std::move(band));
  }
  return p;
}

const std::vector<std::string>& ApprovalPolicy::LevelsFor(const Decimal& amount) const {
  for (const auto& b : bands) {
    if (!b.up_to || amount <= *b.up_to) return b.levels;
  }
  return bands.back().levels;
}

MatchingPolicy GetMatchingPolicy(DecideContext& ctx) {
  MatchingPolicy p;
  const auto* t = FindReference<events::MatchingPolicyDefined>(ctx, kSettingsId);
  if (t == nullptr) return p;
  p.quantity_pct = Dec(t->quantity_pct());
  p.price_pct = Dec(t->price_pct());
  p.amount_abs = Dec(t->amount_abs());
  p.over_receipt_pct = Dec(t->over_receipt_pct());
  return p;
}

Result<Decimal> RateToCompany(DecideContext& ctx, const std::string& currency) {
  if (currency == GetSettings(ctx).currency) return Decimal::FromInt(1);
  const auto* t = FindReference<events::ExchangeRateDefined>(ctx, currency);
  if (t == nullptr) {
    return Status::Rule("missing_exchange_rate",
                        "no exchange rate from " + currency + " to the company currency",
                        {{"currency", currency}});
  }
  return Decimal::Parse(events::Sv(t->rate()));
}

}  // namespace ledger::domain
