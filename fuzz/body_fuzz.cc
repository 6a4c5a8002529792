// Fuzzes what turns a request body into a command's input: the JSON parse of
// the text (Body::Parse) and every route's body parser (api/<context>/bodies.h), all
// on the same text (a body shaped for one route is refused by the others,
// which is tested as much). The payloads that parsers build (policies,
// rates) are then encoded into an envelope, verified and rendered, as the
// engine and GET /v1/events would.
//
// Properties: nothing crashes; the only exception a parser throws is
// ApiError with a 400 `malformed` status and a message (anything else would
// reach the route wrapper as a 500); an envelope built from a parsed
// payload verifies and renders as valid JSON; parsed decimals print back to
// what they parse from.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "api/budgets/bodies.h"
#include "api/purchasing/bodies.h"
#include "api/reference/bodies.h"
#include "events/codec.h"
#include "events/event_json.h"

namespace {

using namespace ledger;
using namespace ledger::api;

[[noreturn]] void Violated(const char* what, const std::string& text) {
  std::fprintf(stderr, "property violated: %s\n%s\n", what, text.c_str());
  std::abort();
}

// Runs one parser; a refusal must be a 400 with a message.
template <class F>
void Try(F parse) {
  try {
    parse();
  } catch (const ApiError& e) {
    if (e.status.code() != Errc::kMalformed) Violated("a refusal is not malformed", e.status.ToString());
    if (e.status.message().empty()) Violated("a refusal without a message", "");
  }
}

void CheckDecimal(const std::optional<Decimal>& d) {
  if (!d) return;
  auto back = Decimal::Parse(d->ToString());
  if (!back.ok() || *back != *d) Violated("a parsed decimal does not print back", d->ToString());
}

// Encodes `payload` as the engine would, then reads it as a reader would.
void Record(const events::PayloadUnion& payload) {
  static const std::vector<std::string> kRoles = {"admin"};
  events::EnvelopeMeta meta;
  meta.event_id = {1, 2};
  meta.stream_type = "fuzz";
  meta.stream_id = "company";
  meta.stream_version = 1;
  meta.actor = "admin";
  meta.actor_roles = &kRoles;
  events::Digest prev{}, hash{};
  const std::string bytes = events::EncodeEnvelope(meta, payload, prev, &hash);
  if (Status s = events::VerifyRecord(bytes); !s.ok()) Violated("an encoded payload does not verify", s.ToString());
  const std::string json = events::EnvelopeJson(*events::EnvelopeOf(bytes), 0);
  if (!nlohmann::json::accept(json)) Violated("a parsed payload renders as invalid JSON", json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The one parser that reads the raw text: its body is optional.
  Try([&] { (void)ParsePrConversion(text); });
  std::optional<Body> body;
  Try([&] { body.emplace(Body::Parse(text)); });
  if (!body) return 0;
  const Body& b = *body;

  Try([&] {
    auto po = ParseNewPurchaseOrder(b);
    for (const auto& l : po.lines) {
      CheckDecimal(l.quantity);
      CheckDecimal(l.unit_price);
      CheckDecimal(l.discount);
    }
  });
  Try([&] { (void)ParsePoHeader(b); });
  Try([&] { (void)ParsePoLine(b); });
  Try([&] { (void)ParseNewPoLine(b); });
  Try([&] { (void)ParsePoNotes(b); });
  Try([&] { Record(ParseApprovalPolicy(b)); });
  Try([&] { Record(ParseMatchingPolicy(b)); });
  Try([&] { Record(ParseExchangeRate(b)); });
  Try([&] {
    auto budget = ParseNewBudget(b);
    for (const auto& l : budget.lines) {
      for (const auto& [period, amount] : l.periods) CheckDecimal(amount);
    }
  });
  Try([&] { CheckDecimal(ParseBudgetAmendment(b).delta); });
  Try([&] { CheckDecimal(ParseBudgetTransfer(b).amount); });
  Try([&] {
    auto pr = ParsePrInput(b);
    for (const auto& l : pr.lines) {
      CheckDecimal(l.quantity);
      CheckDecimal(l.estimated_unit_price);
    }
  });
  Try([&] { (void)ParseReceipt(b); });
  Try([&] {
    auto si = ParseSupplierInvoice(b);
    CheckDecimal(si.stated_total);
  });
  Try([&] { (void)ParseCreditNote(b); });
  Try([&] { CheckDecimal(ParsePayment(b).amount); });
  return 0;
}
