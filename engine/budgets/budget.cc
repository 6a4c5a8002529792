#include "engine/budgets/budget.h"

#include <fmt/format.h>

#include <set>

#include "engine/budgets/budget_scope.h"
#include "engine/clock.h"
#include "engine/money.h"
#include "engine/reference/reference_entity.h"

namespace ledger::domain {
namespace {

using events::Str;
using events::Sv;

constexpr char kSep = '\x1f';

BudgetLineKey LineOf(const events::BudgetLineRef* r) {
  if (r == nullptr) return {};
  return {Str(r->cost_center()), Str(r->category()), Str(r->project())};
}

std::unique_ptr<events::BudgetLineRefT> RefOf(const BudgetLineKey& l) {
  auto r = std::make_unique<events::BudgetLineRefT>();
  r->cost_center = l.cost_center;
  r->category = l.category;
  r->project = l.project;
  return r;
}

Status CheckLineRefs(const BudgetLineKey& l, DecideContext& ctx) {
  if (l.cost_center.empty()) return Status::Malformed("a budget line needs a cost_center");
  if (l.category.empty()) return Status::Malformed("a budget line needs a category");
  if (!FindReference<events::CostCenterDefined>(ctx, l.cost_center)) {
    return UnknownReference<events::CostCenterDefined>(l.cost_center);
  }
  if (!FindReference<events::CategoryDefined>(ctx, l.category)) {
    return UnknownReference<events::CategoryDefined>(l.category);
  }
  if (!l.project.empty() && !FindReference<events::ProjectDefined>(ctx, l.project)) {
    return UnknownReference<events::ProjectDefined>(l.project);
  }
  return Status::Ok();
}

Status CheckAmount(Decimal amount, int digits, std::string_view what) {
  if (!amount.HasDigitsAtMost(digits)) {
    return Status::Malformed(fmt::format("{} has more than {} decimals", what, digits));
  }
  return Status::Ok();
}

bool HasLine(const Budget& b, const BudgetLineKey& l) {
  std::string prefix = CellKey(l, "");
  auto it = b.cells.lower_bound(prefix);
  return it != b.cells.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

template <class T>
void FillMovement(T& m, const BudgetSource& src) {
  m.source_type = src.type;
  m.source_id = src.id;
  m.supplier = src.supplier;
  m.currency = src.currency;
  m.rate = src.rate.ToString();
}

template <class T>
NewEvent MovementEvent(const BudgetSource& src, std::vector<std::unique_ptr<events::BudgetMovementLineT>> lines) {
  T m;
  FillMovement(m, src);
  m.lines = std::move(lines);
  return Emit(std::move(m));
}

// Every use grouped by the budget that holds it.
std::map<std::string, std::vector<const BudgetUse*>> ByBudget(DecideContext& ctx,
                                                              const std::vector<BudgetUse>& uses) {
  std::map<std::string, std::vector<const BudgetUse*>> out;
  for (const auto& u : uses) {
    std::string owner = BudgetOwnerOf(ctx, u.line, u.period);
    if (!owner.empty()) out[owner].push_back(&u);
  }
  return out;
}

// Applies `budget`'s policy to what `uses` ask of it: warnings (warn), a
// refusal (block) or nothing (ignore, or within the available amount).
Status ApplyPolicy(const std::string& id, const Budget& b,
                   const std::vector<const BudgetUse*>& uses, const BudgetSource& src,
                   std::vector<NewEvent>* out) {
  if (b.policy == "ignore") return Status::Ok();
  std::map<std::string, Decimal> requested;
  for (const auto* u : uses) {
    auto& r = requested[CellKey(u->line, u->period)];
    auto sum = Plus(r, u->amount);
    if (!sum.ok()) return sum.status();
    r = *sum;
  }
  const int digits = CurrencyDigits(b.currency).value_or(2);
  for (const auto& [key, amount] : requested) {
    auto it = b.cells.find(key);
    if (it == b.cells.end() || amount <= Decimal()) continue;
    const BudgetCell& c = it->second;
    Decimal available = Available(c);
    if (amount <= available) continue;
    auto [line, period] = SplitCellKey(key);
    if (b.policy == "block") {
      return Status::Rule(
          "budget_exceeded",
          fmt::format("{} {} of budget {}: {} requested, {} available", LineName(line), period,
                      id, amount.ToString(digits), available.ToString(digits)),
          {{"budget", id},
           {"cost_center", line.cost_center},
           {"category", line.category},
           {"project", line.project},
           {"period", period},
           {"amount", c.amount.ToString(digits)},
           {"committed", c.committed.ToString(digits)},
           {"actual", c.actual.ToString(digits)},
           {"available", available.ToString(digits)},
           {"requested", amount.ToString(digits)}});
    }
    events::BudgetWarningRecordedT w;
    w.source_type = src.type;
    w.source_id = src.id;
    w.line = RefOf(line);
    w.period = period;
    w.amount = c.amount.ToString(digits);
    w.committed = c.committed.ToString(digits);
    w.actual = c.actual.ToString(digits);
    w.requested = amount.ToString(digits);
    w.available = available.ToString(digits);
    out->push_back(ToStream<Budget>(Emit(std::move(w)), id));
  }
  return Status::Ok();
}

}  // namespace

std::string LineName(const BudgetLineKey& l) {
  return l.project.empty() ? fmt::format("{}/{}", l.cost_center, l.category)
                           : fmt::format("{}/{}/{}", l.cost_center, l.category, l.project);
}

std::string CellKey(const BudgetLineKey& l, std::string_view period) {
  return fmt::format("{}{}{}{}{}{}{}", l.cost_center, kSep, l.category, kSep, l.project, kSep,
                     period);
}

std::pair<BudgetLineKey, std::string> SplitCellKey(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= key.size(); ++i) {
    if (i == key.size() || key[i] == kSep) {
      parts.push_back(key.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.resize(4);
  return {{parts[0], parts[1], parts[2]}, parts[3]};
}

Decimal Available(const BudgetCell& c) {
  auto left = c.amount.CheckedSub(c.committed);
  if (left) left = left->CheckedSub(c.actual);
  return left.value_or(Decimal());
}

bool IsPeriod(std::string_view t) {
  return t.size() == 7 && t[4] == '-' && IsIsoDate(std::string(t) + "-01");
}

void Apply(Budget& b, const events::Envelope& e) {
  using events::Payload;
  auto move = [&](const auto* m, Decimal BudgetCell::*field, bool add) {
    if (m == nullptr || m->lines() == nullptr) return;
    for (const auto* l : *m->lines()) {
      Decimal d = Dec(l->amount());
      AddTo(b.cells[CellKey(LineOf(l->line()), Sv(l->period()))].*field, add ? d : -d);
    }
  };
  switch (e.payload_type()) {
    case Payload::BudgetDefined: {
      const auto* p = e.payload_as_BudgetDefined();
      b.name = Str(p->name());
      b.currency = Str(p->currency());
      b.policy = Str(p->policy());
      if (p->lines()) {
        for (const auto* l : *p->lines()) {
          if (l->periods() == nullptr) continue;
          for (const auto* pa : *l->periods()) {
            b.cells[CellKey(LineOf(l->line()), Sv(pa->period()))].amount = Dec(pa->amount());
          }
        }
      }
      break;
    }
    case Payload::BudgetAmended: {
      const auto* p = e.payload_as_BudgetAmended();
      AddTo(b.cells[CellKey(LineOf(p->line()), Sv(p->period()))].amount, Dec(p->delta()));
      break;
    }
    case Payload::BudgetTransferred: {
      const auto* p = e.payload_as_BudgetTransferred();
      Decimal amount = Dec(p->amount());
      AddTo(b.cells[CellKey(LineOf(p->from()), Sv(p->period()))].amount, -amount);
      AddTo(b.cells[CellKey(LineOf(p->to()), Sv(p->period()))].amount, amount);
      break;
    }
    case Payload::BudgetCommitted:
      move(e.payload_as_BudgetCommitted(), &BudgetCell::committed, true);
      break;
    case Payload::BudgetCommitmentReleased:
      move(e.payload_as_BudgetCommitmentReleased(), &BudgetCell::committed, false);
      break;
    case Payload::BudgetActualRecorded:
      move(e.payload_as_BudgetActualRecorded(), &BudgetCell::actual, true);
      break;
    case Payload::BudgetActualReleased:
      move(e.payload_as_BudgetActualReleased(), &BudgetCell::actual, false);
      break;
    default:
      break;
  }
}

std::string_view Label(const Budget&) { return "active"; }

bool Valid(const Budget& b) {
  return b.policy == "block" || b.policy == "warn" || b.policy == "ignore";
}

Decision Decide(const DefineBudget& cmd, DecideContext& ctx) {
  const std::string& name = cmd.name;
  const std::string& currency = cmd.currency;
  const std::string& policy = cmd.policy;
  const std::vector<BudgetLineInput>& lines = cmd.lines;
  const std::string company = GetSettings(ctx).currency;
  if (currency != company) {
    return Status::Rule("budget_currency",
                        "budgets are kept in the company currency " + company,
                        {{"currency", currency}, {"company_currency", company}});
  }
  if (policy != "block" && policy != "warn" && policy != "ignore") {
    return Status::Malformed("policy must be \"block\", \"warn\" or \"ignore\"");
  }
  if (lines.empty()) return Status::Malformed("a budget needs lines");
  const int digits = CurrencyDigits(currency).value_or(2);
  std::set<BudgetLineKey> seen;
  events::BudgetDefinedT d;
  d.name = name;
  d.currency = currency;
  d.policy = policy;
  std::vector<NewEvent> claims;
  for (const auto& in : lines) {
    LEDGER_RETURN_IF_ERROR(CheckLineRefs(in.line, ctx));
    if (!seen.insert(in.line).second) {
      return Status::Malformed("line " + LineName(in.line) + " is given twice");
    }
    if (in.periods.empty()) return Status::Malformed("line " + LineName(in.line) + " has no period");
    auto line = std::make_unique<events::BudgetLineT>();
    line->line = RefOf(in.line);
    std::vector<std::string> periods;
    for (const auto& [period, amount] : in.periods) {
      if (!IsPeriod(period)) return Status::Malformed("periods are months \"YYYY-MM\": " + period);
      if (amount.is_negative()) return Status::Malformed("budget amounts must not be negative");
      LEDGER_RETURN_IF_ERROR(CheckAmount(amount, digits, "a budget amount"));
      auto pa = std::make_unique<events::BudgetPeriodAmountT>();
      pa->period = period;
      pa->amount = amount.ToString(digits);
      line->periods.push_back(std::move(pa));
      periods.push_back(period);
    }
    auto claim = ClaimBudgetScope(ctx, ctx.stream_id(), in.line, periods);
    if (!claim.ok()) return claim.status();
    claims.push_back(std::move(claim.value()));
    d.lines.push_back(std::move(line));
  }
  std::vector<NewEvent> out;
  out.push_back(Emit(std::move(d)));
  for (auto& c : claims) out.push_back(std::move(c));
  return out;
}

Decision Decide(const Budget& b, const AmendBudget& cmd, DecideContext& ctx) {
  const BudgetLineKey& line = cmd.line;
  const std::string& period = cmd.period;
  const Decimal& delta = cmd.delta;
  const std::string& reason = cmd.reason;
  if (!HasLine(b, line)) return Status::NotFound("the budget has no line " + LineName(line));
  if (!IsPeriod(period)) return Status::Malformed("period must be a month \"YYYY-MM\"");
  if (delta.is_zero()) return Status::Malformed("delta must not be zero");
  if (reason.empty()) return Status::Malformed("an amendment needs a reason");
  const int digits = CurrencyDigits(b.currency).value_or(2);
  LEDGER_RETURN_IF_ERROR(CheckAmount(delta, digits, "delta"));
  std::vector<NewEvent> out;
  auto it = b.cells.find(CellKey(line, period));
  Decimal current = it == b.cells.end() ? Decimal() : it->second.amount;
  auto after = Plus(current, delta);
  if (!after.ok()) return after.status();
  if (after->is_negative()) {
    return Status::Rule("budget_negative", "the amendment would make the amount negative",
                        {{"amount", current.ToString(digits)}, {"delta", delta.ToString(digits)}});
  }
  events::BudgetAmendedT a;
  a.line = RefOf(line);
  a.period = period;
  a.delta = delta.ToString(digits);
  a.reason = reason;
  out.push_back(Emit(std::move(a)));
  if (it == b.cells.end()) {
    auto claim = ClaimBudgetScope(ctx, ctx.stream_id(), line, {period});
    if (!claim.ok()) return claim.status();
    out.push_back(std::move(claim.value()));
  }
  return out;
}

Decision Decide(const Budget& b, const TransferBudget& cmd, DecideContext& ctx) {
  const BudgetLineKey& from = cmd.from;
  const BudgetLineKey& to = cmd.to;
  const std::string& period = cmd.period;
  const Decimal& amount = cmd.amount;
  const std::string& reason = cmd.reason;
  if (!HasLine(b, from)) return Status::NotFound("the budget has no line " + LineName(from));
  if (!HasLine(b, to)) return Status::NotFound("the budget has no line " + LineName(to));
  if (from == to) return Status::Malformed("a transfer needs two different lines");
  if (!IsPeriod(period)) return Status::Malformed("period must be a month \"YYYY-MM\"");
  if (amount <= Decimal()) return Status::Malformed("amount must be positive");
  if (reason.empty()) return Status::Malformed("a transfer needs a reason");
  const int digits = CurrencyDigits(b.currency).value_or(2);
  LEDGER_RETURN_IF_ERROR(CheckAmount(amount, digits, "amount"));
  auto src = b.cells.find(CellKey(from, period));
  Decimal available = src == b.cells.end() ? Decimal() : Available(src->second);
  if (amount > available) {
    return Status::Rule("budget_exceeded",
                        fmt::format("only {} is available on {} {}", available.ToString(digits),
                                    LineName(from), period),
                        {{"available", available.ToString(digits)},
                         {"requested", amount.ToString(digits)}});
  }
  std::vector<NewEvent> out;
  events::BudgetTransferredT t;
  t.from = RefOf(from);
  t.to = RefOf(to);
  t.period = period;
  t.amount = amount.ToString(digits);
  t.reason = reason;
  out.push_back(Emit(std::move(t)));
  if (!b.cells.contains(CellKey(to, period))) {
    auto claim = ClaimBudgetScope(ctx, ctx.stream_id(), to, {period});
    if (!claim.ok()) return claim.status();
    out.push_back(std::move(claim.value()));
  }
  return out;
}

Result<std::vector<NewEvent>> BudgetMovements(DecideContext& ctx, Movement kind,
                                              const BudgetSource& source,
                                              const std::vector<BudgetUse>& uses, bool check) {
  std::vector<NewEvent> out;
  for (const auto& [id, budget_uses] : ByBudget(ctx, uses)) {
    const auto* b = ctx.Get<Budget>(id);
    if (b == nullptr) continue;
    if (check) LEDGER_RETURN_IF_ERROR(ApplyPolicy(id, *b, budget_uses, source, &out));
    const int digits = CurrencyDigits(b->currency).value_or(2);
    std::vector<std::unique_ptr<events::BudgetMovementLineT>> lines;
    for (const auto* u : budget_uses) {
      if (u->amount.is_zero()) continue;
      auto l = std::make_unique<events::BudgetMovementLineT>();
      l->line = RefOf(u->line);
      l->period = u->period;
      l->amount = u->amount.ToString(digits);
      l->source_line = u->source_line;
      l->source_amount = u->source_amount.ToString();
      lines.push_back(std::move(l));
    }
    if (lines.empty()) continue;
    NewEvent e;
    switch (kind) {
      case Movement::kCommit:
        e = MovementEvent<events::BudgetCommittedT>(source, std::move(lines));
        break;
      case Movement::kReleaseCommitment:
        e = MovementEvent<events::BudgetCommitmentReleasedT>(source, std::move(lines));
        break;
      case Movement::kActual:
        e = MovementEvent<events::BudgetActualRecordedT>(source, std::move(lines));
        break;
      case Movement::kReleaseActual:
        e = MovementEvent<events::BudgetActualReleasedT>(source, std::move(lines));
        break;
    }
    out.push_back(ToStream<Budget>(std::move(e), id));
  }
  return out;
}

Result<std::vector<NewEvent>> CheckBudget(DecideContext& ctx, const BudgetSource& source,
                                          const std::vector<BudgetUse>& uses) {
  std::vector<NewEvent> out;
  for (const auto& [id, budget_uses] : ByBudget(ctx, uses)) {
    const auto* b = ctx.Get<Budget>(id);
    if (b == nullptr) continue;
    LEDGER_RETURN_IF_ERROR(ApplyPolicy(id, *b, budget_uses, source, &out));
  }
  return out;
}

}  // namespace ledger::domain
