#include "engine/budgets/budget_scope.h"

#include <fmt/format.h>

namespace ledger::domain {
namespace {

using events::Str;
using events::Sv;

constexpr char kSep = '\x1f';

std::string ScopeKey(const BudgetLineKey& l, std::string_view period) {
  return fmt::format("{}{}{}{}{}", l.category, kSep, l.project, kSep, period);
}

}  // namespace

void Apply(BudgetScope& s, const events::Envelope& e) {
  if (e.payload_type() != events::Payload::BudgetScopeClaimed) return;
  const auto* c = e.payload_as_BudgetScopeClaimed();
  BudgetLineKey l{"", Str(c->category()), Str(c->project())};
  if (c->periods() == nullptr) return;
  for (const auto* p : *c->periods()) s.owner[ScopeKey(l, Sv(p))] = Str(c->budget());
}

std::string_view Label(const BudgetScope&) { return "active"; }
bool Valid(const BudgetScope&) { return true; }

std::string BudgetOwnerOf(DecideContext& ctx, const BudgetLineKey& l, std::string_view period) {
  const auto* scope = ctx.Get<BudgetScope>(l.cost_center);
  if (scope == nullptr) return "";
  auto it = scope->owner.find(ScopeKey(l, period));
  return it == scope->owner.end() ? "" : it->second;
}

Result<NewEvent> ClaimBudgetScope(DecideContext& ctx, const std::string& budget,
                                  const BudgetLineKey& l,
                                  const std::vector<std::string>& periods) {
  for (const auto& p : periods) {
    std::string owner = BudgetOwnerOf(ctx, l, p);
    if (!owner.empty() && owner != budget) {
      return Status::Rule("budget_overlap",
                          fmt::format("{} {} is already in budget {}", LineName(l), p, owner),
                          {{"budget", owner}, {"line", LineName(l)}, {"period", p}});
    }
  }
  events::BudgetScopeClaimedT c;
  c.budget = budget;
  c.category = l.category;
  c.project = l.project;
  c.periods = periods;
  return ToStream<BudgetScope>(Emit(std::move(c)), l.cost_center);
}

}  // namespace ledger::domain
