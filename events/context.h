// Bounded contexts as the generic code sees them, and typed views of events.
//
// The envelope is generic (schemas/envelope.fbs); each bounded context has a
// schema of its own (schemas/<context>.fbs) with a union `<Context>Event` of
// its events and a root table `<Context>Payload { event: <Context>Event; }`.
// The build derives from the list of contexts (LEDGER_CONTEXTS) a header per
// context, events/<context>_events.h, which specialises ContextTraits and
// EventOf below, and the registry Contexts(): this file names no context.
//
// Reading: TypeOf<Union>(e), As<Table>(e) and Is<Table>(e) give the event of
// a record as a member of its context's union, whatever the record's format
// (format 1 records are upcast on read, see upcast.cc): a pointer into the
// record's bytes, no copy. Writing: EncodeEvent(object) serialises an event
// (an object-API table, e.g. PurchaseOrderCreatedT, or a context's union
// object) into the bytes the envelope carries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "events/envelope_generated.h"

namespace ledger::events {

// What the generic code knows of a bounded context. Registered by the build
// (gen/context_registry.cc), one per context of LEDGER_CONTEXTS.
struct ContextSchema {
  std::string_view name;        // "purchasing": also its topic, ledger.purchasing
  std::string_view union_name;  // "ledger.events.PurchasingEvent"
  // The context's schema as a binary FlatBuffers schema (reflection.fbs).
  const uint8_t* binary_schema = nullptr;
  size_t binary_schema_size = 0;
  // Whether `data` is a FlatBuffer whose root is the context's payload table.
  bool (*verify_payload)(const uint8_t* data, size_t size) = nullptr;
  // Whether `table` verifies as the table of the event type `type`.
  bool (*verify_event)(flatbuffers::Verifier& verifier, const void* table, uint8_t type) = nullptr;
  // Names of the event types, indexed by type; 0 is "NONE".
  const char* const* type_names = nullptr;
  uint8_t type_max = 0;  // the last member of the union

  // "PurchaseOrderCreated", or "" for a type this binary does not know.
  std::string_view TypeName(uint8_t type) const {
    return type >= 1 && type <= type_max ? std::string_view(type_names[type]) : std::string_view();
  }
};

// Every context this binary was built with, in the order of LEDGER_CONTEXTS.
std::span<const ContextSchema> Contexts();
// The context named `name`, or nullptr.
const ContextSchema* FindContext(std::string_view name);

// Specialised for each context's union by events/<context>_events.h: kName,
// Union, UnionObject, Root, MakeRoot, VerifyPayload, VerifyEvent.
template <class Union>
struct ContextTraits;
// Specialised for each event table T and its object type TT: Union (of the
// context) and kType (T's member).
template <class T>
struct EventOf;
// Specialised for each context's union object type: Union.
template <class U>
struct UnionObjectOf;

// The event of a verified record, in either format: its context's name (""
// if the record names none this binary knows), its type as a member of that
// context's union, and its table inside the record's bytes.
struct RawEvent {
  std::string_view context;
  uint8_t type = 0;
  const void* table = nullptr;
};
RawEvent ReadRawEvent(const Envelope& e);

// The record's event type as a member of `Union`, NONE if it is an event of
// another context.
template <class Union>
Union TypeOf(const Envelope& e) {
  const RawEvent r = ReadRawEvent(e);
  return r.context == ContextTraits<Union>::kName ? static_cast<Union>(r.type) : Union::NONE;
}

// The record's event as table T, nullptr if it is another event.
template <class T>
const T* As(const Envelope& e) {
  using Of = EventOf<T>;
  const RawEvent r = ReadRawEvent(e);
  if (r.type != static_cast<uint8_t>(Of::kType) ||
      r.context != ContextTraits<typename Of::Union>::kName) {
    return nullptr;
  }
  return static_cast<const T*>(r.table);
}

template <class T>
bool Is(const Envelope& e) {
  return As<T>(e) != nullptr;
}

// The record's event unpacked into its context's union object (type NONE if
// the event is of another context).
template <class Union>
typename ContextTraits<Union>::UnionObject UnpackEvent(const Envelope& e) {
  typename ContextTraits<Union>::UnionObject u;
  const RawEvent r = ReadRawEvent(e);
  if (r.context != ContextTraits<Union>::kName || r.type == 0) return u;
  u.type = static_cast<Union>(r.type);
  u.value = ContextTraits<Union>::UnionObject::UnPack(r.table, u.type, nullptr);
  return u;
}

// An event ready to be put in an envelope: its context, its type in the
// context's union and `payload`, a FlatBuffer whose root is the context's
// payload table.
struct EncodedEvent {
  std::string_view context;  // static storage (ContextTraits::kName)
  uint8_t type = 0;
  std::string payload;

  bool empty() const { return type == 0; }
};

// A builder for serialising one event at a time, per thread, cleared.
flatbuffers::FlatBufferBuilder& EventBuilder();

namespace internal {
template <class Union>
EncodedEvent Finish(flatbuffers::FlatBufferBuilder& fbb, Union type,
                    flatbuffers::Offset<void> table) {
  using C = ContextTraits<Union>;
  fbb.Finish(C::MakeRoot(fbb, type, table));
  EncodedEvent out;
  out.context = C::kName;
  out.type = static_cast<uint8_t>(type);
  out.payload.assign(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
  return out;
}
}  // namespace internal

// Serialises an event given as its object-API table (e.g. ApiTokenIssuedT).
template <class TT>
  requires requires { typename EventOf<TT>::Union; }
EncodedEvent EncodeEvent(const TT& object) {
  auto& fbb = EventBuilder();
  auto table = TT::TableType::Pack(fbb, &object);
  return internal::Finish(fbb, EventOf<TT>::kType, table.Union());
}

// Serialises an event given as its context's union object.
template <class U>
  requires requires { typename UnionObjectOf<U>::Union; }
EncodedEvent EncodeEvent(const U& u) {
  auto& fbb = EventBuilder();
  return internal::Finish(fbb, u.type, u.Pack(fbb));
}

}  // namespace ledger::events
