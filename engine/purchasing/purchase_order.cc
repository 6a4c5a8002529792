#include "engine/purchasing/purchase_order.h"

#include <fmt/format.h>

#include "engine/clock.h"
#include "engine/budgets/budget.h"
#include "engine/money.h"
#include "engine/reference/reference_entity.h"

namespace ledger::domain {
namespace {

using events::Sv;
using events::Str;

PoLine LineFrom(const events::PurchaseOrderLine& l) {
  PoLine p;
  p.line_no = l.line_no();
  p.product = Str(l.product());
  p.description = Str(l.description());
  p.quantity = Dec(l.quantity());
  p.unit_price = Dec(l.unit_price());
  p.discount = Dec(l.discount());
  p.tax_code = Str(l.tax_code());
  p.tax_rate = Dec(l.tax_rate());
  p.price_included = l.tax_price_included();
  p.cost_center = Str(l.cost_center());
  p.project = Str(l.project());
  p.category = Str(l.category());
  p.expected_date = Str(l.expected_date());
  p.warehouse = Str(l.warehouse());
  p.request_line = l.request_line();
  return p;
}

std::vector<TaxLineInput> TaxInputs(const std::vector<PoLine>& lines) {
  std::vector<TaxLineInput> in;
  in.reserve(lines.size());
  for (const auto& l : lines) {
    in.push_back({l.quantity, l.unit_price, l.discount, l.tax_code, l.tax_rate, l.price_included});
  }
  return in;
}

// Header values an order line depends on.
struct LineContext {
  std::string fiscal_position;
};

// Merges `in` over `base`, checks every field and reference, and resolves the
// product's tax through the fiscal position.
struct ResolvedLine {
  PoLine line;                                     // for amount checks
  std::unique_ptr<events::PurchaseOrderLineT> event;  // for the event
};

Result<ResolvedLine> ResolveLine(const PoLine& base, const PoLineInput& in,
                                 const LineContext& lc, DecideContext& ctx) {
  PoLine l = base;
  if (in.product) l.product = *in.product;
  if (in.description) l.description = *in.description;
  if (in.quantity) l.quantity = *in.quantity;
  if (in.unit_price) l.unit_price = *in.unit_price;
  if (in.discount) l.discount = *in.discount;
  if (in.cost_center) l.cost_center = *in.cost_center;
  if (in.project) l.project = *in.project;
  if (in.expected_date) l.expected_date = *in.expected_date;
  if (in.warehouse) l.warehouse = *in.warehouse;
  if (in.request_line != 0) l.request_line = in.request_line;

  if (l.product.empty()) return Status::Malformed("a line needs a product");
  const auto* product = FindReference<events::ProductDefined>(ctx, l.product);
  if (product == nullptr) return UnknownReference<events::ProductDefined>(l.product);
  if (l.quantity <= Decimal()) {
    return Status::Rule("invalid_quantity", "quantity must be positive",
                        {{"quantity", l.quantity.ToString()}});
  }
  if (l.unit_price.is_negative()) {
    return Status::Rule("invalid_price", "unit_price must not be negative",
                        {{"unit_price", l.unit_price.ToString()}});
  }
  if (l.discount.is_negative() || l.discount > Decimal::FromInt(100)) {
    return Status::Rule("invalid_discount", "discount must be between 0 and 100",
                        {{"discount", l.discount.ToString()}});
  }
  if (l.cost_center.empty()) return Status::Malformed("a line needs a cost_center");
  if (!FindReference<events::CostCenterDefined>(ctx, l.cost_center)) {
    return UnknownReference<events::CostCenterDefined>(l.cost_center);
  }
  if (!l.project.empty() && !FindReference<events::ProjectDefined>(ctx, l.project)) {
    return UnknownReference<events::ProjectDefined>(l.project);
  }
  if (!l.expected_date.empty() && !IsIsoDate(l.expected_date)) {
    return Status::Malformed("expected_date must be a date YYYY-MM-DD");
  }
  if (l.description.empty()) l.description = Str(product->name());
  l.category = Str(product->category());

  // Product tax, mapped by the supplier's fiscal position.
  std::string tax_code = Str(product->tax_code());
  if (!lc.fiscal_position.empty()) {
    if (auto* fp = FindReference<events::FiscalPositionDefined>(ctx, lc.fiscal_position)) {
      if (fp->map()) {
        for (const auto* m : *fp->map()) {
          if (Sv(m->from()) == tax_code) {
            tax_code = Str(m->to());
            break;
          }
        }
      }
    }
  }
  l.tax_code = tax_code;
  l.tax_rate = Decimal();
  l.price_included = false;
  if (!tax_code.empty()) {
    const auto* tax = FindReference<events::TaxCodeDefined>(ctx, tax_code);
    if (tax == nullptr) return UnknownReference<events::TaxCodeDefined>(tax_code);
    l.tax_rate = Dec(tax->rate());
    l.price_included = tax->price_included();
  }

  auto out = std::make_unique<events::PurchaseOrderLineT>();
  out->line_no = l.line_no;
  out->product = l.product;
  out->description = l.description;
  out->quantity = l.quantity.ToString();
  out->unit_price = l.unit_price.ToString();
  out->discount = l.discount.ToString();
  out->tax_code = l.tax_code;
  out->tax_rate = l.tax_rate.ToString();
  out->tax_price_included = l.price_included;
  out->cost_center = l.cost_center;
  out->project = l.project;
  out->category = l.category;
  out->expected_date = l.expected_date;
  out->warehouse = l.warehouse;
  out->request_line = l.request_line;
  return ResolvedLine{std::move(l), std::move(out)};
}

// Amounts of `lines` in the order's currency and rounding mode.
Result<DocumentAmounts> AmountsOf(const PurchaseOrder& po, const std::vector<PoLine>& lines) {
  return ComputeAmounts(TaxInputs(lines), po.digits,
                        ParseTaxRounding(po.tax_rounding).value_or(TaxRounding::kPerLine));
}

// Checks that the order's amounts still fit once `lines` replace its lines.
Status CheckAmounts(const PurchaseOrder& po, const std::vector<PoLine>& lines) {
  auto a = AmountsOf(po, lines);
  return a.ok() ? Status::Ok() : a.status();
}

// What a confirmed order still commits, line by line, to release it.
std::vector<std::unique_ptr<events::CommitmentLineT>> Outstanding(const PurchaseOrder& po,
                                                                  const DocumentAmounts& a) {
  std::vector<std::unique_ptr<events::CommitmentLineT>> out;
  if (!kPoReceive.from.contains(po.status)) return out;  // nothing committed
  for (size_t i = 0; i < po.lines.size(); ++i) {
    const PoLine& l = po.lines[i];
    auto c = std::make_unique<events::CommitmentLineT>();
    c->line_no = l.line_no;
    c->cost_center = l.cost_center;
    c->project = l.project;
    c->category = l.category;
    c->untaxed = a.lines[i].subtotal.ToString(po.digits);
    c->company_amount = l.commitment.CheckedSub(l.released).value_or(Decimal()).ToString();
    out.push_back(std::move(c));
  }
  return out;
}

BudgetSource SourceOf(const PurchaseOrder& po, const std::string& id, Decimal rate) {
  return {std::string(PurchaseOrder::kStream.type), id, po.supplier, po.currency, rate};
}

std::vector<BudgetUse> UsesOf(const std::vector<std::unique_ptr<events::CommitmentLineT>>& lines,
                              const std::string& period) {
  std::vector<BudgetUse> uses;
  for (const auto& c : lines) {
    uses.push_back({{c->cost_center, c->category, c->project},
                    period,
                    Decimal::ParseStored(c->company_amount).value_or(Decimal()),
                    Decimal::ParseStored(c->untaxed).value_or(Decimal()),
                    c->line_no});
  }
  return uses;
}

// The status a confirmed order has from its receipts and invoices.
PoStatus ProgressStatus(const PurchaseOrder& po) {
  bool all_received = true, any_received = false, all_invoiced = true;
  for (const auto& l : po.lines) {
    all_received = all_received && l.received >= l.quantity;
    any_received = any_received || l.received > Decimal();
    all_invoiced = all_invoiced && l.invoiced >= l.quantity;
  }
  if (all_invoiced && (all_received || po.billing_method == "ordered")) return PoStatus::kDone;
  if (all_received) return PoStatus::kReceived;
  if (any_received) return PoStatus::kPartiallyReceived;
  return PoStatus::kConfirmed;
}

Status ResolveSupplier(const std::string& id, const events::SupplierDefined** out,
                       DecideContext& ctx) {
  if (id.empty()) return Status::Malformed("missing supplier");
  *out = FindReference<events::SupplierDefined>(ctx, id);
  if (*out == nullptr) return UnknownReference<events::SupplierDefined>(id);
  if ((*out)->blocked()) {
    return Status::Rule("supplier_blocked", "supplier \"" + id + "\" is blocked",
                        {{"supplier", id}});
  }
  return Status::Ok();
}

}  // namespace

void Apply(PurchaseOrder& po, const events::Envelope& e) {
  using events::Payload;
  auto step = [&](const char* name) {
    po.steps[name] = {e.recorded_at_us(), Str(e.actor())};
  };
  switch (e.payload_type()) {
    case Payload::PurchaseOrderCreated: {
      auto* p = e.payload_as_PurchaseOrderCreated();
      po.status = PoStatus::kDraft;
      po.supplier = Str(p->supplier());
      po.currency = Str(p->currency());
      po.digits = p->currency_digits();
      po.tax_rounding = Str(p->tax_rounding());
      po.payment_terms = Str(p->payment_terms());
      po.billing_method = Str(p->billing_method());
      po.incoterm = Str(p->incoterm());
      po.fiscal_position = Str(p->fiscal_position());
      po.purchase_request = Str(p->purchase_request());
      po.expected_date = Str(p->expected_date());
      po.note_supplier = Str(p->note_supplier());
      po.note_receipt = Str(p->note_receipt());
      po.note_billing = Str(p->note_billing());
      po.note_internal = Str(p->note_internal());
      step("created");
      break;
    }
    case Payload::PurchaseOrderHeaderUpdated: {
      auto* p = e.payload_as_PurchaseOrderHeaderUpdated();
      po.supplier = Str(p->supplier());
      po.currency = Str(p->currency());
      po.digits = p->currency_digits();
      po.payment_terms = Str(p->payment_terms());
      po.billing_method = Str(p->billing_method());
      po.incoterm = Str(p->incoterm());
      po.fiscal_position = Str(p->fiscal_position());
      po.expected_date = Str(p->expected_date());
      break;
    }
    case Payload::PurchaseOrderLineAdded: {
      PoLine l = LineFrom(*e.payload_as_PurchaseOrderLineAdded()->line());
      po.next_line_no = std::max(po.next_line_no, l.line_no + 1);
      po.lines.push_back(std::move(l));
      break;
    }
    case Payload::PurchaseOrderLineUpdated: {
      PoLine l = LineFrom(*e.payload_as_PurchaseOrderLineUpdated()->line());
      for (auto& existing : po.lines) {
        if (existing.line_no == l.line_no) {
          if (l.request_line == 0) l.request_line = existing.request_line;
          existing = l;
        }
      }
      break;
    }
    case Payload::PurchaseOrderLineRemoved: {
      uint32_t n = e.payload_as_PurchaseOrderLineRemoved()->line_no();
      std::erase_if(po.lines, [n](const PoLine& l) { return l.line_no == n; });
      break;
    }
    case Payload::PurchaseOrderRfqSent:
      po.status = Enter(kPoSendRfq, po.status, PoStatus::kRfqSent);
      step("rfq_sent");
      break;
    case Payload::PurchaseOrderConfirmed: {
      const auto* c = e.payload_as_PurchaseOrderConfirmed();
      po.status = Enter(kPoConfirm, po.status, PoStatus::kConfirmed);
      po.committed_period = Str(c->period());
      po.budget_rate = Dec(c->rate());
      if (c->commitments()) {
        for (const auto* cl : *c->commitments()) {
          for (auto& l : po.lines) {
            if (l.line_no == cl->line_no()) {
              l.commitment = Dec(cl->company_amount());
              l.released = Decimal();
            }
          }
        }
      }
      step("confirmed");
      break;
    }
    case Payload::PurchaseOrderReceived: {
      const auto* r = e.payload_as_PurchaseOrderReceived();
      if (r->lines()) {
        for (const auto* q : *r->lines()) {
          for (auto& l : po.lines) {
            if (l.line_no == q->line_no()) AddTo(l.received, Dec(q->quantity()));
          }
        }
      }
      po.has_receipts = true;
      po.status = Enter(kPoReceive, po.status, ProgressStatus(po));
      break;
    }
    case Payload::PurchaseOrderInvoiced: {
      const auto* inv = e.payload_as_PurchaseOrderInvoiced();
      if (inv->lines()) {
        for (const auto* q : *inv->lines()) {
          for (auto& l : po.lines) {
            if (l.line_no == q->line_no()) AddTo(l.invoiced, Dec(q->quantity()));
          }
        }
      }
      if (inv->released()) {
        for (const auto* q : *inv->released()) {
          for (auto& l : po.lines) {
            if (l.line_no == q->line_no()) AddTo(l.released, Dec(q->quantity()));
          }
        }
      }
      std::string id = Str(inv->invoice());
      if (std::find(po.invoices.begin(), po.invoices.end(), id) == po.invoices.end()) {
        po.invoices.push_back(id);
      }
      po.has_invoices = true;
      po.status = Enter(kPoInvoice, po.status, ProgressStatus(po));
      break;
    }
    case Payload::PurchaseOrderResetToDraft:
      po.status = Enter(kPoResetToDraft, po.status, PoStatus::kDraft);
      po.committed_period.clear();
      for (auto& l : po.lines) l.commitment = l.released = Decimal();
      // Resetting clears the step dates (SPEC §4.4).
      po.steps.erase("rfq_sent");
      po.steps.erase("confirmed");
      po.steps.erase("cancelled");
      step("reset_to_draft");
      break;
    case Payload::PurchaseOrderCancelled:
      po.status = Enter(kPoCancel, po.status, PoStatus::kCancelled);
      po.committed_period.clear();
      for (auto& l : po.lines) l.commitment = l.released = Decimal();
      step("cancelled");
      break;
    case Payload::PurchaseOrderNotesUpdated: {
      auto* p = e.payload_as_PurchaseOrderNotesUpdated();
      po.note_supplier = Str(p->note_supplier());
      po.note_receipt = Str(p->note_receipt());
      po.note_billing = Str(p->note_billing());
      po.note_internal = Str(p->note_internal());
      break;
    }
    default:
      break;
  }
}

std::string_view Label(const PurchaseOrder& po) { return Label(po.status); }

Result<DocumentAmounts> Amounts(const PurchaseOrder& po) { return AmountsOf(po, po.lines); }

Decision Decide(const CreatePurchaseOrder& cmd, DecideContext& ctx) {
  const PoHeaderInput& h = cmd.header;
  const PoNotesInput& notes = cmd.notes;
  const std::vector<PoLineInput>& lines = cmd.lines;
  const events::SupplierDefined* supplier = nullptr;
  LEDGER_RETURN_IF_ERROR(ResolveSupplier(h.supplier.value_or(""), &supplier, ctx));
  events::PurchaseOrderCreatedT c;
  c.supplier = *h.supplier;
  c.currency = h.currency.value_or(Str(supplier->currency()));
  auto digits = CurrencyDigits(c.currency);
  if (!digits) return Status::Malformed("unknown ISO 4217 currency \"" + c.currency + "\"");
  c.currency_digits = static_cast<uint8_t>(*digits);
  c.tax_rounding = GetSettings(ctx).tax_rounding;
  c.payment_terms = h.payment_terms.value_or(Str(supplier->payment_terms()));
  if (!c.payment_terms.empty() &&
      !FindReference<events::PaymentTermDefined>(ctx, c.payment_terms)) {
    return UnknownReference<events::PaymentTermDefined>(c.payment_terms);
  }
  c.billing_method = h.billing_method.value_or(Str(supplier->billing_method()));
  if (c.billing_method != "ordered" && c.billing_method != "received") {
    return Status::Malformed("billing_method must be \"ordered\" or \"received\"");
  }
  c.incoterm = h.incoterm.value_or(Str(supplier->incoterm()));
  c.fiscal_position = Str(supplier->fiscal_position());
  c.purchase_request = h.purchase_request.value_or("");
  c.expected_date = h.expected_date.value_or("");
  if (!c.expected_date.empty() && !IsIsoDate(c.expected_date)) {
    return Status::Malformed("expected_date must be a date YYYY-MM-DD");
  }
  // Notes are propagated from the supplier and stay editable.
  c.note_supplier = notes.supplier.value_or(Str(supplier->note_purchase()));
  c.note_receipt = notes.receipt.value_or(Str(supplier->note_receipt()));
  c.note_billing = notes.billing.value_or(Str(supplier->note_invoice()));
  c.note_internal = notes.internal.value_or(Str(supplier->note_internal()));

  PurchaseOrder draft;
  draft.digits = c.currency_digits;
  draft.tax_rounding = c.tax_rounding;
  std::vector<NewEvent> out;
  LineContext lc{c.fiscal_position};
  std::vector<PoLine> resolved;
  for (const auto& in : lines) {
    PoLine base;
    base.line_no = static_cast<uint32_t>(resolved.size() + 1);
    auto line = ResolveLine(base, in, lc, ctx);
    if (!line.ok()) return AtLine(base.line_no, line.status());
    resolved.push_back(std::move(line->line));
    events::PurchaseOrderLineAddedT added;
    added.line = std::move(line->event);
    out.push_back(Emit(std::move(added)));
  }
  LEDGER_RETURN_IF_ERROR(CheckAmounts(draft, resolved));
  out.insert(out.begin(), Emit(std::move(c)));
  return out;
}

Decision Decide(const PurchaseOrder& po, const UpdatePoHeader& cmd, DecideContext& ctx) {
  const PoHeaderInput& h = cmd.header;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPoEditHeader, po.status));
  events::PurchaseOrderHeaderUpdatedT u;
  u.supplier = po.supplier;
  u.currency = po.currency;
  u.currency_digits = static_cast<uint8_t>(po.digits);
  u.payment_terms = po.payment_terms;
  u.billing_method = po.billing_method;
  u.incoterm = po.incoterm;
  u.fiscal_position = po.fiscal_position;
  u.expected_date = po.expected_date;
  if (h.supplier && *h.supplier != po.supplier) {
    if (!po.lines.empty()) {
      return Status::Rule("supplier_locked", "the supplier cannot change once the order has lines");
    }
    const events::SupplierDefined* supplier = nullptr;
    LEDGER_RETURN_IF_ERROR(ResolveSupplier(*h.supplier, &supplier, ctx));
    u.supplier = *h.supplier;
    u.fiscal_position = Str(supplier->fiscal_position());
    if (!h.currency) u.currency = Str(supplier->currency());
    if (!h.payment_terms) u.payment_terms = Str(supplier->payment_terms());
    if (!h.billing_method) u.billing_method = Str(supplier->billing_method());
    if (!h.incoterm) u.incoterm = Str(supplier->incoterm());
  }
  if (h.currency && *h.currency != po.currency) {
    if (!po.lines.empty()) {
      return Status::Rule("currency_locked", "the currency cannot change once the order has lines");
    }
    u.currency = *h.currency;
  }
  auto digits = CurrencyDigits(u.currency);
  if (!digits) return Status::Malformed("unknown ISO 4217 currency \"" + u.currency + "\"");
  u.currency_digits = static_cast<uint8_t>(*digits);
  if (h.payment_terms) u.payment_terms = *h.payment_terms;
  if (!u.payment_terms.empty() &&
      !FindReference<events::PaymentTermDefined>(ctx, u.payment_terms)) {
    return UnknownReference<events::PaymentTermDefined>(u.payment_terms);
  }
  if (h.billing_method) u.billing_method = *h.billing_method;
  if (u.billing_method != "ordered" && u.billing_method != "received") {
    return Status::Malformed("billing_method must be \"ordered\" or \"received\"");
  }
  if (h.incoterm) u.incoterm = *h.incoterm;
  if (h.expected_date) u.expected_date = *h.expected_date;
  if (!u.expected_date.empty() && !IsIsoDate(u.expected_date)) {
    return Status::Malformed("expected_date must be a date YYYY-MM-DD");
  }
  return One(Emit(std::move(u)));
}

Decision Decide(const PurchaseOrder& po, const AddPoLine& cmd, DecideContext& ctx) {
  const PoLineInput& in = cmd.line;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPoEditLines, po.status));
  PoLine base;
  base.line_no = po.next_line_no;
  auto line = ResolveLine(base, in, LineContext{po.fiscal_position}, ctx);
  if (!line.ok()) return line.status();
  auto lines = po.lines;
  lines.push_back(std::move(line->line));
  LEDGER_RETURN_IF_ERROR(CheckAmounts(po, lines));
  events::PurchaseOrderLineAddedT added;
  added.line = std::move(line->event);
  return One(Emit(std::move(added)));
}

Decision Decide(const PurchaseOrder& po, const UpdatePoLine& cmd, DecideContext& ctx) {
  const uint32_t line_no = cmd.line_no;
  const PoLineInput& in = cmd.line;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPoEditLines, po.status));
  auto it = std::find_if(po.lines.begin(), po.lines.end(),
                         [&](const PoLine& l) { return l.line_no == line_no; });
  if (it == po.lines.end()) {
    return Status::NotFound(fmt::format("the order has no line {}", line_no));
  }
  auto line = ResolveLine(*it, in, LineContext{po.fiscal_position}, ctx);
  if (!line.ok()) return line.status();
  auto lines = po.lines;
  lines[it - po.lines.begin()] = std::move(line->line);
  LEDGER_RETURN_IF_ERROR(CheckAmounts(po, lines));
  events::PurchaseOrderLineUpdatedT updated;
  updated.line = std::move(line->event);
  return One(Emit(std::move(updated)));
}

Decision Decide(const PurchaseOrder& po, const RemovePoLine& cmd, DecideContext&) {
  const uint32_t line_no = cmd.line_no;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPoEditLines, po.status));
  if (std::none_of(po.lines.begin(), po.lines.end(),
                   [&](const PoLine& l) { return l.line_no == line_no; })) {
    return Status::NotFound(fmt::format("the order has no line {}", line_no));
  }
  events::PurchaseOrderLineRemovedT r;
  r.line_no = line_no;
  return One(Emit(std::move(r)));
}

Decision Decide(const PurchaseOrder& po, const SendRfq&, DecideContext&) {
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPoSendRfq, po.status));
  return One(Emit(events::PurchaseOrderRfqSentT{}));
}

Decision Decide(const PurchaseOrder& po, const ConfirmPo&, DecideContext& ctx) {
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPoConfirm, po.status));
  if (po.lines.empty()) return Status::Rule("empty_order", "an order without lines cannot be confirmed");
  const events::SupplierDefined* supplier = nullptr;
  LEDGER_RETURN_IF_ERROR(ResolveSupplier(po.supplier, &supplier, ctx));
  auto a = Amounts(po);
  if (!a.ok()) return a.status();
  auto rate = RateToCompany(ctx, po.currency);
  if (!rate.ok()) return rate.status();
  const int company_digits = CurrencyDigits(GetSettings(ctx).currency).value_or(2);
  events::PurchaseOrderConfirmedT c;
  c.untaxed = a->untaxed.ToString(po.digits);
  c.tax = a->tax.ToString(po.digits);
  c.total = a->total.ToString(po.digits);
  c.supplier = po.supplier;
  c.currency = po.currency;
  c.period = ctx.today().substr(0, 7);
  c.rate = rate->ToString();
  for (size_t i = 0; i < po.lines.size(); ++i) {
    auto company = Times(a->lines[i].subtotal, *rate, company_digits);
    if (!company.ok()) return company.status();
    auto cl = std::make_unique<events::CommitmentLineT>();
    cl->line_no = po.lines[i].line_no;
    cl->cost_center = po.lines[i].cost_center;
    cl->project = po.lines[i].project;
    cl->category = po.lines[i].category;
    cl->untaxed = a->lines[i].subtotal.ToString(po.digits);
    cl->company_amount = company->ToString(company_digits);
    c.commitments.push_back(std::move(cl));
  }
  auto budget = BudgetMovements(ctx, Movement::kCommit, SourceOf(po, ctx.stream_id(), *rate),
                                UsesOf(c.commitments, c.period), /*check=*/true);
  if (!budget.ok()) return budget.status();
  std::vector<NewEvent> out = One(Emit(std::move(c)));
  for (auto& e : *budget) out.push_back(std::move(e));
  return out;
}

namespace {

// Reset to draft and cancellation: refused once goods or invoices exist;
// both release what a confirmed order committed.
template <class Event>
Decision ReleaseAndEmit(const PurchaseOrder& po, const char* action, Event ev,
                        DecideContext& ctx) {
  if (po.has_receipts || po.has_invoices) {
    return Status::Rule("order_has_receipts_or_invoices",
                        fmt::format("an order with a receipt or an invoice cannot be {}", action));
  }
  auto a = Amounts(po);
  if (!a.ok()) return a.status();
  ev.supplier = po.supplier;
  ev.currency = po.currency;
  ev.period = po.committed_period;
  ev.released = Outstanding(po, *a);
  auto budget =
      BudgetMovements(ctx, Movement::kReleaseCommitment,
                      SourceOf(po, ctx.stream_id(), po.budget_rate), UsesOf(ev.released, ev.period),
                      /*check=*/false);
  if (!budget.ok()) return budget.status();
  std::vector<NewEvent> out = One(Emit(std::move(ev)));
  for (auto& e : *budget) out.push_back(std::move(e));
  return out;
}

}  // namespace

Decision Decide(const PurchaseOrder& po, const ResetPoToDraft&, DecideContext& ctx) {
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPoResetToDraft, po.status));
  return ReleaseAndEmit(po, "reset to draft", events::PurchaseOrderResetToDraftT{}, ctx);
}

Decision Decide(const PurchaseOrder& po, const CancelPo& cmd, DecideContext& ctx) {
  const std::string& reason = cmd.reason;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPoCancel, po.status));
  events::PurchaseOrderCancelledT c;
  c.reason = reason;
  return ReleaseAndEmit(po, "cancelled", std::move(c), ctx);
}

Decision Decide(const PurchaseOrder& po, const UpdatePoNotes& cmd, DecideContext&) {
  const PoNotesInput& n = cmd.notes;
  events::PurchaseOrderNotesUpdatedT u;
  u.note_supplier = n.supplier.value_or(po.note_supplier);
  u.note_receipt = n.receipt.value_or(po.note_receipt);
  u.note_billing = n.billing.value_or(po.note_billing);
  u.note_internal = n.internal.value_or(po.note_internal);
  if (u.note_supplier == po.note_supplier && u.note_receipt == po.note_receipt &&
      u.note_billing == po.note_billing && u.note_internal == po.note_internal) {
    return std::vector<NewEvent>{};  // nothing changed: nothing appended
  }
  return One(Emit(std::move(u)));
}

const PoLine* FindLine(const PurchaseOrder& po, uint32_t line_no) {
  for (const auto& l : po.lines) {
    if (l.line_no == line_no) return &l;
  }
  return nullptr;
}

Decimal NetUnitPrice(const PoLine& l) {
  if (l.discount.is_zero()) return l.unit_price;
  auto keep = CheckedSub(Exact::Integer(1), Exact::Percent(l.discount));
  auto net = keep ? CheckedMul(Exact::Of(l.unit_price), *keep) : std::nullopt;
  auto r = net ? RoundExact(*net, Decimal::kScale) : std::nullopt;
  return r.value_or(l.unit_price);
}

bool Valid(const PurchaseOrder& po) {
  return kPoStatusLabels.Known(po.status) &&
         (CurrencyDigits(po.currency).value_or(-1) == po.digits || po.currency.empty());
}

}  // namespace ledger::domain
