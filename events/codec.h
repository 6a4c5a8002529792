// The envelope codec: builds log records, verifies them, reads them.
//
// A record is one FlatBuffers `Envelope` (events/schemas/envelope.fbs). Its
// event is in its context's own schema (events/context.h); records of format
// 1, which carried it in one union of every event, are read too. Its
// `hash` is the SHA-256 of the record's own bytes with the 32 hash bytes set
// to zero; its `prev_hash` is the hash of the previous record of the same
// partition, so the records of a partition form a chain (docs/FORMAT.md).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/context.h"
#include "events/envelope_generated.h"
#include "events/status.h"

namespace ledger::events {

using Digest = std::array<uint8_t, 32>;

std::string ToHex(const uint8_t* data, size_t size);
inline std::string ToHex(const Digest& d) { return ToHex(d.data(), d.size()); }
std::string Sha256Hex(std::string_view data);

// A 128-bit, time-ordered event id (see EventId in common.fbs).
struct EventIdValue {
  uint64_t hi = 0;
  uint64_t lo = 0;
  std::string ToString() const;  // 32 lowercase hex digits
  auto operator<=>(const EventIdValue&) const = default;
};

// Everything of an envelope but its payload and hashes. Views must outlive the
// call to EncodeEnvelope.
struct EnvelopeMeta {
  EventIdValue event_id;
  std::string_view stream_type;
  std::string_view stream_id;
  uint64_t stream_version = 0;
  int64_t recorded_at_us = 0;
  std::string_view effective_date;
  std::string_view actor;
  const std::vector<std::string>* actor_roles = nullptr;
  std::string_view command_id;
  std::string_view correlation_id;
  std::string_view causation_id;
  std::string_view idempotency_key;
  std::string_view request_hash;
  uint32_t partition = 0;
};

// The envelope's schema_version: 2 since each context has its union.
inline constexpr uint16_t kEnvelopeFormat = 2;

// Builds a record of format 2 chained after `prev_hash`, carrying `event`
// (which must not be empty). Returns the record's bytes and stores its hash
// in `*hash`.
std::string EncodeEnvelope(const EnvelopeMeta& meta, const EncodedEvent& event,
                           const Digest& prev_hash, Digest* hash);

// Checks that `bytes` is a well-formed envelope of either format (FlatBuffers
// verifier and file identifier, the event verified with its context's
// schema) and, if `check_hash`, that its hash matches its content. Returns
// Corruption otherwise. Never crashes on arbitrary input.
Status VerifyRecord(std::string_view bytes, bool check_hash = true);

// The part of VerifyRecord that checks the event of envelope `e`, which
// passed the envelope's verifier and lies in `record` (upcast.cc).
Status VerifyEvent(const Envelope& e, const uint8_t* record, size_t record_size);

// The envelope of a record that passed VerifyRecord.
inline const Envelope* EnvelopeOf(std::string_view bytes) {
  return GetEnvelope(bytes.data());
}

Digest HashOf(const Envelope& e);
Digest PrevHashOf(const Envelope& e);
EventIdValue EventIdOf(const Envelope& e);

// Name of the event's type, e.g. "PurchaseOrderCreated", in either format;
// "" for a type this binary does not know.
std::string_view EventTypeName(const Envelope& e);

// Nil-safe view of a FlatBuffers string.
inline std::string_view Sv(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view();
}
inline std::string Str(const flatbuffers::String* s) { return std::string(Sv(s)); }

}  // namespace ledger::events
