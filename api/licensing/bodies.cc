#include "api/licensing/bodies.h"

#include "api/request_context.h"
#include "engine/clock.h"

namespace ledger::api {

domain::PoolInput ParsePoolInput(const Body& b) {
  domain::PoolInput in;
  in.product = b.str("product");
  in.vendor = b.str("vendor");
  in.model = b.str("model");
  in.quantity = b.dec("quantity");
  Body term = b.object("term");
  in.term_start = term.str("start");
  in.term_end = term.str("end");
  in.unit_price = b.dec("unit_price");
  in.currency = b.str("currency");
  in.auto_renew = b.boolean("auto_renew", false);
  const int64_t notice = b.integer("notice_days", 0);
  if (notice < 0 || notice > 3660) FailMalformed("notice_days must be between 0 and 3660");
  in.notice_days = static_cast<uint32_t>(notice);
  in.renew_quantity = b.opt_str("renew_quantity").value_or("quota");
  if (b.has("overage")) {
    Body o = b.object("overage");
    in.overage_policy = o.str("policy");
    in.overage_unit_price = o.opt_dec("unit_price");
    in.overage_basis = o.opt_str("basis");
  }
  if (b.has("lease_seconds")) in.lease_seconds = b.integer("lease_seconds", 0);
  if (b.has("usage")) {
    Body u = b.object("usage");
    in.has_usage = true;
    in.usage_unit = u.str("unit");
    in.usage_included = u.opt_dec("included").value_or(Decimal());
    in.usage_mode = u.opt_str("mode").value_or("graduated");
    std::vector<Body> tiers = u.objects("tiers");
    if (tiers.size() > 32) FailMalformed("usage.tiers: at most 32 tiers");
    for (const Body& t : tiers) {
      in.usage_tiers.push_back({t.opt_dec("up_to"), t.dec("unit_price")});
    }
  }
  if (b.has("commitment")) in.commitment = b.object("commitment").dec("amount");
  in.cost_center = b.opt_str("cost_center").value_or("");
  in.project = b.opt_str("project").value_or("");
  return in;
}

int64_t ParseInstant(const Body& b, const char* key) {
  const std::string text = b.str(key);
  int64_t us = 0;
  if (ParseTimestamp(text, &us)) return us;
  if (IsIsoDate(text) && ParseTimestamp(text + "T00:00:00Z", &us)) return us;
  FailMalformed(std::string(key) + " must be an RFC 3339 timestamp or a date YYYY-MM-DD");
}

std::vector<std::string> ParsePoolIds(const Body& b) {
  std::vector<std::string> pools = b.strings("pools");
  if (pools.empty() || pools.size() > 32) FailMalformed("pools must name 1 to 32 licence pools");
  for (const auto& p : pools) CheckClientId(p);
  return pools;
}

}  // namespace ledger::api
