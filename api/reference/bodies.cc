// Request bodies of reference data (see api/reference/bodies.h).
#include "api/reference/bodies.h"

#include <memory>

namespace ledger::api {

using namespace domain;  // NOLINT: parsers read as the domain does

// Policies and rates.

events::PayloadUnion ParseApprovalPolicy(const Body& b) {
  events::ApprovalPolicyDefinedT p;
  auto bands = b.objects("bands");
  if (bands.empty()) FailMalformed("missing field \"bands\"");
  for (const auto& band : bands) {
    auto t = std::make_unique<events::ApprovalBandT>();
    if (auto up_to = band.opt_dec("up_to")) t->up_to = up_to->ToString();
    t->levels = band.strings("levels");
    p.bands.push_back(std::move(t));
  }
  events::PayloadUnion u;
  u.Set(std::move(p));
  return u;
}

events::PayloadUnion ParseMatchingPolicy(const Body& b) {
  events::MatchingPolicyDefinedT m;
  m.quantity_pct = b.dec("quantity_pct").ToString();
  m.price_pct = b.dec("price_pct").ToString();
  m.amount_abs = b.dec("amount_abs").ToString();
  m.over_receipt_pct = b.opt_dec("over_receipt_pct").value_or(Decimal()).ToString();
  events::PayloadUnion u;
  u.Set(std::move(m));
  return u;
}

events::PayloadUnion ParseExchangeRate(const Body& b) {
  events::ExchangeRateDefinedT r;
  r.rate = b.dec("rate").ToString();
  events::PayloadUnion u;
  u.Set(std::move(r));
  return u;
}

}  // namespace ledger::api
