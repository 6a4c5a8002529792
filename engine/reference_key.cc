#include "engine/reference_key.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace ledger {

Result<std::string> ReferenceKey(std::string_view text) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(error);
  if (U_FAILURE(error) || nfkc_cf == nullptr) {
    return Status::Internal(std::string("Unicode normalisation is unavailable: ") +
                            u_errorName(error));
  }
  // fromUTF8 replaces ill-formed bytes with U+FFFD: refuse them instead, a
  // key must not merge different bytes by accident.
  const icu::UnicodeString source =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  std::string round_trip;
  source.toUTF8String(round_trip);
  if (round_trip != text) return Status::Malformed("a reference must be UTF-8 text");

  icu::UnicodeString folded = nfkc_cf->normalize(source, error);
  if (U_FAILURE(error)) return Status::Malformed("a reference cannot be normalised");
  icu::UnicodeString key;
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    key.append(u_hasBinaryProperty(c, UCHAR_DASH) ? UChar32{'-'} : c);
    i += U16_LENGTH(c);
  }
  int32_t start = 0, end = key.length();
  while (start < end && u_isUWhiteSpace(key.char32At(start))) start += U16_LENGTH(key.char32At(start));
  while (end > start && u_isUWhiteSpace(key.char32At(end - 1))) end -= 1;
  std::string out;
  key.tempSubStringBetween(start, end).toUTF8String(out);
  if (out.empty()) return Status::Malformed("a reference needs at least one character");
  return out;
}

}  // namespace ledger
