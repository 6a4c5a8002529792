// The content-addressed store of attachments (SPEC §4.3): each document is
// kept once, under the hex SHA-256 of its bytes, in
// <dir>/<first two hex digits>/<sha256>. Files are written to a temporary
// name, synced and renamed, so a stored attachment is complete or absent;
// they are never changed or deleted (legal archiving). Events carry only the
// digest, so the log proves which content a request was approved with.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "events/status.h"

namespace ledger {

class AttachmentStore {
 public:
  static Result<std::unique_ptr<AttachmentStore>> Open(std::string dir);

  // Stores `bytes` (idempotent) and returns their digest.
  Result<std::string> Put(std::string_view bytes);
  bool Exists(const std::string& sha256) const;
  // not_found if absent; corruption if the stored bytes no longer hash to
  // their name.
  Result<std::string> Get(const std::string& sha256) const;

 private:
  explicit AttachmentStore(std::string dir) : dir_(std::move(dir)) {}
  std::string PathOf(const std::string& sha256) const;
  std::string dir_;
};

bool IsSha256Hex(std::string_view s);

}  // namespace ledger
