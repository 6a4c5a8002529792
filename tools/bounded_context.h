// A bounded context as the binaries see it, and the list of contexts.
//
// A context (reference data, budgets, purchasing; licensing, billing and
// vouchers to come) has a folder of its name in every layer: its events in
// events/schemas/<context>.fbs, its aggregates in engine/<context>/, its
// read models in projections/<context>/, its routes in api/<context>/ and
// this descriptor, its demo data and exports in tools/<context>/. The
// binaries learn about a context from here only: its stream types, its
// projections, its routes, what it does at start, its demo data and its
// exports.
//
// The list itself is LEDGER_CONTEXTS in the top CMakeLists.txt, in the
// order of the contexts' dependencies: the build generates
// BoundedContexts() from it, so adding a context is one word there.
#pragma once

#include <memory>
#include <ostream>
#include <span>
#include <string_view>
#include <vector>

#include "api/routes.h"
#include "api/server.h"
#include "engine/aggregate.h"
#include "engine/engine.h"
#include "projections/projection.h"

namespace ledger {

struct Config;

struct CsvExport {
  std::string_view name;  // `ledgerctl export <name>`
  Status (*write)(EventLog& log, std::ostream& out);
};

struct BoundedContext {
  std::string_view name;  // "purchasing": its folders' name
  std::span<const StreamType> (*stream_types)();
  // Appends the context's projections, fresh. Optional.
  void (*add_projections)(std::vector<std::unique_ptr<Projection>>* out) = nullptr;
  api::AddRoutesFn add_routes = nullptr;  // optional
  // Who a bearer token is: the one context that keeps users and tokens.
  api::AuthenticateFn authenticate = nullptr;
  // What the context does once the engine is open, before any request
  // (e.g. the reference context ensures the break-glass admin). Optional.
  Status (*at_start)(Engine& engine, const Config& config) = nullptr;
  // Whether the ledger already holds this context's demo data; any context
  // saying so skips the whole demo. Optional.
  bool (*has_demo)(const Engine& engine) = nullptr;
  // Loads the context's demo data (the contexts before it in the list are
  // loaded). Optional.
  Status (*load_demo)(Engine& engine) = nullptr;
  std::span<const CsvExport> exports;
};

// Every context, in the order of LEDGER_CONTEXTS (generated, contexts.cc).
std::span<const BoundedContext* const> BoundedContexts();

// Registers the stream types of every context (once; thread-safe). Every
// binary calls it before opening an engine.
void InstallBoundedContexts();

// The projections of the node: the generic ones and every context's.
std::vector<std::unique_ptr<Projection>> AllProjections();
// The routes of every context.
std::vector<api::AddRoutesFn> AllRoutes();
// The authentication of bearer tokens (a context must provide it).
api::AuthenticateFn TokenAuthentication();
// Runs every context's at_start, in order.
Status StartContexts(Engine& engine, const Config& config);
// Loads every context's demo data, unless a context already holds its own.
Status LoadDemoData(Engine& engine);

}  // namespace ledger
