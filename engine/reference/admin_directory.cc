#include "engine/reference/admin_directory.h"

#include <algorithm>

#include "engine/reference/reference_entity.h"

namespace ledger::domain {
namespace {

bool EnabledAdmin(const events::UserDefined& u) {
  if (u.disabled() || u.roles() == nullptr) return false;
  return std::any_of(u.roles()->begin(), u.roles()->end(),
                     [](const flatbuffers::String* r) { return events::Sv(r) == "admin"; });
}

bool EnabledAdmin(const events::UserDefinedT& u) {
  return !u.disabled && std::find(u.roles.begin(), u.roles.end(), "admin") != u.roles.end();
}

}  // namespace

void Apply(AdminDirectory& d, const events::Envelope& e) {
  const auto* changed = e.payload_as_EnabledAdminsChanged();
  if (changed == nullptr) return;
  d.admins.clear();
  if (changed->admins()) {
    for (const auto* a : *changed->admins()) d.admins.push_back(events::Str(a));
  }
}

std::string_view Label(const AdminDirectory&) { return "active"; }

bool Valid(const AdminDirectory& d) { return std::is_sorted(d.admins.begin(), d.admins.end()); }

Result<std::optional<NewEvent>> KeepAdminDirectory(const events::UserDefinedT& user,
                                                   DecideContext& ctx) {
  const std::string& id = ctx.stream_id();
  const auto* directory = ctx.Get<AdminDirectory>(kAdminDirectoryId);
  std::vector<std::string> admins = directory ? directory->admins : std::vector<std::string>();
  auto at = std::lower_bound(admins.begin(), admins.end(), id);
  const bool listed = at != admins.end() && *at == id;
  const bool admin = EnabledAdmin(user);
  if (admin == listed) return std::optional<NewEvent>();
  if (admin) {
    admins.insert(at, id);
  } else {
    admins.erase(at);
  }
  if (admins.empty()) {
    return Status(Errc::kInvalidState,
                  "user \"" + id + "\" is the last enabled admin: enable another admin first",
                  "last_admin", {{"user", id}});
  }
  events::EnabledAdminsChangedT t;
  t.admins = std::move(admins);
  t.user_id = id;
  return std::optional<NewEvent>(
      ToStream<AdminDirectory>(Emit(std::move(t)), std::string(kAdminDirectoryId)));
}

Decision Decide(const ListAdmins& cmd, DecideContext& ctx) {
  const std::vector<std::string>& user_ids = cmd.user_ids;
  events::EnabledAdminsChangedT t;
  for (const auto& id : user_ids) {
    const auto* user = FindReference<events::UserDefined>(ctx, id);
    if (user != nullptr && EnabledAdmin(*user)) t.admins.push_back(id);
  }
  std::sort(t.admins.begin(), t.admins.end());
  return One(Emit(std::move(t)));
}

}  // namespace ledger::domain
