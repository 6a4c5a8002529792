// API tokens by user (SPEC §6: tokens are listed, without their secret).
// A token's stream is named by its id, which says nothing about its user:
// this index says which tokens each user holds, newest first, including the
// tokens issued before ids existed (named by the SHA-256 of their secret).
//
// Keys:
//   "u/<user>\x1f<recorded_at_us ^ 2^63, 8 BE><token id>" -> "active" | "revoked"
//   "t/<token id>" -> the token's "u/" key
#pragma once

#include "projections/projection.h"

namespace ledger {

class TokensProjection final : public Projection {
 public:
  std::string_view name() const override { return "tokens"; }
  uint32_t version() const override { return 1; }
  Status Apply(const LogRecord& record, const events::Envelope& e, ProjectionTxn& txn) override;
};

struct TokenPage {
  std::vector<std::string> ids;  // newest first
  std::string next_cursor;       // "" on the last page
};

// The ids of `user`'s tokens with `status` ("" any, "active", "revoked"),
// newest first, after `cursor` (a previous page's next_cursor; malformed if
// it is not one). A page examines at most `scanned_max` tokens, so it may
// hold fewer than `limit` ids and still have a next page.
Result<TokenPage> QueryUserTokens(rocksdb::DB* store, std::string_view user,
                                  std::string_view status, const std::string& cursor,
                                  size_t limit, size_t scanned_max = 10'000);

}  // namespace ledger
