// Command builders of reference data, users and API tokens.
#pragma once

#include "engine/commands.h"
#include "engine/reference/admin_directory.h"
#include "engine/reference/api_token.h"
#include "engine/reference/reference_entity.h"

namespace ledger::domain {

// Creates (Expect::kNew) or replaces (Expect::kExisting) a reference entity.
// `definition` is one of the `...DefinedT` payloads.
Command DefineReference(std::string id, events::PayloadUnion definition, Expect expect);

// Issues token `token_id` (its stream's id) for a user; `digest` is the
// HMAC-SHA256 of its secret (32 bytes).
Command IssueToken(std::string token_id, std::string user_id, std::string label,
                   std::string digest);
// Revokes token `token_id` of user `user_id`; not_found if there is none.
Command RevokeToken(std::string token_id, std::string user_id, std::string reason);
// Lists the enabled admins among `user_ids` on the admin directory, which
// must not exist yet (duplicate otherwise).
Command ListAdmins(std::vector<std::string> user_ids);

}  // namespace ledger::domain
