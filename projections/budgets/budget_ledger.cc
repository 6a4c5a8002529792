#include "projections/budgets/budget_ledger.h"

#include <array>
#include <map>

#include "engine/budgets/budget.h"
#include "engine/coding.h"
#include "engine/decimal.h"
#include "engine/money.h"
#include "events/budgets_events.h"

namespace ledger {
namespace {

using domain::Dec;
using events::Sv;

constexpr char kSep = '\x1f';
constexpr char kRowSep = '\x1e';

// A row's dimensions: cost centre, category, project, month, supplier.
using Dims = std::array<std::string, 5>;
struct Figures {
  Decimal amount, committed, actual;
};

std::string Join(const Dims& d) {
  std::string s;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i) s.push_back(kSep);
    s += d[i];
  }
  return s;
}

Dims Split(std::string_view s) {
  Dims d;
  for (size_t i = 0; i < d.size(); ++i) {
    auto sep = s.find(kSep);
    d[i] = std::string(s.substr(0, sep));
    s = sep == std::string_view::npos ? std::string_view() : s.substr(sep + 1);
  }
  return d;
}

std::string EncodeFigures(const Figures& f) {
  return f.amount.ToString() + ";" + f.committed.ToString() + ";" + f.actual.ToString();
}

bool DecodeFigures(std::string_view s, Figures* f) {
  std::array<Decimal*, 3> out = {&f->amount, &f->committed, &f->actual};
  for (size_t i = 0; i < out.size(); ++i) {
    auto sep = s.find(';');
    auto d = Decimal::ParseStored(s.substr(0, sep));
    if (!d.ok()) return false;
    *out[i] = *d;
    s = sep == std::string_view::npos ? std::string_view() : s.substr(sep + 1);
  }
  return true;
}

bool AddFigures(Figures& into, const Figures& d) {
  auto a = into.amount.CheckedAdd(d.amount);
  auto c = into.committed.CheckedAdd(d.committed);
  auto x = into.actual.CheckedAdd(d.actual);
  if (!a || !c || !x) return false;
  into = {*a, *c, *x};
  return true;
}

// The row deltas of one event, in the order they occur.
using Deltas = std::vector<std::pair<Dims, Figures>>;

Dims RowOf(const events::BudgetLineRef* l, std::string_view period, std::string_view supplier) {
  if (l == nullptr) return {"", "", "", std::string(period), std::string(supplier)};
  return {events::Str(l->cost_center()), events::Str(l->category()), events::Str(l->project()),
          std::string(period), std::string(supplier)};
}

template <class Movement>
void MovementDeltas(const Movement* m, Decimal Figures::*field, bool add, Deltas* out) {
  if (m == nullptr || m->lines() == nullptr) return;
  for (const auto* l : *m->lines()) {
    Figures f;
    Decimal d = Dec(l->amount());
    f.*field = add ? d : -d;
    out->push_back({RowOf(l->line(), Sv(l->period()), Sv(m->supplier())), f});
  }
}

Deltas DeltasOf(const events::Envelope& e) {
  Deltas out;
  switch (events::TypeOf<events::BudgetsEvent>(e)) {
    case events::BudgetsEvent::BudgetDefined: {
      const auto* p = events::As<events::BudgetDefined>(e);
      if (p->lines() == nullptr) break;
      for (const auto* l : *p->lines()) {
        if (l->periods() == nullptr) continue;
        for (const auto* pa : *l->periods()) {
          out.push_back({RowOf(l->line(), Sv(pa->period()), ""), {Dec(pa->amount()), {}, {}}});
        }
      }
      break;
    }
    case events::BudgetsEvent::BudgetAmended: {
      const auto* p = events::As<events::BudgetAmended>(e);
      out.push_back({RowOf(p->line(), Sv(p->period()), ""), {Dec(p->delta()), {}, {}}});
      break;
    }
    case events::BudgetsEvent::BudgetTransferred: {
      const auto* p = events::As<events::BudgetTransferred>(e);
      Decimal a = Dec(p->amount());
      out.push_back({RowOf(p->from(), Sv(p->period()), ""), {-a, {}, {}}});
      out.push_back({RowOf(p->to(), Sv(p->period()), ""), {a, {}, {}}});
      break;
    }
    case events::BudgetsEvent::BudgetCommitted:
      MovementDeltas(events::As<events::BudgetCommitted>(e), &Figures::committed, true, &out);
      break;
    case events::BudgetsEvent::BudgetCommitmentReleased:
      MovementDeltas(events::As<events::BudgetCommitmentReleased>(e), &Figures::committed, false,
                     &out);
      break;
    case events::BudgetsEvent::BudgetActualRecorded:
      MovementDeltas(events::As<events::BudgetActualRecorded>(e), &Figures::actual, true, &out);
      break;
    case events::BudgetsEvent::BudgetActualReleased:
      MovementDeltas(events::As<events::BudgetActualReleased>(e), &Figures::actual, false, &out);
      break;
    default:
      break;
  }
  return out;
}

std::string EncodeDeltas(const Deltas& deltas) {
  std::string s;
  for (const auto& [dims, f] : deltas) {
    if (!s.empty()) s.push_back(kRowSep);
    s += Join(dims);
    s.push_back(kSep);
    s += EncodeFigures(f);
  }
  return s;
}

bool DecodeDeltas(std::string_view s, Deltas* out) {
  while (!s.empty()) {
    auto end = s.find(kRowSep);
    std::string_view row = s.substr(0, end);
    s = end == std::string_view::npos ? std::string_view() : s.substr(end + 1);
    auto last = row.rfind(kSep);
    if (last == std::string_view::npos) return false;
    Figures f;
    if (!DecodeFigures(row.substr(last + 1), &f)) return false;
    out->push_back({Split(row.substr(0, last)), f});
  }
  return true;
}

}  // namespace

Status BudgetLedgerProjection::Apply(const LogRecord& record, const events::Envelope& e,
                                     ProjectionTxn& txn) {
  if (Sv(e.stream_type()) != domain::Budget::kStream.type) return Status::Ok();
  const std::string budget = events::Str(e.stream_id());
  if (events::Is<events::BudgetDefined>(e)) {
    txn.Put("c/" + budget, events::Str(events::As<events::BudgetDefined>(e)->currency()));
  }
  Deltas deltas = DeltasOf(e);
  if (deltas.empty()) return Status::Ok();
  for (const auto& [dims, f] : deltas) {
    std::string key = "r/" + budget + kSep + Join(dims);
    Figures current;
    if (auto v = txn.Get(key); v && !DecodeFigures(*v, &current)) {
      return Status::Corruption("budget ledger row does not decode: " + key);
    }
    if (!AddFigures(current, f)) return Status::Corruption("budget ledger overflow");
    txn.Put(key, EncodeFigures(current));
  }
  std::string h = "h/" + budget + kSep;
  PutBE(&h, static_cast<uint64_t>(e.recorded_at_us()), 8);
  PutBE(&h, record.partition, 4);
  PutBE(&h, record.offset, 8);
  txn.Put(h, EncodeDeltas(deltas));
  return Status::Ok();
}

Result<BudgetReport> QueryBudgetReport(rocksdb::DB* store, const std::string& budget,
                                       const std::vector<std::string>& group_by,
                                       std::optional<int64_t> as_of_us) {
  static const std::array<std::string_view, 5> kDims = {"cost_center", "category", "project",
                                                        "month", "supplier"};
  std::array<bool, 5> keep{};
  for (const auto& g : group_by) {
    auto it = std::find(kDims.begin(), kDims.end(), g);
    if (it == kDims.end()) {
      return Status::Malformed("group_by accepts cost_center, category, project, supplier and "
                               "month, not \"" + g + "\"");
    }
    keep[it - kDims.begin()] = true;
  }
  const std::string base = ProjectionPrefix("budget_ledger");
  BudgetReport report;
  std::string currency;
  if (!store->Get(rocksdb::ReadOptions(), base + "c/" + budget, &currency).ok()) {
    return Status::NotFound("budget \"" + budget + "\" does not exist");
  }
  report.currency = currency;
  std::map<Dims, Figures> groups;
  Figures total;
  bool any = false;
  auto add = [&](Dims dims, const Figures& f) -> Status {
    for (size_t i = 0; i < dims.size(); ++i) {
      if (!keep[i]) dims[i].clear();
    }
    if (!AddFigures(groups[dims], f) || !AddFigures(total, f)) {
      return Status::Rule("amount_overflow", "budget report sum overflows");
    }
    any = true;
    return Status::Ok();
  };
  std::unique_ptr<rocksdb::Iterator> it(store->NewIterator(rocksdb::ReadOptions()));
  if (!as_of_us) {
    const std::string prefix = base + "r/" + budget + kSep;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      Figures f;
      if (!DecodeFigures(it->value().ToStringView(), &f)) {
        return Status::Corruption("budget ledger row does not decode");
      }
      std::string_view dims(it->key().data() + prefix.size(), it->key().size() - prefix.size());
      LEDGER_RETURN_IF_ERROR(add(Split(dims), f));
    }
  } else {
    const std::string prefix = base + "h/" + budget + kSep;
    std::string end = prefix;
    PutBE(&end, static_cast<uint64_t>(*as_of_us) + 1, 8);
    for (it->Seek(prefix); it->Valid() && it->key().ToStringView() < end; it->Next()) {
      Deltas deltas;
      if (!DecodeDeltas(it->value().ToStringView(), &deltas)) {
        return Status::Corruption("budget ledger history does not decode");
      }
      for (const auto& [dims, f] : deltas) LEDGER_RETURN_IF_ERROR(add(dims, f));
    }
    if (!any) return Status::NotFound("budget \"" + budget + "\" did not exist then");
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status()));
  const int digits = CurrencyDigits(currency).value_or(2);
  auto row = [&](const Dims& d, const Figures& f) {
    Decimal available = f.amount.CheckedSub(f.committed).value_or(Decimal());
    available = available.CheckedSub(f.actual).value_or(Decimal());
    return BudgetReportRow{d[0], d[1], d[2], d[3], d[4],
                           f.amount.ToString(digits), f.committed.ToString(digits),
                           f.actual.ToString(digits), available.ToString(digits)};
  };
  for (const auto& [dims, f] : groups) report.rows.push_back(row(dims, f));
  report.total = row({}, total);
  return report;
}

}  // namespace ledger
