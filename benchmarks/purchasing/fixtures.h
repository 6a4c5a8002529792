// What the purchasing workloads stand on: the reference data their orders
// name, and the commands of an order's life.
#pragma once

#include <string>

#include "engine/engine.h"
#include "engine/purchasing/commands.h"
#include "engine/reference/commands.h"
#include "events/reference_events.h"

namespace ledger::bench::purchasing {

// Who defines the reference data.
inline const Actor kAdmin{"admin", {"admin"}};
// Who sends the orders' commands.
inline const Actor kBuyer{"alice", {"buyer"}};

// Runs a set-up command as `actor`; the benchmark cannot go on without it,
// so a rejection aborts with its reason on stderr.
void Must(Engine& engine, Command c, const Actor& actor);

// Defines `id` as the reference data `table` (e.g. a SupplierDefinedT), new
// or replacing what it was.
template <class T>
void Define(Engine& engine, const std::string& id, T table) {
  events::ReferenceEventUnion definition;
  definition.Set(std::move(table));
  Must(engine, ToCommand(domain::DefineReference{id, std::move(definition), Expect::kAny}), kAdmin);
}

// The reference data the orders name: the company (EUR, global tax
// rounding), the tax code VAT20, the cost centre IT, the supplier ACME and
// the product LAPTOP.
void SeedReference(Engine& engine);

// The next command of a client that cycles through the life of an order
// (`step` 0 to 3): create it with a line, add two lines, confirm. `order` is
// the order created at step 0; `n` varies the lines' quantities.
Command NextOrderCommand(int step, const std::string& order, int n);

}  // namespace ledger::bench::purchasing
