// Purchase requests and their approvals.
#include <fmt/format.h>

#include <functional>

#include "api/request_context.h"
#include "api/purchasing/bodies.h"
#include "api/purchasing/routes.h"
#include "engine/purchasing/commands.h"
#include "engine/reference/reference_entity.h"
#include "events/event_json.h"
#include "events/purchasing_events.h"

namespace ledger::api {

namespace {

using namespace domain;  // NOLINT: route handlers read as the domain does

const std::vector<std::string> kApprovers = {"approver_manager", "approver_finance",
                                             "approver_direction"};

// Gives each attachment of a request its size from the store, which must
// already hold its content: the event only names it.
void SizeAttachments(const AttachmentStore* store, PrInput* in) {
  for (auto& t : in->attachments) {
    auto bytes = store ? store->Get(t.sha256) : Result<std::string>(Status::NotFound("no store"));
    if (!bytes.ok()) {
      Fail(Status::Rule("unknown_attachment",
                        "attachment " + t.sha256 + " is not in the store: POST /v1/attachments first",
                        {{"sha256", t.sha256}}));
    }
    t.size = bytes->size();
  }
}

Json PrJson(const std::string& id, const AggregateState& state) {
  const auto& pr = *StateCast<PurchaseRequest>(&state);
  Json lines = Json::array();
  for (const auto& l : pr.lines) {
    lines.push_back({{"n", l.line_no},
                     {"product", l.product},
                     {"description", l.description},
                     {"quantity", l.quantity.ToString()},
                     {"estimated_unit_price", l.estimated_unit_price.ToString()},
                     {"currency", l.currency},
                     {"cost_center", l.cost_center},
                     {"category", l.category},
                     {"project", l.project},
                     {"needed_by", l.needed_by}});
  }
  Json attachments = Json::array();
  for (const auto& a : pr.attachments) {
    attachments.push_back(
        {{"sha256", a.sha256}, {"name", a.name}, {"media_type", a.media_type}, {"size", a.size}});
  }
  Json approvals = Json::array();
  for (const auto& a : pr.approvals) {
    approvals.push_back({{"level", a.level},
                         {"level_name", a.level_name},
                         {"role", a.role},
                         {"actor", a.actor},
                         {"at", IsoTimestamp(a.at_us)},
                         {"comment", a.comment}});
  }
  Json j{{"id", id},
         {"status", Label(pr.status)},
         {"version", state.version},
         {"requester", pr.requester},
         {"justification", pr.justification},
         {"lines", lines},
         {"attachments", attachments},
         {"levels", pr.levels},
         {"approvals", approvals},
         {"orders", pr.orders}};
  if (!pr.currency.empty()) {
    j["amount"] = Digits(pr.amount, pr.currency);
    j["currency"] = pr.currency;
    j["policy_version"] = pr.policy_version;
  }
  if (pr.status == PrStatus::kSubmitted && pr.approvals.size() < pr.levels.size()) {
    const std::string& level = pr.levels[pr.approvals.size()];
    j["next_level"] = {{"level", pr.approvals.size() + 1},
                       {"level_name", level},
                       {"role", ApproverRole(level)}};
  }
  return j;
}

// Who approved a request, when and on which basis: every approval and
// rejection in its history, with the ones a later edit cleared marked.
Json ApprovalsJson(const std::vector<LogRecord>& records) {
  Json out = Json::array();
  size_t round_start = 0;
  for (const auto& r : records) {
    const auto* e = r.envelope();
    switch (events::TypeOf<events::PurchasingEvent>(*e)) {
      case events::PurchasingEvent::PurchaseRequestUpdated:
      case events::PurchasingEvent::PurchaseRequestSubmitted:
        for (size_t i = round_start; i < out.size(); ++i) out[i]["cleared"] = true;
        round_start = out.size();
        break;
      case events::PurchasingEvent::PurchaseRequestApproved: {
        const auto* a = events::As<events::PurchaseRequestApproved>(*e);
        out.push_back({{"decision", "approved"},
                       {"level", a->level()},
                       {"level_name", events::Str(a->level_name())},
                       {"role", events::Str(a->role())},
                       {"actor", events::Str(e->actor())},
                       {"at", IsoTimestamp(e->recorded_at_us())},
                       {"amount", events::Str(a->amount())},
                       {"currency", events::Str(a->currency())},
                       {"policy_version", a->policy_version()},
                       {"comment", events::Str(a->comment())},
                       {"event_id", events::EventIdOf(*e).ToString()},
                       {"cleared", false}});
        break;
      }
      case events::PurchasingEvent::PurchaseRequestRejected: {
        const auto* x = events::As<events::PurchaseRequestRejected>(*e);
        out.push_back({{"decision", "rejected"},
                       {"level", x->level()},
                       {"role", events::Str(x->role())},
                       {"actor", events::Str(e->actor())},
                       {"at", IsoTimestamp(e->recorded_at_us())},
                       {"reason", events::Str(x->reason())},
                       {"event_id", events::EventIdOf(*e).ToString()},
                       {"cleared", false}});
        break;
      }
      default:
        break;
    }
  }
  return out;
}

CreatePr ParseCreatePr(const RequestContext& rc) {
  PrInput in = ParsePrInput(rc.body());
  SizeAttachments(rc.ctx.attachments, &in);
  return {std::move(in)};
}
UpdatePr ParseUpdatePr(const RequestContext& rc) {
  PrInput in = ParsePrInput(rc.body());
  SizeAttachments(rc.ctx.attachments, &in);
  return {rc.path(1), std::move(in)};
}
SubmitPr ParseSubmitPr(const RequestContext& rc) { return {rc.path(1)}; }
ApprovePr ParseApprovePr(const RequestContext& rc) {
  return {rc.path(1), rc.optional_field("comment")};
}
RejectPr ParseRejectPr(const RequestContext& rc) { return {rc.path(1), rc.body().str("reason")}; }
CancelPr ParseCancelPr(const RequestContext& rc) {
  return {rc.path(1), rc.optional_field("reason")};
}

// The outcome of a conversion, with the orders it created.
void WriteConversion(const Engine* engine, const std::string& id, const CommandOutcome& out,
                     httplib::Response& res) {
  if (!out.status.ok()) Fail(out.status);
  auto pr = engine->Load<PurchaseRequest>(id);
  WriteJson(res, 200,
            Json{{"id", id},
                 {"version", out.version},
                 {"state", out.state_label},
                 {"orders", pr ? pr->orders : std::vector<std::string>{}}});
}

// Converts a request, answering with the orders it created.
void SubmitConversion(RequestContext& rc) {
  PrConversion conversion = ParsePrConversion(rc.req.body);
  std::string id = rc.path(1);
  rc.Submit(ToCommand(ConvertPr{id, conversion.supplier_by_line, conversion.supplier}),
            std::bind_front(&WriteConversion, rc.ctx.engine, id));
}

// GET /v1/purchase-requests/{id}/approvals
void ReadApprovals(RequestContext& rc) {
  std::vector<LogRecord> records;
  Status s = rc.ctx.engine->ReadStream(PurchaseRequest::kStream.type, rc.path(1), &records);
  if (!s.ok()) Fail(s);
  if (records.empty()) {
    Fail(Status::NotFound("purchase request \"" + rc.path(1) + "\" does not exist"));
  }
  WriteJson(rc.res, 200, Json{{"id", rc.path(1)}, {"approvals", ApprovalsJson(records)}});
}

}  // namespace

void AddRequestRoutes(Routes& r) {
  const std::string prs = "/v1/purchase-requests";
  const std::vector<std::string> requesters = {"requester", "buyer"};
  r.Command("POST", prs, requesters, "Create a draft purchase request", &ParseCreatePr);
  r.Command("POST", prs + "/{id}/update", requesters,
            "Edit the request (a submitted one returns to draft)", &ParseUpdatePr);
  r.Command("POST", prs + "/{id}/submit", requesters, "Submit for approval (checks the budget)",
            &ParseSubmitPr);
  r.Command("POST", prs + "/{id}/approve", kApprovers, "Approve the next level", &ParseApprovePr);
  r.Command("POST", prs + "/{id}/reject", kApprovers, "Reject the request", &ParseRejectPr);
  r.Command("POST", prs + "/{id}/cancel", requesters, "Cancel a draft or submitted request",
            &ParseCancelPr);
  r.Add("POST", prs + "/{id}/convert", {"buyer"},
        "Convert an approved request into purchase orders, one per supplier", &SubmitConversion);
  r.AddDocumentReads<PurchaseRequest>(prs, "purchase request", PrJson);
  r.Add("GET", prs + "/{id}/approvals", {"*"},
      "Who approved or rejected, when, with which role, amount and policy version",
      &ReadApprovals);
}

}  // namespace ledger::api
