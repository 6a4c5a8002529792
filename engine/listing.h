// What a listable aggregate shows of itself in GET /v1/<collection>.
//
// A stream type whose StreamType names a `listing` has its documents listed
// by the one list projection (projections/lists.h): the projection folds the
// aggregate's own Apply on its copy of the state, then asks the state to
// describe itself through
//   void Describe(const S& state, ListEntry& out);
// a free function declared beside S (the StateOf<S> template finds it; a
// state without one is not listable). Describe is pure like Apply: it reads
// the state and nothing else.
//
// The projection adds what a state does not know: the id, the version, the
// status (the state's own Label, never re-derived), the date the document
// was created and the date it last entered each status (dates named after
// the status, e.g. "approved"). A date Describe declares under the same name
// wins.
//
// A document may also list rows of its own in a second collection (an
// order's lines in purchase-order-lines): StreamType::row_listing names it
// and Describe fills `rows`, each with a number unique in the document.
//
// The items are stored: a change to what a Describe declares reaches the
// documents already listed when the lists are rebuilt, so bump the list
// projection's kLayoutVersion (projections/lists.cc) with it.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ledger {

struct ListRow;

struct ListEntry {
  // A row's status (a document's is its Label, set by the projection).
  std::string status;
  // Named business dates, ISO YYYY-MM-DD, filtered by ?date=<name>&from=&to=.
  std::map<std::string, std::string> dates;
  // Filter fields as (name, value); a name may repeat (an order names the
  // product of each line). Filtered by ?<name>=<value>.
  std::vector<std::pair<std::string, std::string>> filters;
  // Free text searched by ?q= besides the id (names, references).
  std::string text;
  // An ISO date after which the entry is late while it stays so (an order
  // line's expected date while it is not fully received); "" never late.
  // Filtered by ?late=true against the server's date.
  std::string late_after;
  // The item's summary fields (parties, amounts...) as the list renders
  // them, besides id, status and version.
  nlohmann::json summary = nlohmann::json::object();
  std::vector<ListRow> rows;

  void Date(const std::string& name, const std::string& iso) {
    if (!iso.empty()) dates[name] = iso;
  }
  void Filter(const std::string& name, const std::string& value) {
    if (value.empty()) return;
    for (const auto& [n, v] : filters) {
      if (n == name && v == value) return;
    }
    filters.emplace_back(name, value);
  }
};

// A row is listed with the id "<document id>/<number>", the document's id
// under Listing::parent and the document's version.
struct ListRow {
  uint32_t number = 0;  // unique in the document; rows list in this order
  ListEntry entry;
};

// What a collection accepts, declared once per stream type (or per row
// kind): the query parameters that are not one of the generic ones are
// checked against it, so a misspelled filter is a 400, never an empty list.
struct Listing {
  std::string_view collection;    // "purchase-orders": GET /v1/purchase-orders
  std::string_view what;          // "purchase orders", for the OpenAPI summary
  std::string_view default_date;  // the date from= and to= filter without date=
  std::span<const std::string_view> dates;    // names date= accepts
  std::span<const std::string_view> filters;  // names accepted as ?<name>=
  bool late = false;                           // whether ?late=true applies
  std::string_view parent = {};  // rows: the summary field naming their document
};

}  // namespace ledger
