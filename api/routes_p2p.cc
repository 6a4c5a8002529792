// Purchase-to-pay routes: company policies and exchange rates, budgets and
// their report, purchase requests and approvals, attachments, receipts,
// supplier invoices with matching, credit notes and payments.
#include <fmt/format.h>

#include "api/bodies.h"
#include "api/request_context.h"
#include "engine/domain/commands.h"
#include "events/event_json.h"
#include "projections/budget_ledger.h"
#include "projections/matching.h"

namespace ledger::api {
namespace {

using namespace domain;  // NOLINT: route handlers read as the domain does

const std::vector<std::string> kFinance = {"approver_finance", "approver_direction"};
const std::vector<std::string> kApprovers = {"approver_manager", "approver_finance",
                                             "approver_direction"};

std::string Digits(const Decimal& d, const std::string& currency) {
  return d.ToString(CurrencyDigits(currency).value_or(2));
}

// Budgets.

Json BudgetJson(const std::string& id, const AggregateState& state) {
  const auto& b = *StateCast<Budget>(&state);
  std::map<std::string, Json> lines;  // by line key, in key order
  for (const auto& [key, cell] : b.cells) {
    auto [line, period] = SplitCellKey(key);
    std::string lk = line.cost_center + '\x1f' + line.category + '\x1f' + line.project;
    Json& l = lines[lk];
    if (l.is_null()) {
      l = {{"cost_center", line.cost_center},
           {"category", line.category},
           {"project", line.project},
           {"periods", Json::object()}};
    }
    Decimal available = Available(cell);
    l["periods"][period] = {{"amount", Digits(cell.amount, b.currency)},
                            {"committed", Digits(cell.committed, b.currency)},
                            {"actual", Digits(cell.actual, b.currency)},
                            {"available", Digits(available, b.currency)}};
  }
  Json arr = Json::array();
  for (auto& [k, l] : lines) arr.push_back(std::move(l));
  return Json{{"id", id},        {"version", state.version}, {"name", b.name},
              {"currency", b.currency}, {"policy", b.policy},     {"lines", arr}};
}

Json ReportRowJson(const BudgetReportRow& r, const std::vector<std::string>& group_by) {
  Json j = Json::object();
  for (const auto& g : group_by) {
    if (g == "cost_center") j[g] = r.cost_center;
    if (g == "category") j[g] = r.category;
    if (g == "project") j[g] = r.project;
    if (g == "month") j[g] = r.month;
    if (g == "supplier") j[g] = r.supplier;
  }
  j["amount"] = r.amount;
  j["committed"] = r.committed;
  j["actual"] = r.actual;
  j["available"] = r.available;
  return j;
}

// Purchase requests.

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
         {"status", pr.status},
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
  if (pr.status == "submitted" && pr.approvals.size() < pr.levels.size()) {
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
    using events::Payload;
    switch (e->payload_type()) {
      case Payload::PurchaseRequestUpdated:
      case Payload::PurchaseRequestSubmitted:
        for (size_t i = round_start; i < out.size(); ++i) out[i]["cleared"] = true;
        round_start = out.size();
        break;
      case Payload::PurchaseRequestApproved: {
        const auto* a = e->payload_as_PurchaseRequestApproved();
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
      case Payload::PurchaseRequestRejected: {
        const auto* x = e->payload_as_PurchaseRequestRejected();
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

// Receipts and invoices.

Json ReceiptJson(const std::string& id, const AggregateState& state) {
  const auto& r = *StateCast<Receipt>(&state);
  Json lines = Json::array();
  for (const auto& l : r.lines) {
    Json j{{"line", l.line_no}, {"quantity", l.quantity.ToString()}};
    if (!l.acceptance.empty()) {
      j["period_from"] = l.period_from;
      j["period_to"] = l.period_to;
      j["proof"] = l.proof;
      j["acceptance"] = l.acceptance;
    }
    lines.push_back(std::move(j));
  }
  return Json{{"id", id},
              {"version", state.version},
              {"purchase_order", r.purchase_order},
              {"date", r.date},
              {"warehouse", r.warehouse},
              {"lines", lines}};
}

Json DiscrepanciesJson(const std::vector<SiDiscrepancy>& ds) {
  Json out = Json::array();
  for (const auto& d : ds) {
    out.push_back({{"line", d.line}, {"kind", d.kind}, {"expected", d.expected},
                   {"invoiced", d.invoiced}});
  }
  return out;
}

Json InvoiceJson(const std::string& id, const AggregateState& state) {
  const auto& si = *StateCast<SupplierInvoice>(&state);
  auto money = [&](const Decimal& d) { return d.ToString(si.digits); };
  Json lines = Json::array();
  for (const auto& l : si.lines) {
    lines.push_back({{"n", l.line_no},
                     {"po_line", l.po_line},
                     {"description", l.description},
                     {"quantity", l.quantity.ToString()},
                     {"unit_price", l.unit_price.ToString()},
                     {"tax_code", l.tax_code},
                     {"untaxed", money(l.untaxed)},
                     {"cost_center", l.cost_center},
                     {"category", l.category},
                     {"project", l.project},
                     {"credited_quantity", l.credited_quantity.ToString()},
                     {"credited_amount", money(l.credited_amount)}});
  }
  Json j{{"id", id},
         {"status", si.status},
         {"version", state.version},
         {"supplier", si.supplier},
         {"supplier_ref", si.supplier_ref},
         {"date", si.date},
         {"due_date", si.due_date},
         {"currency", si.currency},
         {"rate", si.rate.ToString()},
         {"purchase_order", si.purchase_order},
         {"match",
          {{"mode", si.match_mode},
           {"discrepancies", DiscrepanciesJson(si.discrepancies)},
           {"accepted_by", si.accepted_by}}},
         {"lines", lines},
         {"totals", {{"untaxed", money(si.untaxed)}, {"tax", money(si.tax)}, {"total", money(si.total)}}},
         {"credited", money(si.credited_total)},
         {"paid", money(si.paid)},
         {"remaining", money(Remaining(si))},
         {"credit_notes", si.credit_notes},
         {"captured_by", si.capturer}};
  if (!si.stated_total.empty()) {
    j["stated_totals"] = {{"untaxed", si.stated_untaxed}, {"tax", si.stated_tax},
                          {"total", si.stated_total}};
  }
  return j;
}

}  // namespace

void ApiServer::AddP2pRoutes() {
  // Company policies and exchange rates (reference data, versioned).
  Add("PUT", "/v1/settings/approval-policy", {"admin"},
      "Define the approval policy: amount bands and their levels", [](RequestContext& rc) {
        rc.Submit(DefineReference(std::string(kSettingsId),
                                            ParseApprovalPolicy(rc.body()), Expect::kAny));
      });
  Add("PUT", "/v1/settings/matching", {"admin"}, "Define the matching and receipt tolerances",
      [](RequestContext& rc) {
        rc.Submit(DefineReference(std::string(kSettingsId),
                                            ParseMatchingPolicy(rc.body()), Expect::kAny));
      });
  for (auto [path, type] : {std::pair{"approval-policy", "approval_policy"},
                            std::pair{"matching", "matching_policy"}}) {
    Add("GET", std::string("/v1/settings/") + path, {"*"}, std::string("Read the ") + type,
        [type = std::string(type)](RequestContext& rc) {
          auto state = rc.ctx.engine->Load(type, kSettingsId);
          if (!state) Fail(Status::NotFound("the company has not defined its " + type));
          WriteJson(rc.res, 200, ReferenceJson(std::string(kSettingsId), *state));
        });
  }
  Add("PUT", "/v1/exchange-rates/{currency}", {"accountant", "approver_finance"},
      "Define a currency's rate to the company currency", [](RequestContext& rc) {
        events::PayloadUnion u = ParseExchangeRate(rc.body());
        std::string currency = rc.path(1);
        if (!CurrencyDigits(currency)) FailMalformed("unknown ISO 4217 currency \"" + currency + "\"");
        rc.Submit(DefineReference(currency, std::move(u), Expect::kAny));
      });
  Add("GET", "/v1/exchange-rates/{currency}", {"*"}, "Read a currency's rate",
      [](RequestContext& rc) {
        auto state = rc.ctx.engine->Load("exchange_rate", rc.path(1));
        if (!state) Fail(Status::NotFound("no exchange rate for " + rc.path(1)));
        WriteJson(rc.res, 200, ReferenceJson(rc.path(1), *state));
      });

  // Budgets.
  Add("POST", "/v1/budgets", kFinance, "Create a budget with its lines and monthly amounts",
      [](RequestContext& rc) {
        Body b = rc.body();
        // The id is checked before the rest of the body is read.
        CheckClientId(b.str("id"));
        NewBudget nb = ParseNewBudget(b);
        rc.Submit(NewDocument("budget", nb.id, [nb](DecideContext& ctx) {
          return DecideDefineBudget(nb.name, nb.currency, nb.policy, nb.lines, ctx);
        }));
      });
  Add("POST", "/v1/budgets/{id}/amend", kFinance, "Increase or decrease a line's month",
      [](RequestContext& rc) {
        BudgetAmendment a = ParseBudgetAmendment(rc.body());
        rc.Submit(OnStream<Budget>(
            "budget", rc.path(1), [a](const Budget& budget, DecideContext& ctx) {
              return DecideAmendBudget(budget, a.line, a.period, a.delta, a.reason, ctx);
            }));
      });
  Add("POST", "/v1/budgets/{id}/transfer", kFinance, "Move an amount between two lines",
      [](RequestContext& rc) {
        BudgetTransfer t = ParseBudgetTransfer(rc.body());
        rc.Submit(OnStream<Budget>(
            "budget", rc.path(1), [t](const Budget& budget, DecideContext& ctx) {
              return DecideTransferBudget(budget, t.from, t.to, t.period, t.amount, t.reason, ctx);
            }));
      });
  AddDocumentReads("/v1/budgets", "budget", "budget", BudgetJson);
  Add("GET", "/v1/budgets/{id}/report", {"*"},
      "Amount, committed, actual and available, grouped (?group_by=, ?as_of=)",
      [](RequestContext& rc) {
        std::vector<std::string> group_by;
        if (auto g = Param(rc.req, "group_by")) {
          size_t start = 0;
          while (start <= g->size()) {
            size_t comma = g->find(',', start);
            std::string part = g->substr(start, comma == std::string::npos ? std::string::npos
                                                                            : comma - start);
            if (!part.empty()) group_by.push_back(part);
            if (comma == std::string::npos) break;
            start = comma + 1;
          }
        }
        std::optional<int64_t> as_of;
        if (auto t = Param(rc.req, "as_of")) {
          int64_t us = 0;
          if (!ParseTimestamp(*t, &us)) FailMalformed("as_of must be an RFC 3339 timestamp");
          as_of = us;
        }
        auto report = QueryBudgetReport(rc.ctx.store, rc.path(1), group_by, as_of);
        if (!report.ok()) Fail(report.status());
        Json rows = Json::array();
        for (const auto& r : report->rows) rows.push_back(ReportRowJson(r, group_by));
        Json out{{"budget", rc.path(1)},
                 {"currency", report->currency},
                 {"group_by", group_by},
                 {"rows", rows},
                 {"total", ReportRowJson(report->total, {})}};
        if (as_of) out["as_of"] = IsoTimestamp(*as_of);
        WriteJson(rc.res, 200, out);
      });

  // Attachments: content-addressed, write-once.
  Add("POST", "/v1/attachments", {"requester", "buyer", "accountant", "receiver"},
      "Store a document (raw body, ?name=); answers its SHA-256; an event records who filed it",
      [](RequestContext& rc) {
        if (rc.ctx.attachments == nullptr) Fail(Status::Unavailable("no attachment store"));
        if (rc.req.body.empty()) FailMalformed("an attachment needs content");
        std::string media = rc.req.get_header_value("Content-Type");
        if (media.empty()) media = "application/octet-stream";
        std::string name = Param(rc.req, "name").value_or("");
        if (!events::IsUtf8(name)) FailMalformed("the name must be UTF-8 text");
        if (Status s = domain::CheckAttachmentLabels(name, media); !s.ok()) Fail(s);
        auto digest = rc.ctx.attachments->Put(rc.req.body);
        if (!digest.ok()) Fail(digest.status());
        // The content is stored (write-once, content-addressed); the event
        // says who filed it, when, under which name.
        domain::AttachmentInput in{*digest, name, media, rc.req.body.size()};
        rc.Submit(domain::FileAttachment(in),
                  [in](const CommandOutcome& out, httplib::Response& res) {
                    if (!out.status.ok()) Fail(out.status);
                    WriteJson(res, 201,
                              Json{{"sha256", in.sha256},
                                   {"size", in.size},
                                   {"media_type", in.media_type},
                                   {"name", in.name}});
                  });
      });
  Add("GET", "/v1/attachments/{sha256}", {"*"}, "Read a stored document", [](RequestContext& rc) {
    if (rc.ctx.attachments == nullptr) Fail(Status::Unavailable("no attachment store"));
    auto bytes = rc.ctx.attachments->Get(rc.path(1));
    if (!bytes.ok()) Fail(bytes.status());
    rc.res.status = 200;
    rc.res.set_content(*bytes, "application/octet-stream");
  });

  // Purchase requests.
  const std::string prs = "/v1/purchase-requests";
  const std::vector<std::string> requesters = {"requester", "buyer"};
  Add("POST", prs, requesters, "Create a draft purchase request", [](RequestContext& rc) {
    PrInput in = ParsePrInput(rc.body());
    SizeAttachments(rc.ctx.attachments, &in);
    rc.Submit(NewDocument("purchase_request", "", [in](DecideContext& ctx) {
      return DecideCreatePr(in, ctx);
    }));
  });
  using PrAction = std::function<Decision(const PurchaseRequest&, DecideContext&)>;
  auto on_pr = [](const std::string& id, PrAction act) {
    return OnStream<PurchaseRequest>("purchase_request", id, std::move(act));
  };
  Add("POST", prs + "/{id}/update", requesters,
      "Edit the request (a submitted one returns to draft)", [on_pr](RequestContext& rc) {
        PrInput in = ParsePrInput(rc.body());
        SizeAttachments(rc.ctx.attachments, &in);
        rc.Submit(on_pr(rc.path(1), [in](const PurchaseRequest& pr, DecideContext& ctx) {
          return DecideUpdatePr(pr, in, ctx);
        }));
      });
  Add("POST", prs + "/{id}/submit", requesters, "Submit for approval (checks the budget)",
      [on_pr](RequestContext& rc) {
        rc.Submit(on_pr(rc.path(1), [](const PurchaseRequest& pr, DecideContext& ctx) {
          return DecideSubmitPr(pr, ctx);
        }));
      });
  Add("POST", prs + "/{id}/approve", kApprovers, "Approve the next level",
      [on_pr](RequestContext& rc) {
        std::string comment = rc.optional_field("comment");
        rc.Submit(on_pr(rc.path(1), [comment](const PurchaseRequest& pr, DecideContext& ctx) {
          return DecideApprovePr(pr, comment, ctx);
        }));
      });
  Add("POST", prs + "/{id}/reject", kApprovers, "Reject the request", [on_pr](RequestContext& rc) {
    std::string reason = rc.body().str("reason");
    rc.Submit(on_pr(rc.path(1), [reason](const PurchaseRequest& pr, DecideContext& ctx) {
      return DecideRejectPr(pr, reason, ctx);
    }));
  });
  Add("POST", prs + "/{id}/cancel", requesters, "Cancel a draft or submitted request",
      [on_pr](RequestContext& rc) {
        std::string reason = rc.optional_field("reason");
        rc.Submit(on_pr(rc.path(1), [reason](const PurchaseRequest& pr, DecideContext& ctx) {
          return DecideCancelPr(pr, reason, ctx);
        }));
      });
  Add("POST", prs + "/{id}/convert", {"buyer"},
      "Convert an approved request into purchase orders, one per supplier",
      [on_pr](RequestContext& rc) {
        PrConversion conversion = ParsePrConversion(rc.req.body);
        std::string id = rc.path(1);
        Engine* engine = rc.ctx.engine;
        rc.Submit(on_pr(id,
                        [=](const PurchaseRequest& pr, DecideContext& ctx) {
                          return DecideConvertPr(pr, conversion.supplier_by_line,
                                                 conversion.supplier, ctx);
                        }),
                  [engine, id](const CommandOutcome& out, httplib::Response& res) {
                    if (!out.status.ok()) Fail(out.status);
                    auto state = engine->Load("purchase_request", id);
                    const auto* pr = state ? StateCast<PurchaseRequest>(state.get()) : nullptr;
                    WriteJson(res, 200,
                              Json{{"id", id},
                                   {"version", out.version},
                                   {"state", out.state_label},
                                   {"orders", pr ? pr->orders : std::vector<std::string>{}}});
                  });
      });
  AddDocumentReads(prs, "purchase_request", "purchase request", PrJson);
  Add("GET", prs + "/{id}/approvals", {"*"},
      "Who approved or rejected, when, with which role, amount and policy version",
      [](RequestContext& rc) {
        std::vector<LogRecord> records;
        Status s = rc.ctx.engine->ReadStream("purchase_request", rc.path(1), &records);
        if (!s.ok()) Fail(s);
        if (records.empty()) Fail(Status::NotFound("purchase request \"" + rc.path(1) + "\" does not exist"));
        WriteJson(rc.res, 200, Json{{"id", rc.path(1)}, {"approvals", ApprovalsJson(records)}});
      });

  // Receipts.
  Add("POST", "/v1/receipts", {"receiver", "buyer"},
      "Record goods or services received against a confirmed order", [](RequestContext& rc) {
        ReceiptInput in = ParseReceipt(rc.body());
        rc.Submit(NewDocument("receipt", "", [in](DecideContext& ctx) {
          return DecideRecordReceipt(in, ctx);
        }));
      });
  AddDocumentReads("/v1/receipts", "receipt", "receipt", ReceiptJson);

  // Supplier invoices.
  const std::string sis = "/v1/supplier-invoices";
  Add("POST", sis, {"accountant"}, "Capture a supplier invoice (matched at once)",
      [](RequestContext& rc) {
        SiInput in = ParseSupplierInvoice(rc.body());
        rc.Submit(NewDocument("supplier_invoice", "", [in](DecideContext& ctx) {
          return DecideCaptureInvoice(in, ctx);
        }));
      });
  using SiAction = std::function<Decision(const SupplierInvoice&, DecideContext&)>;
  auto si_action = [this, sis](const std::string& suffix, std::vector<std::string> roles,
                               const std::string& summary,
                               std::function<SiAction(RequestContext&)> make) {
    Add("POST", sis + "/{id}" + suffix, std::move(roles), summary, [make](RequestContext& rc) {
      rc.Submit(OnStream<SupplierInvoice>("supplier_invoice", rc.path(1), make(rc)));
    });
  };
  si_action("/accept-difference", kFinance, "Accept a disputed difference (approver recorded)",
            [](RequestContext& rc) -> SiAction {
              std::string reason = rc.body().str("reason");
              return [reason](const SupplierInvoice& si, DecideContext& ctx) {
                return DecideAcceptDifference(si, reason, ctx);
              };
            });
  si_action("/credit-notes", {"accountant"}, "Record the supplier's credit note",
            [](RequestContext& rc) -> SiAction {
              CreditNoteInput in = ParseCreditNote(rc.body());
              return [in](const SupplierInvoice& si, DecideContext& ctx) {
                return DecideCreditNote(si, in, ctx);
              };
            });
  si_action("/approve", {"approver_finance", "approver_direction", "accountant"},
            "Approve a matched invoice for payment", [](RequestContext&) -> SiAction {
              return [](const SupplierInvoice& si, DecideContext& ctx) {
                return DecideApproveInvoice(si, ctx);
              };
            });
  si_action("/payments", {"accountant"}, "Record a payment (partial payments allowed)",
            [](RequestContext& rc) -> SiAction {
              PaymentInput p = ParsePayment(rc.body());
              return [p](const SupplierInvoice& si, DecideContext& ctx) {
                return DecidePayInvoice(si, p, ctx);
              };
            });
  si_action("/cancel", {"accountant"}, "Cancel an unpaid invoice (gives the budget back)",
            [](RequestContext& rc) -> SiAction {
              std::string reason = rc.optional_field("reason");
              return [reason](const SupplierInvoice& si, DecideContext& ctx) {
                return DecideCancelInvoice(si, reason, ctx);
              };
            });
  Add("GET", sis, {"*"}, "Invoices by status (?status=disputed), with their discrepancies",
      [](RequestContext& rc) {
        std::string status = Param(rc.req, "status").value_or("");
        auto page = QueryInvoices(rc.ctx.store, status, Param(rc.req, "cursor").value_or(""),
                                  LimitParam(rc.req, 100, 1000));
        if (!page.ok()) Fail(page.status());
        Json out{{"invoices", page->invoices}};
        if (!page->next_cursor.empty()) out["next_cursor"] = page->next_cursor;
        WriteJson(rc.res, 200, out);
      });
  AddDocumentReads(sis, "supplier_invoice", "supplier invoice", InvoiceJson);
  Add("GET", "/v1/matching/stats", {"*"}, "Match rates: 3-way matched without dispute",
      [](RequestContext& rc) {
        auto s = QueryMatchingStats(rc.ctx.store);
        if (!s.ok()) Fail(s.status());
        WriteJson(rc.res, 200,
                  Json{{"invoices", s->invoices},
                       {"three_way", s->three_way},
                       {"three_way_without_dispute", s->three_way_clean},
                       {"three_way_match_rate", s->three_way_match_rate},
                       {"disputed_now", s->disputed_now},
                       {"ever_disputed", s->ever_disputed}});
      });
}

}  // namespace ledger::api
