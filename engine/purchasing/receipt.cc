#include "engine/purchasing/receipt.h"

#include <fmt/format.h>

#include <set>

#include "engine/clock.h"
#include "engine/money.h"
#include "engine/purchasing/matching_rules.h"
#include "engine/purchasing/purchase_order.h"
#include "engine/reference/reference_entity.h"

namespace ledger::domain {
namespace {

using events::Str;
using events::Sv;

}  // namespace

void Apply(Receipt& r, const events::Envelope& e) {
  if (e.payload_type() != events::Payload::ReceiptRecorded) return;
  const auto* p = e.payload_as_ReceiptRecorded();
  r.purchase_order = Str(p->purchase_order());
  r.date = Str(p->date());
  r.warehouse = Str(p->warehouse());
  r.lines.clear();
  if (p->lines()) {
    for (const auto* l : *p->lines()) {
      r.lines.push_back({l->line_no(), Dec(l->quantity()), Str(l->period_from()),
                         Str(l->period_to()), Str(l->proof()), Str(l->acceptance())});
    }
  }
}
std::string_view Label(const Receipt&) { return "done"; }
bool Valid(const Receipt& r) { return !r.purchase_order.empty(); }

Decision Decide(const RecordReceipt& cmd, DecideContext& ctx) {
  const ReceiptInput& in = cmd.receipt;
  const auto* found = ctx.Get<PurchaseOrder>(in.purchase_order);
  if (found == nullptr) {
    return Status::NotFound("purchase order \"" + in.purchase_order + "\" does not exist");
  }
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPoReceive, found->status));
  LEDGER_RETURN_IF_ERROR(CheckIsoDate(in.date, "date"));
  if (in.lines.empty()) return Status::Malformed("a receipt needs lines");
  PurchaseOrder po = *found;  // as it will stand after the receipt
  const MatchingPolicy policy = GetMatchingPolicy(ctx);
  events::ReceiptRecordedT r;
  r.purchase_order = in.purchase_order;
  r.date = in.date;
  std::optional<std::string> warehouse = in.warehouse;
  events::PurchaseOrderReceivedT received;
  received.receipt = ctx.stream_id();
  std::set<uint32_t> seen;
  for (const auto& l : in.lines) {
    PoLine* pl = nullptr;
    for (auto& x : po.lines) {
      if (x.line_no == l.line) pl = &x;
    }
    if (pl == nullptr) return Status::NotFound(fmt::format("the order has no line {}", l.line));
    if (!seen.insert(l.line).second) {
      return Status::Malformed(fmt::format("line {} is given twice", l.line));
    }
    if (l.quantity.is_zero()) return Status::Malformed("a received quantity is not zero");
    // One receipt per warehouse: the order's lines say where goods go.
    if (!pl->warehouse.empty()) {
      if (!warehouse) warehouse = pl->warehouse;
      if (*warehouse != pl->warehouse) {
        return Status::Rule("warehouse_mismatch",
                            fmt::format("line {} is delivered to warehouse {}, not {}", l.line,
                                        pl->warehouse, *warehouse),
                            {{"line", std::to_string(l.line)}, {"warehouse", pl->warehouse}});
      }
    }
    const auto* product = FindReference<events::ProductDefined>(ctx, pl->product);
    const bool service = product != nullptr && Sv(product->kind()) == "service";
    auto line = std::make_unique<events::ReceiptLineT>();
    line->line_no = l.line;
    line->quantity = l.quantity.ToString();
    Decimal counted = l.quantity;
    if (service) {
      if (l.period_from.empty() || l.period_to.empty()) {
        return Status::Malformed(
            fmt::format("line {} is a service: give period_from and period_to", l.line));
      }
      LEDGER_RETURN_IF_ERROR(CheckIsoDate(l.period_from, "period_from"));
      LEDGER_RETURN_IF_ERROR(CheckIsoDate(l.period_to, "period_to"));
      if (l.period_to < l.period_from) return Status::Malformed("period_to is before period_from");
      std::string acceptance = l.acceptance.empty() ? "accepted" : l.acceptance;
      if (acceptance != "accepted" && acceptance != "reserved" && acceptance != "refused") {
        return Status::Malformed("acceptance must be accepted, reserved or refused");
      }
      line->period_from = l.period_from;
      line->period_to = l.period_to;
      line->proof = l.proof;
      line->acceptance = acceptance;
      if (acceptance == "refused") counted = Decimal();  // a refused service is not received
    } else if (!l.period_from.empty() || !l.period_to.empty() || !l.acceptance.empty()) {
      return Status::Malformed(fmt::format("line {} is goods: service fields do not apply", l.line));
    }
    auto after = Plus(pl->received, counted);
    if (!after.ok()) return after.status();
    if (after->is_negative()) {
      return Status::Rule("return_exceeds_received",
                          fmt::format("line {}: {} received, cannot return {}", l.line,
                                      pl->received.ToString(), (-counted).ToString()),
                          {{"line", std::to_string(l.line)}, {"received", pl->received.ToString()}});
    }
    if (*after > pl->quantity && BeyondPct(*after, pl->quantity, policy.over_receipt_pct)) {
      return Status::Rule("over_receipt",
                          fmt::format("line {}: {} ordered, {} would be received", l.line,
                                      pl->quantity.ToString(), after->ToString()),
                          {{"line", std::to_string(l.line)},
                           {"ordered", pl->quantity.ToString()},
                           {"received", after->ToString()},
                           {"tolerance_pct", policy.over_receipt_pct.ToString()}});
    }
    pl->received = *after;
    r.lines.push_back(std::move(line));
    auto q = std::make_unique<events::QuantityOnLineT>();
    q->line_no = l.line;
    q->quantity = counted.ToString();
    received.lines.push_back(std::move(q));
  }
  r.warehouse = warehouse.value_or("");
  auto rematch = Rematch(po, "receipt " + ctx.stream_id(), ctx);
  if (!rematch.ok()) return rematch.status();
  std::vector<NewEvent> out = One(Emit(std::move(r)));
  out.push_back(ToStream<PurchaseOrder>(Emit(std::move(received)), in.purchase_order));
  Append(&out, std::move(rematch.value()));
  return out;
}

}  // namespace ledger::domain
