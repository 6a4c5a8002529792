// Request bodies parsed into the domain's inputs: what each command route
// reads from its JSON, in one place, so that it can be tested and fuzzed
// without a server (fuzz/body_fuzz.cc).
//
// Contract: each function reads an already parsed `Body` (http.h) and either
// returns the input or throws ApiError (400 `malformed`, naming the field);
// no other exception leaves it. None touches the engine, the log or the
// attachment store; fields are read in the order the routes always read
// them, so the first fault named stays the same.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/http.h"
#include "engine/reference/reference_entity.h"

namespace ledger::api {

// Company policies and rates, as the payloads that define them.
events::PayloadUnion ParseApprovalPolicy(const Body& b);
events::PayloadUnion ParseMatchingPolicy(const Body& b);
events::PayloadUnion ParseExchangeRate(const Body& b);

}  // namespace ledger::api
