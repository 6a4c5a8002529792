#include "engine/purchasing/supplier_document.h"

#include <fmt/format.h>

#include "engine/reference_key.h"

namespace ledger::domain {
namespace {

using events::Str;

// The claim streams of a supplier's document number: under its comparison
// key (engine/reference_key.h), and, for claims made before references were
// normalised, under the number as typed.
struct DocumentKeys {
  std::string normalised, as_typed;
};

Result<DocumentKeys> KeysOf(const std::string& supplier, const std::string& ref) {
  auto key = ReferenceKey(ref);
  if (!key.ok()) return key.status();
  return DocumentKeys{supplier + "/" + *key, supplier + "/" + ref};
}

}  // namespace

// Refuses a supplier document number already captured, however it was typed.
Status CheckUnclaimed(DecideContext& ctx, const std::string& supplier, const std::string& ref) {
  auto keys = KeysOf(supplier, ref);
  if (!keys.ok()) return keys.status();
  for (const std::string* key : {&keys->normalised, &keys->as_typed}) {
    const auto* d = ctx.Get<SupplierDocument>(*key);
    if (d != nullptr && d->kind != "released") {
      return Status(Errc::kDuplicate,
                    fmt::format("supplier {} document {} is already captured on {}", supplier, ref,
                                d->document),
                    "duplicate", {{"supplier_ref", ref}, {"document", d->document}});
    }
  }
  return Status::Ok();
}

// Claims `ref` for `doc` (kind invoice or credit_note) under its comparison
// key; releases it where `doc` holds it (kind released).
Result<NewEvent> ClaimEvent(DecideContext& ctx, const std::string& supplier,
                            const std::string& ref, const std::string& doc, const char* kind) {
  auto keys = KeysOf(supplier, ref);
  if (!keys.ok()) return keys.status();
  std::string stream = keys->normalised;
  if (std::string_view(kind) == "released") {
    const auto* legacy = ctx.Get<SupplierDocument>(keys->as_typed);
    if (legacy != nullptr && legacy->document == doc && legacy->kind != "released") {
      stream = keys->as_typed;
    }
  }
  events::SupplierDocumentClaimedT c;
  c.document = doc;
  c.kind = kind;
  return ToStream<SupplierDocument>(Emit(std::move(c)), stream);
}

void Apply(SupplierDocument& d, const events::Envelope& e) {
  if (e.payload_type() != events::Payload::SupplierDocumentClaimed) return;
  const auto* c = e.payload_as_SupplierDocumentClaimed();
  d.document = Str(c->document());
  d.kind = Str(c->kind());
}
std::string_view Label(const SupplierDocument& d) { return d.kind; }
bool Valid(const SupplierDocument& d) { return !d.kind.empty(); }

}  // namespace ledger::domain
