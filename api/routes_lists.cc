// GET /v1/<collection>: one route per collection a stream type declares
// (engine/listing.h), answered from the list projection (projections/lists.h).
//
// Query: status (a comma-separated list), the collection's filters (exact
// values, all of them), q (text in the id or the declared text), date (which
// named date from and to apply to; the collection's default otherwise),
// from and to (inclusive ISO dates), late=true where the collection has late
// entries (against the server's date), limit (1 to 500, default 100) and
// cursor (a page's `next`). Any other parameter is a 400 naming it, so that a
// misspelled filter never answers a silently unfiltered list.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "api/request_context.h"
#include "engine/clock.h"
#include "projections/lists.h"

namespace ledger::api {
namespace {

constexpr size_t kLimitDefault = 100;
constexpr size_t kLimitMax = 500;
constexpr size_t kTextBytesMax = 200;

// Dates every list records whatever the aggregate declares.
constexpr std::string_view kRecordedDates[] = {"created", "updated"};

bool Contains(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string Join(std::span<const std::string_view> names) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out.empty() ? "nothing" : out;
}

size_t ListLimit(const httplib::Request& req) {
  auto p = Param(req, "limit");
  if (!p) return kLimitDefault;
  size_t v = 0;
  bool ok = !p->empty() && p->size() <= 6;
  for (char c : *p) ok = ok && c >= '0' && c <= '9';
  if (ok) v = std::stoul(*p);
  if (!ok || v == 0 || v > kLimitMax) {
    FailMalformed(fmt::format("limit must be an integer from 1 to {}", kLimitMax));
  }
  return v;
}

std::string DateParam(const httplib::Request& req, const char* name) {
  auto p = Param(req, name);
  if (!p) return "";
  if (!IsIsoDate(*p)) FailMalformed(fmt::format("{} must be a date YYYY-MM-DD", name));
  return *p;
}

ListQuery ParseListQuery(const Listing& listing, RequestContext& rc) {
  static constexpr std::string_view kGeneric[] = {"status", "q",     "date",  "from",
                                                  "to",     "limit", "cursor"};
  ListQuery q;
  q.collection = std::string(listing.collection);
  for (const auto& [name, value] : rc.req.params) {
    if (Contains(kGeneric, name) || (listing.late && name == "late")) continue;
    if (!Contains(listing.filters, name)) {
      FailMalformed(fmt::format("unknown query parameter \"{}\": {} are filtered by {}", name,
                                listing.what, Join(listing.filters)));
    }
    if (value.empty() || value.size() > kTextBytesMax) {
      FailMalformed(fmt::format("{} must be a value of 1 to {} bytes", name, kTextBytesMax));
    }
    q.filters.emplace_back(name, value);
  }
  if (auto s = Param(rc.req, "status")) {
    q.statuses = SplitComma(*s);
    if (q.statuses.empty()) FailMalformed("status must name at least one status");
  }
  q.q = Param(rc.req, "q").value_or("");
  if (q.q.size() > kTextBytesMax) {
    FailMalformed(fmt::format("q must be at most {} bytes", kTextBytesMax));
  }
  q.date = Param(rc.req, "date").value_or(std::string(listing.default_date));
  if (!Contains(listing.dates, q.date) && !Contains(kRecordedDates, q.date)) {
    FailMalformed(fmt::format("date \"{}\" is not a date of {}: one of {}, created, updated",
                              q.date, listing.what, Join(listing.dates)));
  }
  q.from = DateParam(rc.req, "from");
  q.to = DateParam(rc.req, "to");
  if (listing.late) {
    auto late = Param(rc.req, "late");
    if (late && *late != "true" && *late != "false") FailMalformed("late must be true or false");
    if (late == "true") q.late_on = IsoDate(rc.ctx.engine->clock()->NowMicros());
  }
  q.limit = ListLimit(rc.req);
  q.cursor = Param(rc.req, "cursor").value_or("");
  return q;
}

std::vector<std::pair<std::string, std::string>> QueryDocs(const Listing& listing) {
  std::vector<std::pair<std::string, std::string>> docs = {
      {"status", "statuses, comma-separated (any of them)"},
      {"q", "text in the id or the name, reference or description"},
      {"date", fmt::format("the date from and to apply to: {}, created, updated (default {})",
                           Join(listing.dates), listing.default_date)},
      {"from", "first day, inclusive (YYYY-MM-DD)"},
      {"to", "last day, inclusive (YYYY-MM-DD)"},
      {"limit", fmt::format("items per page, 1 to {} (default {})", kLimitMax, kLimitDefault)},
      {"cursor", "the `next` of the previous page"}};
  if (listing.late) docs.emplace_back("late", "true: only entries past their date and not done");
  for (auto f : listing.filters) docs.emplace_back(std::string(f), "exact value");
  return docs;
}

// GET /v1/<collection>: a page of the list projection's items.
void ListCollection(const Listing* listing, RequestContext& rc) {
  ListQuery q = ParseListQuery(*listing, rc);
  auto page = QueryList(rc.ctx.store, q);
  if (!page.ok()) Fail(page.status());
  Json out{{"items", std::move(page->items)}, {"next", nullptr}};
  if (!page->next.empty()) out["next"] = page->next;
  WriteJson(rc.res, 200, out);
}

}  // namespace

void ApiServer::AddListRoutes() {
  for (const StreamType& t : AllStreamTypes()) {
    for (const Listing* listing : {t.listing, t.row_listing}) {
      if (listing == nullptr) continue;
      Add("GET", "/v1/" + std::string(listing->collection), {"*"},
          fmt::format("List {}, newest first (filters: {})", listing->what,
                      Join(listing->filters)),
          std::bind_front(&ListCollection, listing));
      routes_.back().query = QueryDocs(*listing);
    }
  }
}

}  // namespace ledger::api
