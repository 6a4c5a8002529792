// Request bodies of the licensing routes parsed into the domain's inputs.
//
// Contract: each function reads an already parsed `Body` (http.h) and either
// returns the input or throws ApiError (400 `malformed`, naming the field);
// no other exception leaves it. None touches the engine.
#pragma once

#include <string>
#include <vector>

#include "api/http.h"
#include "engine/licensing/licence_pool.h"

namespace ledger::api {

// POST /v1/licence-pools: product, vendor, model, quantity, term {start,
// end}, unit_price, currency, and the options of the model (overage,
// lease_seconds, usage, commitment), cost_center, project.
domain::PoolInput ParsePoolInput(const Body& b);

// The instant of a usage record: an RFC 3339 timestamp, or a date (its
// midnight UTC).
int64_t ParseInstant(const Body& b, const char* key);

// A list of 1 to 32 pool ids.
std::vector<std::string> ParsePoolIds(const Body& b);

}  // namespace ledger::api
