// Lists: one index projection serving GET /v1/<collection> for every stream
// type whose StreamType declares a listing (engine/listing.h).
//
// Operation: for each event of a listed stream the projection folds the
//   event with the aggregate's own Evolve into its own copy of the
//   document's state, decoded once per batch; at the end of the batch it
//   asks each changed state to Describe itself, writes its items and
//   encodes the state back. The status is the state's StatusLabel: a list
//   never re-derives a status.
//   Besides what Describe declares, it records the date the document was
//   created ("created"), last changed ("updated") and last entered each
//   status (the status's name), all effective dates of the events.
// Order: newest first by creation, i.e. by the event id of the document's
//   first event, inverted: a page is a prefix scan from the cursor, an item
//   never moves, and a document created while a client pages sorts before
//   the page it reads, so pages never repeat or skip an item that existed
//   at the first page. Rows (an order's lines) follow their document, by
//   number.
// Keys (under p/lists/; <sort> is 16 bytes, 20 for rows):
//   "d/<type>\x1f<id>"                       -> the document's record: sort
//                                               key, state, dates reached, its keys
//   "i/<collection>\x1f<sort>"               -> the item (what a page shows)
//   "s/<collection>\x1f<status>\x1f<sort>"   -> "" (status index)
//   "f/<collection>\x1f<name>\x1f<value>\x1f<sort>" -> "" (filter index)
// Cost: one state decode, encode and Describe per document and batch (up to
//   4096 records), plus an Evolve per event; a page reads one index entry
//   and one item per candidate, and stops after ListQuery::scanned_max
//   candidates with a cursor to continue.
// Recovery: rebuilt from position 0 like every projection, with identical
//   answers (everything comes from the events). The projection's version
//   follows the snapshot formats of the listed stream types, so a state
//   whose shape changes rebuilds the lists.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "projections/projection.h"

namespace ledger {

class ListsProjection final : public Projection {
 public:
  std::string_view name() const override { return "lists"; }
  uint32_t version() const override;
  // Folds the event into the document's state, decoded once per batch.
  Status Apply(const LogRecord& record, const events::Envelope& e, ProjectionTxn& txn) override;
  // Describes each document the batch changed and writes its items.
  Status Finish(ProjectionTxn& txn) override;
};

struct ListQuery {
  std::string collection = {};
  std::vector<std::string> statuses = {};  // any of them; empty: any status
  std::vector<std::pair<std::string, std::string>> filters = {};  // every one of them
  std::string q = {};     // case-insensitive substring of the id or the declared text
  std::string date = {};  // the named date `from` and `to` apply to
  std::string from = {}, to = {};  // inclusive ISO dates; "" unbounded
  std::string late_on = {};   // ISO date: keep the entries late on that day; "" any
  std::string cursor = {};    // a page's `next`; "" from the newest
  size_t limit = 100;
  // Candidates examined per page at most: a page with selective filters
  // that are not indexed may come back short, with `next` to continue.
  // Default: 10 000.
  size_t scanned_max = 10'000;
};

struct ListPage {
  std::vector<nlohmann::json> items;  // {"id","status","version","dates",...summary}
  std::string next;                   // "" at the end
};

// A page of `q.collection`. Malformed for a cursor that is not one.
Result<ListPage> QueryList(rocksdb::DB* store, const ListQuery& q);

// Calls `fn` with every item of `collection` (newest first); stops at the
// first error `fn` returns.
Status ForEachListed(rocksdb::DB* store, std::string_view collection,
                     const std::function<Status(const nlohmann::json& item)>& fn);

}  // namespace ledger
