#include "projections/lists.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "engine/aggregate.h"
#include "engine/clock.h"
#include "engine/coding.h"
#include "engine/snapshot_codec.h"
#include "engine/state_keys.h"
#include "events/codec.h"
#include "events/event_json.h"

namespace ledger {
namespace {

using Json = nlohmann::json;
using state_keys::PutBE;

constexpr char kSep = '\x1f';
constexpr size_t kDocumentSortBytes = 16;
constexpr size_t kRowSortBytes = 20;
// The key layout and what an item holds; the snapshot formats of the listed
// types are added to it (version()).
constexpr uint32_t kLayoutVersion = 1;

// What the projection keeps of a document.
struct DocRecord {
  std::string sort;     // kDocumentSortBytes
  uint64_t version = 0;
  std::string state;    // the state's own snapshot encoding
  std::map<std::string, std::string> reached;  // "created", "updated", status -> date
  std::vector<std::string> keys;               // item and index keys written, sorted
};

template <class A, class Self>
void Fields(A& a, Self& d) requires std::is_same_v<std::remove_const_t<Self>, DocRecord> {
  a(d.sort, d.version, d.state, d.reached, d.keys);
}

// What a page reads of an item: what it is filtered by, and its rendering.
struct StoredItem {
  std::string status;
  std::map<std::string, std::string> dates;
  std::vector<std::string> filters;  // "<name>\x1f<value>"
  std::string search;                // the id and the declared text, lower-cased
  std::string late_after;
  std::string json;                  // the item as a page shows it
};

template <class A, class Self>
void Fields(A& a, Self& s) requires std::is_same_v<std::remove_const_t<Self>, StoredItem> {
  a(s.status, s.dates, s.filters, s.search, s.late_after, s.json);
}

template <class T>
std::string Encode(const T& v) {
  SnapshotWriter w;
  Fields(w, v);
  return std::move(w.bytes());
}

template <class T>
bool Decode(std::string_view bytes, T* out) {
  SnapshotReader r(bytes);
  Fields(r, *out);
  return r.ok();
}

// ASCII lower case: ids and references are compared as typed otherwise.
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Newest first: the first event's id, inverted.
std::string SortKey(const events::Envelope& e) {
  auto id = events::EventIdOf(e);
  std::string k;
  PutBE(&k, ~id.hi, 8);
  PutBE(&k, ~id.lo, 8);
  return k;
}

std::string ItemKey(std::string_view collection, std::string_view sort) {
  std::string k = "i/";
  k.append(collection).push_back(kSep);
  k.append(sort);
  return k;
}

std::string StatusPrefix(std::string_view collection, std::string_view status) {
  std::string k = "s/";
  k.append(collection).push_back(kSep);
  k.append(status).push_back(kSep);
  return k;
}

std::string FilterPrefix(std::string_view collection, std::string_view name,
                         std::string_view value) {
  std::string k = "f/";
  k.append(collection).push_back(kSep);
  k.append(name).push_back(kSep);
  k.append(value).push_back(kSep);
  return k;
}

// Strings an older ledgerd wrote may hold bytes that are not UTF-8: shown as
// the text \xFF (as every rendering of events shows them), never dropped.
void MakeUtf8(Json& j) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (!events::IsUtf8(s)) j = events::Utf8Text(s);
  } else if (j.is_structured()) {
    for (auto& v : j) MakeUtf8(v);
  }
}

// A summary field as the list shows it. Every kind has one rendering, so
// the engine's states say what they show and only this file how.
Json FieldJson(const ListSummaryField& f) {
  using Kind = ListSummary::Kind;
  switch (f.kind) {
    case Kind::kText:
    case Kind::kDate:
      return std::get<std::string>(f.value);
    case Kind::kAmount: {
      const auto& money = std::get<ListSummary::Money>(f.value);
      return money.value ? money.value->ToString(money.digits) : std::string();
    }
    case Kind::kFigure:
      return std::get<Decimal>(f.value).ToString();
    case Kind::kInteger:
      return std::get<int64_t>(f.value);
    case Kind::kFlag:
      return std::get<bool>(f.value);
    case Kind::kTexts:
      return std::get<std::vector<std::string>>(f.value);
    case Kind::kRecords: {
      Json records = Json::array();
      for (const ListSummary& r : std::get<std::vector<ListSummary>>(f.value)) {
        Json record = Json::object();
        for (const auto& field : r.fields()) record[field.name] = FieldJson(field);
        records.push_back(std::move(record));
      }
      return records;
    }
  }
  LEDGER_ASSERT(false);
  return nullptr;
}

// One item to write: its key, its value and its index keys.
struct Written {
  std::string key, value;
  std::vector<std::string> index;
};

Written Index(std::string_view collection, const std::string& sort, const std::string& id,
              uint64_t version, const ListEntry& entry, const Listing& listing,
              const std::string& parent_id) {
  StoredItem item;
  item.status = entry.status;
  item.dates = entry.dates;
  item.search = Lower(id + ' ' + entry.text);
  item.late_after = entry.late_after;
  Json j{{"id", id}, {"status", entry.status}, {"version", version}};
  if (!listing.parent.empty()) j[std::string(listing.parent)] = parent_id;
  for (const auto& f : entry.summary.fields()) j[f.name] = FieldJson(f);
  j["dates"] = entry.dates;
  MakeUtf8(j);
  item.json = j.dump();
  Written w;
  w.key = ItemKey(collection, sort);
  w.index.push_back(StatusPrefix(collection, entry.status) + sort);
  for (const auto& [name, value] : entry.filters) {
    item.filters.push_back(name + kSep + value);
    w.index.push_back(FilterPrefix(collection, name, value) + sort);
  }
  w.value = Encode(item);
  return w;
}

std::string EffectiveDate(const events::Envelope& e) {
  std::string date = events::Str(e.effective_date());
  return date.empty() ? IsoDate(e.recorded_at_us()) : date;
}

bool FromHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int v = 0;
    for (char c : hex.substr(i, 2)) {
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return false;
      v = v * 16 + d;
    }
    out->push_back(static_cast<char>(v));
  }
  return true;
}

std::string ToHex(std::string_view s) {
  return events::ToHex(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

bool Matches(const StoredItem& item, const ListQuery& q) {
  if (!q.statuses.empty() &&
      std::find(q.statuses.begin(), q.statuses.end(), item.status) == q.statuses.end()) {
    return false;
  }
  for (const auto& [name, value] : q.filters) {
    std::string f = name + kSep + value;
    if (std::find(item.filters.begin(), item.filters.end(), f) == item.filters.end()) return false;
  }
  if (!q.q.empty() && item.search.find(Lower(q.q)) == std::string::npos) return false;
  if (!q.from.empty() || !q.to.empty()) {
    auto it = item.dates.find(q.date);
    if (it == item.dates.end()) return false;
    if (!q.from.empty() && it->second < q.from) return false;
    if (!q.to.empty() && it->second > q.to) return false;
  }
  if (!q.late_on.empty() && (item.late_after.empty() || item.late_after >= q.late_on)) {
    return false;
  }
  return true;
}

// One index scanned in key order from the cursor: its entries' suffixes are
// sort keys.
class Source {
 public:
  Source(rocksdb::DB* store, const rocksdb::Snapshot* snapshot, std::string prefix,
         const std::string& after)
      : prefix_(std::move(prefix)), upper_(prefix_) {
    upper_.back() = static_cast<char>(upper_.back() + 1);
    upper_slice_ = rocksdb::Slice(upper_);
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    ro.iterate_upper_bound = &upper_slice_;
    it_.reset(store->NewIterator(ro));
    // Sort keys of one collection have one length: the key just after the
    // cursor's is the cursor's followed by a zero byte.
    it_->Seek(after.empty() ? prefix_ : prefix_ + after + '\0');
  }
  bool valid() const { return it_->Valid(); }
  std::string_view sort() const { return it_->key().ToStringView().substr(prefix_.size()); }
  std::string_view value() const { return it_->value().ToStringView(); }
  void Next() { it_->Next(); }
  Status status() const { return FromRocks(it_->status()); }

 private:
  std::string prefix_, upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// A RocksDB snapshot released when the page is read.
class SnapshotHold {
 public:
  explicit SnapshotHold(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {}
  ~SnapshotHold() { db_->ReleaseSnapshot(snapshot_); }
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

// A document decoded once for all its events of a batch.
struct Document {
  const StreamType* type = nullptr;
  std::string id;
  DocRecord record;
  std::unique_ptr<AggregateState> state;
};

struct Documents final : ProjectionTxn::Scratch {
  std::unordered_map<std::string, Document> by_key;
};

// Describes the document as its state now stands and writes its items and
// index entries, deleting those it no longer has, then its record.
Status Write(const std::string& doc_key, Document& d, ProjectionTxn& txn) {
  LEDGER_ASSERT(d.record.sort.size() == kDocumentSortBytes);
  const StreamType& type = *d.type;
  ListEntry entry;
  if (!d.state->DescribeListing(entry)) {
    return Status::Corruption("a listed stream type does not describe itself: " +
                              std::string(type.name));
  }
  entry.status = std::string(d.state->StatusLabel());
  for (const auto& [name, when] : d.record.reached) entry.dates.emplace(name, when);

  std::vector<Written> writes;
  writes.push_back(Index(type.listing->collection, d.record.sort, d.id, d.state->version, entry,
                         *type.listing, ""));
  if (type.row_listing != nullptr) {
    for (const ListRow& row : entry.rows) {
      std::string sort = d.record.sort;
      PutBE(&sort, row.number, 4);
      LEDGER_ASSERT(sort.size() == kRowSortBytes);
      writes.push_back(Index(type.row_listing->collection, sort,
                             d.id + '/' + std::to_string(row.number), d.state->version,
                             row.entry, *type.row_listing, d.id));
    }
  }
  std::vector<std::string> keys;
  const std::set<std::string> old_keys(d.record.keys.begin(), d.record.keys.end());
  for (auto& w : writes) {
    for (auto& k : w.index) {
      if (!old_keys.contains(k)) txn.Put(k, "");
      keys.push_back(std::move(k));
    }
    txn.Put(w.key, std::move(w.value));
    keys.push_back(std::move(w.key));
  }
  std::sort(keys.begin(), keys.end());
  for (const auto& k : d.record.keys) {
    if (!std::binary_search(keys.begin(), keys.end(), k)) txn.Delete(k);
  }
  d.record.keys = std::move(keys);
  d.record.version = d.state->version;
  d.record.state = d.state->Encode();
  txn.Put(doc_key, Encode(d.record));
  return Status::Ok();
}

}  // namespace

uint32_t ListsProjection::version() const {
  uint32_t v = kLayoutVersion * 1000;
  for (const auto& t : AllStreamTypes()) {
    if (t.listing != nullptr) v += t.snapshot_format;
  }
  return v;
}

Status ListsProjection::Apply(const LogRecord&, const events::Envelope& e, ProjectionTxn& txn) {
  const StreamType* type = FindStreamType(events::Sv(e.stream_type()));
  if (type == nullptr || type->listing == nullptr) return Status::Ok();
  if (txn.scratch() == nullptr) txn.scratch() = std::make_unique<Documents>();
  auto& documents = static_cast<Documents&>(*txn.scratch()).by_key;
  std::string doc_key = "d/";
  doc_key.append(type->name).push_back(kSep);
  doc_key.append(events::Sv(e.stream_id()));

  auto [it, fresh] = documents.try_emplace(doc_key);
  Document& d = it->second;
  if (fresh) {
    d.type = type;
    d.id = events::Str(e.stream_id());
    d.state = type->make();
    if (auto stored = txn.Get(doc_key)) {
      if (!Decode(*stored, &d.record) || !d.state->Decode(d.record.state)) {
        return Status::Corruption("list record does not decode: " + d.id);
      }
      d.state->version = d.record.version;
    } else {
      d.record.sort = SortKey(e);
      d.record.reached["created"] = EffectiveDate(e);
    }
  }
  // Events of a stream arrive in order, each once (the runner's cursor and
  // the engine's versions): anything else is a store that lost its way.
  if (e.stream_version() != d.state->version + 1) {
    return Status::Corruption("list of " + d.id + " is at version " +
                              std::to_string(d.state->version) + ", the event is version " +
                              std::to_string(e.stream_version()));
  }
  const bool created = d.state->version == 0;
  const std::string before(created ? "" : d.state->StatusLabel());
  d.state->Evolve(e);
  d.state->version = e.stream_version();
  const std::string date = EffectiveDate(e);
  std::string status(d.state->StatusLabel());
  if (status != before) d.record.reached[std::move(status)] = date;
  d.record.reached["updated"] = date;
  return Status::Ok();
}

Status ListsProjection::Finish(ProjectionTxn& txn) {
  if (txn.scratch() == nullptr) return Status::Ok();
  for (auto& [doc_key, d] : static_cast<Documents&>(*txn.scratch()).by_key) {
    LEDGER_RETURN_IF_ERROR(Write(doc_key, d, txn));
  }
  txn.scratch().reset();
  return Status::Ok();
}

Result<ListPage> QueryList(rocksdb::DB* store, const ListQuery& q) {
  LEDGER_ASSERT(q.limit > 0);
  const std::string base = ProjectionPrefix("lists");
  std::string after;
  if (!q.cursor.empty() &&
      (!FromHex(q.cursor, &after) ||
       (after.size() != kDocumentSortBytes && after.size() != kRowSortBytes))) {
    return Status::Malformed("cursor is not one this list gave");
  }
  SnapshotHold snapshot(store);
  // The index scanned: a filter's (the most selective, usually), else the
  // statuses' merged, else every item.
  std::vector<std::unique_ptr<Source>> sources;
  bool items_direct = false;
  if (!q.filters.empty()) {
    const auto& [name, value] = q.filters.front();
    sources.push_back(std::make_unique<Source>(
        store, snapshot.get(), base + FilterPrefix(q.collection, name, value), after));
  } else if (!q.statuses.empty()) {
    std::set<std::string> statuses(q.statuses.begin(), q.statuses.end());
    for (const auto& s : statuses) {
      sources.push_back(std::make_unique<Source>(store, snapshot.get(),
                                                 base + StatusPrefix(q.collection, s), after));
    }
  } else {
    items_direct = true;
    sources.push_back(std::make_unique<Source>(store, snapshot.get(),
                                               base + ItemKey(q.collection, ""), after));
  }
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.get();
  ListPage page;
  size_t scanned = 0;
  std::string last_sort;
  while (true) {
    Source* next = nullptr;
    for (auto& s : sources) {
      if (s->valid() && (next == nullptr || s->sort() < next->sort())) next = s.get();
    }
    if (next == nullptr) break;
    if (page.items.size() == q.limit || scanned == q.scanned_max) {
      page.next = ToHex(last_sort);
      break;
    }
    ++scanned;
    last_sort = std::string(next->sort());
    std::string value;
    if (items_direct) {
      value = std::string(next->value());
    } else {
      auto s = store->Get(ro, base + ItemKey(q.collection, last_sort), &value);
      if (s.IsNotFound()) return Status::Corruption("list index names no item");
      LEDGER_RETURN_IF_ERROR(FromRocks(s));
    }
    next->Next();
    StoredItem item;
    if (!Decode(value, &item)) return Status::Corruption("list item does not decode");
    if (!Matches(item, q)) continue;
    Json j = Json::parse(item.json, nullptr, false);
    if (j.is_discarded()) return Status::Corruption("list item does not parse");
    page.items.push_back(std::move(j));
  }
  for (auto& s : sources) LEDGER_RETURN_IF_ERROR(s->status());
  return page;
}

Status ForEachListed(rocksdb::DB* store, std::string_view collection,
                     const std::function<Status(const Json& item)>& fn) {
  const std::string prefix = ProjectionPrefix("lists") + ItemKey(collection, "");
  SnapshotHold snapshot(store);
  Source source(store, snapshot.get(), prefix, "");
  for (; source.valid(); source.Next()) {
    StoredItem item;
    if (!Decode(source.value(), &item)) return Status::Corruption("list item does not decode");
    Json j = Json::parse(item.json, nullptr, false);
    if (j.is_discarded()) return Status::Corruption("list item does not parse");
    LEDGER_RETURN_IF_ERROR(fn(j));
  }
  return source.status();
}

}  // namespace ledger
