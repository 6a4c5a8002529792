// Company policies and exchange rates (reference data, versioned).
#include <fmt/format.h>

#include <functional>

#include "api/request_context.h"
#include "api/reference/bodies.h"
#include "api/reference/routes.h"
#include "engine/reference/commands.h"
#include "events/reference_events.h"

namespace ledger::api {

using namespace domain;  // NOLINT: route handlers read as the domain does

namespace {

DefineReference ParseApprovalPolicyCommand(const RequestContext& rc) {
  return {std::string(kSettingsId), ParseApprovalPolicy(rc.body()), Expect::kAny};
}
DefineReference ParseMatchingPolicyCommand(const RequestContext& rc) {
  return {std::string(kSettingsId), ParseMatchingPolicy(rc.body()), Expect::kAny};
}
DefineReference ParseExchangeRateCommand(const RequestContext& rc) {
  events::ReferenceEventUnion u = ParseExchangeRate(rc.body());
  std::string currency = rc.path(1);
  if (!CurrencyDigits(currency)) FailMalformed("unknown ISO 4217 currency \"" + currency + "\"");
  return {std::move(currency), std::move(u), Expect::kAny};
}

// GET /v1/settings/approval-policy and /v1/settings/matching: the policy of
// stream type `type`.
void ReadPolicy(const std::string& type, RequestContext& rc) {
  auto state = rc.ctx.engine->Load(type, kSettingsId);
  if (!state) Fail(Status::NotFound("the company has not defined its " + type));
  WriteJson(rc.res, 200, ReferenceJson(std::string(kSettingsId), *state));
}

// GET /v1/exchange-rates/{currency}
void ReadExchangeRate(RequestContext& rc) {
  auto state =
      rc.ctx.engine->Load(domain::kReferenceType<events::ExchangeRateDefined>, rc.path(1));
  if (!state) Fail(Status::NotFound("no exchange rate for " + rc.path(1)));
  WriteJson(rc.res, 200, ReferenceJson(rc.path(1), *state));
}

}  // namespace

void AddPolicyRoutes(Routes& r) {
  r.Command("PUT", "/v1/settings/approval-policy", {"admin"},
            "Define the approval policy: amount bands and their levels",
            &ParseApprovalPolicyCommand);
  r.Command("PUT", "/v1/settings/matching", {"admin"}, "Define the matching and receipt tolerances",
            &ParseMatchingPolicyCommand);
  for (auto [path, type] :
       {std::pair{"approval-policy", kReferenceType<events::ApprovalPolicyDefined>},
        std::pair{"matching", kReferenceType<events::MatchingPolicyDefined>}}) {
    r.Add("GET", std::string("/v1/settings/") + path, {"*"}, "Read the " + std::string(type),
          std::bind_front(&ReadPolicy, std::string(type)));
  }
  r.Command("PUT", "/v1/exchange-rates/{currency}", {"accountant", "approver_finance"},
            "Define a currency's rate to the company currency", &ParseExchangeRateCommand);
  r.Add("GET", "/v1/exchange-rates/{currency}", {"*"}, "Read a currency's rate",
        &ReadExchangeRate);
}

}  // namespace ledger::api
