// Writes the seed corpus of fuzz_envelope: records as the engine encodes
// them, one file per record, into the directory given as the argument.
// Rerun after a schema change: fuzz/corpus/envelope is its output.
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "events/budgets_events.h"
#include "events/codec.h"
#include "events/purchasing_events.h"
#include "events/reference_events.h"

namespace {

using namespace ledger::events;

struct Seed {
  std::string name;
  std::string stream_type;
  EncodedEvent event;
};

std::vector<Seed> Seeds() {
  std::vector<Seed> seeds;
  auto add = [&](std::string name, std::string stream_type, auto table) {
    Seed s{std::move(name), std::move(stream_type), {}};
    s.event = EncodeEvent(table);
    seeds.push_back(std::move(s));
  };
  PurchaseOrderCreatedT po;
  po.supplier = "ACME";
  po.currency = "EUR";
  po.currency_digits = 2;
  po.tax_rounding = "per_line";
  po.note_internal = "urgent \"rush\" order\n";
  add("po_created", "purchase_order", std::move(po));

  PurchaseOrderLineAddedT added;
  added.line = std::make_unique<PurchaseOrderLineT>();
  added.line->line_no = 1;
  added.line->product = "LAPTOP-14";
  added.line->quantity = "2";
  added.line->unit_price = "1249.00";
  added.line->discount = "0";
  added.line->tax_code = "VAT20";
  added.line->tax_rate = "20";
  added.line->cost_center = "IT";
  add("po_line_added", "purchase_order", std::move(added));

  add("po_rfq_sent", "purchase_order", PurchaseOrderRfqSentT{});

  ApprovalPolicyDefinedT policy;
  for (const char* up_to : {"1000", "10000", ""}) {
    auto band = std::make_unique<ApprovalBandT>();
    band->up_to = up_to;
    band->levels = {"manager", "finance"};
    policy.bands.push_back(std::move(band));
  }
  add("approval_policy", "approval_policy", std::move(policy));

  BudgetDefinedT budget;
  budget.name = "IT 2026";
  budget.currency = "EUR";
  budget.policy = "block";
  auto line = std::make_unique<BudgetLineT>();
  line->line = std::make_unique<BudgetLineRefT>();
  line->line->cost_center = "IT";
  line->line->category = "hardware";
  for (const char* month : {"2026-01", "2026-02"}) {
    auto p = std::make_unique<BudgetPeriodAmountT>();
    p->period = month;
    p->amount = "5000.00";
    line->periods.push_back(std::move(p));
  }
  budget.lines.push_back(std::move(line));
  add("budget_defined", "budget", std::move(budget));

  UserDefinedT user;
  user.name = "Rita Requester";
  user.roles = {"requester", "buyer"};
  add("user_defined", "user", std::move(user));

  // Written before input was checked: bytes that are not UTF-8, a literal
  // backslash-x, a control character, a surrogate's encoding.
  SupplierDefinedT supplier;
  supplier.name = "Caf\xe9 \\x41 \x01 \xed\xa0\x80 \xf0\x9f\x98\x80";
  supplier.currency = "EUR";
  add("supplier_not_utf8", "supplier", std::move(supplier));

  TaxCodeDefinedT tax;
  tax.name = "VAT 20%";
  tax.rate = "20";
  tax.price_included = true;
  add("tax_code", "tax_code", std::move(tax));

  ExchangeRateDefinedT rate;
  rate.rate = "1.0825";
  add("exchange_rate", "exchange_rate", std::move(rate));
  return seeds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: envelope_seeds DIR\n");
    return 2;
  }
  const std::vector<std::string> roles = {"admin"};
  Digest prev{};
  uint64_t n = 0;
  for (const auto& s : Seeds()) {
    EnvelopeMeta meta;
    meta.event_id = {0x0190000000000000ull + n, 42 + n};
    meta.stream_type = s.stream_type;
    meta.stream_id = s.name;
    meta.stream_version = 1;
    meta.recorded_at_us = 1767225600000000 + static_cast<int64_t>(n);
    meta.effective_date = "2026-01-01";
    meta.actor = "admin";
    meta.actor_roles = &roles;
    const std::string command_id = "cmd-" + std::to_string(n);
    meta.command_id = command_id;
    meta.correlation_id = "corr";
    meta.partition = static_cast<uint32_t>(n % 3);
    Digest hash{};
    // Chained as a partition's records are.
    const std::string bytes = EncodeEnvelope(meta, s.event, prev, &hash);
    prev = hash;
    std::ofstream(std::string(argv[1]) + "/" + s.name, std::ios::binary) << bytes;
    ++n;
  }
  return 0;
}
