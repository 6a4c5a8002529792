#include "engine/purchasing/supplier_invoice.h"

#include <fmt/format.h>

#include <set>

#include "engine/clock.h"
#include "engine/budgets/budget.h"
#include "engine/money.h"
#include "engine/purchasing/matching_rules.h"
#include "engine/purchasing/supplier_document.h"
#include "engine/reference/reference_entity.h"
#include "engine/tax.h"

namespace ledger::domain {
namespace {

using events::Str;
using events::Sv;

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
  si.status = SiStatus::kDraft;
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

bool CanDecideOnInvoices(const Actor& a) {
  return a.HasRole("approver_finance") || a.HasRole("approver_direction") || a.HasRole("admin");
}

BudgetSource SourceOf(const SupplierInvoice& si, const std::string& id) {
  return {std::string(SupplierInvoice::kStream.type), id, si.supplier, si.currency, si.rate};
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
      auto result = kSiStatusLabels.Parse(Sv(m->result()));
      LEDGER_ASSERT(result.has_value());
      si.status = Enter(kSiMatch, si.status, *result);
      si.match_mode = Str(m->mode());
      si.discrepancies.clear();
      if (m->discrepancies()) {
        for (const auto* d : *m->discrepancies()) {
          si.discrepancies.push_back(
              {d->line(), Str(d->kind()), Str(d->expected()), Str(d->invoiced())});
        }
      }
      if (si.first_result.empty()) si.first_result = Label(si.status);
      si.ever_disputed = si.ever_disputed || si.status == SiStatus::kDisputed;
      break;
    }
    case Payload::SupplierInvoiceDifferenceAccepted:
      si.status = Enter(kSiAcceptDifference, si.status, SiStatus::kMatched);
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
      if ((si.status == SiStatus::kApproved || si.status == SiStatus::kPartiallyPaid) &&
          Remaining(si).is_zero()) {
        si.status = Enter(kSiCreditNote, si.status, SiStatus::kPaid);
      }
      break;
    }
    case Payload::SupplierInvoiceApproved:
      si.status = Enter(kSiApprove, si.status, SiStatus::kApproved);
      break;
    case Payload::SupplierPaymentRecorded:
      AddTo(si.paid, Dec(e.payload_as_SupplierPaymentRecorded()->amount()));
      si.status = Enter(kSiPay, si.status,
                        Remaining(si) <= Decimal() ? SiStatus::kPaid : SiStatus::kPartiallyPaid);
      break;
    case Payload::SupplierInvoiceCancelled:
      si.status = Enter(kSiCancel, si.status, SiStatus::kCancelled);
      break;
    default:
      break;
  }
}

std::string_view Label(const SupplierInvoice& si) { return Label(si.status); }

bool Valid(const SupplierInvoice& si) {
  return kSiStatusLabels.Known(si.status) &&
         CurrencyDigits(si.currency).value_or(-1) == si.digits;
}

Decimal Remaining(const SupplierInvoice& si) {
  auto r = si.total.CheckedSub(si.credited_total);
  if (r) r = r->CheckedSub(si.paid);
  return r.value_or(Decimal());
}

Decision Decide(const CaptureInvoice& cmd, DecideContext& ctx) {
  const SiInput& in = cmd.invoice;
  const auto* supplier = FindReference<events::SupplierDefined>(ctx, in.supplier);
  if (supplier == nullptr) {
    return UnknownReference<events::SupplierDefined>(in.supplier);
  }
  if (in.supplier_ref.empty()) return Status::Malformed("missing supplier_ref");
  LEDGER_RETURN_IF_ERROR(CheckIsoDate(in.date, "date"));
  LEDGER_RETURN_IF_ERROR(CheckUnclaimed(ctx, in.supplier, in.supplier_ref));
  if (in.lines.empty()) return Status::Malformed("an invoice needs lines");

  const PurchaseOrder* po = nullptr;
  if (!in.purchase_order.empty()) {
    po = ctx.Get<PurchaseOrder>(in.purchase_order);
    if (po == nullptr) {
      return Status::NotFound("purchase order \"" + in.purchase_order + "\" does not exist");
    }
    if (po->supplier != in.supplier) {
      return Status::Rule("supplier_mismatch",
                          "the order is from supplier " + po->supplier + ", not " + in.supplier);
    }
    LEDGER_RETURN_IF_ERROR(CheckTransition(kPoInvoice, po->status));
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
  if (const auto* t = FindReference<events::PaymentTermDefined>(ctx, terms)) {
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
        const auto* t = FindReference<events::TaxCodeDefined>(ctx, tax_code);
        if (t == nullptr) {
          return AtLine(i + 1, UnknownReference<events::TaxCodeDefined>(tax_code));
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
    out.push_back(ToStream<PurchaseOrder>(Emit(std::move(inv)), si.purchase_order));
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

Decision Decide(const SupplierInvoice& si, const AcceptDifference& cmd, DecideContext& ctx) {
  const std::string& reason = cmd.reason;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kSiAcceptDifference, si.status));
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

Decision Decide(const SupplierInvoice& si, const RecordCreditNote& cmd, DecideContext& ctx) {
  const CreditNoteInput& in = cmd.note;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kSiCreditNote, si.status));
  if (in.supplier_ref.empty()) return Status::Malformed("missing supplier_ref");
  const std::string date = in.date.empty() ? ctx.today() : in.date;
  LEDGER_RETURN_IF_ERROR(CheckIsoDate(date, "date"));
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

Decision Decide(const SupplierInvoice& si, const ApproveInvoice&, DecideContext& ctx) {
  if (si.status == SiStatus::kDisputed) {
    return Status::Rule("invoice_disputed",
                        "a disputed invoice is approved once its dispute is resolved",
                        {{"discrepancies", std::to_string(si.discrepancies.size())}});
  }
  LEDGER_RETURN_IF_ERROR(CheckTransition(kSiApprove, si.status));
  if (ctx.actor().id == si.capturer) {
    return Status::Rule("segregation_of_duties",
                        "the person who captured the invoice cannot approve it");
  }
  return One(Emit(events::SupplierInvoiceApprovedT{}));
}

Decision Decide(const SupplierInvoice& si, const PayInvoice& cmd, DecideContext& ctx) {
  const PaymentInput& in = cmd.payment;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kSiPay, si.status));
  if (in.method != "bank_transfer" && in.method != "card" && in.method != "mobile_money") {
    return Status::Malformed("method must be bank_transfer, card or mobile_money");
  }
  if (in.reference.empty()) return Status::Malformed("a payment needs its reference");
  const std::string date = in.date.empty() ? ctx.today() : in.date;
  LEDGER_RETURN_IF_ERROR(CheckIsoDate(date, "date"));
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

Decision Decide(const SupplierInvoice& si, const CancelInvoice& cmd, DecideContext& ctx) {
  const std::string& reason = cmd.reason;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kSiCancel, si.status));
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
                                : ctx.Get<PurchaseOrder>(si.purchase_order);
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
  if (po != nullptr) {
    out.push_back(ToStream<PurchaseOrder>(Emit(std::move(back)), si.purchase_order));
  }
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
}  // namespace ledger::domain
