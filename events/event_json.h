// Schema-driven JSON rendering of events, for the HTTP API.
//
// The payload is rendered by FlatBuffers' own text generator from the binary
// schema of its context compiled into the binary (no hand-written printer per
// event type); envelope fields are rendered by name. Records of both formats
// render the same JSON: "type" is the event type's name, "payload" its table.
#pragma once

#include <string>

#include "events/codec.h"

namespace ledger::events {

// JSON object text of the envelope's payload, e.g. {"supplier": "ACME", ...}.
// Thread-safe.
std::string PayloadJson(const Envelope& e);

// JSON object text of the whole envelope: metadata, "type", "payload", the
// hashes in hex. `partition`/`offset` are the record's log position.
std::string EnvelopeJson(const Envelope& e, int64_t offset);

// Escapes `s` as a JSON string literal, quotes included. A byte that is not
// part of valid UTF-8 is shown as the text \xNN (e.g. "\\xff" in the JSON),
// so that an event written before input was checked still renders as valid
// JSON, its bytes visible.
std::string JsonQuote(std::string_view s);

// Whether `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF).
bool IsUtf8(std::string_view s);

// `s` as UTF-8 text: itself if it is, else with each byte that is not part
// of UTF-8 written as the text \xNN, as JsonQuote and PayloadJson show it.
std::string Utf8Text(std::string_view s);

}  // namespace ledger::events

namespace ledger::events {

// JSON object text of the table `table` of event type `type` of the context
// named `context`; "{}" if the context or the type is unknown.
std::string TableJson(std::string_view context, uint8_t type, const void* table);

// JSON object text of a standalone event table of type `type` of a context's
// union (a buffer whose root is the table, as kept by reference-data
// snapshots).
template <class Union>
std::string TableJson(Union type, const void* buffer) {
  return TableJson(ContextTraits<Union>::kName, static_cast<uint8_t>(type),
                   flatbuffers::GetRoot<flatbuffers::Table>(buffer));
}

}  // namespace ledger::events
