#include "projections/audit.h"

#include "engine/state_keys.h"

namespace ledger {
namespace {

using state_keys::GetBE;
using state_keys::PutBE;

std::string StreamKey(std::string_view id, std::string_view type, uint64_t version) {
  std::string k = "s/";
  k.append(id).push_back('\x1f');
  k.append(type).push_back('\x1f');
  PutBE(&k, version, 8);
  return k;
}

std::string TimeSuffix(const events::Envelope& e) {
  std::string k;
  // Offset by 2^63 so that negative instants still sort first.
  PutBE(&k, static_cast<uint64_t>(e.recorded_at_us()) ^ (1ull << 63), 8);
  auto id = events::EventIdOf(e);
  PutBE(&k, id.hi, 8);
  PutBE(&k, id.lo, 8);
  return k;
}

std::string TimeBound(int64_t us) {
  std::string k;
  PutBE(&k, static_cast<uint64_t>(us) ^ (1ull << 63), 8);
  return k;
}

std::string ToHex(std::string_view s) {
  return events::ToHex(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

bool FromHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      char c = hex[i + k];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return false;
      v = v * 16 + d;
    }
    out->push_back(static_cast<char>(v));
  }
  return true;
}

Status ReadRef(const EventLog& log, std::string_view ref, LogRecord* r) {
  if (ref.size() != 12) return Status::Corruption("bad audit reference");
  r->partition = static_cast<uint32_t>(GetBE(ref.data(), 4));
  r->offset = GetBE(ref.data() + 4, 8);
  return log.ReadAt(r->partition, r->offset, &r->bytes);
}

}  // namespace

Status AuditProjection::Apply(const LogRecord& record, const events::Envelope& e,
                              ProjectionTxn& txn) {
  std::string ref;
  PutBE(&ref, record.partition, 4);
  PutBE(&ref, record.offset, 8);
  std::string suffix = TimeSuffix(e);
  txn.Put(StreamKey(events::Sv(e.stream_id()), events::Sv(e.stream_type()), e.stream_version()),
          ref);
  txn.Put("t/" + suffix, ref);
  txn.Put("a/" + events::Str(e.actor()) + '\x1f' + suffix, ref);
  if (e.correlation_id() && e.correlation_id()->size() > 0) {
    txn.Put("c/" + events::Str(e.correlation_id()) + '\x1f' + suffix, std::move(ref));
  }
  return Status::Ok();
}

Result<AuditPage> QueryAudit(rocksdb::DB* store, const EventLog& log, const AuditQuery& q) {
  const std::string base = ProjectionPrefix("audit");
  std::string lower, upper;
  if (!q.stream_id.empty()) {
    lower = base + "s/" + q.stream_id + '\x1f';
    if (!q.stream_type.empty()) lower += q.stream_type + '\x1f';
    upper = lower;
    upper.back() = static_cast<char>(upper.back() + 1);
  } else {
    std::string index = !q.actor.empty()            ? "a/" + q.actor + '\x1f'
                        : !q.correlation_id.empty() ? "c/" + q.correlation_id + '\x1f'
                                                    : std::string("t/");
    lower = base + index + TimeBound(q.from_us);
    upper = base + index + TimeBound(q.to_us);
  }
  if (!q.cursor.empty()) {
    std::string after;
    if (!FromHex(q.cursor, &after)) return Status::Malformed("bad cursor");
    after = base + after;
    if (after < lower || after >= upper) return Status::Malformed("bad cursor");
    lower = after + '\0';  // strictly after the last key of the previous page
  }
  AuditPage page;
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store->NewIterator(ro));
  std::string last_key;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    if (page.events.size() == q.limit) {
      page.next_cursor = ToHex(std::string_view(last_key).substr(base.size()));
      break;
    }
    LogRecord r;
    LEDGER_RETURN_IF_ERROR(ReadRef(log, it->value().ToStringView(), &r));
    last_key = it->key().ToString();
    const auto* e = r.envelope();
    if (!q.actor.empty() && events::Sv(e->actor()) != q.actor) continue;
    if (!q.correlation_id.empty() && events::Sv(e->correlation_id()) != q.correlation_id) continue;
    if (e->recorded_at_us() < q.from_us || e->recorded_at_us() >= q.to_us) continue;
    page.events.push_back(std::move(r));
  }
  if (!it->status().ok()) return Status::IoError(it->status().ToString());
  return page;
}

}  // namespace ledger
