#include "tools/export.h"

#include <map>

#include "engine/aggregate.h"
#include "tools/bounded_context.h"

namespace ledger {
namespace {

std::string Field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q.push_back('"');
    q.push_back(c);
  }
  q.push_back('"');
  return q;
}

}  // namespace

void CsvRow(std::ostream& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out << ',';
    out << Field(fields[i]);
  }
  out << "\r\n";
}

// The current state of every stream of the given types, by type and id, in
// one pass over the whole log.
Result<std::map<std::string, FoldedStates>> FoldStreams(EventLog& log, std::vector<std::string> types) {
  std::map<std::string, FoldedStates> out;
  for (const auto& t : types) {
    LEDGER_ASSERT(FindStreamType(t) != nullptr);
    out[t];
  }
  auto reader = log.NewReader(LogCursor(log.layout().partition_count(), 0), true);
  std::vector<LogRecord> batch;
  for (;;) {
    batch.clear();
    LEDGER_RETURN_IF_ERROR(reader->Next(4096, &batch));
    if (batch.empty()) break;
    for (const auto& r : batch) {
      const auto* e = r.envelope();
      auto it = out.find(events::Str(e->stream_type()));
      if (it == out.end()) continue;
      auto& s = it->second[events::Str(e->stream_id())];
      if (!s) s = FindStreamType(it->first)->make();
      s->Evolve(*e);
      s->version = e->stream_version();
    }
  }
  return out;
}

Status ExportCsv(EventLog& log, const std::string& what, std::ostream& out) {
  std::string names;
  for (const BoundedContext* c : BoundedContexts()) {
    for (const CsvExport& e : c->exports) {
      if (e.name == what) return e.write(log, out);
      names += (names.empty() ? "" : ", ") + std::string(e.name);
    }
  }
  return Status::Malformed("export one of: " + names);
}

}  // namespace ledger
