#include "events/event_json.h"

#include <flatbuffers/idl.h>
#include <fmt/format.h>

#include "events/envelope_bfbs_generated.h"

namespace ledger::events {

static const flatbuffers::Parser& SchemaParser() {
  static const flatbuffers::Parser* parser = [] {
    auto* p = new flatbuffers::Parser();
    p->opts.strict_json = true;
    p->opts.output_default_scalars_in_json = true;
    p->opts.indent_step = -1;  // one line
    LEDGER_ASSERT(p->Deserialize(EnvelopeBinarySchema::data(), EnvelopeBinarySchema::size()));
    return p;
  }();
  return *parser;
}

std::string JsonQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string PayloadJson(const Envelope& e) {
  if (e.payload() == nullptr) return "{}";
  std::string name = "ledger.events.";
  name += EventTypeName(e);
  std::string text;
  if (!flatbuffers::GenerateTextFromTable(SchemaParser(), e.payload(), name, &text)) {
    return "{}";
  }
  return text;
}

std::string EnvelopeJson(const Envelope& e, int64_t offset) {
  std::string roles = "[";
  if (e.actor_roles()) {
    for (flatbuffers::uoffset_t i = 0; i < e.actor_roles()->size(); ++i) {
      if (i) roles += ',';
      roles += JsonQuote(Sv(e.actor_roles()->Get(i)));
    }
  }
  roles += ']';
  return fmt::format(
      "{{\"event_id\":\"{}\",\"type\":{},\"stream_type\":{},\"stream_id\":{},"
      "\"stream_version\":{},\"recorded_at_us\":{},\"effective_date\":{},\"actor\":{},"
      "\"actor_roles\":{},\"command_id\":{},\"correlation_id\":{},\"causation_id\":{},"
      "\"schema_version\":{},\"partition\":{},\"offset\":{},\"prev_hash\":\"{}\",\"hash\":\"{}\","
      "\"payload\":{}}}",
      EventIdOf(e).ToString(), JsonQuote(EventTypeName(e)), JsonQuote(Sv(e.stream_type())),
      JsonQuote(Sv(e.stream_id())), e.stream_version(), e.recorded_at_us(),
      JsonQuote(Sv(e.effective_date())), JsonQuote(Sv(e.actor())), roles,
      JsonQuote(Sv(e.command_id())), JsonQuote(Sv(e.correlation_id())),
      JsonQuote(Sv(e.causation_id())), e.schema_version(), e.partition(), offset,
      ToHex(PrevHashOf(e)), ToHex(HashOf(e)), PayloadJson(e));
}

}  // namespace ledger::events

namespace ledger::events {

std::string TableJson(Payload type, const void* buffer) {
  std::string name = "ledger.events.";
  name += EnumNamePayload(type);
  std::string text;
  const void* table = flatbuffers::GetRoot<flatbuffers::Table>(buffer);
  if (!flatbuffers::GenerateTextFromTable(SchemaParser(), table, name, &text)) return "{}";
  return text;
}

}  // namespace ledger::events
