// Filings of the attachment store (engine/attachments.h), stream
// `attachment/<sha256>`: who filed a document, when, under which name. The
// content is stored first; a purchase request then names it.
#pragma once

#include <string>

#include "engine/aggregate.h"

namespace ledger::domain {

// One event per upload.
struct AttachmentFilings {
  static constexpr StreamTraits kStream = {
      .type = "attachment", .topic = Topic::kPurchasing, .series = "", .snapshot_format = 1};
  uint64_t filings = 0;
  uint64_t size = 0;
  std::string media_type;
};
void Apply(AttachmentFilings& a, const events::Envelope& e);
std::string_view Label(const AttachmentFilings& a);
template <class A, class Self>
void Fields(A& a, Self& f) requires std::is_same_v<std::remove_const_t<Self>, AttachmentFilings> {
  a(f.filings, f.size, f.media_type);
}
bool Valid(const AttachmentFilings& a);

// Records an upload to the attachment store (the content is stored first):
// the command on stream `sha256`. The same content may be filed again, by
// anyone, hence `expect` kAny.
struct FileAttachment {
  using Target = AttachmentFilings;
  std::string sha256, name, media_type;
  uint64_t size = 0;
  Expect expect = Expect::kAny;
  static constexpr auto kStreamId = &FileAttachment::sha256;
};
// Whether an upload's name and media type can be recorded: checked before
// the content is stored, so that a refused upload leaves nothing behind.
Status CheckAttachmentLabels(const std::string& name, const std::string& media_type);
Decision Decide(const FileAttachment& in, DecideContext& ctx);

}  // namespace ledger::domain
