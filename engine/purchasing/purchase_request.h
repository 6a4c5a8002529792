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

namespace ledger::domain {

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
  std::string status = "draft";
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

Decision DecideCreatePr(const PrInput& in, DecideContext& ctx);
Decision DecideUpdatePr(const PurchaseRequest& pr, const PrInput& in, DecideContext& ctx);
Decision DecideSubmitPr(const PurchaseRequest& pr, DecideContext& ctx);
Decision DecideApprovePr(const PurchaseRequest& pr, const std::string& comment,
                         DecideContext& ctx);
Decision DecideRejectPr(const PurchaseRequest& pr, const std::string& reason, DecideContext& ctx);
Decision DecideCancelPr(const PurchaseRequest& pr, const std::string& reason, DecideContext& ctx);
// `supplier_by_line` maps request line numbers to suppliers; lines it does
// not name go to `default_supplier`; a line with neither is refused.
Decision DecideConvertPr(const PurchaseRequest& pr,
                         const std::map<uint32_t, std::string>& supplier_by_line,
                         const std::string& default_supplier, DecideContext& ctx);

// Stream `attachment/<sha256>`: who filed a document of the attachment store,
// when, under which name; one event per upload.
struct AttachmentFilings {
  uint64_t filings = 0;
  uint64_t size = 0;
  std::string media_type;
};
void Apply(AttachmentFilings& a, const events::Envelope& e);
std::string_view Label(const AttachmentFilings& a);
template <class A, class Self>
void Fields(A& a, Self& f) requires std::is_same_v<std::remove_const_t<Self>, AttachmentFilings> {
  a(f.filings, f.size, f.media_type);
}
bool Valid(const AttachmentFilings& a);

struct AttachmentInput {
  std::string sha256, name, media_type;
  uint64_t size = 0;
};
// Whether an upload's name and media type can be recorded: checked before
// the content is stored, so that a refused upload leaves nothing behind.
Status CheckAttachmentLabels(const std::string& name, const std::string& media_type);
// Records an upload to the attachment store (the content is stored first).
Command FileAttachment(AttachmentInput in);

}  // namespace ledger::domain
