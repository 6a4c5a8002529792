// The lists of licensing documents: what each shows and is filtered by.
#include "engine/licensing/listings.h"

#include "engine/licensing/licence_pool.h"
#include "engine/licensing/team.h"

namespace ledger {
namespace licensing {
namespace {

constexpr std::string_view kLpDates[] = {"created", "term_start", "term_end"};
constexpr std::string_view kLpFilters[] = {"product", "vendor",      "model",
                                           "currency", "cost_center", "project"};
constexpr std::string_view kTeamDates[] = {"created"};
constexpr std::string_view kTeamFilters[] = {"member"};

}  // namespace

constinit const Listing kLicencePoolListing{"licence-pools", "licence pools", "created", kLpDates,
                                            kLpFilters};
constinit const Listing kTeamListing{"teams", "teams", "created", kTeamDates, kTeamFilters};

}  // namespace licensing

namespace domain {

void Describe(const LicencePool& lp, ListEntry& out) {
  out.Filter("product", lp.product);
  out.Filter("vendor", lp.vendor);
  out.Filter("model", std::string(Label(lp.model)));
  out.Filter("currency", lp.currency);
  out.Filter("cost_center", lp.cost_center);
  out.Filter("project", lp.project);
  out.Date("term_start", lp.term_start);
  out.Date("term_end", lp.term_end);
  out.text = lp.product + " " + lp.vendor;
  const uint32_t quota = lp.quota();
  // The term is in the entry's dates (term_start, term_end).
  out.summary.Text("product", lp.product);
  out.summary.Text("vendor", lp.vendor);
  out.summary.Text("model", std::string(Label(lp.model)));
  out.summary.Text("quantity", lp.quantity.ToString(0));
  out.summary.Integer("assigned", lp.assigned());
  out.summary.Integer("free", lp.assigned() >= quota ? 0 : quota - lp.assigned());
  out.summary.Figure("unit_price", lp.unit_price);
  out.summary.Text("currency", lp.currency);
  out.summary.Flag("auto_renew", lp.auto_renew);
  out.summary.Text("cost_center", lp.cost_center);
  out.summary.Text("project", lp.project);
}

void Describe(const Team& t, ListEntry& out) {
  for (const auto& m : t.members) out.Filter("member", m);
  out.text = t.name;
  out.summary.Text("name", t.name);
  out.summary.Integer("members", static_cast<int64_t>(t.members.size()));
  out.summary.Integer("policies", static_cast<int64_t>(t.policies.size()));
}

}  // namespace domain
}  // namespace ledger
