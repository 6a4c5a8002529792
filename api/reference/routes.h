// The routes of reference data, policies, users and their tokens, one file per group (api/reference/routes_*.cc).
#pragma once

#include "api/routes.h"
#include "api/server.h"

namespace ledger::api {

void AddReferenceRoutes(Routes& r);
void AddPolicyRoutes(Routes& r);
void AddTokenRoutes(Routes& r);

// The JSON of a reference entity (settings, policies, rates...): id,
// version, status and the fields of its definition.
nlohmann::json ReferenceJson(const std::string& id, const AggregateState& state);

// Who a bearer token is (ApiContext::authenticate): its `api_token` stream
// and its user's definition.
Result<Actor> AuthenticateToken(const ApiContext& ctx, std::string_view bearer,
                                std::string* token_id);

}  // namespace ledger::api

namespace ledger::reference {

// Every route of the context (the list of contexts registers it).
void AddRoutes(api::Routes& routes);

}  // namespace ledger::reference
