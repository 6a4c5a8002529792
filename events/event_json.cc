#include "events/event_json.h"

#include <flatbuffers/idl.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace ledger::events {

// Takes the fields marked `(secret)` (common.fbs) out of the schema the
// text generator walks: it prints the fields of a table's definition, so a
// field that is not there is never printed, whatever the event holds. The
// parser lives as long as the process: what is taken out needs no owner.
static void HideSecretFields(flatbuffers::Parser* p) {
  for (auto* def : p->structs_.vec) {
    auto& fields = def->fields.vec;
    fields.erase(std::remove_if(fields.begin(), fields.end(),
                                [](const flatbuffers::FieldDef* f) {
                                  return f->attributes.Lookup("secret") != nullptr;
                                }),
                 fields.end());
  }
}

// One parser per context, from the context's binary schema, in the order of
// Contexts(); built once, read concurrently (the text generator only reads).
static const std::vector<std::unique_ptr<flatbuffers::Parser>>& SchemaParsers() {
  static const auto* parsers = [] {
    auto* all = new std::vector<std::unique_ptr<flatbuffers::Parser>>();
    for (const ContextSchema& c : Contexts()) {
      auto p = std::make_unique<flatbuffers::Parser>();
      p->opts.strict_json = true;
      p->opts.output_default_scalars_in_json = true;
      p->opts.indent_step = -1;  // one line
      // A string that is not UTF-8 (written before input was checked) is
      // rendered, its bad bytes as \x escapes that RepairByteEscapes turns
      // into valid JSON, rather than failing the whole payload.
      p->opts.allow_non_utf8 = true;
      LEDGER_ASSERT(p->Deserialize(c.binary_schema, c.binary_schema_size));
      HideSecretFields(p.get());
      all->push_back(std::move(p));
    }
    return all;
  }();
  return *parsers;
}

// The parser of the context named `context`, or nullptr.
static const flatbuffers::Parser* SchemaParser(std::string_view context) {
  const auto contexts = Contexts();
  for (size_t i = 0; i < contexts.size(); ++i) {
    if (contexts[i].name == context) return SchemaParsers()[i].get();
  }
  return nullptr;
}

namespace {

// The length of the well-formed UTF-8 sequence at s[i], or 0 if there is none.
size_t Utf8SequenceAt(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // bounds of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;  // no overlong forms
    if (c == 0xed) hi = 0x9f;  // no surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;  // no overlong forms
    if (c == 0xf4) hi = 0x8f;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size() || b(1) < lo || b(1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (b(k) < 0x80 || b(k) > 0xbf) return 0;
  }
  return n;
}

}  // namespace

bool IsUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceAt(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string Utf8Text(std::string_view s) {
  if (IsUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceAt(s, i);
    if (n == 0) {
      // Upper case, as FlatBuffers' text generator writes them.
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(s[i]));
      ++i;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  return out;
}

std::string JsonQuote(std::string_view raw) {
  // Almost always UTF-8 already: no copy then.
  std::string repaired;
  std::string_view s = raw;
  if (!IsUtf8(raw)) {
    repaired = Utf8Text(raw);
    s = repaired;
  }
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
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

// FlatBuffers writes a byte that is not UTF-8 as \xNN, which JSON does not
// know: turn each into the text \xNN (an escaped backslash), leaving every
// other escape as it is.
static std::string RepairByteEscapes(std::string text) {
  if (text.find("\\x") == std::string::npos) return text;
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      if (text[i + 1] == 'x') out += '\\';
      out += text[i];
      out += text[++i];
      continue;
    }
    out += text[i];
  }
  return out;
}

std::string PayloadJson(const Envelope& e) {
  const RawEvent r = ReadRawEvent(e);
  if (r.table == nullptr) return "{}";
  return TableJson(r.context, r.type, r.table);
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

std::string TableJson(std::string_view context, uint8_t type, const void* table) {
  const ContextSchema* c = FindContext(context);
  const flatbuffers::Parser* parser = SchemaParser(context);
  if (c == nullptr || parser == nullptr || c->TypeName(type).empty()) return "{}";
  std::string name = "ledger.events.";
  name += c->TypeName(type);
  std::string text;
  if (!flatbuffers::GenerateTextFromTable(*parser, table, name, &text)) return "{}";
  return RepairByteEscapes(std::move(text));
}

}  // namespace ledger::events
