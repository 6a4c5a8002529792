// The key under which a reference that must be unique is compared (a
// supplier's invoice number; voucher numbers later), so that the same
// document typed another way is still the same document.
//
// Key = Unicode NFKC with case folding and default-ignorable characters
// (zero-width spaces, soft hyphens...) removed (ICU's NFKC_Casefold), every
// dash or hyphen (Unicode property Dash, e.g. U+2010, U+2013, U+2212) as
// '-', white space trimmed at both ends. "ACME-F-1001", " acme-f-1001 ",
// "ACME\u2010F\u20101001" and "ACME-F\u200B-1001" share one key. The text as
// typed is kept in the events; only comparisons use the key.
//
// The key depends on Unicode's tables as the installed ICU has them (Debian
// 12: ICU 72, Unicode 15); a claim records the key it was made under.
#pragma once

#include <string>
#include <string_view>

#include "events/status.h"

namespace ledger {

// The comparison key of `text`; Malformed if it is not UTF-8 or has no
// character left once normalised.
Result<std::string> ReferenceKey(std::string_view text);

}  // namespace ledger
