// Purchase requests and their approvals (SPEC §4.3).
//
// States: draft -> submitted -> approved | rejected -> ordered; cancelled
// from draft or submitted. Submission prices the request in the company
// currency, checks the budget under its policy and fixes the levels of the
// approval policy's band for that amount; approvals then come level by level,
// each recording approver, role, level, amount and policy version. The
// requester cannot approve, nor can one person approve two levels
// (`segregation_of_duties`). Editing a submitted or approved request returns
// it to draft and clears its approvals. An approved request is converted into
// one purchase order per supplier, its lines linked.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/aggregate.h"
#include "engine/lifecycle.h"

namespace ledger::domain {

enum class PrStatus : uint8_t {
  kDraft,
  kSubmitted,
  kApproved,
  kRejected,
  kCancelled,
  kOrdered,
};
inline constexpr StatusLabels<PrStatus, 6> kPrStatusLabels = {
    {"draft", "submitted", "approved", "rejected", "cancelled", "ordered"}};
constexpr std::string_view Label(PrStatus s) { return kPrStatusLabels[s]; }

// The steps of a request's lifecycle (engine/lifecycle.h); creation makes a
// draft.
inline constexpr Transition<PrStatus> kPrEdit = {
    .from = {PrStatus::kDraft, PrStatus::kSubmitted, PrStatus::kApproved},
    .to = {PrStatus::kDraft},
    .refusal = "a {} request cannot be edited"};
inline constexpr Transition<PrStatus> kPrSubmit = {
    .from = {PrStatus::kDraft},
    .to = {PrStatus::kSubmitted},
    .refusal = "only a draft request can be submitted; it is {}"};
// An approval of the last level approves the request.
inline constexpr Transition<PrStatus> kPrApprove = {
    .from = {PrStatus::kSubmitted},
    .to = {PrStatus::kSubmitted, PrStatus::kApproved},
    .refusal = "only a submitted request can be approved; it is {}"};
inline constexpr Transition<PrStatus> kPrReject = {
    .from = {PrStatus::kSubmitted},
    .to = {PrStatus::kRejected},
    .refusal = "only a submitted request can be rejected; it is {}"};
inline constexpr Transition<PrStatus> kPrCancel = {
    .from = {PrStatus::kDraft, PrStatus::kSubmitted},
    .to = {PrStatus::kCancelled},
    .refusal = "only a draft or submitted request can be cancelled; it is {}"};
inline constexpr Transition<PrStatus> kPrConvert = {
    .from = {PrStatus::kApproved},
    .to = {PrStatus::kOrdered},
    .refusal = "only an approved request is converted; it is {}"};

struct PrLine {
  uint32_t line_no = 0;
  std::string product, description;
  Decimal quantity, estimated_unit_price;
  std::string currency, cost_center, category, project, needed_by;
};

struct PrAttachment {
  std::string sha256, name, media_type;
  uint64_t size = 0;
};

struct PrApproval {
  uint32_t level = 0;
  std::string level_name, role, actor;
  int64_t at_us = 0;
  Decimal amount;
  uint64_t policy_version = 0;
  std::string comment;
};

struct PurchaseRequest {
  // Format 2: the status is a PrStatus, no longer its label.
  static constexpr StreamTraits kStream = {.type = "purchase_request",
                                           .topic = Topic::kPurchasing,
                                           .series = "PR",
                                           .snapshot_format = 2};
  PrStatus status = PrStatus::kDraft;
  std::string requester, justification;
  std::vector<PrLine> lines;
  std::vector<PrAttachment> attachments;
  // Fixed at submission.
  Decimal amount;
  std::string currency;
  std::vector<std::string> levels;
  uint64_t policy_version = 0;
  std::vector<PrApproval> approvals;
  std::vector<std::string> orders;
};

void Apply(PurchaseRequest& pr, const events::Envelope& e);
std::string_view Label(const PurchaseRequest& pr);
// Listed in purchase-requests (listings.cc).
void Describe(const PurchaseRequest& pr, ListEntry& out);
template <class A, class Self>
void Fields(A& a, Self& l) requires std::is_same_v<std::remove_const_t<Self>, PrLine> {
  a(l.line_no, l.product, l.description, l.quantity, l.estimated_unit_price, l.currency,
    l.cost_center, l.category, l.project, l.needed_by);
}
template <class A, class Self>
void Fields(A& a, Self& t) requires std::is_same_v<std::remove_const_t<Self>, PrAttachment> {
  a(t.sha256, t.name, t.media_type, t.size);
}
template <class A, class Self>
void Fields(A& a, Self& p) requires std::is_same_v<std::remove_const_t<Self>, PrApproval> {
  a(p.level, p.level_name, p.role, p.actor, p.at_us, p.amount, p.policy_version, p.comment);
}
template <class A, class Self>
void Fields(A& a, Self& pr) requires std::is_same_v<std::remove_const_t<Self>, PurchaseRequest> {
  a(pr.status, pr.requester, pr.justification, pr.lines, pr.attachments, pr.amount, pr.currency,
    pr.levels, pr.policy_version, pr.approvals, pr.orders);
}
bool Valid(const PurchaseRequest& pr);

struct PrLineInput {
  std::string product, description;
  Decimal quantity, estimated_unit_price;
  std::string currency, cost_center, category, project, needed_by;
};

struct PrInput {
  std::string justification;
  std::vector<PrLineInput> lines;
  std::vector<PrAttachment> attachments;  // the API checked the store holds them
};

// The commands on requests (engine/commands.h), each with its Decide.
struct CreatePr {
  using Target = PurchaseRequest;
  PrInput request;
};
struct UpdatePr {
  using Target = PurchaseRequest;
  std::string id;
  PrInput request;
  static constexpr auto kStreamId = &UpdatePr::id;
};
struct SubmitPr {
  using Target = PurchaseRequest;
  std::string id;
  static constexpr auto kStreamId = &SubmitPr::id;
};
struct ApprovePr {
  using Target = PurchaseRequest;
  std::string id;
  std::string comment;
  static constexpr auto kStreamId = &ApprovePr::id;
};
struct RejectPr {
  using Target = PurchaseRequest;
  std::string id;
  std::string reason;
  static constexpr auto kStreamId = &RejectPr::id;
};
struct CancelPr {
  using Target = PurchaseRequest;
  std::string id;
  std::string reason;
  static constexpr auto kStreamId = &CancelPr::id;
};
// `supplier_by_line` maps request line numbers to suppliers; lines it does
// not name go to `default_supplier`; a line with neither is refused.
struct ConvertPr {
  using Target = PurchaseRequest;
  std::string id;
  std::map<uint32_t, std::string> supplier_by_line;
  std::string default_supplier;
  static constexpr auto kStreamId = &ConvertPr::id;
};

Decision Decide(const CreatePr& cmd, DecideContext& ctx);
Decision Decide(const PurchaseRequest& pr, const UpdatePr& cmd, DecideContext& ctx);
Decision Decide(const PurchaseRequest& pr, const SubmitPr& cmd, DecideContext& ctx);
Decision Decide(const PurchaseRequest& pr, const ApprovePr& cmd, DecideContext& ctx);
Decision Decide(const PurchaseRequest& pr, const RejectPr& cmd, DecideContext& ctx);
Decision Decide(const PurchaseRequest& pr, const CancelPr& cmd, DecideContext& ctx);
Decision Decide(const PurchaseRequest& pr, const ConvertPr& cmd, DecideContext& ctx);

}  // namespace ledger::domain
