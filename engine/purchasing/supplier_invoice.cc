#include "engine/purchasing/supplier_invoice.h"

#include <fmt/format.h>

#include <set>

#include "engine/clock.h"
#include "engine/budgets/budget.h"
#include "engine/money.h"
#include "engine/reference/reference.h"
#include "engine/reference_key.h"
#include "engine/tax.h"

namespace ledger::domain {
namespace {

using events::Str;
using events::Sv;

NewEvent To(NewEvent e, std::string type, std::string id) {
  e.stream_type = std::move(type);
  e.stream_id = std::move(id);
  return e;
}

void Append(std::vector<NewEvent>* out, std::vector<NewEvent>&& more) {
  for (auto& e : more) out->push_back(std::move(e));
}

// The claim streams of a supplier's document number: under its comparison
// key (engine/reference_key.h), and, for claims made before references were
// normalised, under the number as typed.
struct DocumentKeys {
  std::string normalised, as_typed;
};

Result<DocumentKeys> KeysOf(const std::string& supplier, const std::string& ref) {
  auto key = ReferenceKey(ref);
  if (!key.ok()) return key.status();
  return DocumentKeys{supplier + "/" + *key, supplier + "/" + ref};
}

// Refuses a supplier document number already captured, however it was typed.
Status CheckUnclaimed(DecideContext& ctx, const std::string& supplier, const std::string& ref) {
  auto keys = KeysOf(supplier, ref);
  if (!keys.ok()) return keys.status();
  for (const std::string* key : {&keys->normalised, &keys->as_typed}) {
    const auto* d = ctx.Get<SupplierDocument>("supplier_document", *key);
    if (d != nullptr && d->kind != "released") {
      return Status(Errc::kDuplicate,
                    fmt::format("supplier {} document {} is already captured on {}", supplier, ref,
                                d->document),
                    "duplicate", {{"supplier_ref", ref}, {"document", d->document}});
    }
  }
  return Status::Ok();
}

// Claims `ref` for `doc` (kind invoice or credit_note) under its comparison
// key; releases it where `doc` holds it (kind released).
Result<NewEvent> ClaimEvent(DecideContext& ctx, const std::string& supplier,
                            const std::string& ref, const std::string& doc, const char* kind) {
  auto keys = KeysOf(supplier, ref);
  if (!keys.ok()) return keys.status();
  std::string stream = keys->normalised;
  if (std::string_view(kind) == "released") {
    const auto* legacy = ctx.Get<SupplierDocument>("supplier_document", keys->as_typed);
    if (legacy != nullptr && legacy->document == doc && legacy->kind != "released") {
      stream = keys->as_typed;
    }
  }
  events::SupplierDocumentClaimedT c;
  c.document = doc;
  c.kind = kind;
  return To(Emit(std::move(c)), "supplier_document", stream);
}

std::vector<TaxLineInput> TaxInputs(const std::vector<SiLine>& lines) {
  std::vector<TaxLineInput> in;
  for (const auto& l : lines) {
    in.push_back({l.quantity, l.unit_price, Decimal(), l.tax_code, l.tax_rate, l.price_included});
  }
  return in;
}

TaxRounding RoundingOf(const SupplierInvoice& si) {
  return ParseTaxRounding(si.tax_rounding).value_or(TaxRounding::kPerLine);
}

SiLine LineFrom(const events::SupplierInvoiceLineT& l) {
  SiLine s;
  s.line_no = l.line_no;
  s.po_line = l.po_line;
  s.description = l.description;
  s.quantity = Dec(l.quantity);
  s.unit_price = Dec(l.unit_price);
  s.tax_code = l.tax_code;
  s.tax_rate = Dec(l.tax_rate);
  s.price_included = l.tax_price_included;
  s.cost_center = l.cost_center;
  s.category = l.category;
  s.project = l.project;
  s.untaxed = Dec(l.untaxed);
  s.company_amount = Dec(l.company_amount);
  s.released_commitment = Dec(l.released_commitment);
  return s;
}

// The invoice a capture event describes, before any later event.
SupplierInvoice FromCaptured(const events::SupplierInvoiceCapturedT& c, const std::string& actor) {
  SupplierInvoice si;
  si.status = "draft";
  si.supplier = c.supplier;
  si.supplier_ref = c.supplier_ref;
  si.date = c.date;
  si.due_date = c.due_date;
  si.currency = c.currency;
  si.digits = c.currency_digits;
  si.tax_rounding = c.tax_rounding;
  si.rate = Dec(c.rate);
  si.purchase_order = c.purchase_order;
  si.billing_method = c.billing_method;
  for (const auto& l : c.lines) si.lines.push_back(LineFrom(*l));
  si.untaxed = Dec(c.untaxed);
  si.tax = Dec(c.tax);
  si.total = Dec(c.total);
  si.stated_untaxed = c.stated_untaxed;
  si.stated_tax = c.stated_tax;
  si.stated_total = c.stated_total;
  si.capturer = actor;
  return si;
}

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
  t.result = m.result;
  t.mode = m.mode;
  t.discrepancies = DiscrepancyTables(m.discrepancies);
  t.trigger = trigger;
  return Emit(std::move(t));
}

bool Rematchable(const SupplierInvoice& si) {
  return (si.status == "matched" || si.status == "disputed") && !si.accepted;
}

// Per order line, what the invoices of `po` before `id` bill, leaving out
// cancelled ones and `cancelled`.
std::map<uint32_t, Decimal> EarlierInvoiced(const PurchaseOrder& po, const std::string& id,
                                            DecideContext& ctx, const std::string& cancelled) {
  std::map<uint32_t, Decimal> out;
  for (const auto& other : po.invoices) {
    if (other == id) break;
    if (other == cancelled) continue;
    const auto* si = ctx.Get<SupplierInvoice>("supplier_invoice", other);
    if (si == nullptr || si->status == "cancelled") continue;
    for (const auto& l : si->lines) {
      if (l.po_line != 0) AddTo(out[l.po_line], l.quantity);
    }
  }
  return out;
}

// Matching again after the invoice itself changed (a credit note).
Result<std::vector<NewEvent>> RematchSelf(const SupplierInvoice& si, const std::string& id,
                                          DecideContext& ctx, const std::string& trigger) {
  std::vector<NewEvent> out;
  if (!Rematchable(si)) return out;
  const auto* po = si.purchase_order.empty()
                       ? nullptr
                       : ctx.Get<PurchaseOrder>("purchase_order", si.purchase_order);
  auto m = Match(si, po, GetMatchingPolicy(ctx),
                 po ? EarlierInvoiced(*po, id, ctx, "") : std::map<uint32_t, Decimal>{});
  if (!m.ok()) return m.status();
  if (m->result != si.status || m->discrepancies != si.discrepancies) {
    out.push_back(MatchedEvent(*m, trigger));
  }
  return out;
}

Status CheckDate(const std::string& date, std::string_view field) {
  if (!IsIsoDate(date)) return Status::Malformed(std::string(field) + " must be a date YYYY-MM-DD");
  return Status::Ok();
}

bool CanDecideOnInvoices(const Actor& a) {
  return a.HasRole("approver_finance") || a.HasRole("approver_direction") || a.HasRole("admin");
}

BudgetSource SourceOf(const SupplierInvoice& si, const std::string& id) {
  return {"supplier_invoice", id, si.supplier, si.currency, si.rate};
}

}  // namespace

std::string DueDate(const std::string& date, const std::string& kind, int days) {
  int64_t us = 0;
  if (!ParseTimestamp(date, &us)) return date;
  constexpr int64_t kDay = 86'400'000'000;
  if (kind == "net") return IsoDate(us + days * kDay);
  if (kind == "end_of_month") {
    std::string d = IsoDate(us + days * kDay);
    int y = std::stoi(d.substr(0, 4)), m = std::stoi(d.substr(5, 2));
    if (++m == 13) {
      m = 1;
      ++y;
    }
    int64_t first_next = 0;
    ParseTimestamp(fmt::format("{:04}-{:02}-01", y, m), &first_next);
    return IsoDate(first_next - kDay);
  }
  return date;  // immediate
}

void Apply(SupplierInvoice& si, const events::Envelope& e) {
  using events::Payload;
  switch (e.payload_type()) {
    case Payload::SupplierInvoiceCaptured: {
      events::SupplierInvoiceCapturedT c;
      e.payload_as_SupplierInvoiceCaptured()->UnPackTo(&c);
      si = FromCaptured(c, Str(e.actor()));
      break;
    }
    case Payload::SupplierInvoiceMatched: {
      const auto* m = e.payload_as_SupplierInvoiceMatched();
      si.status = Str(m->result());
      si.match_mode = Str(m->mode());
      si.discrepancies.clear();
      if (m->discrepancies()) {
        for (const auto* d : *m->discrepancies()) {
          si.discrepancies.push_back(
              {d->line(), Str(d->kind()), Str(d->expected()), Str(d->invoiced())});
        }
      }
      if (si.first_result.empty()) si.first_result = si.status;
      si.ever_disputed = si.ever_disputed || si.status == "disputed";
      break;
    }
    case Payload::SupplierInvoiceDifferenceAccepted:
      si.status = "matched";
      si.accepted = true;
      si.accepted_by = Str(e.actor());
      break;
    case Payload::SupplierCreditNoteRecorded: {
      const auto* c = e.payload_as_SupplierCreditNoteRecorded();
      if (c->lines()) {
        for (const auto* cl : *c->lines()) {
          for (auto& l : si.lines) {
            if (l.line_no != cl->line_no()) continue;
            AddTo(l.credited_quantity, Dec(cl->quantity()));
            AddTo(l.credited_amount, Dec(cl->amount()));
            AddTo(l.credited_company, Dec(cl->company_amount()));
          }
        }
      }
      AddTo(si.credited_total, Dec(c->total()));
      si.credit_notes.push_back(Str(c->supplier_ref()));
      if ((si.status == "approved" || si.status == "partially_paid") && Remaining(si).is_zero()) {
        si.status = "paid";
      }
      break;
    }
    case Payload::SupplierInvoiceApproved:
      si.status = "approved";
      break;
    case Payload::SupplierPaymentRecorded:
      AddTo(si.paid, Dec(e.payload_as_SupplierPaymentRecorded()->amount()));
      si.status = Remaining(si) <= Decimal() ? "paid" : "partially_paid";
      break;
    case Payload::SupplierInvoiceCancelled:
      si.status = "cancelled";
      break;
    default:
      break;
  }
}

std::string_view Label(const SupplierInvoice& si) { return si.status; }

bool Valid(const SupplierInvoice& si) {
  return CurrencyDigits(si.currency).value_or(-1) == si.digits;
}

Decimal Remaining(const SupplierInvoice& si) {
  auto r = si.total.CheckedSub(si.credited_total);
  if (r) r = r->CheckedSub(si.paid);
  return r.value_or(Decimal());
}

void Apply(SupplierDocument& d, const events::Envelope& e) {
  if (e.payload_type() != events::Payload::SupplierDocumentClaimed) return;
  const auto* c = e.payload_as_SupplierDocumentClaimed();
  d.document = Str(c->document());
  d.kind = Str(c->kind());
}
std::string_view Label(const SupplierDocument& d) { return d.kind; }
bool Valid(const SupplierDocument& d) { return !d.kind.empty(); }

Result<MatchOutcome> Match(const SupplierInvoice& si, const PurchaseOrder* po,
                           const MatchingPolicy& policy,
                           const std::map<uint32_t, Decimal>& earlier_invoices) {
  MatchOutcome m;
  if (po == nullptr) {
    m.result = "matched";
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
  m.result = m.discrepancies.empty() ? "matched" : "disputed";
  return m;
}

Result<std::vector<NewEvent>> Rematch(const PurchaseOrder& po, const std::string& trigger,
                                      DecideContext& ctx, const std::string& cancelled) {
  std::vector<NewEvent> out;
  const MatchingPolicy policy = GetMatchingPolicy(ctx);
  for (const auto& id : po.invoices) {
    if (id == cancelled) continue;
    const auto* si = ctx.Get<SupplierInvoice>("supplier_invoice", id);
    if (si == nullptr || !Rematchable(*si)) continue;
    auto m = Match(*si, &po, policy, EarlierInvoiced(po, id, ctx, cancelled));
    if (!m.ok()) return m.status();
    if (m->result != si->status || m->discrepancies != si->discrepancies) {
      out.push_back(To(MatchedEvent(*m, trigger), "supplier_invoice", id));
    }
  }
  return out;
}

Decision DecideCaptureInvoice(const SiInput& in, DecideContext& ctx) {
  const auto* supplier = FindReference<events::SupplierDefined>(ctx, "supplier", in.supplier);
  if (supplier == nullptr) {
    return UnknownReference("supplier", in.supplier);
  }
  if (in.supplier_ref.empty()) return Status::Malformed("missing supplier_ref");
  LEDGER_RETURN_IF_ERROR(CheckDate(in.date, "date"));
  LEDGER_RETURN_IF_ERROR(CheckUnclaimed(ctx, in.supplier, in.supplier_ref));
  if (in.lines.empty()) return Status::Malformed("an invoice needs lines");

  const PurchaseOrder* po = nullptr;
  if (!in.purchase_order.empty()) {
    po = ctx.Get<PurchaseOrder>("purchase_order", in.purchase_order);
    if (po == nullptr) {
      return Status::NotFound("purchase order \"" + in.purchase_order + "\" does not exist");
    }
    if (po->supplier != in.supplier) {
      return Status::Rule("supplier_mismatch",
                          "the order is from supplier " + po->supplier + ", not " + in.supplier);
    }
    if (!IsOpenForReceiptsAndInvoices(*po)) {
      return Status::InvalidState("a " + po->status + " order cannot be invoiced");
    }
  }
  events::SupplierInvoiceCapturedT c;
  c.supplier = in.supplier;
  c.supplier_ref = in.supplier_ref;
  c.date = in.date;
  c.currency = in.currency.value_or(po ? po->currency : Str(supplier->currency()));
  auto digits = CurrencyDigits(c.currency);
  if (!digits) return Status::Malformed("unknown ISO 4217 currency \"" + c.currency + "\"");
  if (po && c.currency != po->currency) {
    return Status::Rule("currency_mismatch",
                        "the order is in " + po->currency + ", the invoice in " + c.currency);
  }
  c.currency_digits = static_cast<uint8_t>(*digits);
  c.tax_rounding = po ? po->tax_rounding : GetSettings(ctx).tax_rounding;
  auto rate = RateToCompany(ctx, c.currency);
  if (!rate.ok()) return rate.status();
  c.rate = rate->ToString();
  c.purchase_order = in.purchase_order;
  c.billing_method = po ? po->billing_method : "";
  std::string terms = po ? po->payment_terms : Str(supplier->payment_terms());
  c.due_date = in.date;
  if (const auto* t = FindReference<events::PaymentTermDefined>(ctx, "payment_term", terms)) {
    c.due_date = DueDate(in.date, Str(t->kind()), t->days());
  }

  std::set<uint32_t> seen_po_lines;
  for (size_t i = 0; i < in.lines.size(); ++i) {
    const SiLineInput& li = in.lines[i];
    auto line = std::make_unique<events::SupplierInvoiceLineT>();
    line->line_no = static_cast<uint32_t>(i + 1);
    if (li.quantity <= Decimal()) {
      return AtLine(i + 1, Status::Rule("invalid_quantity", "quantity must be positive"));
    }
    if (li.unit_price.is_negative()) {
      return AtLine(i + 1, Status::Rule("invalid_price", "unit_price must not be negative"));
    }
    line->quantity = li.quantity.ToString();
    line->unit_price = li.unit_price.ToString();
    line->description = li.description;
    std::string tax_code;
    if (li.po_line != 0) {
      if (po == nullptr) {
        return AtLine(i + 1, Status::Malformed("po_line needs the invoice's purchase_order"));
      }
      const PoLine* pl = FindLine(*po, li.po_line);
      if (pl == nullptr) {
        return AtLine(i + 1, Status::NotFound(fmt::format("the order has no line {}", li.po_line)));
      }
      line->po_line = li.po_line;
      if (line->description.empty()) line->description = pl->description;
      line->cost_center = pl->cost_center;
      line->category = pl->category;
      line->project = pl->project;
      tax_code = pl->tax_code;
      line->tax_rate = pl->tax_rate.ToString();
      line->tax_price_included = pl->price_included;
    } else if (line->description.empty()) {
      return AtLine(i + 1, Status::Malformed("a line off the order needs a description"));
    }
    if (li.tax_code) {
      tax_code = *li.tax_code;
      line->tax_rate = "0";
      line->tax_price_included = false;
      if (!tax_code.empty()) {
        const auto* t = FindReference<events::TaxCodeDefined>(ctx, "tax_code", tax_code);
        if (t == nullptr) {
          return AtLine(i + 1, UnknownReference("tax_code", tax_code));
        }
        line->tax_rate = Str(t->rate());
        line->tax_price_included = t->price_included();
      }
    }
    if (line->tax_rate.empty()) line->tax_rate = "0";
    line->tax_code = tax_code;
    c.lines.push_back(std::move(line));
  }
  SupplierInvoice si = FromCaptured(c, ctx.actor().id);
  auto amounts = ComputeAmounts(TaxInputs(si.lines), si.digits, RoundingOf(si));
  if (!amounts.ok()) return amounts.status();
  const int company_digits = CurrencyDigits(GetSettings(ctx).currency).value_or(2);
  std::vector<BudgetUse> actual, release;
  auto released_lines = std::vector<std::unique_ptr<events::QuantityOnLineT>>{};
  auto invoiced_lines = std::vector<std::unique_ptr<events::QuantityOnLineT>>{};
  std::map<uint32_t, Decimal> release_left;  // per order line, what may still be released
  for (size_t i = 0; i < c.lines.size(); ++i) {
    auto& line = *c.lines[i];
    const Decimal untaxed = amounts->lines[i].subtotal;
    line.untaxed = untaxed.ToString(si.digits);
    auto company = Times(untaxed, *rate, company_digits);
    if (!company.ok()) return company.status();
    line.company_amount = company->ToString(company_digits);
    line.released_commitment = "0";
    if (line.po_line == 0) continue;
    const PoLine* pl = FindLine(*po, line.po_line);
    if (!release_left.contains(line.po_line)) {
      release_left[line.po_line] = pl->commitment.CheckedSub(pl->released).value_or(Decimal());
    }
    Decimal& left = release_left[line.po_line];
    Decimal release_amount;
    if (left > Decimal() && pl->quantity > Decimal()) {
      auto share = Share(pl->commitment, si.lines[i].quantity, pl->quantity, company_digits);
      if (!share.ok()) return share.status();
      release_amount = std::min(*share, left);
      left = left.CheckedSub(release_amount).value_or(Decimal());
    }
    line.released_commitment = release_amount.ToString(company_digits);
    BudgetLineKey key{line.cost_center, line.category, line.project};
    actual.push_back({key, in.date.substr(0, 7), *company, untaxed, line.line_no});
    if (!release_amount.is_zero()) {
      release.push_back({key, po->committed_period, release_amount, untaxed, line.line_no});
    }
    auto q = std::make_unique<events::QuantityOnLineT>();
    q->line_no = line.po_line;
    q->quantity = line.quantity;
    invoiced_lines.push_back(std::move(q));
    auto r = std::make_unique<events::QuantityOnLineT>();
    r->line_no = line.po_line;
    r->quantity = line.released_commitment;
    released_lines.push_back(std::move(r));
  }
  c.untaxed = amounts->untaxed.ToString(si.digits);
  c.tax = amounts->tax.ToString(si.digits);
  c.total = amounts->total.ToString(si.digits);
  if (in.stated_untaxed) c.stated_untaxed = in.stated_untaxed->ToString(si.digits);
  if (in.stated_tax) c.stated_tax = in.stated_tax->ToString(si.digits);
  if (in.stated_total) c.stated_total = in.stated_total->ToString(si.digits);

  const std::string& id = ctx.stream_id();
  si = FromCaptured(c, ctx.actor().id);
  // Every invoice already on the order comes before this one.
  std::map<uint32_t, Decimal> earlier;
  if (po != nullptr) {
    for (const auto& l : po->lines) earlier[l.line_no] = l.invoiced;
  }
  auto m = Match(si, po, GetMatchingPolicy(ctx), earlier);
  if (!m.ok()) return m.status();

  std::vector<NewEvent> out = One(Emit(std::move(c)));
  auto claim = ClaimEvent(ctx, si.supplier, si.supplier_ref, id, "invoice");
  if (!claim.ok()) return claim.status();
  out.push_back(std::move(claim.value()));
  if (po != nullptr) {
    events::PurchaseOrderInvoicedT inv;
    inv.invoice = id;
    inv.lines = std::move(invoiced_lines);
    inv.released = std::move(released_lines);
    out.push_back(To(Emit(std::move(inv)), "purchase_order", si.purchase_order));
  }
  auto released = BudgetMovements(ctx, Movement::kReleaseCommitment, SourceOf(si, id), release, false);
  if (!released.ok()) return released.status();
  Append(&out, std::move(released.value()));
  auto spent = BudgetMovements(ctx, Movement::kActual, SourceOf(si, id), actual, false);
  if (!spent.ok()) return spent.status();
  Append(&out, std::move(spent.value()));
  out.push_back(MatchedEvent(*m, "capture"));
  return out;
}

Decision DecideAcceptDifference(const SupplierInvoice& si, const std::string& reason,
                                DecideContext& ctx) {
  if (si.status != "disputed") {
    return Status::InvalidState("only a disputed invoice has a difference to accept; it is " +
                                si.status);
  }
  if (reason.empty()) return Status::Malformed("accepting a difference needs a reason");
  if (!CanDecideOnInvoices(ctx.actor())) {
    return Status(Errc::kForbidden, "a difference is accepted by approver_finance or approver_direction");
  }
  if (ctx.actor().id == si.capturer) {
    return Status::Rule("segregation_of_duties",
                        "the person who captured the invoice cannot accept its difference");
  }
  events::SupplierInvoiceDifferenceAcceptedT a;
  a.reason = reason;
  a.discrepancies = DiscrepancyTables(si.discrepancies);
  return One(Emit(std::move(a)));
}

Decision DecideCreditNote(const SupplierInvoice& si, const CreditNoteInput& in, DecideContext& ctx) {
  if (si.status == "draft" || si.status == "cancelled" || si.status == "paid") {
    return Status::InvalidState("a " + si.status + " invoice takes no credit note");
  }
  if (in.supplier_ref.empty()) return Status::Malformed("missing supplier_ref");
  const std::string date = in.date.empty() ? ctx.today() : in.date;
  LEDGER_RETURN_IF_ERROR(CheckDate(date, "date"));
  LEDGER_RETURN_IF_ERROR(CheckUnclaimed(ctx, si.supplier, in.supplier_ref));
  if (in.lines.empty() == !in.amount.has_value()) {
    return Status::Malformed("a credit note has either lines or an amount");
  }
  // Credit per invoice line: quantity and untaxed amount.
  struct Credit {
    const SiLine* line;
    Decimal quantity, amount;
  };
  std::vector<Credit> credits;
  auto left_amount = [](const SiLine& l) {
    return l.untaxed.CheckedSub(l.credited_amount).value_or(Decimal());
  };
  if (in.amount) {
    if (*in.amount <= Decimal() || !in.amount->HasDigitsAtMost(si.digits)) {
      return Status::Malformed("amount must be positive, in the invoice currency's digits");
    }
    Decimal base;
    for (const auto& l : si.lines) AddTo(base, left_amount(l));
    if (*in.amount > base) {
      return Status::Rule("credit_exceeds_invoice", "the credit exceeds what the invoice bills",
                          {{"amount", in.amount->ToString(si.digits)},
                           {"invoiced", base.ToString(si.digits)}});
    }
    // Spread by line amount; the last line takes the rounding remainder.
    Decimal given;
    for (size_t i = 0; i < si.lines.size(); ++i) {
      Decimal share;
      if (i + 1 == si.lines.size()) {
        share = in.amount->CheckedSub(given).value_or(Decimal());
      } else {
        auto s = Share(*in.amount, left_amount(si.lines[i]), base, si.digits);
        if (!s.ok()) return s.status();
        share = *s;
      }
      AddTo(given, share);
      if (!share.is_zero()) credits.push_back({&si.lines[i], Decimal(), share});
    }
  } else {
    std::set<uint32_t> seen;
    for (const auto& cl : in.lines) {
      const SiLine* line = nullptr;
      for (const auto& l : si.lines) {
        if (l.line_no == cl.line) line = &l;
      }
      if (line == nullptr) return Status::NotFound(fmt::format("the invoice has no line {}", cl.line));
      if (!seen.insert(cl.line).second) {
        return Status::Malformed(fmt::format("line {} is credited twice", cl.line));
      }
      Credit c{line, Decimal(), Decimal()};
      if (cl.quantity) {
        if (*cl.quantity <= Decimal()) return Status::Malformed("quantity must be positive");
        Decimal left = line->quantity.CheckedSub(line->credited_quantity).value_or(Decimal());
        if (*cl.quantity > left) {
          return Status::Rule("credit_exceeds_invoice",
                              fmt::format("line {} has {} left to credit", cl.line, left.ToString()));
        }
        c.quantity = *cl.quantity;
        auto a = ComputeAmounts({{c.quantity, line->unit_price, Decimal(), line->tax_code,
                                  line->tax_rate, line->price_included}},
                                si.digits, RoundingOf(si));
        if (!a.ok()) return a.status();
        c.amount = a->untaxed;
      }
      if (cl.amount) {
        if (*cl.amount <= Decimal() || !cl.amount->HasDigitsAtMost(si.digits)) {
          return Status::Malformed("amount must be positive, in the invoice currency's digits");
        }
        c.amount = *cl.amount;
      }
      if (!cl.quantity && !cl.amount) {
        return Status::Malformed(fmt::format("credit line {} needs a quantity or an amount", cl.line));
      }
      if (c.amount > left_amount(*line)) {
        return Status::Rule("credit_exceeds_invoice",
                            fmt::format("line {} has {} left to credit", cl.line,
                                        left_amount(*line).ToString(si.digits)));
      }
      credits.push_back(c);
    }
  }
  // Tax of the credit, line by line as the invoice taxes them.
  std::vector<TaxLineInput> tax_in;
  for (const auto& c : credits) {
    tax_in.push_back({Decimal::FromInt(1), c.amount, Decimal(), c.line->tax_code,
                      c.line->tax_rate, false});
  }
  auto amounts = ComputeAmounts(tax_in, si.digits, RoundingOf(si));
  if (!amounts.ok()) return amounts.status();
  Decimal remaining = Remaining(si);
  if (amounts->total > remaining) {
    return Status::Rule("credit_exceeds_invoice",
                        "the credit note's total exceeds what is left to pay",
                        {{"credit", amounts->total.ToString(si.digits)},
                         {"remaining", remaining.ToString(si.digits)}});
  }
  const int company_digits = CurrencyDigits(GetSettings(ctx).currency).value_or(2);
  events::SupplierCreditNoteRecordedT n;
  n.supplier_ref = in.supplier_ref;
  n.date = date;
  std::vector<BudgetUse> release;
  SupplierInvoice after = si;
  for (const auto& c : credits) {
    auto company = Times(c.amount, si.rate, company_digits);
    if (!company.ok()) return company.status();
    auto t = std::make_unique<events::CreditNoteLineT>();
    t->line_no = c.line->line_no;
    t->quantity = c.quantity.ToString();
    t->amount = c.amount.ToString(si.digits);
    t->company_amount = company->ToString(company_digits);
    n.lines.push_back(std::move(t));
    if (!c.line->cost_center.empty()) {
      release.push_back({{c.line->cost_center, c.line->category, c.line->project},
                         si.date.substr(0, 7), *company, c.amount, c.line->line_no});
    }
    for (auto& l : after.lines) {
      if (l.line_no != c.line->line_no) continue;
      AddTo(l.credited_quantity, c.quantity);
      AddTo(l.credited_amount, c.amount);
    }
  }
  n.untaxed = amounts->untaxed.ToString(si.digits);
  n.tax = amounts->tax.ToString(si.digits);
  n.total = amounts->total.ToString(si.digits);
  const std::string& id = ctx.stream_id();
  auto rematch = RematchSelf(after, id, ctx, "credit note " + in.supplier_ref);
  if (!rematch.ok()) return rematch.status();
  std::vector<NewEvent> out = One(Emit(std::move(n)));
  auto claim = ClaimEvent(ctx, si.supplier, in.supplier_ref, id, "credit_note");
  if (!claim.ok()) return claim.status();
  out.push_back(std::move(claim.value()));
  auto budget = BudgetMovements(ctx, Movement::kReleaseActual, SourceOf(si, id), release, false);
  if (!budget.ok()) return budget.status();
  Append(&out, std::move(budget.value()));
  Append(&out, std::move(rematch.value()));
  return out;
}

Decision DecideApproveInvoice(const SupplierInvoice& si, DecideContext& ctx) {
  if (si.status == "disputed") {
    return Status::Rule("invoice_disputed",
                        "a disputed invoice is approved once its dispute is resolved",
                        {{"discrepancies", std::to_string(si.discrepancies.size())}});
  }
  if (si.status != "matched") {
    return Status::InvalidState("only a matched invoice can be approved; it is " + si.status);
  }
  if (ctx.actor().id == si.capturer) {
    return Status::Rule("segregation_of_duties",
                        "the person who captured the invoice cannot approve it");
  }
  return One(Emit(events::SupplierInvoiceApprovedT{}));
}

Decision DecidePayInvoice(const SupplierInvoice& si, const PaymentInput& in, DecideContext& ctx) {
  if (si.status != "approved" && si.status != "partially_paid") {
    return Status::InvalidState("only an approved invoice is paid; it is " + si.status);
  }
  if (in.method != "bank_transfer" && in.method != "card" && in.method != "mobile_money") {
    return Status::Malformed("method must be bank_transfer, card or mobile_money");
  }
  if (in.reference.empty()) return Status::Malformed("a payment needs its reference");
  const std::string date = in.date.empty() ? ctx.today() : in.date;
  LEDGER_RETURN_IF_ERROR(CheckDate(date, "date"));
  if (in.amount <= Decimal() || !in.amount.HasDigitsAtMost(si.digits)) {
    return Status::Malformed(
        fmt::format("amount must be positive with at most {} decimals", si.digits));
  }
  Decimal remaining = Remaining(si);
  if (in.amount > remaining) {
    return Status::Rule("overpayment", "the payment exceeds what is left to pay",
                        {{"amount", in.amount.ToString(si.digits)},
                         {"remaining", remaining.ToString(si.digits)}});
  }
  events::SupplierPaymentRecordedT p;
  p.amount = in.amount.ToString(si.digits);
  p.method = in.method;
  p.reference = in.reference;
  p.date = date;
  p.remaining = remaining.CheckedSub(in.amount).value_or(Decimal()).ToString(si.digits);
  return One(Emit(std::move(p)));
}

Decision DecideCancelInvoice(const SupplierInvoice& si, const std::string& reason,
                             DecideContext& ctx) {
  if (si.status == "cancelled" || si.status == "paid" || si.status == "partially_paid") {
    return Status::InvalidState("a " + si.status + " invoice cannot be cancelled");
  }
  const std::string& id = ctx.stream_id();
  std::vector<NewEvent> out;
  events::SupplierInvoiceCancelledT c;
  c.reason = reason;
  out.push_back(Emit(std::move(c)));
  // The supplier may send the document again, corrected.
  auto release = ClaimEvent(ctx, si.supplier, si.supplier_ref, id, "released");
  if (!release.ok()) return release.status();
  out.push_back(std::move(release.value()));
  std::vector<BudgetUse> actual, recommit;
  const PurchaseOrder* po = si.purchase_order.empty()
                                ? nullptr
                                : ctx.Get<PurchaseOrder>("purchase_order", si.purchase_order);
  events::PurchaseOrderInvoicedT back;
  back.invoice = id;
  for (const auto& l : si.lines) {
    BudgetLineKey key{l.cost_center, l.category, l.project};
    auto left = Minus(l.company_amount, l.credited_company);
    if (!left.ok()) return left.status();
    if (!l.cost_center.empty()) {
      actual.push_back({key, si.date.substr(0, 7), *left, l.untaxed, l.line_no});
    }
    if (po == nullptr || l.po_line == 0) continue;
    if (!l.released_commitment.is_zero()) {
      recommit.push_back({key, po->committed_period, l.released_commitment, l.untaxed, l.line_no});
    }
    auto q = std::make_unique<events::QuantityOnLineT>();
    q->line_no = l.po_line;
    q->quantity = (-l.quantity).ToString();
    back.lines.push_back(std::move(q));
    auto r = std::make_unique<events::QuantityOnLineT>();
    r->line_no = l.po_line;
    r->quantity = (-l.released_commitment).ToString();
    back.released.push_back(std::move(r));
  }
  if (po != nullptr) out.push_back(To(Emit(std::move(back)), "purchase_order", si.purchase_order));
  auto released = BudgetMovements(ctx, Movement::kReleaseActual, SourceOf(si, id), actual, false);
  if (!released.ok()) return released.status();
  Append(&out, std::move(released.value()));
  auto committed = BudgetMovements(ctx, Movement::kCommit, SourceOf(si, id), recommit, false);
  if (!committed.ok()) return committed.status();
  Append(&out, std::move(committed.value()));
  if (po != nullptr) {
    // What it billed is free again for the order's later invoices.
    auto rematch = Rematch(*po, "cancellation of " + id, ctx, id);
    if (!rematch.ok()) return rematch.status();
    Append(&out, std::move(rematch.value()));
  }
  return out;
}

// Receipts.

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

Decision DecideRecordReceipt(const ReceiptInput& in, DecideContext& ctx) {
  const auto* found = ctx.Get<PurchaseOrder>("purchase_order", in.purchase_order);
  if (found == nullptr) {
    return Status::NotFound("purchase order \"" + in.purchase_order + "\" does not exist");
  }
  if (!IsOpenForReceiptsAndInvoices(*found)) {
    return Status::InvalidState("goods are received against a confirmed order; it is " +
                                found->status);
  }
  LEDGER_RETURN_IF_ERROR(CheckDate(in.date, "date"));
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
    const auto* product = FindReference<events::ProductDefined>(ctx, "product", pl->product);
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
      LEDGER_RETURN_IF_ERROR(CheckDate(l.period_from, "period_from"));
      LEDGER_RETURN_IF_ERROR(CheckDate(l.period_to, "period_to"));
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
  out.push_back(To(Emit(std::move(received)), "purchase_order", in.purchase_order));
  Append(&out, std::move(rematch.value()));
  return out;
}

}  // namespace ledger::domain
