// Reads every document route shares (its state and its history), and the
// routes that run one command.
#include <fmt/format.h>

#include <functional>

#include "api/request_context.h"
#include "events/event_json.h"

namespace ledger::api {

std::string Digits(const Decimal& d, const std::string& currency) {
  return d.ToString(CurrencyDigits(currency).value_or(2));
}

// The events of one stream, as GET .../history renders them.
Json HistoryJson(const std::vector<LogRecord>& records) {
  Json events = Json::array();
  for (const auto& r : records) {
    const auto* e = r.envelope();
    events.push_back({{"type", std::string(events::EventTypeName(*e))},
                      {"stream_version", e->stream_version()},
                      {"event_id", events::EventIdOf(*e).ToString()},
                      {"actor", events::Utf8Text(events::Sv(e->actor()))},
                      {"recorded_at", IsoTimestamp(e->recorded_at_us())},
                      {"effective_date", events::Utf8Text(events::Sv(e->effective_date()))},
                      {"command_id", events::Utf8Text(events::Sv(e->command_id()))},
                      {"correlation_id", events::Utf8Text(events::Sv(e->correlation_id()))},
                      {"payload", Json::parse(events::PayloadJson(*e), nullptr, false)}});
  }
  return Json{{"events", events}};
}

namespace {

// GET <base>/{id}: the state of the `type` stream `id`, its version as ETag.
void ReadDocument(const std::string& type, const std::string& what, const Routes::RenderFn& render,
                  RequestContext& rc) {
  std::string id = rc.path(1);
  auto state = rc.ctx.engine->Load(type, id);
  if (!state) Fail(Status::NotFound(what + " \"" + id + "\" does not exist"));
  rc.res.set_header("ETag", fmt::format("\"{}\"", state->version));
  WriteJson(rc.res, 200, render(id, *state));
}

// GET <base>/{id}/history: every event of the `type` stream `id`.
void ReadDocumentHistory(const std::string& type, const std::string& what, RequestContext& rc) {
  std::string id = rc.path(1);
  std::vector<LogRecord> records;
  Status s = rc.ctx.engine->ReadStream(type, id, &records);
  if (!s.ok()) Fail(s);
  if (records.empty()) Fail(Status::NotFound(what + " \"" + id + "\" does not exist"));
  WriteJson(rc.res, 200, HistoryJson(records));
}

// A command route: the command `make` reads from the request, submitted.
void SubmitCommand(const std::function<Command(const RequestContext&)>& make, RequestContext& rc) {
  rc.Submit(make(rc));
}

}  // namespace

void Routes::AddStreamReads(const std::string& base, const std::string& type,
                            const std::string& what, RenderFn render) {
  Add("GET", base + "/{id}", {"*"}, "Read a " + what,
      std::bind_front(&ReadDocument, type, what, std::move(render)));
  Add("GET", base + "/{id}/history", {"*"}, "Every event of a " + what,
      std::bind_front(&ReadDocumentHistory, type, what));
}

void Routes::AddCommand(const std::string& method, const std::string& path,
                        std::vector<std::string> roles, const std::string& summary,
                        MakeCommand make) {
  Add(method, path, std::move(roles), summary, std::bind_front(&SubmitCommand, std::move(make)));
}

}  // namespace ledger::api
