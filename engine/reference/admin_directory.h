// The directory of enabled admins, which keeps the last one from being
// disabled or demoted (rule `last_admin`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/aggregate.h"

namespace ledger::domain {

// Stream `user_directory/admins`: the users who are enabled and hold the
// role admin, so that deciding a user's change knows whether it would leave
// none (rule `last_admin`) without reading every user. Every user definition
// that changes the set appends the new set; a ledger whose users were defined
// before the directory existed lists them once (ListAdmins). Until then a
// user the directory does not list counts as no admin.
struct AdminDirectory {
  static constexpr StreamTraits kStream = {
      .type = "user_directory", .topic = Topic::kReference, .series = "", .snapshot_format = 1};
  std::vector<std::string> admins;  // user ids, sorted
};
void Apply(AdminDirectory& d, const events::Envelope& e);
std::string_view Label(const AdminDirectory& d);
template <class A, class Self>
void Fields(A& a, Self& d) requires std::is_same_v<std::remove_const_t<Self>, AdminDirectory> {
  a(d.admins);
}
bool Valid(const AdminDirectory& d);

inline constexpr std::string_view kAdminDirectoryType = AdminDirectory::kStream.type;
inline constexpr std::string_view kAdminDirectoryId = "admins";

// Lists the enabled admins among `user_ids` on `user_directory/admins`,
// which must not exist yet (duplicate otherwise), for a ledger whose users
// predate the directory.
struct ListAdmins {
  using Target = AdminDirectory;
  std::vector<std::string> user_ids;
  std::string directory = std::string(kAdminDirectoryId);
  static constexpr auto kStreamId = &ListAdmins::directory;
};
Decision Decide(const ListAdmins& cmd, DecideContext& ctx);

// The directory's event when the definition of the command's user (its
// stream) changes who the enabled admins are, nothing when it does not;
// invalid_state, rule `last_admin`, when it would leave none.
Result<std::optional<NewEvent>> KeepAdminDirectory(const events::UserDefinedT& user,
                                                   DecideContext& ctx);

}  // namespace ledger::domain
