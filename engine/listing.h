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
// What else an item shows is its summary (ListSummary): typed fields
// (text, date, amount, figure, integer, flag, lists of texts or records)
// that the projection renders as JSON. The engine carries no JSON: a state
// says what it shows, the read side how it is written, and a kind renders
// the same way in every collection.
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
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "engine/decimal.h"

namespace ledger {

struct ListRow;
struct ListSummaryField;

// What a list item shows besides its id, status, version and dates: named
// fields of a few kinds, which the list projection renders
// (projections/lists.cc), so that the engine states what a document shows
// and the read side decides how it is written. A name set twice keeps its
// last value.
class ListSummary {
 public:
  enum class Kind : uint8_t {
    kText,     // names, references, codes: a string
    kDate,     // an ISO date YYYY-MM-DD, "" when it has none: a string
    kAmount,   // money rounded to its currency's minor digits, "" when unknown
    kFigure,   // a decimal shown with every digit (quantities, unit prices)
    kInteger,  // counts and numbers (lines, days)
    kFlag,     // true or false
    kTexts,    // a list of strings (the orders of a request)
    kRecords,  // a list of records, each a summary of its own (discrepancies)
  };
  // An amount of a currency with `digits` minor digits; no value: unknown.
  struct Money {
    std::optional<Decimal> value;
    int digits = 2;
  };
  using Value = std::variant<std::string, Money, Decimal, int64_t, bool,
                             std::vector<std::string>, std::vector<ListSummary>>;

  void Text(std::string name, std::string text);
  void Date(std::string name, std::string iso);
  void Amount(std::string name, std::optional<Decimal> amount, int digits);
  void Figure(std::string name, const Decimal& figure);
  void Integer(std::string name, int64_t integer);
  void Flag(std::string name, bool flag);
  void Texts(std::string name, std::vector<std::string> texts);
  void Records(std::string name, std::vector<ListSummary> records);

  // In the order they were set.
  const std::vector<ListSummaryField>& fields() const { return fields_; }

 private:
  void Set(std::string name, Kind kind, Value value);

  std::vector<ListSummaryField> fields_;
};

// One field of a summary: the alternative of `value` follows `kind` (a
// string for kText and kDate, Money for kAmount, Decimal for kFigure,
// int64_t for kInteger, bool for kFlag, the vectors for kTexts and kRecords).
struct ListSummaryField {
  std::string name;
  ListSummary::Kind kind;
  ListSummary::Value value;
};

inline void ListSummary::Set(std::string name, Kind kind, Value value) {
  for (auto& f : fields_) {
    if (f.name == name) {
      f.kind = kind;
      f.value = std::move(value);
      return;
    }
  }
  fields_.push_back({std::move(name), kind, std::move(value)});
}
inline void ListSummary::Text(std::string name, std::string text) {
  Set(std::move(name), Kind::kText, std::move(text));
}
inline void ListSummary::Date(std::string name, std::string iso) {
  Set(std::move(name), Kind::kDate, std::move(iso));
}
inline void ListSummary::Amount(std::string name, std::optional<Decimal> amount, int digits) {
  Set(std::move(name), Kind::kAmount, Money{amount, digits});
}
inline void ListSummary::Figure(std::string name, const Decimal& figure) {
  Set(std::move(name), Kind::kFigure, figure);
}
inline void ListSummary::Integer(std::string name, int64_t integer) {
  Set(std::move(name), Kind::kInteger, integer);
}
inline void ListSummary::Flag(std::string name, bool flag) {
  Set(std::move(name), Kind::kFlag, flag);
}
inline void ListSummary::Texts(std::string name, std::vector<std::string> texts) {
  Set(std::move(name), Kind::kTexts, std::move(texts));
}
inline void ListSummary::Records(std::string name, std::vector<ListSummary> records) {
  Set(std::move(name), Kind::kRecords, std::move(records));
}

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
  // The item's summary fields (parties, amounts...), besides id, status,
  // version and dates.
  ListSummary summary;
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
