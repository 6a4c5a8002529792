#include "projections/reference/tokens.h"

#include "engine/state_keys.h"

namespace ledger {
namespace {

std::string UserPrefix(std::string_view user) {
  std::string k = "u/";
  k.append(user).push_back('\x1f');
  return k;
}

std::string TokenKey(std::string_view token_id) { return "t/" + std::string(token_id); }

}  // namespace

Status TokensProjection::Apply(const LogRecord&, const events::Envelope& e, ProjectionTxn& txn) {
  const std::string_view token_id = events::Sv(e.stream_id());
  if (const auto* issued = e.payload_as_ApiTokenIssued()) {
    std::string key = UserPrefix(events::Sv(issued->user_id()));
    // Offset by 2^63 so that negative instants still sort first.
    state_keys::PutBE(&key, static_cast<uint64_t>(e.recorded_at_us()) ^ (1ull << 63), 8);
    key.append(token_id);
    txn.Put(key, "active");
    txn.Put(TokenKey(token_id), std::move(key));
  } else if (e.payload_type() == events::Payload::ApiTokenRevoked) {
    auto key = txn.Get(TokenKey(token_id));
    if (!key) {
      return Status::Corruption("revocation of a token never issued: " + std::string(token_id));
    }
    txn.Put(*key, "revoked");
  }
  return Status::Ok();
}

Result<TokenPage> QueryUserTokens(rocksdb::DB* store, std::string_view user,
                                  std::string_view status, const std::string& cursor,
                                  size_t limit, size_t scanned_max) {
  const std::string base = ProjectionPrefix("tokens");
  const std::string prefix = base + UserPrefix(user);
  std::string upper = prefix;
  upper.back() = static_cast<char>(upper.back() + 1);
  rocksdb::Slice lower_slice(prefix), upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower_slice;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store->NewIterator(ro));
  if (cursor.empty()) {
    it->SeekToLast();
  } else {
    // The cursor is the last token id of the previous page: continue just
    // before its key.
    std::string key;
    if (!store->Get(rocksdb::ReadOptions(), base + TokenKey(cursor), &key).ok() ||
        !std::string_view(key).starts_with(UserPrefix(user))) {
      return Status::Malformed("bad cursor");
    }
    key = base + key;
    it->SeekForPrev(key);
    if (it->Valid() && it->key() == key) it->Prev();
  }
  TokenPage page;
  size_t scanned = 0;
  std::string last;
  for (; it->Valid(); it->Prev()) {
    if (page.ids.size() == limit || scanned == scanned_max) {
      page.next_cursor = last;
      break;
    }
    ++scanned;
    last = it->key().ToString().substr(prefix.size() + 8);
    if (status.empty() || it->value() == status) page.ids.push_back(last);
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status()));
  return page;
}

}  // namespace ledger
