#include "engine/purchasing/purchase_request.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "engine/attachments.h"
#include "engine/clock.h"
#include "engine/budgets/budget.h"
#include "engine/money.h"
#include "engine/purchasing/purchase_order.h"
#include "engine/reference/reference.h"

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
      const auto* product = FindReference<events::ProductDefined>(ctx, "product", l.product);
      if (product == nullptr) return fail(UnknownReference("product", l.product));
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
    if (!FindReference<events::CostCenterDefined>(ctx, "cost_center", l.cost_center)) {
      return fail(UnknownReference("cost_center", l.cost_center));
    }
    if (category.empty()) return fail(Status::Malformed("a free-text line needs a category"));
    if (!FindReference<events::CategoryDefined>(ctx, "category", category)) {
      return fail(UnknownReference("category", category));
    }
    if (!l.project.empty() && !FindReference<events::ProjectDefined>(ctx, "project", l.project)) {
      return fail(UnknownReference("project", l.project));
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
      pr.status = "draft";
      pr.requester = Str(e.actor());
      pr.justification = Str(p->justification());
      ReadLines(p->lines(), &pr.lines);
      ReadAttachments(p->attachments(), &pr.attachments);
      break;
    }
    case Payload::PurchaseRequestUpdated: {
      const auto* p = e.payload_as_PurchaseRequestUpdated();
      pr.status = "draft";
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
      pr.status = "submitted";
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
      if (p->final()) pr.status = "approved";
      break;
    }
    case Payload::PurchaseRequestRejected:
      pr.status = "rejected";
      break;
    case Payload::PurchaseRequestCancelled:
      pr.status = "cancelled";
      break;
    case Payload::PurchaseRequestConverted: {
      const auto* p = e.payload_as_PurchaseRequestConverted();
      pr.status = "ordered";
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

std::string_view Label(const PurchaseRequest& pr) { return pr.status; }

bool Valid(const PurchaseRequest& pr) {
  return !pr.status.empty() && pr.approvals.size() <= pr.levels.size();
}

Decision DecideCreatePr(const PrInput& in, DecideContext& ctx) {
  events::PurchaseRequestCreatedT c;
  LEDGER_RETURN_IF_ERROR(Build(in, ctx, &c));
  return One(Emit(std::move(c)));
}

Decision DecideUpdatePr(const PurchaseRequest& pr, const PrInput& in, DecideContext& ctx) {
  if (pr.status != "draft" && pr.status != "submitted" && pr.status != "approved") {
    return Status::InvalidState("a " + pr.status + " request cannot be edited");
  }
  if (!IsRequesterOrAdmin(pr, ctx)) {
    return Status(Errc::kForbidden, "only the requester edits a request");
  }
  events::PurchaseRequestUpdatedT u;
  LEDGER_RETURN_IF_ERROR(Build(in, ctx, &u));
  return One(Emit(std::move(u)));
}

Decision DecideSubmitPr(const PurchaseRequest& pr, DecideContext& ctx) {
  if (pr.status != "draft") {
    return Status::InvalidState("only a draft request can be submitted; it is " + pr.status);
  }
  if (!IsRequesterOrAdmin(pr, ctx)) {
    return Status(Errc::kForbidden, "only the requester submits a request");
  }
  auto priced = Price(pr, ctx);
  if (!priced.ok()) return priced.status();
  const std::string company = GetSettings(ctx).currency;
  auto budget = CheckBudget(ctx, {"purchase_request", ctx.stream_id(), "", company, Decimal::FromInt(1)},
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

Decision DecideApprovePr(const PurchaseRequest& pr, const std::string& comment,
                         DecideContext& ctx) {
  if (pr.status != "submitted") {
    return Status::InvalidState("only a submitted request can be approved; it is " + pr.status);
  }
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

Decision DecideRejectPr(const PurchaseRequest& pr, const std::string& reason, DecideContext& ctx) {
  if (pr.status != "submitted") {
    return Status::InvalidState("only a submitted request can be rejected; it is " + pr.status);
  }
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

Decision DecideCancelPr(const PurchaseRequest& pr, const std::string& reason, DecideContext& ctx) {
  if (pr.status != "draft" && pr.status != "submitted") {
    return Status::InvalidState("only a draft or submitted request can be cancelled; it is " +
                                pr.status);
  }
  if (!IsRequesterOrAdmin(pr, ctx)) {
    return Status(Errc::kForbidden, "only the requester cancels a request");
  }
  events::PurchaseRequestCancelledT c;
  c.reason = reason;
  return One(Emit(std::move(c)));
}

Decision DecideConvertPr(const PurchaseRequest& pr,
                         const std::map<uint32_t, std::string>& supplier_by_line,
                         const std::string& default_supplier, DecideContext& ctx) {
  if (pr.status != "approved") {
    return Status::InvalidState("only an approved request is converted; it is " + pr.status);
  }
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
    auto id = ctx.NewDocumentId("purchase_order");
    if (!id.ok()) return id.status();
    auto events = DecideCreatePo(h, PoNotesInput{}, po_lines, ctx);
    if (!events.ok()) {
      return events.status().Within("order for " + supplier);
    }
    for (auto& e : *events) {
      e.stream_type = "purchase_order";
      e.stream_id = *id;
      out.push_back(std::move(e));
    }
    converted.orders.push_back(*id);
  }
  out.push_back(Emit(std::move(converted)));
  return out;
}

void Apply(AttachmentFilings& a, const events::Envelope& e) {
  if (e.payload_type() != events::Payload::AttachmentFiled) return;
  const auto* f = e.payload_as_AttachmentFiled();
  ++a.filings;
  a.size = f->size();
  a.media_type = Str(f->media_type());
}
std::string_view Label(const AttachmentFilings&) { return "filed"; }
bool Valid(const AttachmentFilings& a) { return a.filings > 0; }

namespace {
constexpr size_t kAttachmentNameBytesMax = 255;
constexpr size_t kMediaTypeBytesMax = 127;

// type "/" subtype, each a token (RFC 9110 §8.3.1); parameters allowed.
bool IsMediaType(std::string_view m) {
  auto token = [](std::string_view t) {
    return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c);
    });
  };
  const std::string_view bare = m.substr(0, m.find(';'));
  const size_t slash = bare.find('/');
  return slash != std::string_view::npos && token(bare.substr(0, slash)) &&
         token(bare.substr(slash + 1));
}
}  // namespace

Status CheckAttachmentLabels(const std::string& name, const std::string& media_type) {
  if (name.size() > kAttachmentNameBytesMax) {
    return Status::Malformed(
        fmt::format("an attachment name is at most {} bytes", kAttachmentNameBytesMax));
  }
  if (media_type.size() > kMediaTypeBytesMax || !IsMediaType(media_type)) {
    return Status::Malformed("the media type must be type/subtype, e.g. application/pdf");
  }
  return Status::Ok();
}

Command FileAttachment(AttachmentInput in) {
  Command c;
  c.stream_type = "attachment";
  c.stream_id = in.sha256;
  c.expect = Expect::kAny;  // the same content may be filed again, by anyone
  c.decide = [in = std::move(in)](const AggregateState*, DecideContext&) -> Decision {
    if (!IsSha256Hex(in.sha256)) return Status::Malformed("an attachment is named by its SHA-256");
    if (in.size == 0) return Status::Malformed("an attachment needs content");
    LEDGER_RETURN_IF_ERROR(CheckAttachmentLabels(in.name, in.media_type));
    events::AttachmentFiledT f;
    f.sha256 = in.sha256;
    f.name = in.name;
    f.media_type = in.media_type;
    f.size = in.size;
    return One(Emit(std::move(f)));
  };
  return c;
}

}  // namespace ledger::domain
