// Purchase orders (SPEC §4.4).
//
// States: draft -> rfq_sent (optional) -> confirmed -> done; cancelled.
// Supplier and currency lock once a line exists. Lines are numbered from 1
// and numbers are never reused. Totals follow the company's tax rounding mode
// recorded when the order was created. Confirmation commits the untaxed
// amount of each line; reset to draft and cancellation release it. Notes stay
// editable in every state. Each step records its date and actor.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/aggregate.h"
#include "engine/lifecycle.h"
#include "engine/tax.h"

namespace ledger::domain {

enum class PoStatus : uint8_t {
  kDraft,
  kRfqSent,
  kConfirmed,
  kPartiallyReceived,
  kReceived,
  kDone,
  kCancelled,
};
inline constexpr StatusLabels<PoStatus, 7> kPoStatusLabels = {
    {"draft", "rfq_sent", "confirmed", "partially_received", "received", "done", "cancelled"}};
constexpr std::string_view Label(PoStatus s) { return kPoStatusLabels[s]; }

// The steps of an order's lifecycle (engine/lifecycle.h). Notes change in
// every status; creation makes a draft.
inline constexpr Transition<PoStatus> kPoEditHeader = {
    .from = {PoStatus::kDraft, PoStatus::kRfqSent},
    .to = {PoStatus::kDraft, PoStatus::kRfqSent},
    .refusal = "the header can only change while the order is draft or rfq_sent; it is {}"};
inline constexpr Transition<PoStatus> kPoEditLines = {
    .from = {PoStatus::kDraft, PoStatus::kRfqSent},
    .to = {PoStatus::kDraft, PoStatus::kRfqSent},
    .refusal = "lines can only change while the order is draft or rfq_sent; it is {}"};
inline constexpr Transition<PoStatus> kPoSendRfq = {
    .from = {PoStatus::kDraft},
    .to = {PoStatus::kRfqSent},
    .refusal = "a request for quotation is sent from draft; the order is {}"};
inline constexpr Transition<PoStatus> kPoConfirm = {
    .from = {PoStatus::kDraft, PoStatus::kRfqSent},
    .to = {PoStatus::kConfirmed},
    .refusal = "only a draft or rfq_sent order can be confirmed; it is {}"};
// Receipts and invoices: the order's progress follows its quantities.
inline constexpr Transition<PoStatus> kPoReceive = {
    .from = {PoStatus::kConfirmed, PoStatus::kPartiallyReceived, PoStatus::kReceived,
             PoStatus::kDone},
    .to = {PoStatus::kConfirmed, PoStatus::kPartiallyReceived, PoStatus::kReceived,
           PoStatus::kDone},
    .refusal = "goods are received against a confirmed order; it is {}"};
inline constexpr Transition<PoStatus> kPoInvoice = {
    .from = kPoReceive.from,
    .to = kPoReceive.to,
    .refusal = "a {} order cannot be invoiced"};
// Reset and cancellation are further refused once goods or invoices exist
// (rule order_has_receipts_or_invoices).
inline constexpr Transition<PoStatus> kPoResetToDraft = {
    .from = {PoStatus::kRfqSent, PoStatus::kConfirmed, PoStatus::kPartiallyReceived,
             PoStatus::kReceived, PoStatus::kCancelled},
    .to = {PoStatus::kDraft},
    .refusal = "a {} order cannot be reset to draft"};
inline constexpr Transition<PoStatus> kPoCancel = {
    .from = {PoStatus::kDraft, PoStatus::kRfqSent, PoStatus::kConfirmed,
             PoStatus::kPartiallyReceived, PoStatus::kReceived},
    .to = {PoStatus::kCancelled},
    .refusal = "a {} order cannot be cancelled"};

struct PoLine {
  uint32_t line_no = 0;
  std::string product, description;
  Decimal quantity, unit_price, discount;
  std::string tax_code;
  Decimal tax_rate;
  bool price_included = false;
  std::string cost_center, project, category, expected_date, warehouse;
  uint32_t request_line = 0;
  // Progress once confirmed: quantities received and invoiced, and the
  // budget commitment (company currency) with what invoices moved to actual.
  Decimal received, invoiced, commitment, released;
};

struct PoStep {
  int64_t at_us = 0;
  std::string actor;
};

struct PurchaseOrder {
  // Format 3: the status is a PoStatus, no longer its label.
  static constexpr StreamTraits kStream = {.type = "purchase_order",
                                           .topic = Topic::kPurchasing,
                                           .series = "PO",
                                           .snapshot_format = 3};
  PoStatus status = PoStatus::kDraft;
  std::string supplier, currency;
  int digits = 2;
  std::string tax_rounding = "per_line";
  std::string payment_terms, billing_method, incoterm, fiscal_position, purchase_request,
      expected_date;
  std::string note_supplier, note_receipt, note_billing, note_internal;
  std::vector<PoLine> lines;
  uint32_t next_line_no = 1;
  // Step name ("created", "rfq_sent", "confirmed", "cancelled") -> when and who.
  std::map<std::string, PoStep> steps;
  std::string committed_period;  // "YYYY-MM" while confirmed
  bool has_receipts = false;
  bool has_invoices = false;
  Decimal budget_rate;                // company currency per unit, at confirmation
  std::vector<std::string> invoices;  // supplier invoices on this order
};

void Apply(PurchaseOrder& po, const events::Envelope& e);
std::string_view Label(const PurchaseOrder& po);
// Listed in purchase-orders, its open lines in purchase-order-lines (listings.cc).
void Describe(const PurchaseOrder& po, ListEntry& out);

template <class A, class Self>
void Fields(A& a, Self& l) requires std::is_same_v<std::remove_const_t<Self>, PoLine> {
  a(l.line_no, l.product, l.description, l.quantity, l.unit_price, l.discount, l.tax_code,
    l.tax_rate, l.price_included, l.cost_center, l.project, l.category, l.expected_date,
    l.warehouse, l.request_line, l.received, l.invoiced, l.commitment, l.released);
}
template <class A, class Self>
void Fields(A& a, Self& s) requires std::is_same_v<std::remove_const_t<Self>, PoStep> {
  a(s.at_us, s.actor);
}
template <class A, class Self>
void Fields(A& a, Self& po) requires std::is_same_v<std::remove_const_t<Self>, PurchaseOrder> {
  a(po.status, po.supplier, po.currency, po.digits, po.tax_rounding, po.payment_terms,
    po.billing_method, po.incoterm, po.fiscal_position, po.purchase_request, po.expected_date,
    po.note_supplier, po.note_receipt, po.note_billing, po.note_internal, po.lines,
    po.next_line_no, po.steps, po.committed_period, po.has_receipts, po.has_invoices,
    po.budget_rate, po.invoices);
}
bool Valid(const PurchaseOrder& po);

// Amounts of the order's current lines.
Result<DocumentAmounts> Amounts(const PurchaseOrder& po);

// Command inputs, already parsed from JSON by the API. Optional fields that
// are absent keep their current (or default) value.
struct PoLineInput {
  std::optional<std::string> product, description;
  std::optional<Decimal> quantity, unit_price, discount;
  std::optional<std::string> cost_center, project, expected_date, warehouse;
  uint32_t request_line = 0;  // set by a request's conversion
};

struct PoHeaderInput {
  std::optional<std::string> supplier, currency, payment_terms, billing_method, incoterm,
      expected_date, purchase_request;
};

struct PoNotesInput {
  std::optional<std::string> supplier, receipt, billing, internal;
};

// The commands on orders (engine/commands.h), each with its Decide.
struct CreatePurchaseOrder {
  using Target = PurchaseOrder;
  PoHeaderInput header;
  PoNotesInput notes;
  std::vector<PoLineInput> lines;
};
struct UpdatePoHeader {
  using Target = PurchaseOrder;
  std::string order;
  PoHeaderInput header;
  static constexpr auto kStreamId = &UpdatePoHeader::order;
};
struct AddPoLine {
  using Target = PurchaseOrder;
  std::string order;
  PoLineInput line;
  static constexpr auto kStreamId = &AddPoLine::order;
};
struct UpdatePoLine {
  using Target = PurchaseOrder;
  std::string order;
  uint32_t line_no = 0;
  PoLineInput line;
  static constexpr auto kStreamId = &UpdatePoLine::order;
};
struct RemovePoLine {
  using Target = PurchaseOrder;
  std::string order;
  uint32_t line_no = 0;
  static constexpr auto kStreamId = &RemovePoLine::order;
};
struct SendRfq {
  using Target = PurchaseOrder;
  std::string order;
  static constexpr auto kStreamId = &SendRfq::order;
};
struct ConfirmPo {
  using Target = PurchaseOrder;
  std::string order;
  static constexpr auto kStreamId = &ConfirmPo::order;
};
struct ResetPoToDraft {
  using Target = PurchaseOrder;
  std::string order;
  static constexpr auto kStreamId = &ResetPoToDraft::order;
};
struct CancelPo {
  using Target = PurchaseOrder;
  std::string order;
  std::string reason;
  static constexpr auto kStreamId = &CancelPo::order;
};
struct UpdatePoNotes {
  using Target = PurchaseOrder;
  std::string order;
  PoNotesInput notes;
  static constexpr auto kStreamId = &UpdatePoNotes::order;
};

Decision Decide(const CreatePurchaseOrder& cmd, DecideContext& ctx);
Decision Decide(const PurchaseOrder& po, const UpdatePoHeader& cmd, DecideContext& ctx);
Decision Decide(const PurchaseOrder& po, const AddPoLine& cmd, DecideContext& ctx);
Decision Decide(const PurchaseOrder& po, const UpdatePoLine& cmd, DecideContext& ctx);
Decision Decide(const PurchaseOrder& po, const RemovePoLine& cmd, DecideContext& ctx);
Decision Decide(const PurchaseOrder& po, const SendRfq& cmd, DecideContext& ctx);
Decision Decide(const PurchaseOrder& po, const ConfirmPo& cmd, DecideContext& ctx);
Decision Decide(const PurchaseOrder& po, const ResetPoToDraft& cmd, DecideContext& ctx);
Decision Decide(const PurchaseOrder& po, const CancelPo& cmd, DecideContext& ctx);
Decision Decide(const PurchaseOrder& po, const UpdatePoNotes& cmd, DecideContext& ctx);

// The order line numbered `line_no`, or nullptr.
const PoLine* FindLine(const PurchaseOrder& po, uint32_t line_no);
// The line's unit price net of its discount (6 decimals).
Decimal NetUnitPrice(const PoLine& l);

}  // namespace ledger::domain
