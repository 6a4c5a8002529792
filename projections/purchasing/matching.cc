#include "projections/purchasing/matching.h"

#include "engine/coding.h"
#include "engine/decimal.h"

namespace ledger {
namespace {

using events::Str;
using Json = nlohmann::json;

constexpr char kSep = '\x1f';

std::string StatusKey(const std::string& status, const std::string& id) {
  return "s/" + status + kSep + id;
}

Json Discrepancies(const flatbuffers::Vector<flatbuffers::Offset<events::Discrepancy>>* ds) {
  Json out = Json::array();
  if (ds == nullptr) return out;
  for (const auto* d : *ds) {
    out.push_back({{"line", d->line()},
                   {"kind", Str(d->kind())},
                   {"expected", Str(d->expected())},
                   {"invoiced", Str(d->invoiced())}});
  }
  return out;
}

std::string Sum(const Json& a, const flatbuffers::String* b) {
  auto x = Decimal::ParseStored(a.get<std::string>());
  auto y = Decimal::ParseStored(events::Sv(b));
  if (!x.ok() || !y.ok()) return a.get<std::string>();
  return x->CheckedAdd(*y).value_or(*x).ToString();
}

}  // namespace

Status MatchingProjection::Apply(const LogRecord&, const events::Envelope& e, ProjectionTxn& txn) {
  using events::Payload;
  if (events::Sv(e.stream_type()) != "supplier_invoice") return Status::Ok();
  const std::string id = Str(e.stream_id());
  const std::string key = "i/" + id;
  Json inv;
  if (e.payload_type() == Payload::SupplierInvoiceCaptured) {
    const auto* c = e.payload_as_SupplierInvoiceCaptured();
    inv = {{"id", id},
           {"supplier", Str(c->supplier())},
           {"supplier_ref", Str(c->supplier_ref())},
           {"date", Str(c->date())},
           {"due_date", Str(c->due_date())},
           {"currency", Str(c->currency())},
           {"total", Str(c->total())},
           {"purchase_order", Str(c->purchase_order())},
           {"status", "draft"},
           {"mode", ""},
           {"first_result", ""},
           {"ever_disputed", false},
           {"credited", "0"},
           {"paid", "0"},
           {"discrepancies", Json::array()}};
  } else {
    auto stored = txn.Get(key);
    if (!stored) return Status::Ok();  // not an invoice event this projection follows
    inv = Json::parse(*stored, nullptr, false);
    if (inv.is_discarded()) return Status::Corruption("matching record does not parse: " + id);
  }
  const std::string before = inv.value("status", "");
  switch (e.payload_type()) {
    case Payload::SupplierInvoiceMatched: {
      const auto* m = e.payload_as_SupplierInvoiceMatched();
      inv["status"] = Str(m->result());
      inv["mode"] = Str(m->mode());
      inv["discrepancies"] = Discrepancies(m->discrepancies());
      if (inv["first_result"] == "") inv["first_result"] = Str(m->result());
      if (Str(m->result()) == "disputed") inv["ever_disputed"] = true;
      break;
    }
    case Payload::SupplierInvoiceDifferenceAccepted:
      inv["status"] = "matched";
      inv["accepted_by"] = Str(e.actor());
      break;
    case Payload::SupplierCreditNoteRecorded:
      inv["credited"] = Sum(inv["credited"], e.payload_as_SupplierCreditNoteRecorded()->total());
      break;
    case Payload::SupplierInvoiceApproved:
      inv["status"] = "approved";
      break;
    case Payload::SupplierPaymentRecorded: {
      const auto* p = e.payload_as_SupplierPaymentRecorded();
      inv["paid"] = Sum(inv["paid"], p->amount());
      auto remaining = Decimal::ParseStored(events::Sv(p->remaining()));
      inv["status"] = remaining.ok() && remaining->is_zero() ? "paid" : "partially_paid";
      break;
    }
    case Payload::SupplierInvoiceCancelled:
      inv["status"] = "cancelled";
      break;
    default:
      break;
  }
  const std::string after = inv["status"].get<std::string>();
  if (!before.empty() && before != after) txn.Delete(StatusKey(before, id));
  txn.Put(StatusKey(after, id), "");
  txn.Put(key, inv.dump());
  return Status::Ok();
}

Result<InvoicePage> QueryInvoices(rocksdb::DB* store, const std::string& status,
                                  const std::string& cursor, size_t limit) {
  const std::string base = ProjectionPrefix("matching");
  const std::string prefix = status.empty() ? base + "i/" : base + "s/" + status + kSep;
  InvoicePage page;
  std::unique_ptr<rocksdb::Iterator> it(store->NewIterator(rocksdb::ReadOptions()));
  it->Seek(cursor.empty() ? prefix : prefix + cursor + '\0');
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string id = it->key().ToString().substr(prefix.size());
    if (page.invoices.size() == limit) {
      page.next_cursor = page.invoices.back()["id"].get<std::string>();
      break;
    }
    std::string v;
    if (!status.empty()) {
      if (!store->Get(rocksdb::ReadOptions(), base + "i/" + id, &v).ok()) continue;
    } else {
      v = it->value().ToString();
    }
    Json j = Json::parse(v, nullptr, false);
    if (j.is_discarded()) return Status::Corruption("matching record does not parse: " + id);
    page.invoices.push_back(std::move(j));
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status()));
  return page;
}

Result<MatchingStats> QueryMatchingStats(rocksdb::DB* store) {
  const std::string prefix = ProjectionPrefix("matching") + "i/";
  MatchingStats s;
  std::unique_ptr<rocksdb::Iterator> it(store->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    Json j = Json::parse(it->value().ToStringView(), nullptr, false);
    if (j.is_discarded()) return Status::Corruption("matching record does not parse");
    if (j.value("status", "") == "cancelled") continue;
    ++s.invoices;
    const bool disputed_once = j.value("ever_disputed", false);
    if (disputed_once) ++s.ever_disputed;
    if (j.value("status", "") == "disputed") ++s.disputed_now;
    if (j.value("mode", "") == "3-way") {
      ++s.three_way;
      if (j.value("first_result", "") == "matched" && !disputed_once) ++s.three_way_clean;
    }
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status()));
  s.three_way_match_rate =
      s.three_way == 0 ? 0.0 : static_cast<double>(s.three_way_clean) / s.three_way;
  return s;
}

}  // namespace ledger
