// Reference data (SPEC §4.1): settings, tax codes, fiscal positions, payment
// terms, cost centres, categories, projects, suppliers, products, users,
// approval and matching policies and exchange rates; and what decisions read
// of them (company settings, policies, rates).
//
// Every reference entity is one generic aggregate whose state is its last
// `...Defined` payload, kept as a standalone FlatBuffer: reading a field is a
// FlatBuffers accessor, rendering it is the schema-driven JSON printer, and a
// new kind of reference data needs a schema table and a validation rule only.
// API tokens (engine/reference/api_token.h) and the directory of admins
// (engine/reference/admin_directory.h) have states of their own: they are not
// definitions replaced as a whole.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "engine/aggregate.h"

namespace ledger::domain {

// Stream types of reference data, by the payload that defines them ("" for
// any other payload).
constexpr std::string_view ReferenceStreamType(events::Payload type) {
  switch (type) {
    case events::Payload::SettingsDefined: return "settings";
    case events::Payload::TaxCodeDefined: return "tax_code";
    case events::Payload::FiscalPositionDefined: return "fiscal_position";
    case events::Payload::PaymentTermDefined: return "payment_term";
    case events::Payload::CostCenterDefined: return "cost_center";
    case events::Payload::CategoryDefined: return "category";
    case events::Payload::ProjectDefined: return "project";
    case events::Payload::SupplierDefined: return "supplier";
    case events::Payload::ProductDefined: return "product";
    case events::Payload::UserDefined: return "user";
    case events::Payload::ApprovalPolicyDefined: return "approval_policy";
    case events::Payload::MatchingPolicyDefined: return "matching_policy";
    case events::Payload::ExchangeRateDefined: return "exchange_rate";
    default: return "";
  }
}

// The stream type of the reference data that `Definition` defines, e.g.
// kReferenceType<events::TaxCodeDefined> is "tax_code". Every kind of
// reference data shares ReferenceState, so the state cannot name its stream
// type as other aggregates do (StreamTraits): the definition's table does.
template <class Definition>
inline constexpr std::string_view kReferenceType =
    ReferenceStreamType(events::PayloadTraits<Definition>::enum_value);

struct ReferenceState {
  // What every kind shares. Format 2: reference states no longer carry a
  // `revoked` flag (tokens have a state of their own).
  static constexpr Topic kTopic = Topic::kReference;
  static constexpr uint32_t kSnapshotFormat = 2;

  events::Payload type = events::Payload::NONE;
  std::string table;  // FlatBuffer whose root is the payload table
};

void Apply(ReferenceState& s, const events::Envelope& e);
std::string_view Label(const ReferenceState& s);
// Listed in the collection of its stream type (listings.cc).
void Describe(const ReferenceState& s, ListEntry& out);
template <class A, class Self>
void Fields(A& a, Self& s) requires std::is_same_v<std::remove_const_t<Self>, ReferenceState> {
  a(s.type, s.table);
}
// A snapshot's table must verify as its payload type.
bool Valid(const ReferenceState& s);

template <class T>
const T* TableOf(const ReferenceState& s) {
  if (s.table.empty() || s.type != events::PayloadTraits<T>::enum_value) return nullptr;
  return flatbuffers::GetRoot<T>(s.table.data());
}

// The registry entry of the reference data that `Definition` defines.
template <class Definition>
constexpr StreamType ReferenceStreamTypeOf() {
  static_assert(!kReferenceType<Definition>.empty(), "not a reference definition");
  return {kReferenceType<Definition>, ReferenceState::kTopic, "", ReferenceState::kSnapshotFormat,
          &MakeState<ReferenceState>};
}

// The definition of reference entity `id` of the kind T defines (e.g.
// events::ProductDefined), or nullptr if it does not exist.
template <class T>
const T* FindReference(DecideContext& ctx, std::string_view id) {
  static_assert(!kReferenceType<T>.empty(), "not a reference definition");
  if (id.empty()) return nullptr;
  const auto* s = ctx.Get<ReferenceState>(kReferenceType<T>, id);
  return s ? TableOf<T>(*s) : nullptr;
}

// `unknown_reference`: a command names an entity that does not exist.
Status UnknownReference(std::string_view kind, std::string_view id);
// The same for the kind of reference data `Definition` defines.
template <class Definition>
Status UnknownReference(std::string_view id) {
  return UnknownReference(kReferenceType<Definition>, id);
}

// Defines the reference entity `id` after checking its fields and every
// reference it makes to other entities: creates it (`expect` kNew),
// replaces it (kExisting) or either (kAny). `definition` is one of the
// `...DefinedT` payloads, which names the entity's kind, its stream type. A
// user's definition also keeps the admin directory: refused with
// invalid_state, rule `last_admin`, if it would leave no enabled admin.
struct DefineReference {
  using Target = ReferenceState;
  std::string id;
  events::PayloadUnion definition;
  Expect expect = Expect::kAny;
  static constexpr auto kStreamId = &DefineReference::id;
  std::string_view stream_type() const { return ReferenceStreamType(definition.type); }
};
Decision Decide(const DefineReference& cmd, DecideContext& ctx);

// Company settings with their defaults when never defined.
struct CompanySettings {
  std::string currency = "EUR";
  std::string tax_rounding = "per_line";
};
CompanySettings GetSettings(DecideContext& ctx);

// The company's approval policy (SPEC §4.3) and its version (0 while the
// default applies).
struct ApprovalPolicy {
  struct Band {
    std::optional<Decimal> up_to;  // none: no upper bound
    std::vector<std::string> levels;
  };
  std::vector<Band> bands;
  uint64_t version = 0;
  const std::vector<std::string>& LevelsFor(const Decimal& amount) const;
};
ApprovalPolicy GetApprovalPolicy(DecideContext& ctx);

// Matching and receipt tolerances (SPEC §4.5, §4.6); all zero by default.
struct MatchingPolicy {
  Decimal quantity_pct, price_pct, amount_abs, over_receipt_pct;
};
MatchingPolicy GetMatchingPolicy(DecideContext& ctx);

// Company-currency value of one unit of `currency`: 1 for the company
// currency, else its exchange rate (`missing_exchange_rate` without one).
Result<Decimal> RateToCompany(DecideContext& ctx, const std::string& currency);

inline constexpr std::string_view kSettingsId = "company";
inline constexpr std::array<std::string_view, 3> kApprovalLevels = {"manager", "finance",
                                                                     "direction"};
// The role that approves a level: "approver_" + level.
inline std::string ApproverRole(std::string_view level) {
  return "approver_" + std::string(level);
}
inline constexpr std::array<std::string_view, 13> kRoles = {
    "admin",      "requester",       "buyer",   "approver_manager", "approver_finance",
    "approver_direction", "receiver", "accountant", "licence_manager", "billing",
    "voucher_clerk", "auditor", "integrator"};

}  // namespace ledger::domain
