// Command builders of any context: bind a decision to its stream, for the
// API, the demo loader, the tests and the benchmark alike. The caller fills
// in the actor and the optional idempotency key, If-Match version and
// correlation. Each context adds the builders of its own commands
// (engine/<context>/commands.h).
#pragma once

#include <functional>
#include <string>

#include "engine/aggregate.h"

namespace ledger {

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

// A new S document: numbered by the ledger when S has a series (`id` ""),
// else named `id`.
template <Streamed S>
Command NewDocument(std::string id, std::function<Decision(DecideContext&)> decide) {
  return NewDocument(std::string(S::kStream.type), std::move(id), std::move(decide));
}

// Any decision on the existing S stream `id`.
template <Streamed S>
Command OnStream(std::string id, std::function<Decision(const S&, DecideContext&)> decide) {
  return OnStream<S>(std::string(S::kStream.type), std::move(id), std::move(decide));
}

}  // namespace ledger
