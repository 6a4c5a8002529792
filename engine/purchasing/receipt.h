// Receipts (SPEC §4.5), stream `receipt/RC-YYYY-NNNNN`: goods and services
// received against a confirmed order, or returned (a negative quantity).
//
// One receipt per warehouse: the order's lines say where goods go. A service
// line records its period, proof and acceptance; a refused service counts as
// nothing received. Receiving beyond the ordered quantity is refused
// (`over_receipt`) past the matching policy's tolerance, returning more than
// was received is refused (`return_exceeds_received`). A receipt moves the
// order's progress and matches its open invoices again.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/aggregate.h"

namespace ledger::domain {

struct ReceiptLineState {
  uint32_t line_no = 0;
  Decimal quantity;
  std::string period_from, period_to, proof, acceptance;
};
struct Receipt {
  static constexpr StreamTraits kStream = {
      .type = "receipt", .topic = Topic::kPurchasing, .series = "RC", .snapshot_format = 1};
  std::string purchase_order, date, warehouse;
  std::vector<ReceiptLineState> lines;
};
void Apply(Receipt& r, const events::Envelope& e);
std::string_view Label(const Receipt& r);  // always "done": a receipt is recorded once
// Listed in receipts (listings.cc).
void Describe(const Receipt& r, ListEntry& out);
template <class A, class Self>
void Fields(A& a, Self& l) requires std::is_same_v<std::remove_const_t<Self>, ReceiptLineState> {
  a(l.line_no, l.quantity, l.period_from, l.period_to, l.proof, l.acceptance);
}
template <class A, class Self>
void Fields(A& a, Self& r) requires std::is_same_v<std::remove_const_t<Self>, Receipt> {
  a(r.purchase_order, r.date, r.warehouse, r.lines);
}
bool Valid(const Receipt& r);

struct ReceiptInput {
  std::string purchase_order, date;
  std::optional<std::string> warehouse;
  struct Line {
    uint32_t line = 0;
    Decimal quantity;
    std::string period_from, period_to, proof, acceptance;
  };
  std::vector<Line> lines;
};
// The command that records a receipt (engine/commands.h).
struct RecordReceipt {
  using Target = Receipt;
  ReceiptInput receipt;
};
Decision Decide(const RecordReceipt& cmd, DecideContext& ctx);

}  // namespace ledger::domain
