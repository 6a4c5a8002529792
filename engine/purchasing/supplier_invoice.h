// Supplier invoices, disputes, credit notes and payments (SPEC §4.6), stream
// `supplier_invoice/SI-YYYY-NNNNN`.
//
// Invoice states: matched | disputed -> approved -> partially_paid -> paid;
// cancelled. An invoice is matched against its order at capture and again
// whenever the order or the invoice moves (engine/purchasing/matching_rules.h).
// A dispute is resolved by a credit note, by accepting the difference
// (approver recorded) or by cancelling and capturing again. The supplier's
// document number is claimed on capture and released on cancellation
// (engine/purchasing/supplier_document.h).
//
// Budget: capturing an invoice moves its order lines' commitment to actual;
// credit notes release actual; a cancelled invoice gives both back.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/aggregate.h"
#include "engine/lifecycle.h"

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

enum class SiStatus : uint8_t {
  kDraft,
  kMatched,
  kDisputed,
  kApproved,
  kPartiallyPaid,
  kPaid,
  kCancelled,
};
inline constexpr StatusLabels<SiStatus, 7> kSiStatusLabels = {
    {"draft", "matched", "disputed", "approved", "partially_paid", "paid", "cancelled"}};
constexpr std::string_view Label(SiStatus s) { return kSiStatusLabels[s]; }

// The steps of an invoice's lifecycle (engine/lifecycle.h). Capture makes a
// draft, which its matching, in the same command, makes matched or disputed.
inline constexpr Transition<SiStatus> kSiMatch = {
    .from = {SiStatus::kDraft, SiStatus::kMatched, SiStatus::kDisputed},
    .to = {SiStatus::kMatched, SiStatus::kDisputed},
    .refusal = "only a draft, matched or disputed invoice is matched; it is {}"};
inline constexpr Transition<SiStatus> kSiAcceptDifference = {
    .from = {SiStatus::kDisputed},
    .to = {SiStatus::kMatched},
    .refusal = "only a disputed invoice has a difference to accept; it is {}"};
// A credit note that leaves nothing to pay on an approved invoice pays it.
inline constexpr Transition<SiStatus> kSiCreditNote = {
    .from = {SiStatus::kMatched, SiStatus::kDisputed, SiStatus::kApproved,
             SiStatus::kPartiallyPaid},
    .to = {SiStatus::kMatched, SiStatus::kDisputed, SiStatus::kApproved,
           SiStatus::kPartiallyPaid, SiStatus::kPaid},
    .refusal = "a {} invoice takes no credit note"};
// A disputed invoice is refused earlier, by rule invoice_disputed.
inline constexpr Transition<SiStatus> kSiApprove = {
    .from = {SiStatus::kMatched},
    .to = {SiStatus::kApproved},
    .refusal = "only a matched invoice can be approved; it is {}"};
inline constexpr Transition<SiStatus> kSiPay = {
    .from = {SiStatus::kApproved, SiStatus::kPartiallyPaid},
    .to = {SiStatus::kPartiallyPaid, SiStatus::kPaid},
    .refusal = "only an approved invoice is paid; it is {}"};
inline constexpr Transition<SiStatus> kSiCancel = {
    .from = {SiStatus::kDraft, SiStatus::kMatched, SiStatus::kDisputed, SiStatus::kApproved},
    .to = {SiStatus::kCancelled},
    .refusal = "a {} invoice cannot be cancelled"};

struct SupplierInvoice {
  // Format 2: the status is an SiStatus, no longer its label.
  static constexpr StreamTraits kStream = {.type = "supplier_invoice",
                                           .topic = Topic::kPurchasing,
                                           .series = "SI",
                                           .snapshot_format = 2};
  SiStatus status = SiStatus::kDraft;
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
  std::string first_result;   // the result at capture: "matched" | "disputed"
  bool ever_disputed = false;
  bool accepted = false;      // a dispute accepted by an approver
  std::string accepted_by;
  Decimal credited_total, paid;
  std::vector<std::string> credit_notes;  // supplier refs
};

void Apply(SupplierInvoice& si, const events::Envelope& e);
std::string_view Label(const SupplierInvoice& si);
// Listed in supplier-invoices (listings.cc).
void Describe(const SupplierInvoice& si, ListEntry& out);
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

// The commands on invoices (engine/commands.h), each with its Decide.
struct CaptureInvoice {
  using Target = SupplierInvoice;
  SiInput invoice;
};
struct AcceptDifference {
  using Target = SupplierInvoice;
  std::string invoice;
  std::string reason;
  static constexpr auto kStreamId = &AcceptDifference::invoice;
};
struct RecordCreditNote {
  using Target = SupplierInvoice;
  std::string invoice;
  CreditNoteInput note;
  static constexpr auto kStreamId = &RecordCreditNote::invoice;
};
struct ApproveInvoice {
  using Target = SupplierInvoice;
  std::string invoice;
  static constexpr auto kStreamId = &ApproveInvoice::invoice;
};
struct PayInvoice {
  using Target = SupplierInvoice;
  std::string invoice;
  PaymentInput payment;
  static constexpr auto kStreamId = &PayInvoice::invoice;
};
struct CancelInvoice {
  using Target = SupplierInvoice;
  std::string invoice;
  std::string reason;
  static constexpr auto kStreamId = &CancelInvoice::invoice;
};

Decision Decide(const CaptureInvoice& cmd, DecideContext& ctx);
Decision Decide(const SupplierInvoice& si, const AcceptDifference& cmd, DecideContext& ctx);
Decision Decide(const SupplierInvoice& si, const RecordCreditNote& cmd, DecideContext& ctx);
Decision Decide(const SupplierInvoice& si, const ApproveInvoice& cmd, DecideContext& ctx);
Decision Decide(const SupplierInvoice& si, const PayInvoice& cmd, DecideContext& ctx);
Decision Decide(const SupplierInvoice& si, const CancelInvoice& cmd, DecideContext& ctx);

// Due date of an invoice dated `date` under a payment term.
std::string DueDate(const std::string& date, const std::string& kind, int days);

}  // namespace ledger::domain
