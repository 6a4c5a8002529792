#include "engine/purchasing/matching_rules.h"

#include "engine/money.h"

namespace ledger::domain {
namespace {

bool Rematchable(const SupplierInvoice& si) {
  return (si.status == SiStatus::kMatched || si.status == SiStatus::kDisputed) && !si.accepted;
}

// Per order line, what the invoices of `po` before `id` bill, leaving out
// cancelled ones and `cancelled`.
std::map<uint32_t, Decimal> EarlierInvoiced(const PurchaseOrder& po, const std::string& id,
                                            DecideContext& ctx, const std::string& cancelled) {
  std::map<uint32_t, Decimal> out;
  for (const auto& other : po.invoices) {
    if (other == id) break;
    if (other == cancelled) continue;
    const auto* si = ctx.Get<SupplierInvoice>(other);
    if (si == nullptr || si->status == SiStatus::kCancelled) continue;
    for (const auto& l : si->lines) {
      if (l.po_line != 0) AddTo(out[l.po_line], l.quantity);
    }
  }
  return out;
}

}  // namespace

std::vector<std::unique_ptr<events::DiscrepancyT>> DiscrepancyTables(
    const std::vector<SiDiscrepancy>& ds) {
  std::vector<std::unique_ptr<events::DiscrepancyT>> out;
  for (const auto& d : ds) {
    auto t = std::make_unique<events::DiscrepancyT>();
    t->line = d.line;
    t->kind = d.kind;
    t->expected = d.expected;
    t->invoiced = d.invoiced;
    out.push_back(std::move(t));
  }
  return out;
}

NewEvent MatchedEvent(const MatchOutcome& m, const std::string& trigger) {
  events::SupplierInvoiceMatchedT t;
  t.result = Label(m.result);
  t.mode = m.mode;
  t.discrepancies = DiscrepancyTables(m.discrepancies);
  t.trigger = trigger;
  return Emit(std::move(t));
}

// Matching again after the invoice itself changed (a credit note).
Result<std::vector<NewEvent>> RematchSelf(const SupplierInvoice& si, const std::string& id,
                                          DecideContext& ctx, const std::string& trigger) {
  std::vector<NewEvent> out;
  if (!Rematchable(si)) return out;
  const auto* po = si.purchase_order.empty()
                       ? nullptr
                       : ctx.Get<PurchaseOrder>(si.purchase_order);
  auto m = Match(si, po, GetMatchingPolicy(ctx),
                 po ? EarlierInvoiced(*po, id, ctx, "") : std::map<uint32_t, Decimal>{});
  if (!m.ok()) return m.status();
  if (m->result != si.status || m->discrepancies != si.discrepancies) {
    out.push_back(MatchedEvent(*m, trigger));
  }
  return out;
}

Result<MatchOutcome> Match(const SupplierInvoice& si, const PurchaseOrder* po,
                           const MatchingPolicy& policy,
                           const std::map<uint32_t, Decimal>& earlier_invoices) {
  MatchOutcome m;
  if (po == nullptr) {
    m.result = SiStatus::kMatched;
    m.mode = "none";
    return m;
  }
  const bool two_way = si.billing_method == "ordered";
  m.mode = two_way ? "2-way" : "3-way";
  std::map<uint32_t, Decimal> earlier = earlier_invoices;  // + this invoice's earlier lines
  Decimal invoiced_sum, expected_sum;
  for (const auto& l : si.lines) {
    auto eff_qty = Minus(l.quantity, l.credited_quantity);
    auto eff_amount = Minus(l.untaxed, l.credited_amount);
    if (!eff_qty.ok()) return eff_qty.status();
    if (!eff_amount.ok()) return eff_amount.status();
    auto sum = Plus(invoiced_sum, *eff_amount);
    if (!sum.ok()) return sum.status();
    invoiced_sum = *sum;
    const PoLine* pl = l.po_line ? FindLine(*po, l.po_line) : nullptr;
    if (pl == nullptr) {
      m.discrepancies.push_back({l.line_no, "unordered", "0", eff_amount->ToString(si.digits)});
      continue;
    }
    // Quantity: what may still be billed on the order line.
    Decimal base = two_way ? pl->quantity : pl->received;
    auto expected = Minus(base, earlier[l.po_line]);
    if (!expected.ok()) return expected.status();
    AddTo(earlier[l.po_line], *eff_qty);
    if (*eff_qty > *expected &&
        (!(*expected > Decimal()) || BeyondPct(*eff_qty, *expected, policy.quantity_pct))) {
      m.discrepancies.push_back({l.line_no, "quantity", expected->ToString(), eff_qty->ToString()});
    }
    // Price: the net unit price billed against the order's.
    Decimal po_price = NetUnitPrice(*pl);
    Decimal price = l.unit_price;
    if (!l.credited_amount.is_zero() && *eff_qty > Decimal()) {
      auto p = Share(*eff_amount, Decimal::FromInt(1), *eff_qty, Decimal::kScale);
      if (!p.ok()) return p.status();
      price = *p;
    }
    if (price > po_price && BeyondPct(price, po_price, policy.price_pct)) {
      m.discrepancies.push_back({l.line_no, "price", po_price.ToString(), price.ToString()});
    }
    auto line_expected = Times(*eff_qty, po_price, si.digits);
    if (!line_expected.ok()) return line_expected.status();
    auto esum = Plus(expected_sum, *line_expected);
    if (!esum.ok()) return esum.status();
    expected_sum = *esum;
  }
  // Amount: the whole invoice against the order's prices, and against the
  // supplier's printed total.
  auto over = Minus(invoiced_sum, expected_sum);
  if (!over.ok()) return over.status();
  if (*over > policy.amount_abs) {
    m.discrepancies.push_back(
        {0, "amount", expected_sum.ToString(si.digits), invoiced_sum.ToString(si.digits)});
  }
  if (!si.stated_total.empty()) {
    auto diff = Minus(Dec(si.stated_total), si.total);
    if (!diff.ok()) return diff.status();
    if (Abs(*diff) > policy.amount_abs) {
      m.discrepancies.push_back({0, "amount", si.total.ToString(si.digits), si.stated_total});
    }
  }
  m.result = m.discrepancies.empty() ? SiStatus::kMatched : SiStatus::kDisputed;
  return m;
}

Result<std::vector<NewEvent>> Rematch(const PurchaseOrder& po, const std::string& trigger,
                                      DecideContext& ctx, const std::string& cancelled) {
  std::vector<NewEvent> out;
  const MatchingPolicy policy = GetMatchingPolicy(ctx);
  for (const auto& id : po.invoices) {
    if (id == cancelled) continue;
    const auto* si = ctx.Get<SupplierInvoice>(id);
    if (si == nullptr || !Rematchable(*si)) continue;
    auto m = Match(*si, &po, policy, EarlierInvoiced(po, id, ctx, cancelled));
    if (!m.ok()) return m.status();
    if (m->result != si->status || m->discrepancies != si->discrepancies) {
      out.push_back(ToStream<SupplierInvoice>(MatchedEvent(*m, trigger), id));
    }
  }
  return out;
}

}  // namespace ledger::domain
