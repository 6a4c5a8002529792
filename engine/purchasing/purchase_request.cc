#include "engine/purchasing/purchase_request.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/attachments.h"
#include "engine/clock.h"
#include "engine/budgets/budget.h"
#include "engine/money.h"
#include "engine/purchasing/purchase_order.h"
#include "engine/reference/reference_entity.h"

namespace ledger::domain {
namespace {

using events::Str;
using events::Sv;

template <class Lines>
void ReadLines(const Lines* lines, std::vector<PrLine>* out) {
  out->clear();
  if (lines == nullptr) return;
  for (const auto* l : *lines) {
    PrLine p;
    p.line_no = l->line_no();
    p.product = Str(l->product());
    p.description = Str(l->description());
    p.quantity = Dec(l->quantity());
    p.estimated_unit_price = Dec(l->estimated_unit_price());
    p.currency = Str(l->currency());
    p.cost_center = Str(l->cost_center());
    p.category = Str(l->category());
    p.project = Str(l->project());
    p.needed_by = Str(l->needed_by());
    out->push_back(std::move(p));
  }
}

template <class Attachments>
void ReadAttachments(const Attachments* in, std::vector<PrAttachment>* out) {
  out->clear();
  if (in == nullptr) return;
  for (const auto* a : *in) {
    out->push_back({Str(a->sha256()), Str(a->name()), Str(a->media_type()), a->size()});
  }
}

// Checks a request's content and builds its lines and attachments.
template <class Event>
Status Build(const PrInput& in, DecideContext& ctx, Event* ev) {
  if (in.lines.empty()) return Status::Malformed("a request needs lines");
  ev->justification = in.justification;
  const std::string company = GetSettings(ctx).currency;
  for (size_t i = 0; i < in.lines.size(); ++i) {
    const PrLineInput& l = in.lines[i];
    auto line = std::make_unique<events::PurchaseRequestLineT>();
    line->line_no = static_cast<uint32_t>(i + 1);
    auto fail = [&](Status s) { return AtLine(i + 1, s); };
    std::string category = l.category;
    std::string description = l.description;
    if (!l.product.empty()) {
      const auto* product = FindReference<events::ProductDefined>(ctx, l.product);
      if (product == nullptr) return fail(UnknownReference<events::ProductDefined>(l.product));
      if (category.empty()) category = Str(product->category());
      if (description.empty()) description = Str(product->name());
    } else if (description.empty()) {
      return fail(Status::Malformed("a line needs a product or a description"));
    }
    if (l.quantity <= Decimal()) {
      return fail(Status::Rule("invalid_quantity", "quantity must be positive",
                               {{"quantity", l.quantity.ToString()}}));
    }
    if (l.estimated_unit_price.is_negative()) {
      return fail(Status::Rule("invalid_price", "estimated_unit_price must not be negative",
                               {{"estimated_unit_price", l.estimated_unit_price.ToString()}}));
    }
    std::string currency = l.currency.empty() ? company : l.currency;
    if (!CurrencyDigits(currency)) {
      return fail(Status::Malformed("unknown ISO 4217 currency \"" + currency + "\""));
    }
    if (l.cost_center.empty()) return fail(Status::Malformed("a line needs a cost_center"));
    if (!FindReference<events::CostCenterDefined>(ctx, l.cost_center)) {
      return fail(UnknownReference<events::CostCenterDefined>(l.cost_center));
    }
    if (category.empty()) return fail(Status::Malformed("a free-text line needs a category"));
    if (!FindReference<events::CategoryDefined>(ctx, category)) {
      return fail(UnknownReference<events::CategoryDefined>(category));
    }
    if (!l.project.empty() && !FindReference<events::ProjectDefined>(ctx, l.project)) {
      return fail(UnknownReference<events::ProjectDefined>(l.project));
    }
    if (!l.needed_by.empty() && !IsIsoDate(l.needed_by)) {
      return fail(Status::Malformed("needed_by must be a date YYYY-MM-DD"));
    }
    line->product = l.product;
    line->description = description;
    line->quantity = l.quantity.ToString();
    line->estimated_unit_price = l.estimated_unit_price.ToString();
    line->currency = currency;
    line->cost_center = l.cost_center;
    line->category = category;
    line->project = l.project;
    line->needed_by = l.needed_by;
    ev->lines.push_back(std::move(line));
  }
  for (const auto& a : in.attachments) {
    if (!IsSha256Hex(a.sha256)) {
      return Status::Malformed("attachments are named by the lowercase hex SHA-256 of their content");
    }
    auto t = std::make_unique<events::AttachmentT>();
    t->sha256 = a.sha256;
    t->name = a.name;
    t->media_type = a.media_type;
    t->size = a.size;
    ev->attachments.push_back(std::move(t));
  }
  return Status::Ok();
}

bool IsRequesterOrAdmin(const PurchaseRequest& pr, DecideContext& ctx) {
  return ctx.actor().id == pr.requester || ctx.actor().HasRole("admin");
}

// The request's lines as budget uses, in the company currency.
struct Priced {
  Decimal total;
  std::vector<BudgetUse> uses;
};
Result<Priced> Price(const PurchaseRequest& pr, DecideContext& ctx) {
  Priced p;
  const int company_digits = CurrencyDigits(GetSettings(ctx).currency).value_or(2);
  for (const auto& l : pr.lines) {
    auto amount = Times(l.quantity, l.estimated_unit_price, CurrencyDigits(l.currency).value_or(2));
    if (!amount.ok()) return amount.status();
    auto rate = RateToCompany(ctx, l.currency);
    if (!rate.ok()) return rate.status();
    auto company = Times(*amount, *rate, company_digits);
    if (!company.ok()) return company.status();
    auto sum = Plus(p.total, *company);
    if (!sum.ok()) return sum.status();
    p.total = *sum;
    std::string period = l.needed_by.empty() ? ctx.today().substr(0, 7) : l.needed_by.substr(0, 7);
    p.uses.push_back({{l.cost_center, l.category, l.project}, period, *company, *amount, l.line_no});
  }
  return p;
}

}  // namespace

void Apply(PurchaseRequest& pr, const events::Envelope& e) {
  using events::Payload;
  switch (e.payload_type()) {
    case Payload::PurchaseRequestCreated: {
      const auto* p = e.payload_as_PurchaseRequestCreated();
      pr.status = PrStatus::kDraft;
      pr.requester = Str(e.actor());
      pr.justification = Str(p->justification());
      ReadLines(p->lines(), &pr.lines);
      ReadAttachments(p->attachments(), &pr.attachments);
      break;
    }
    case Payload::PurchaseRequestUpdated: {
      const auto* p = e.payload_as_PurchaseRequestUpdated();
      pr.status = Enter(kPrEdit, pr.status, PrStatus::kDraft);
      pr.justification = Str(p->justification());
      ReadLines(p->lines(), &pr.lines);
      ReadAttachments(p->attachments(), &pr.attachments);
      pr.approvals.clear();
      pr.levels.clear();
      pr.amount = Decimal();
      pr.policy_version = 0;
      break;
    }
    case Payload::PurchaseRequestSubmitted: {
      const auto* p = e.payload_as_PurchaseRequestSubmitted();
      pr.status = Enter(kPrSubmit, pr.status, PrStatus::kSubmitted);
      pr.amount = Dec(p->amount());
      pr.currency = Str(p->currency());
      pr.levels.clear();
      if (p->levels()) {
        for (const auto* l : *p->levels()) pr.levels.push_back(l->str());
      }
      pr.policy_version = p->policy_version();
      pr.approvals.clear();
      break;
    }
    case Payload::PurchaseRequestApproved: {
      const auto* p = e.payload_as_PurchaseRequestApproved();
      pr.approvals.push_back({p->level(), Str(p->level_name()), Str(p->role()), Str(e.actor()),
                              e.recorded_at_us(), Dec(p->amount()), p->policy_version(),
                              Str(p->comment())});
      pr.status = Enter(kPrApprove, pr.status,
                        p->final() ? PrStatus::kApproved : PrStatus::kSubmitted);
      break;
    }
    case Payload::PurchaseRequestRejected:
      pr.status = Enter(kPrReject, pr.status, PrStatus::kRejected);
      break;
    case Payload::PurchaseRequestCancelled:
      pr.status = Enter(kPrCancel, pr.status, PrStatus::kCancelled);
      break;
    case Payload::PurchaseRequestConverted: {
      const auto* p = e.payload_as_PurchaseRequestConverted();
      pr.status = Enter(kPrConvert, pr.status, PrStatus::kOrdered);
      pr.orders.clear();
      if (p->orders()) {
        for (const auto* o : *p->orders()) pr.orders.push_back(o->str());
      }
      break;
    }
    default:
      break;
  }
}

std::string_view Label(const PurchaseRequest& pr) { return Label(pr.status); }

bool Valid(const PurchaseRequest& pr) {
  return kPrStatusLabels.Known(pr.status) && pr.approvals.size() <= pr.levels.size();
}

Decision Decide(const CreatePr& cmd, DecideContext& ctx) {
  const PrInput& in = cmd.request;
  events::PurchaseRequestCreatedT c;
  LEDGER_RETURN_IF_ERROR(Build(in, ctx, &c));
  return One(Emit(std::move(c)));
}

Decision Decide(const PurchaseRequest& pr, const UpdatePr& cmd, DecideContext& ctx) {
  const PrInput& in = cmd.request;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPrEdit, pr.status));
  if (!IsRequesterOrAdmin(pr, ctx)) {
    return Status(Errc::kForbidden, "only the requester edits a request");
  }
  events::PurchaseRequestUpdatedT u;
  LEDGER_RETURN_IF_ERROR(Build(in, ctx, &u));
  return One(Emit(std::move(u)));
}

Decision Decide(const PurchaseRequest& pr, const SubmitPr&, DecideContext& ctx) {
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPrSubmit, pr.status));
  if (!IsRequesterOrAdmin(pr, ctx)) {
    return Status(Errc::kForbidden, "only the requester submits a request");
  }
  auto priced = Price(pr, ctx);
  if (!priced.ok()) return priced.status();
  const std::string company = GetSettings(ctx).currency;
  auto budget = CheckBudget(ctx,
                            {std::string(PurchaseRequest::kStream.type), ctx.stream_id(), "",
                             company, Decimal::FromInt(1)},
                            priced->uses);
  if (!budget.ok()) return budget.status();
  ApprovalPolicy policy = GetApprovalPolicy(ctx);
  events::PurchaseRequestSubmittedT s;
  s.amount = priced->total.ToString(CurrencyDigits(company).value_or(2));
  s.currency = company;
  s.levels = policy.LevelsFor(priced->total);
  s.policy_version = policy.version;
  std::vector<NewEvent> out = One(Emit(std::move(s)));
  for (auto& e : *budget) out.push_back(std::move(e));
  return out;
}

Decision Decide(const PurchaseRequest& pr, const ApprovePr& cmd, DecideContext& ctx) {
  const std::string& comment = cmd.comment;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPrApprove, pr.status));
  const Actor& actor = ctx.actor();
  if (actor.id == pr.requester) {
    return Status::Rule("segregation_of_duties", "a requester cannot approve their own request",
                        {{"requester", pr.requester}});
  }
  for (const auto& a : pr.approvals) {
    if (a.actor == actor.id) {
      return Status::Rule("segregation_of_duties",
                          fmt::format("{} already approved level {} ({})", actor.id, a.level,
                                      a.level_name),
                          {{"level", std::to_string(a.level)}});
    }
  }
  const size_t next = pr.approvals.size();
  LEDGER_ASSERT(next < pr.levels.size());
  const std::string& level = pr.levels[next];
  const std::string role = ApproverRole(level);
  if (!actor.HasRole(role)) {
    for (size_t later = next + 1; later < pr.levels.size(); ++later) {
      if (actor.HasRole(ApproverRole(pr.levels[later]))) {
        return Status::Rule("approval_order",
                            fmt::format("level {} ({}) approves first", next + 1, level),
                            {{"next_level", std::to_string(next + 1)}, {"next_role", role}});
      }
    }
    return Status(Errc::kForbidden,
                  fmt::format("level {} ({}) is approved by role {}", next + 1, level, role));
  }
  events::PurchaseRequestApprovedT a;
  a.level = static_cast<uint32_t>(next + 1);
  a.level_name = level;
  a.role = role;
  a.amount = pr.amount.ToString(CurrencyDigits(pr.currency).value_or(2));
  a.currency = pr.currency;
  a.policy_version = pr.policy_version;
  a.comment = comment;
  a.final = next + 1 == pr.levels.size();
  return One(Emit(std::move(a)));
}

Decision Decide(const PurchaseRequest& pr, const RejectPr& cmd, DecideContext& ctx) {
  const std::string& reason = cmd.reason;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPrReject, pr.status));
  if (reason.empty()) return Status::Malformed("a rejection needs a reason");
  const size_t next = pr.approvals.size();
  LEDGER_ASSERT(next < pr.levels.size());
  const std::string role = ApproverRole(pr.levels[next]);
  if (ctx.actor().id == pr.requester) {
    return Status::Rule("segregation_of_duties", "a requester cannot decide on their own request");
  }
  if (!ctx.actor().HasRole(role)) {
    return Status(Errc::kForbidden,
                  fmt::format("level {} ({}) is decided by role {}", next + 1, pr.levels[next], role));
  }
  events::PurchaseRequestRejectedT r;
  r.level = static_cast<uint32_t>(next + 1);
  r.role = role;
  r.reason = reason;
  return One(Emit(std::move(r)));
}

Decision Decide(const PurchaseRequest& pr, const CancelPr& cmd, DecideContext& ctx) {
  const std::string& reason = cmd.reason;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPrCancel, pr.status));
  if (!IsRequesterOrAdmin(pr, ctx)) {
    return Status(Errc::kForbidden, "only the requester cancels a request");
  }
  events::PurchaseRequestCancelledT c;
  c.reason = reason;
  return One(Emit(std::move(c)));
}

Decision Decide(const PurchaseRequest& pr, const ConvertPr& cmd, DecideContext& ctx) {
  const std::map<uint32_t, std::string>& supplier_by_line = cmd.supplier_by_line;
  const std::string& default_supplier = cmd.default_supplier;
  LEDGER_RETURN_IF_ERROR(CheckTransition(kPrConvert, pr.status));
  for (const auto& [n, supplier] : supplier_by_line) {
    if (std::none_of(pr.lines.begin(), pr.lines.end(),
                     [n = n](const PrLine& l) { return l.line_no == n; })) {
      return Status::Malformed(fmt::format("the request has no line {}", n));
    }
  }
  // Lines grouped by supplier, in line order within each order.
  std::map<std::string, std::vector<const PrLine*>> by_supplier;
  for (const auto& l : pr.lines) {
    auto it = supplier_by_line.find(l.line_no);
    const std::string& supplier = it != supplier_by_line.end() ? it->second : default_supplier;
    if (supplier.empty()) {
      return Status::Malformed(fmt::format("line {} needs a supplier (supplier_by_line)", l.line_no));
    }
    if (l.product.empty()) {
      return Status::Rule("product_required",
                          fmt::format("line {} is free text; an order line needs a product",
                                      l.line_no),
                          {{"line", std::to_string(l.line_no)}});
    }
    by_supplier[supplier].push_back(&l);
  }
  std::vector<NewEvent> out;
  events::PurchaseRequestConvertedT converted;
  for (const auto& [supplier, lines] : by_supplier) {
    PoHeaderInput h;
    h.supplier = supplier;
    h.currency = lines.front()->currency;
    h.purchase_request = ctx.stream_id();
    std::vector<PoLineInput> po_lines;
    for (const PrLine* l : lines) {
      if (l->currency != *h.currency) {
        return Status::Malformed(fmt::format(
            "lines for supplier {} are in {} and {}: one order has one currency", supplier,
            *h.currency, l->currency));
      }
      PoLineInput in;
      in.product = l->product;
      in.description = l->description;
      in.quantity = l->quantity;
      in.unit_price = l->estimated_unit_price;
      in.cost_center = l->cost_center;
      if (!l->project.empty()) in.project = l->project;
      if (!l->needed_by.empty()) in.expected_date = l->needed_by;
      in.request_line = l->line_no;
      po_lines.push_back(std::move(in));
    }
    auto id = ctx.NewDocumentId<PurchaseOrder>();
    if (!id.ok()) return id.status();
    auto events = Decide(CreatePurchaseOrder{h, PoNotesInput{}, po_lines}, ctx);
    if (!events.ok()) {
      return events.status().Within("order for " + supplier);
    }
    for (auto& e : *events) out.push_back(ToStream<PurchaseOrder>(std::move(e), *id));
    converted.orders.push_back(*id);
  }
  out.push_back(Emit(std::move(converted)));
  return out;
}

}  // namespace ledger::domain
