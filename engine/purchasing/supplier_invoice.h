// Supplier invoices, matching, disputes, credit notes and payments
// (SPEC §4.6), and receipts (SPEC §4.5).
//
// Invoice states: matched | disputed -> approved -> partially_paid -> paid;
// cancelled. Matching runs at capture and whenever the order moves (a
// receipt, a return) or the invoice does (a credit note): 2-way against the
// ordered quantities when the order is billed on ordered quantities, 3-way
// against the received quantities otherwise. Tolerances come from the
// company's matching policy; a value exactly at a tolerance is within it.
// A dispute is resolved by a credit note, by accepting the difference
// (approver recorded) or by cancelling and capturing again.
//
// Budget: capturing an invoice moves its order lines' commitment to actual;
// credit notes release actual; a cancelled invoice gives both back.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/aggregate.h"
#include "engine/purchasing/purchase_order.h"
#include "engine/reference/reference.h"

namespace ledger::domain {

struct SiLine {
  uint32_t line_no = 0, po_line = 0;
  std::string description;
  Decimal quantity, unit_price;
  std::string tax_code;
  Decimal tax_rate;
  bool price_included = false;
  std::string cost_center, category, project;
  Decimal untaxed, company_amount, released_commitment;
  // Credit notes so far.
  Decimal credited_quantity, credited_amount, credited_company;
};

struct SiDiscrepancy {
  uint32_t line = 0;
  std::string kind, expected, invoiced;
  bool operator==(const SiDiscrepancy&) const = default;
};

struct SupplierInvoice {
  std::string status = "draft";
  std::string supplier, supplier_ref, date, due_date, currency;
  int digits = 2;
  std::string tax_rounding = "per_line";
  Decimal rate;
  std::string purchase_order, billing_method;
  std::vector<SiLine> lines;
  Decimal untaxed, tax, total;
  std::string stated_untaxed, stated_tax, stated_total;
  std::string capturer;
  std::string match_mode;
  std::vector<SiDiscrepancy> discrepancies;
  std::string first_result;   // the result at capture
  bool ever_disputed = false;
  bool accepted = false;      // a dispute accepted by an approver
  std::string accepted_by;
  Decimal credited_total, paid;
  std::vector<std::string> credit_notes;  // supplier refs
};

void Apply(SupplierInvoice& si, const events::Envelope& e);
std::string_view Label(const SupplierInvoice& si);
template <class A, class Self>
void Fields(A& a, Self& l) requires std::is_same_v<std::remove_const_t<Self>, SiLine> {
  a(l.line_no, l.po_line, l.description, l.quantity, l.unit_price, l.tax_code, l.tax_rate,
    l.price_included, l.cost_center, l.category, l.project, l.untaxed, l.company_amount,
    l.released_commitment, l.credited_quantity, l.credited_amount, l.credited_company);
}
template <class A, class Self>
void Fields(A& a, Self& d) requires std::is_same_v<std::remove_const_t<Self>, SiDiscrepancy> {
  a(d.line, d.kind, d.expected, d.invoiced);
}
template <class A, class Self>
void Fields(A& a, Self& s) requires std::is_same_v<std::remove_const_t<Self>, SupplierInvoice> {
  a(s.status, s.supplier, s.supplier_ref, s.date, s.due_date, s.currency, s.digits,
    s.tax_rounding, s.rate, s.purchase_order, s.billing_method, s.lines, s.untaxed, s.tax,
    s.total, s.stated_untaxed, s.stated_tax, s.stated_total, s.capturer, s.match_mode,
    s.discrepancies, s.first_result, s.ever_disputed, s.accepted, s.accepted_by,
    s.credited_total, s.paid, s.credit_notes);
}
bool Valid(const SupplierInvoice& si);

// What is left to pay: total − credit notes − payments.
Decimal Remaining(const SupplierInvoice& si);

// Stream `supplier_document/<supplier>/<key>`: who holds a supplier's
// document number, <key> being its comparison key (engine/reference_key.h;
// claims made before references were normalised sit under the number as
// typed, and are still found).
struct SupplierDocument {
  std::string document, kind;
};
void Apply(SupplierDocument& d, const events::Envelope& e);
std::string_view Label(const SupplierDocument& d);
template <class A, class Self>
void Fields(A& a, Self& d) requires std::is_same_v<std::remove_const_t<Self>, SupplierDocument> {
  a(d.document, d.kind);
}
bool Valid(const SupplierDocument& d);

struct SiLineInput {
  uint32_t po_line = 0;
  std::string description;
  Decimal quantity, unit_price;
  std::optional<std::string> tax_code;
};

struct SiInput {
  std::string supplier, supplier_ref, date, purchase_order;
  std::optional<std::string> currency;
  std::vector<SiLineInput> lines;
  std::optional<Decimal> stated_untaxed, stated_tax, stated_total;
};

struct CreditNoteInput {
  std::string supplier_ref, date;
  struct Line {
    uint32_t line = 0;
    std::optional<Decimal> quantity, amount;
  };
  std::vector<Line> lines;
  std::optional<Decimal> amount;  // spread over the lines by their amounts
};

struct PaymentInput {
  Decimal amount;
  std::string method, reference, date;
};

Decision DecideCaptureInvoice(const SiInput& in, DecideContext& ctx);
Decision DecideAcceptDifference(const SupplierInvoice& si, const std::string& reason,
                                DecideContext& ctx);
Decision DecideCreditNote(const SupplierInvoice& si, const CreditNoteInput& in, DecideContext& ctx);
Decision DecideApproveInvoice(const SupplierInvoice& si, DecideContext& ctx);
Decision DecidePayInvoice(const SupplierInvoice& si, const PaymentInput& in, DecideContext& ctx);
Decision DecideCancelInvoice(const SupplierInvoice& si, const std::string& reason,
                             DecideContext& ctx);

// Matching of an invoice against its order as it stands. `earlier`: per
// order line, what the order's earlier invoices (not cancelled) bill; an
// invoice keeps its claim on the quantities over the invoices after it.
struct MatchOutcome {
  std::string result, mode;
  std::vector<SiDiscrepancy> discrepancies;
};
Result<MatchOutcome> Match(const SupplierInvoice& si, const PurchaseOrder* po,
                           const MatchingPolicy& policy,
                           const std::map<uint32_t, Decimal>& earlier);

// Matching events for the open invoices of `po` (the order as it will stand
// after the command), for those whose result changes. `cancelled`: an
// invoice the command cancels, which no longer bills anything.
Result<std::vector<NewEvent>> Rematch(const PurchaseOrder& po, const std::string& trigger,
                                      DecideContext& ctx, const std::string& cancelled = "");

// Receipts (stream `receipt/RC-YYYY-NNNNN`).
struct ReceiptLineState {
  uint32_t line_no = 0;
  Decimal quantity;
  std::string period_from, period_to, proof, acceptance;
};
struct Receipt {
  std::string purchase_order, date, warehouse;
  std::vector<ReceiptLineState> lines;
};
void Apply(Receipt& r, const events::Envelope& e);
std::string_view Label(const Receipt& r);
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
Decision DecideRecordReceipt(const ReceiptInput& in, DecideContext& ctx);

// Due date of an invoice dated `date` under a payment term.
std::string DueDate(const std::string& date, const std::string& kind, int days);

}  // namespace ledger::domain
