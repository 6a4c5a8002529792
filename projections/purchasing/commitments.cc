#include "projections/purchasing/commitments.h"

#include <map>

#include "engine/decimal.h"

namespace ledger {
namespace {

using events::Str;

std::string Key(std::string_view cc, std::string_view supplier, std::string_view month,
                std::string_view currency) {
  std::string k = "d/";
  k.append(cc).push_back('\x1f');
  k.append(supplier).push_back('\x1f');
  k.append(month).push_back('\x1f');
  k.append(currency);
  return k;
}

Status Add(ProjectionTxn& txn, const std::string& key, std::string_view amount, bool subtract) {
  auto delta = Decimal::ParseStored(amount);
  if (!delta.ok()) return Status::Corruption("commitment amount: " + delta.status().message());
  Decimal current;
  if (auto v = txn.Get(key)) {
    auto c = Decimal::ParseStored(*v);
    if (!c.ok()) return Status::Corruption("stored commitment: " + c.status().message());
    current = *c;
  }
  auto next = subtract ? current.CheckedSub(*delta) : current.CheckedAdd(*delta);
  if (!next) return Status::Corruption("commitment overflow");
  if (next->is_zero()) {
    txn.Delete(key);
  } else {
    txn.Put(key, next->ToString());
  }
  return Status::Ok();
}

template <class Lines>
Status ApplyLines(ProjectionTxn& txn, const Lines* lines, std::string_view supplier,
                  std::string_view month, std::string_view currency, bool subtract) {
  if (lines == nullptr) return Status::Ok();
  for (const auto* l : *lines) {
    LEDGER_RETURN_IF_ERROR(Add(txn, Key(events::Sv(l->cost_center()), supplier, month, currency),
                               events::Sv(l->untaxed()), subtract));
  }
  return Status::Ok();
}

}  // namespace

Status CommitmentsProjection::Apply(const LogRecord&, const events::Envelope& e,
                                    ProjectionTxn& txn) {
  using events::Payload;
  switch (e.payload_type()) {
    case Payload::PurchaseOrderConfirmed: {
      auto* p = e.payload_as_PurchaseOrderConfirmed();
      return ApplyLines(txn, p->commitments(), events::Sv(p->supplier()), events::Sv(p->period()),
                        events::Sv(p->currency()), false);
    }
    case Payload::PurchaseOrderResetToDraft: {
      auto* p = e.payload_as_PurchaseOrderResetToDraft();
      return ApplyLines(txn, p->released(), events::Sv(p->supplier()), events::Sv(p->period()),
                        events::Sv(p->currency()), true);
    }
    case Payload::PurchaseOrderCancelled: {
      auto* p = e.payload_as_PurchaseOrderCancelled();
      return ApplyLines(txn, p->released(), events::Sv(p->supplier()), events::Sv(p->period()),
                        events::Sv(p->currency()), true);
    }
    default:
      return Status::Ok();
  }
}

Result<std::vector<CommitmentRow>> QueryCommitments(rocksdb::DB* store,
                                                    const std::vector<std::string>& group_by) {
  bool by_cc = false, by_supplier = false, by_month = false;
  for (const auto& g : group_by) {
    if (g == "cost_center") {
      by_cc = true;
    } else if (g == "supplier") {
      by_supplier = true;
    } else if (g == "month") {
      by_month = true;
    } else {
      return Status::Malformed("group_by accepts cost_center, supplier and month, not \"" + g +
                               "\"");
    }
  }
  std::map<std::array<std::string, 4>, Decimal> sums;
  std::string prefix = ProjectionPrefix("commitments") + "d/";
  std::unique_ptr<rocksdb::Iterator> it(store->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string_view rest(it->key().data() + prefix.size(), it->key().size() - prefix.size());
    std::array<std::string, 4> parts;
    for (int i = 0; i < 4; ++i) {
      auto sep = rest.find('\x1f');
      parts[i] = std::string(rest.substr(0, sep));
      rest = sep == std::string_view::npos ? std::string_view() : rest.substr(sep + 1);
    }
    if (!by_cc) parts[0].clear();
    if (!by_supplier) parts[1].clear();
    if (!by_month) parts[2].clear();
    auto amount = Decimal::ParseStored(it->value().ToString());
    if (!amount.ok()) return Status::Corruption("stored commitment does not parse");
    auto sum = sums[parts].CheckedAdd(*amount);
    if (!sum) return Status::Rule("amount_overflow", "commitment sum overflows");
    sums[parts] = *sum;
  }
  std::vector<CommitmentRow> rows;
  for (const auto& [k, v] : sums) {
    if (v.is_zero()) continue;
    auto digits = CurrencyDigits(k[3]).value_or(Decimal::kScale);
    rows.push_back({k[0], k[1], k[2], k[3], v.ToString(digits)});
  }
  return rows;
}

}  // namespace ledger
