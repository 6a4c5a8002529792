// The lists of reference data: each definition by its name and the fields
// its kind is filtered by.
#include "engine/reference/listings.h"

#include "engine/reference/reference_entity.h"
#include "events/reference_events.h"

namespace ledger {
namespace reference {
namespace {

// Every definition is listed by when it was created and last changed
// ("updated" is declared by no state: the list projection records it).
constexpr std::string_view kDates[] = {"created"};
constexpr std::string_view kNoFilters[] = {"name"};
constexpr std::string_view kTaxFilters[] = {"name", "price_included"};
constexpr std::string_view kTermFilters[] = {"name", "kind"};
constexpr std::string_view kSupplierFilters[] = {"name", "currency", "payment_terms",
                                                 "fiscal_position", "billing_method"};
constexpr std::string_view kProductFilters[] = {"name", "kind", "category", "tax_code"};
constexpr std::string_view kUserFilters[] = {"name", "role", "disabled"};

}  // namespace

constinit const Listing kTaxCodeListing{"tax-codes", "tax codes", "created", kDates, kTaxFilters};
constinit const Listing kFiscalPositionListing{"fiscal-positions", "fiscal positions", "created",
                                               kDates, kNoFilters};
constinit const Listing kPaymentTermListing{"payment-terms", "payment terms", "created", kDates,
                                            kTermFilters};
constinit const Listing kCostCenterListing{"cost-centers", "cost centres", "created", kDates,
                                           kNoFilters};
constinit const Listing kCategoryListing{"categories", "categories", "created", kDates, kNoFilters};
constinit const Listing kProjectListing{"projects", "projects", "created", kDates, kNoFilters};
constinit const Listing kSupplierListing{"suppliers", "suppliers", "created", kDates,
                                         kSupplierFilters};
constinit const Listing kProductListing{"products", "products", "created", kDates, kProductFilters};
constinit const Listing kUserListing{"users", "users", "created", kDates, kUserFilters};
constinit const Listing kExchangeRateListing{"exchange-rates", "exchange rates", "created", kDates,
                                             kNoFilters};

}  // namespace reference

namespace domain {
namespace {

using events::Str;

using FieldList = std::initializer_list<std::pair<const char*, const flatbuffers::String*>>;

// The name as listed, filtered (exact) and searched.
void Name(const flatbuffers::String* name, ListEntry& out) {
  const std::string n = Str(name);
  out.Filter("name", n);
  out.text = n;
  out.summary.Text("name", n);
}

}  // namespace

void Describe(const ReferenceState& s, ListEntry& out) {
  if (const auto* t = TableOf<events::TaxCodeDefined>(s)) {
    Name(t->name(), out);
    out.Filter("price_included", t->price_included() ? "true" : "false");
    out.summary.Text("rate", Str(t->rate()));
    out.summary.Flag("price_included", t->price_included());
  } else if (const auto* f = TableOf<events::FiscalPositionDefined>(s)) {
    Name(f->name(), out);
    out.summary.Integer("mappings", f->map() ? f->map()->size() : 0);
  } else if (const auto* p = TableOf<events::PaymentTermDefined>(s)) {
    Name(p->name(), out);
    out.Filter("kind", Str(p->kind()));
    out.summary.Text("kind", Str(p->kind()));
    out.summary.Integer("days", p->days());
  } else if (const auto* cc = TableOf<events::CostCenterDefined>(s)) {
    Name(cc->name(), out);
  } else if (const auto* cat = TableOf<events::CategoryDefined>(s)) {
    Name(cat->name(), out);
  } else if (const auto* proj = TableOf<events::ProjectDefined>(s)) {
    Name(proj->name(), out);
  } else if (const auto* sup = TableOf<events::SupplierDefined>(s)) {
    Name(sup->name(), out);
    for (auto [field, value] : FieldList{{"currency", sup->currency()},
                                {"payment_terms", sup->payment_terms()},
                                {"fiscal_position", sup->fiscal_position()},
                                {"billing_method", sup->billing_method()}}) {
      out.Filter(field, Str(value));
      out.summary.Text(field, Str(value));
    }
    out.summary.Text("incoterm", Str(sup->incoterm()));
  } else if (const auto* pr = TableOf<events::ProductDefined>(s)) {
    Name(pr->name(), out);
    for (auto [field, value] : FieldList{{"kind", pr->kind()},
                                {"category", pr->category()},
                                {"tax_code", pr->tax_code()}}) {
      out.Filter(field, Str(value));
      out.summary.Text(field, Str(value));
    }
    out.summary.Text("licence_typology", Str(pr->licence_typology()));
  } else if (const auto* u = TableOf<events::UserDefined>(s)) {
    Name(u->name(), out);
    std::vector<std::string> roles;
    if (u->roles()) {
      for (const auto* r : *u->roles()) {
        out.Filter("role", r->str());
        roles.push_back(r->str());
      }
    }
    out.Filter("disabled", u->disabled() ? "true" : "false");
    out.summary.Texts("roles", std::move(roles));
    out.summary.Flag("disabled", u->disabled());
  } else if (const auto* x = TableOf<events::ExchangeRateDefined>(s)) {
    out.summary.Text("rate", Str(x->rate()));
  }
}

}  // namespace domain
}  // namespace ledger
