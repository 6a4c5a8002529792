// Commands as plain structs, and the engine Command that runs one.
//
// Each context declares its commands next to their aggregate, as plain
// structs that name their target state and, when they carry it, the field
// holding the id of their stream:
//
//   struct AcceptDifference {
//     using Target = SupplierInvoice;
//     std::string invoice;  // the stream: SI-YYYY-NNNNN
//     std::string reason;
//     static constexpr auto kStreamId = &AcceptDifference::invoice;
//   };
//   Decision Decide(const SupplierInvoice&, const AcceptDifference&, DecideContext&);
//
// and one `Decide` overload per command: with the target's state for a
// command on an existing stream, without it for one that starts a stream
// (`Decision Decide(const CaptureInvoice&, DecideContext&)`). A command
// without kStreamId starts a document the ledger numbers.
//
// ToCommand binds such a struct to the engine's type-erased Command, for the
// API, the demo loader, the tests and the benchmark alike. The caller fills
// in the actor and the optional idempotency key, If-Match version and
// correlation.
#pragma once

#include <functional>
#include <string>
#include <type_traits>

#include "engine/aggregate.h"

namespace ledger {

// A command on the existing stream of its Target: `Decide(state, cmd, ctx)`.
template <class C>
concept CommandOnStream = requires(const typename C::Target& s, const C& c, DecideContext& ctx) {
  { Decide(s, c, ctx) } -> std::same_as<Decision>;
};

// A command that starts a stream of its Target: `Decide(cmd, ctx)`.
template <class C>
concept CommandStartingStream = requires(const C& c, DecideContext& ctx) {
  typename C::Target;
  { Decide(c, ctx) } -> std::same_as<Decision>;
};

// The id of the stream `c` targets: its kStreamId field, or "" (a new
// document the ledger numbers).
template <class C>
std::string CommandStreamId(const C& c) {
  if constexpr (requires { C::kStreamId; }) {
    return c.*C::kStreamId;
  } else {
    return "";
  }
}

// The type of the stream `c` targets: its Target's, or what its
// `stream_type()` says when several stream types share one state type
// (reference data, engine/reference/reference_entity.h).
template <class C>
std::string CommandStreamType(const C& c) {
  if constexpr (requires { c.stream_type(); }) {
    return std::string(c.stream_type());
  } else {
    return std::string(C::Target::kStream.type);
  }
}

// The engine Command that decides `c`: on the existing Target stream it
// names (not_found otherwise), or on a new one (duplicate if it exists). A
// command that starts a stream may say otherwise in an `Expect expect`
// field (reference data is created or replaced by the same command).
template <class C>
  requires CommandOnStream<C> || CommandStartingStream<C>
Command ToCommand(C c) {
  using S = typename C::Target;
  Command out;
  out.stream_type = CommandStreamType(c);
  out.stream_id = CommandStreamId(c);
  if constexpr (CommandOnStream<C>) {
    out.expect = Expect::kExisting;
    out.decide = [c = std::move(c), type = out.stream_type](const AggregateState* s,
                                                            DecideContext& ctx) -> Decision {
      const S* state = StateCast<S>(s);
      if (state == nullptr) return Status::NotFound("no such " + type);
      return Decide(*state, c, ctx);
    };
  } else {
    if constexpr (requires { c.expect; }) {
      out.expect = c.expect;
    } else {
      out.expect = Expect::kNew;
    }
    out.decide = [c = std::move(c)](const AggregateState*, DecideContext& ctx) -> Decision {
      return Decide(c, ctx);
    };
  }
  return out;
}

}  // namespace ledger
