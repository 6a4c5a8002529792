// Fuzzes what reads records written by others (the local log after a crash
// or an edit, a Kafka topic anyone may produce to): any bytes go through
// VerifyRecord, and a record that passes is read and rendered as the API
// renders it, in either envelope format (the corpus holds records of
// format 1, `format1_*`, and of format 2): the event read through the
// upcast, its context's payload verified with the context's schema.
//
// Properties: nothing crashes; VerifyRecord with the hash check passes only
// what it passes without; the rendering of a verified envelope is valid JSON
// (GET /v1/events and the event stream send it as it is).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "events/codec.h"
#include "events/event_json.h"

namespace {

[[noreturn]] void Violated(const char* what, const std::string& text) {
  std::fprintf(stderr, "property violated: %s\n%s\n", what, text.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger::events;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const bool hashed = VerifyRecord(bytes, /*check_hash=*/true).ok();
  // A mutation almost never keeps the hash right: without the hash check the
  // structure is still verified, which is what makes reading safe, and the
  // renderer gets to see mutated envelopes.
  const bool structured = VerifyRecord(bytes, /*check_hash=*/false).ok();
  if (hashed && !structured) Violated("a record passed with its hash but not without", "");
  if (!structured) return 0;

  const Envelope* e = EnvelopeOf(bytes);
  (void)HashOf(*e);
  (void)PrevHashOf(*e);
  (void)EventIdOf(*e).ToString();
  (void)EventTypeName(*e);
  // The typed view the aggregates fold: a known context names a table the
  // verifier checked.
  const RawEvent event = ReadRawEvent(*e);
  if (FindContext(event.context) != nullptr && event.type != 0 && event.table == nullptr) {
    Violated("a verified event of a known context has no table", std::string(event.context));
  }
  const std::string json = EnvelopeJson(*e, /*offset=*/static_cast<int64_t>(size));
  if (!nlohmann::json::accept(json)) Violated("EnvelopeJson is not valid JSON", json);
  const std::string payload = PayloadJson(*e);
  if (!nlohmann::json::accept(payload)) Violated("PayloadJson is not valid JSON", payload);
  return 0;
}
