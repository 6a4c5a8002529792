// Supplier document numbers (stream `supplier_document/<supplier>/<key>`):
// who holds a supplier's document number, <key> being its comparison key
// (engine/reference_key.h; claims made before references were normalised sit
// under the number as typed, and are still found). A supplier invoice or
// credit note claims its number when captured and releases it when cancelled,
// so the same document cannot be captured twice, however it is typed.
#pragma once

#include <string>

#include "engine/aggregate.h"

namespace ledger::domain {

struct SupplierDocument {
  static constexpr StreamTraits kStream = {
      .type = "supplier_document", .topic = Topic::kPurchasing, .series = "", .snapshot_format = 1};
  std::string document, kind;  // kind: invoice | credit_note | released
};
void Apply(SupplierDocument& d, const events::Envelope& e);
std::string_view Label(const SupplierDocument& d);
template <class A, class Self>
void Fields(A& a, Self& d) requires std::is_same_v<std::remove_const_t<Self>, SupplierDocument> {
  a(d.document, d.kind);
}
bool Valid(const SupplierDocument& d);

// Refuses (duplicate) a supplier document number already captured, however
// it was typed.
Status CheckUnclaimed(DecideContext& ctx, const std::string& supplier, const std::string& ref);

// The event that claims `ref` for document `doc` (kind invoice or
// credit_note) under its comparison key, or releases it (kind released)
// where `doc` holds it.
Result<NewEvent> ClaimEvent(DecideContext& ctx, const std::string& supplier,
                            const std::string& ref, const std::string& doc, const char* kind);

}  // namespace ledger::domain
