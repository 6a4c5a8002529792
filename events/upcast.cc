// Reading the event of a record whatever its format, and the upcast of
// format 1 (docs/FORMAT.md).
//
// Format 1 records carry their event in the one union of every context
// (schemas/format1.fbs, frozen). The tables are the same in format 2, only
// the union around them changed: each format 1 member is, by its table's
// name, a member of exactly one context's union. The upcast is therefore a
// table from format 1's type byte to (context, type), built once from the
// frozen names and the registry, and the event table is read in place. The
// record's bytes, over which its hash was computed, are never changed.
#include <array>

#include "events/codec.h"
#include "events/format1_generated.h"

namespace ledger::events {
namespace {

struct Format1Member {
  std::string_view context;  // "" for a type no context of this binary has
  uint8_t type = 0;
};

using Format1Table = std::array<Format1Member, 256>;

Format1Table BuildFormat1Table() {
  Format1Table table{};
  const char* const* names = EnumNamesPayload();
  for (size_t t = 1; t <= static_cast<size_t>(Payload::MAX); ++t) {
    const std::string_view name = names[t];
    for (const ContextSchema& c : Contexts()) {
      for (uint8_t k = 1; k <= c.type_max; ++k) {
        if (c.TypeName(k) != name) continue;
        // A table is in one context's union only: two would make the
        // upcast ambiguous.
        LEDGER_ASSERT(table[t].context.empty());
        table[t] = Format1Member{c.name, k};
      }
    }
  }
  return table;
}

const Format1Table& Format1() {
  static const Format1Table table = BuildFormat1Table();
  return table;
}

}  // namespace

const ContextSchema* FindContext(std::string_view name) {
  for (const ContextSchema& c : Contexts()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

RawEvent ReadRawEvent(const Envelope& e) {
  RawEvent r;
  if (const auto* bytes = e.event()) {
    // Format 2: the context's payload table, whose field 0 is the union's
    // type and field 1 its table (asserted for every context where its
    // traits are generated).
    const auto* root = flatbuffers::GetRoot<flatbuffers::Table>(bytes->data());
    r.context = Sv(e.context());
    r.type = root->GetField<uint8_t>(4, 0);
    r.table = root->GetPointer<const void*>(6);
    return r;
  }
  const auto legacy = static_cast<uint8_t>(e.format1_payload_type());
  if (legacy == 0) return r;
  const Format1Member& m = Format1()[legacy];
  r.context = m.context;
  r.type = m.type;
  r.table = e.format1_payload();
  return r;
}

std::string_view EventTypeName(const Envelope& e) {
  const RawEvent r = ReadRawEvent(e);
  const ContextSchema* c = FindContext(r.context);
  return c ? c->TypeName(r.type) : std::string_view();
}

namespace {

// A record of a context this binary was built without: a newer ledgerd
// wrote it. Reading on without it would answer for a ledger with events
// missing (the audit trail, the event feed, a later context's effects on
// the others), so the reader stops and says why; the record may be intact.
Status UnknownContext(std::string_view name) {
  std::string known;
  for (const ContextSchema& c : Contexts()) {
    known += known.empty() ? "" : ", ";
    known += c.name;
  }
  return Status::Corruption("event of bounded context \"" + std::string(name) +
                            "\", which this ledgerd does not know (it knows " + known +
                            "): a newer ledgerd wrote it; read this log with a ledgerd built "
                            "with that context");
}

}  // namespace

Status VerifyEvent(const Envelope& e, const uint8_t* record, size_t record_size) {
  const auto* bytes = e.event();
  const auto legacy = static_cast<uint8_t>(e.format1_payload_type());
  if (bytes != nullptr) {
    if (legacy != 0 || e.format1_payload() != nullptr) {
      return Status::Corruption("envelope holds an event in two formats");
    }
    const ContextSchema* c = FindContext(Sv(e.context()));
    if (c == nullptr) return UnknownContext(Sv(e.context()));
    if (!c->verify_payload(bytes->data(), bytes->size())) {
      return Status::Corruption("event is not a valid " + std::string(c->name) + " payload");
    }
    // The union's verifier passes a type without a table: the readers, who
    // dereference what As<T> returns for the type, need both.
    const RawEvent r = ReadRawEvent(e);
    if (r.type == 0 || r.table == nullptr) return Status::Corruption("envelope misses its event");
    // FlatBuffers' verifier passes a member it does not know: a newer
    // schema's event, which no reader here could apply.
    if (r.type > c->type_max) {
      return Status::Corruption("event type " + std::to_string(r.type) + " of bounded context \"" +
                                std::string(c->name) + "\" is newer than this ledgerd (it knows " +
                                std::to_string(c->type_max) + " types): read this log with a newer ledgerd");
    }
    return Status::Ok();
  }
  if (legacy == 0 || e.format1_payload() == nullptr) {
    return Status::Corruption("envelope misses its event");
  }
  // Format 1: the table is verified as its member of the context's union,
  // within the bounds of the whole record. A type no context knows (none in
  // a log of this ledger) is read as an event of no context, as format 1
  // readers did.
  const Format1Member& m = Format1()[legacy];
  if (m.context.empty()) return Status::Ok();
  const ContextSchema* c = FindContext(m.context);
  LEDGER_ASSERT(c != nullptr);
  flatbuffers::Verifier verifier(record, record_size);
  if (!c->verify_event(verifier, e.format1_payload(), m.type)) {
    return Status::Corruption("format 1 event does not verify");
  }
  return Status::Ok();
}

flatbuffers::FlatBufferBuilder& EventBuilder() {
  thread_local flatbuffers::FlatBufferBuilder fbb(512);
  fbb.Clear();
  return fbb;
}

}  // namespace ledger::events
