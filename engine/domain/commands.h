// Command builders: bind a domain decision to its stream, for the API, the
// demo loader, the tests and the benchmark alike. The caller fills in the
// actor and the optional idempotency key, If-Match version and correlation.
#pragma once

#include "engine/domain/purchase_order.h"
#include "engine/domain/reference.h"

namespace ledger::domain {

// Creates (Expect::kNew) or replaces (Expect::kExisting) a reference entity.
// `definition` is one of the `...DefinedT` payloads.
Command DefineReference(std::string id, events::PayloadUnion definition, Expect expect);

// Issues a token: `token_digest` is the SHA-256 hex of the secret token.
Command IssueToken(std::string token_digest, std::string user_id, std::string label);

Command CreatePurchaseOrder(PoHeaderInput header, PoNotesInput notes,
                            std::vector<PoLineInput> lines);

// Any decision on an existing purchase order.
Command OnPurchaseOrder(std::string id,
                        std::function<Decision(const PurchaseOrder&, DecideContext&)> decide);

}  // namespace ledger::domain
