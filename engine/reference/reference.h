// Reference data (SPEC §4.1): settings, tax codes, fiscal positions, payment
// terms, cost centres, categories, projects, suppliers, products, users and
// API tokens.
//
// Every reference entity is one generic aggregate whose state is its last
// `...Defined` payload, kept as a standalone FlatBuffer: reading a field is a
// FlatBuffers accessor, rendering it is the schema-driven JSON printer, and a
// new kind of reference data needs a schema table and a validation rule only.
// API tokens and the directory of admins have states of their own: they are
// not definitions replaced as a whole.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "engine/aggregate.h"

namespace ledger::domain {

struct ReferenceState {
  events::Payload type = events::Payload::NONE;
  std::string table;  // FlatBuffer whose root is the payload table
};

void Apply(ReferenceState& s, const events::Envelope& e);
std::string_view Label(const ReferenceState& s);
template <class A, class Self>
void Fields(A& a, Self& s) requires std::is_same_v<std::remove_const_t<Self>, ReferenceState> {
  a(s.type, s.table);
}
// A snapshot's table must verify as its payload type.
bool Valid(const ReferenceState& s);

// Stream `api_token/<token id>`: an API token of a user. The secret is never
// stored; `digest` is its HMAC-SHA256 under the server's token key (32
// bytes), empty for a token issued before token ids existed (such a token is
// named by the SHA-256 hex of its secret).
struct ApiToken {
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

// Stream `user_directory/admins`: the users who are enabled and hold the
// role admin, so that deciding a user's change knows whether it would leave
// none (rule `last_admin`) without reading every user. Every user definition
// that changes the set appends the new set; a ledger whose users were defined
// before the directory existed lists them once (ListAdmins). Until then a
// user the directory does not list counts as no admin.
struct AdminDirectory {
  std::vector<std::string> admins;  // user ids, sorted
};
void Apply(AdminDirectory& d, const events::Envelope& e);
std::string_view Label(const AdminDirectory& d);
template <class A, class Self>
void Fields(A& a, Self& d) requires std::is_same_v<std::remove_const_t<Self>, AdminDirectory> {
  a(d.admins);
}
bool Valid(const AdminDirectory& d);

template <class T>
const T* TableOf(const ReferenceState& s) {
  if (s.table.empty() || s.type != events::PayloadTraits<T>::enum_value) return nullptr;
  return flatbuffers::GetRoot<T>(s.table.data());
}

// The payload table of a reference entity, or nullptr if it does not exist.
template <class T>
const T* FindReference(DecideContext& ctx, std::string_view type, std::string_view id) {
  if (id.empty()) return nullptr;
  const auto* s = ctx.Get<ReferenceState>(type, id);
  return s ? TableOf<T>(*s) : nullptr;
}

// `unknown_reference`: a command names an entity that does not exist.
Status UnknownReference(std::string_view kind, std::string_view id);

// Stream types of reference data, by the payload that defines them.
std::string_view ReferenceStreamType(events::Payload type);

// Defines (creates or replaces) a reference entity after checking its fields
// and every reference it makes to other entities. A user's definition also
// keeps the admin directory: refused with invalid_state, rule `last_admin`,
// if it would leave no enabled admin.
Decision DecideDefine(const events::PayloadUnion& definition, DecideContext& ctx);

// Lists the enabled admins among `user_ids` on `user_directory/admins` (the
// command's stream), for a ledger whose users predate the directory.
Decision DecideListAdmins(const std::vector<std::string>& user_ids, DecideContext& ctx);

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
inline constexpr std::string_view kAdminDirectoryType = "user_directory";
inline constexpr std::string_view kAdminDirectoryId = "admins";
// A token's label is shown in lists: short text.
inline constexpr size_t kTokenLabelBytesMax = 200;
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
