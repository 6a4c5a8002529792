// The reference context at start: the admin directory of an older ledger,
// and the break-glass admin user.
#include <spdlog/spdlog.h>

#include "engine/reference/commands.h"
#include "tools/reference/context.h"

namespace ledger::reference {

Status ListAdminsOnce(Engine& engine) {
  if (engine.Load<domain::AdminDirectory>(domain::kAdminDirectoryId)) return Status::Ok();
  // Users exist by the thousand, not the million: the bound is a safeguard.
  constexpr size_t kUsersMax = 1'000'000;
  auto users = engine.StreamIds(domain::kReferenceType<events::UserDefined>, kUsersMax);
  if (!users.ok()) return users.status();
  if (users->empty()) return Status::Ok();
  Command c = ToCommand(domain::ListAdmins{std::move(users.value())});
  c.actor = Actor{"system", {"admin"}};
  auto out = engine.Execute(std::move(c));
  if (!out.status.ok() && out.status.code() != Errc::kDuplicate) return out.status;
  spdlog::info("listed the enabled admins of a ledger written before the admin directory");
  return Status::Ok();
}

Status EnsureAdmin(Engine& engine) {
  Actor system{"system", {"admin"}};
  // Break glass: whoever can start the server with --admin-token gets an
  // enabled admin back, even if the admin user was disabled or lost its
  // role through the API (a recorded change, by "system").
  auto current = engine.Load(domain::kReferenceType<events::UserDefined>, "admin");
  const auto* state = current ? StateCast<domain::ReferenceState>(current.get()) : nullptr;
  const auto* defined = state ? domain::TableOf<events::UserDefined>(*state) : nullptr;
  bool has_role = false;
  if (defined != nullptr && defined->roles() != nullptr) {
    for (const auto* r : *defined->roles()) has_role = has_role || events::Sv(r) == "admin";
  }
  if (defined == nullptr || defined->disabled() || !has_role) {
    events::UserDefinedT u;
    u.name = "Administrator";
    if (defined != nullptr) {
      u.name = events::Str(defined->name());
      if (defined->roles() != nullptr) {
        for (const auto* r : *defined->roles()) u.roles.push_back(events::Str(r));
      }
    }
    if (!has_role) u.roles.push_back("admin");
    u.disabled = false;
    if (defined != nullptr) {
      spdlog::warn("the admin user was disabled or not an admin; --admin-token restores it");
    }
    events::PayloadUnion p;
    p.Set(std::move(u));
    Command c = ToCommand(domain::DefineReference{
        "admin", std::move(p), defined == nullptr ? Expect::kNew : Expect::kExisting});
    c.actor = system;
    auto out = engine.Execute(std::move(c));
    if (!out.status.ok() && out.status.code() != Errc::kDuplicate) return out.status;
  }
  return Status::Ok();
}

}  // namespace ledger::reference
