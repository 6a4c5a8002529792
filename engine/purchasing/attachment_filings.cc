#include "engine/purchasing/attachment_filings.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "engine/attachments.h"

namespace ledger::domain {
namespace {

using events::Str;

}  // namespace

void Apply(AttachmentFilings& a, const events::Envelope& e) {
  if (e.payload_type() != events::Payload::AttachmentFiled) return;
  const auto* f = e.payload_as_AttachmentFiled();
  ++a.filings;
  a.size = f->size();
  a.media_type = Str(f->media_type());
}
std::string_view Label(const AttachmentFilings&) { return "filed"; }
bool Valid(const AttachmentFilings& a) { return a.filings > 0; }

namespace {
constexpr size_t kAttachmentNameBytesMax = 255;
constexpr size_t kMediaTypeBytesMax = 127;

// type "/" subtype, each a token (RFC 9110 §8.3.1); parameters allowed.
bool IsMediaType(std::string_view m) {
  auto token = [](std::string_view t) {
    return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c);
    });
  };
  const std::string_view bare = m.substr(0, m.find(';'));
  const size_t slash = bare.find('/');
  return slash != std::string_view::npos && token(bare.substr(0, slash)) &&
         token(bare.substr(slash + 1));
}
}  // namespace

Status CheckAttachmentLabels(const std::string& name, const std::string& media_type) {
  if (name.size() > kAttachmentNameBytesMax) {
    return Status::Malformed(
        fmt::format("an attachment name is at most {} bytes", kAttachmentNameBytesMax));
  }
  if (media_type.size() > kMediaTypeBytesMax || !IsMediaType(media_type)) {
    return Status::Malformed("the media type must be type/subtype, e.g. application/pdf");
  }
  return Status::Ok();
}

Decision Decide(const FileAttachment& in, DecideContext&) {
  if (!IsSha256Hex(in.sha256)) return Status::Malformed("an attachment is named by its SHA-256");
  if (in.size == 0) return Status::Malformed("an attachment needs content");
  LEDGER_RETURN_IF_ERROR(CheckAttachmentLabels(in.name, in.media_type));
  events::AttachmentFiledT f;
  f.sha256 = in.sha256;
  f.name = in.name;
  f.media_type = in.media_type;
  f.size = in.size;
  return One(Emit(std::move(f)));
}

}  // namespace ledger::domain
