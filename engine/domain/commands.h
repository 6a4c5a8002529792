// Command builders: bind a domain decision to its stream, for the API, the
// demo loader, the tests and the benchmark alike. The caller fills in the
// actor and the optional idempotency key, If-Match version and correlation.
#pragma once

#include "engine/domain/budget.h"
#include "engine/domain/purchase_order.h"
#include "engine/domain/purchase_request.h"
#include "engine/domain/supplier_invoice.h"
#include "engine/domain/reference.h"

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

Command CreatePurchaseOrder(PoHeaderInput header, PoNotesInput notes,
                            std::vector<PoLineInput> lines);

// Any decision on an existing purchase order.
Command OnPurchaseOrder(std::string id,
                        std::function<Decision(const PurchaseOrder&, DecideContext&)> decide);

// A new document of stream type `type`: numbered by the ledger when the type
// has a series, else named `id`.
Command NewDocument(std::string type, std::string id,
                    std::function<Decision(DecideContext&)> decide);

// Any decision on an existing stream whose state is an S.
template <class S>
Command OnStream(std::string type, std::string id,
                 std::function<Decision(const S&, DecideContext&)> decide) {
  Command c;
  c.stream_type = std::move(type);
  c.stream_id = std::move(id);
  c.expect = Expect::kExisting;
  c.decide = [d = std::move(decide), t = c.stream_type](const AggregateState* s,
                                                         DecideContext& ctx) -> Decision {
    const S* state = StateCast<S>(s);
    if (state == nullptr) return Status::NotFound("no such " + t);
    return d(*state, ctx);
  };
  return c;
}

}  // namespace ledger::domain
