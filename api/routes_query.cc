// Read-side and operational routes: the event feed, the audit trail and its
// verification, schemas, OpenAPI, metrics and health.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "api/front_door.h"
#include "api/openapi.h"
#include "api/request_context.h"
#include "engine/verify.h"
#include "events/event_json.h"
#include "events/schema_texts.h"
#include "projections/audit.h"

namespace ledger::api {

namespace {

int64_t TimeParam(const httplib::Request& req, const char* name, int64_t fallback) {
  auto p = Param(req, name);
  if (!p) return fallback;
  int64_t us = 0;
  if (!ParseTimestamp(*p, &us)) {
    FailMalformed(fmt::format("{} must be an RFC 3339 timestamp or a date", name));
  }
  return us;
}

// GET /v1/events: a page of events after a cursor, in log order.
void ReadEvents(RequestContext& rc) {
  const uint32_t partitions = rc.ctx.log->layout().partition_count();
  LogCursor after(partitions, 0);
  if (auto a = Param(rc.req, "after"); a && !a->empty()) {
    auto c = DecodeCursor(*a, partitions);
    if (!c.ok()) FailMalformed("after must be a cursor returned as \"next\"");
    after = *c;
  }
  size_t limit = LimitParam(rc.req, 100, 1000);
  auto reader = rc.ctx.log->NewReader(after, true);
  std::vector<LogRecord> records;
  Status s = reader->Next(limit, &records);
  if (!s.ok() && records.empty()) Fail(s);
  std::string body = "{\"events\":[";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) body += ',';
    body += events::EnvelopeJson(*records[i].envelope(), static_cast<int64_t>(records[i].offset));
  }
  body += "],\"next\":\"" + EncodeCursor(reader->position()) + "\"}";
  WriteJsonText(rc.res, 200, std::move(body));
}

// GET /v1/audit: events by actor, stream, correlation and time range.
void ReadAudit(RequestContext& rc) {
  AuditQuery q;
  q.actor = Param(rc.req, "actor").value_or("");
  q.stream_id = Param(rc.req, "stream").value_or("");
  q.stream_type = Param(rc.req, "stream_type").value_or("");
  q.correlation_id = Param(rc.req, "correlation").value_or("");
  q.from_us = TimeParam(rc.req, "from", INT64_MIN);
  q.to_us = TimeParam(rc.req, "to", INT64_MAX);
  q.limit = LimitParam(rc.req, 100, 1000);
  q.cursor = Param(rc.req, "cursor").value_or("");
  auto page = QueryAudit(rc.ctx.store, *rc.ctx.log, q);
  if (!page.ok()) Fail(page.status());
  Json out = HistoryJson(page->events);
  for (size_t i = 0; i < page->events.size(); ++i) {
    const auto* e = page->events[i].envelope();
    out["events"][i]["stream_type"] = events::Utf8Text(events::Sv(e->stream_type()));
    out["events"][i]["stream_id"] = events::Utf8Text(events::Sv(e->stream_id()));
  }
  out["next_cursor"] = page->next_cursor;
  WriteJson(rc.res, 200, out);
}

// GET /v1/audit/verify: the first broken record of any partition, if one is.
void VerifyChains(RequestContext& rc) {
  auto report = VerifyLog(*rc.ctx.log);
  if (!report.ok()) Fail(report.status());
  Json out = {{"ok", report->ok}, {"records", report->records}};
  if (!report->ok) {
    out["first_broken"] = {{"partition", rc.ctx.log->layout().PartitionName(report->partition)},
                           {"offset", report->offset},
                           {"reason", report->reason}};
  }
  WriteJson(rc.res, 200, out);
}

// GET /v1/schemas: every .fbs file.
void ListSchemas(RequestContext& rc) {
  Json out = Json::array();
  for (const auto& s : events::schema_texts()) {
    out.push_back({{"name", s.file_name}, {"text", s.text}});
  }
  WriteJson(rc.res, 200, Json{{"root_type", "ledger.events.Envelope"},
                              {"file_identifier", "LGEV"},
                              {"schemas", out}});
}

// GET /v1/schemas/{name}: one .fbs file.
void ReadSchema(RequestContext& rc) {
  for (const auto& s : events::schema_texts()) {
    if (s.file_name == rc.path(1)) {
      rc.res.set_content(std::string(s.text), "text/plain");
      return;
    }
  }
  Fail(Status::NotFound("no such schema"));
}

// GET /healthz: the process answers.
void ReportLive(RequestContext& rc) {
  WriteJson(rc.res, 200, Json{{"status", "ok"}});
}

// How far a read replica's engine trails the log: offsets (records and
// transaction markers) between what it applied and the log's end, and the
// age of the last record it applied.
struct ReplicaLag {
  uint64_t offsets_behind = 0;
  double last_applied_age_s = 0;  // 0 before any record
};

ReplicaLag LagOf(const ApiContext& ctx, const FollowState& f) {
  ReplicaLag lag;
  const LogCursor end = ctx.log->End();
  for (size_t p = 0; p < end.size() && p < f.position.size(); ++p) {
    if (end[p] > f.position[p]) lag.offsets_behind += end[p] - f.position[p];
  }
  if (f.last_recorded_at_us > 0) {
    lag.last_applied_age_s =
        std::max<int64_t>(0, ctx.engine->clock()->NowMicros() - f.last_recorded_at_us) / 1e6;
  }
  return lag;
}

// GET /readyz: the writer can write, the log is sound and every projection
// runs. A read replica: it has caught up with the log's end as it was at its
// start, and follows it; the body says how far behind it is.
void ReportReady(RequestContext& rc) {
  if (rc.ctx.engine->following()) {
    const FollowState f = rc.ctx.engine->follow_state();
    const ReplicaLag lag = LagOf(rc.ctx, f);
    Json body = {{"role", "reader"},
                 {"offsets_behind", lag.offsets_behind},
                 {"last_applied_age_s", lag.last_applied_age_s},
                 {"applied_records", f.applied_records}};
    if (!f.fault.ok()) {
      body["status"] = "not following the log: " + f.fault.message();
      WriteJson(rc.res, 503, body);
      return;
    }
    if (!f.caught_up()) {
      body["status"] = "catching up with the log";
      WriteJson(rc.res, 503, body);
      return;
    }
    for (const auto* p : rc.ctx.projections) {
      if (!p->status().ok()) {
        body["status"] = "projection " + std::string(p->projection().name()) + ": " +
                         p->status().message();
        WriteJson(rc.res, 503, body);
        return;
      }
    }
    body["status"] = "ready";
    WriteJson(rc.res, 200, body);
    return;
  }
  if (rc.ctx.log->writer_failed()) {
    WriteJson(rc.res, 503, Json{{"status", "the log writer is fenced or failed; restart it"}});
    return;
  }
  if (Status fault = rc.ctx.engine->write_fault(); !fault.ok()) {
    WriteJson(rc.res, 503, Json{{"status", "writes suspended: " + fault.message()},
                                {"code", WireCode(fault.code())}});
    return;
  }
  if (rc.ctx.scrubber != nullptr) {
    if (Status damage = rc.ctx.scrubber->report().damage; !damage.ok()) {
      WriteJson(rc.res, 503, Json{{"status", "the log is damaged: " + damage.message()},
                                  {"code", "corruption"}});
      return;
    }
  }
  for (const auto* p : rc.ctx.projections) {
    if (!p->status().ok()) {
      WriteJson(rc.res, 503, Json{{"status", "projection " + std::string(p->projection().name()) +
                                                 ": " + p->status().message()}});
      return;
    }
  }
  WriteJson(rc.res, 200, Json{{"status", "ready"}});
}

}  // namespace

// Server-sent events: `id` is the log cursor after the event, so a client
// resumes with ?after=<id> or the Last-Event-ID header; without either the
// stream starts at the current end of the log (live events only).
void ApiServer::StreamEvents(RequestContext& rc) {
  const EventLog* log = rc.ctx.log;
  const uint32_t partitions = log->layout().partition_count();
  std::string after = Param(rc.req, "after").value_or(
      rc.req.get_header_value("Last-Event-ID"));
  LogCursor from = log->End();
  if (!after.empty()) {
    auto c = DecodeCursor(after, partitions);
    if (!c.ok()) FailMalformed("after must be a cursor (an event's id)");
    from = *c;
  }
  if (!TakeEventStream(rc.actor.id)) {
    Fail(Status(Errc::kOverloaded,
                fmt::format("too many event streams open (at most {}, {} per user); retry "
                            "later",
                            options_.event_streams_max, options_.event_streams_per_user_max)));
  }
  struct Stream {
    std::unique_ptr<LogReader> reader;
    LogCursor cursor;
  };
  auto stream = std::make_shared<Stream>(Stream{log->NewReader(from, true), from});
  rc.res.set_header("Cache-Control", "no-cache");
  rc.res.set_chunked_content_provider(
      "text/event-stream",
      [this, log, stream](size_t, httplib::DataSink& sink) {
        if (stopping_ || !sink.is_writable()) return false;
        std::vector<LogRecord> records;
        Status s = stream->reader->Next(100, &records);
        if (!s.ok()) {
          std::string text = "event: error\ndata: " + events::JsonQuote(s.ToString()) + "\n\n";
          sink.write(text.data(), text.size());
          return false;
        }
        if (records.empty()) {
          log->WaitBeyond(stream->reader->position(), std::chrono::seconds(1));
          static const std::string kKeepAlive = ": keep-alive\n\n";
          return sink.write(kKeepAlive.data(), kKeepAlive.size());
        }
        std::string text;
        for (const auto& r : records) {
          stream->cursor[r.partition] = r.offset + 1;
          const auto* e = r.envelope();
          text += "id: " + EncodeCursor(stream->cursor) + "\nevent: " +
                  std::string(events::EventTypeName(*e)) + "\ndata: " +
                  events::EnvelopeJson(*e, static_cast<int64_t>(r.offset)) + "\n\n";
        }
        return sink.write(text.data(), text.size());
      },
      [this, user = rc.actor.id](bool) { ReleaseEventStream(user); });
}

void ApiServer::ServeOpenApi(RequestContext& rc) {
  std::vector<OpenApiRoute> routes;
  routes.reserve(routes_.size());
  for (const auto& r : routes_) routes.push_back({r.method, r.path, r.summary, r.roles, r.query});
  WriteJson(rc.res, 200, OpenApiDocument(routes));
}

void ApiServer::ServeMetrics(RequestContext& rc) {
  EngineStats s = rc.ctx.engine->stats();
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help, auto value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
  };
  metric("ledger_commands_total", "counter", "Commands processed by the writer.", s.commands);
  metric("ledger_commands_rejected_total", "counter", "Commands rejected.", s.rejected);
  metric("ledger_batches_total", "counter", "Group-commit batches.", s.batches);
  metric("ledger_events_appended_total", "counter", "Events appended to the log.", s.events);
  metric("ledger_log_write_failures_total", "counter", "Failed log writes.", s.log_write_failures);
  metric("ledger_store_write_failures_total", "counter", "Failed state store writes.",
         s.store_write_failures);
  metric("ledger_writes_suspended", "gauge",
         "1 while commands are refused after a storage fault (see /readyz).",
         rc.ctx.engine->write_fault().ok() ? 0 : 1);
  metric("ledger_write_resumes_total", "counter", "Times writing resumed after a storage fault.",
         s.resumes);
  if (rc.ctx.scrubber != nullptr) {
    const ScrubReport scrub = rc.ctx.scrubber->report();
    metric("ledger_scrub_passes_total", "counter",
           "Complete passes of the background scrub over the whole log.", scrub.passes);
    metric("ledger_scrub_records_total", "counter", "Records verified by the scrub.",
           scrub.records);
    metric("ledger_scrub_damaged", "gauge",
           "1 if the scrub's last pass found a damaged record (see /readyz).",
           scrub.damage.ok() ? 0 : 1);
    metric("ledger_scrub_last_pass_timestamp_seconds", "gauge",
           "Unix time of the last complete scrub pass, 0 if none.",
           scrub.last_pass_end_us / 1'000'000);
  }
  if (rc.ctx.engine->following()) {
    const FollowState f = rc.ctx.engine->follow_state();
    const ReplicaLag lag = LagOf(rc.ctx, f);
    metric("ledger_replica_lag_offsets", "gauge",
           "Read replica: log offsets between what it applied and the log's end.",
           lag.offsets_behind);
    metric("ledger_replica_last_applied_age_seconds", "gauge",
           "Read replica: seconds since the recorded time of the last record it applied.",
           lag.last_applied_age_s);
    metric("ledger_replica_applied_records_total", "counter",
           "Read replica: records applied to its state since it started (recovery included).",
           f.applied_records);
    metric("ledger_replica_following", "gauge",
           "Read replica: 1 while it follows the log, 0 after a read error (retried).",
           f.fault.ok() ? 1 : 0);
  }
  metric("ledger_command_queue_depth", "gauge", "Commands waiting for the writer.", s.queue_depth);
  metric("ledger_recovered_records", "gauge", "Log records replayed at start.", s.recovered_records);
  metric("ledger_log_records", "gauge", "Records (offsets) in the log.",
         CursorTotal(rc.ctx.log->End()));
  metric("ledger_log_writer_failed", "gauge",
         "1 once this process can no longer append (e.g. fenced by a newer writer).",
         rc.ctx.log->writer_failed() ? 1 : 0);
  for (const auto& [name, value] : rc.ctx.log->Counters()) {
    out += fmt::format("# TYPE ledger_{} counter\nledger_{} {}\n", name, name, value);
  }
  out += "# HELP ledger_projection_lag Records not yet applied by a projection.\n"
         "# TYPE ledger_projection_lag gauge\n";
  for (const auto* p : rc.ctx.projections) {
    out += fmt::format("ledger_projection_lag{{projection=\"{}\"}} {}\n", p->projection().name(),
                       p->lag());
  }
  out += "# HELP ledger_projection_failed 1 if a projection stopped on an error.\n"
         "# TYPE ledger_projection_failed gauge\n";
  for (const auto* p : rc.ctx.projections) {
    out += fmt::format("ledger_projection_failed{{projection=\"{}\"}} {}\n", p->projection().name(),
                       p->status().ok() ? 0 : 1);
  }
  metric("ledger_http_requests_total", "counter", "HTTP requests served.", counters_.requests.load());
  metric("ledger_http_client_errors_total", "counter", "HTTP 4xx answers.", counters_.errors_4xx.load());
  metric("ledger_http_server_errors_total", "counter", "HTTP 5xx answers.", counters_.errors_5xx.load());
  const FrontDoorStats door = front_door_->stats();
  metric("ledger_http_connections_open", "gauge", "Open HTTP connections.", door.connections_open);
  metric("ledger_http_connections_accepted_total", "counter", "HTTP connections accepted.",
         door.connections_accepted);
  metric("ledger_http_connections_refused_total", "counter",
         "Connections answered 503 because connections_max were open.", door.connections_refused);
  metric("ledger_http_requests_refused_total", "counter",
         "Requests refused before routing (malformed, too large, too slow).",
         door.requests_refused);
  metric("ledger_http_timeouts_total", "counter",
         "Requests whose head or body came too slowly (408), and readers too slow to take an "
         "answer.",
         door.timeouts);
  rc.res.set_content(out, "text/plain; version=0.0.4");
}

void ApiServer::AddQueryRoutes() {
  const std::vector<std::string> auditors = {"auditor"};
  const std::vector<std::string> readers = {"auditor", "integrator"};
  Add("GET", "/v1/events", readers,
      "Events after a cursor (after=0 or none: from the beginning), in log order, with position and hash",
      &ReadEvents);
  Add("GET", "/v1/events/stream", readers,
      "Server-sent events of every event, live; resume with ?after= or Last-Event-ID",
      std::bind_front(&ApiServer::StreamEvents, this));
  Add("GET", "/v1/audit", auditors,
      "Events by actor, stream, correlation and time range (cursor pagination)", &ReadAudit);
  Add("GET", "/v1/audit/verify", auditors, "Verify the hash chain of every partition",
      &VerifyChains);
  Add("GET", "/v1/schemas", {"*", "integrator"}, "The FlatBuffers schemas of every event",
      &ListSchemas);
  Add("GET", "/v1/schemas/{name}", {"*", "integrator"}, "One .fbs file", &ReadSchema);
  Add("GET", "/v1/openapi.json", {"*", "integrator"}, "This document",
      std::bind_front(&ApiServer::ServeOpenApi, this));
  Add("GET", "/metrics", readers, "Prometheus metrics",
      std::bind_front(&ApiServer::ServeMetrics, this));
  Add("GET", "/healthz", {}, "Liveness", &ReportLive);
  Add("GET", "/readyz", {}, "Readiness: the writer can write, every projection runs",
      &ReportReady);
}

}  // namespace ledger::api
