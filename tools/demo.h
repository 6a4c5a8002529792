// What the contexts' demo loaders share.
#pragma once

#include "engine/commands.h"
#include "engine/engine.h"

namespace ledger {

// Executes `c` as `actor`; its outcome, or why it was refused.
inline Result<CommandOutcome> RunAs(Engine& engine, Command c, const Actor& actor) {
  c.actor = actor;
  auto out = engine.Execute(std::move(c));
  if (!out.status.ok()) return out.status;
  return out;
}

// Executes the command struct `c` (engine/commands.h) as `actor`.
template <class C>
  requires requires { typename C::Target; }
Result<CommandOutcome> RunAs(Engine& engine, C c, const Actor& actor) {
  return RunAs(engine, ToCommand(std::move(c)), actor);
}

}  // namespace ledger
