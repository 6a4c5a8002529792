// Company policies and exchange rates (reference data, versioned).
#include <fmt/format.h>

#include "api/request_context.h"
#include "api/reference/bodies.h"
#include "api/reference/routes.h"
#include "engine/reference/commands.h"

namespace ledger::api {

using namespace domain;  // NOLINT: route handlers read as the domain does

void AddPolicyRoutes(Routes& r) {
  r.Add("PUT", "/v1/settings/approval-policy", {"admin"},
      "Define the approval policy: amount bands and their levels", [](RequestContext& rc) {
        rc.Submit(DefineReference(std::string(kSettingsId),
                                            ParseApprovalPolicy(rc.body()), Expect::kAny));
      });
  r.Add("PUT", "/v1/settings/matching", {"admin"}, "Define the matching and receipt tolerances",
      [](RequestContext& rc) {
        rc.Submit(DefineReference(std::string(kSettingsId),
                                            ParseMatchingPolicy(rc.body()), Expect::kAny));
      });
  for (auto [path, type] : {std::pair{"approval-policy", "approval_policy"},
                            std::pair{"matching", "matching_policy"}}) {
    r.Add("GET", std::string("/v1/settings/") + path, {"*"}, std::string("Read the ") + type,
        [type = std::string(type)](RequestContext& rc) {
          auto state = rc.ctx.engine->Load(type, kSettingsId);
          if (!state) Fail(Status::NotFound("the company has not defined its " + type));
          WriteJson(rc.res, 200, ReferenceJson(std::string(kSettingsId), *state));
        });
  }
  r.Add("PUT", "/v1/exchange-rates/{currency}", {"accountant", "approver_finance"},
      "Define a currency's rate to the company currency", [](RequestContext& rc) {
        events::PayloadUnion u = ParseExchangeRate(rc.body());
        std::string currency = rc.path(1);
        if (!CurrencyDigits(currency)) FailMalformed("unknown ISO 4217 currency \"" + currency + "\"");
        rc.Submit(DefineReference(currency, std::move(u), Expect::kAny));
      });
  r.Add("GET", "/v1/exchange-rates/{currency}", {"*"}, "Read a currency's rate",
      [](RequestContext& rc) {
        auto state = rc.ctx.engine->Load(domain::kReferenceType<events::ExchangeRateDefined>,
                                         rc.path(1));
        if (!state) Fail(Status::NotFound("no exchange rate for " + rc.path(1)));
        WriteJson(rc.res, 200, ReferenceJson(rc.path(1), *state));
      });
}

}  // namespace ledger::api
