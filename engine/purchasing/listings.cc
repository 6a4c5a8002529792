// The lists of purchasing documents: what each shows and is filtered by.
#include "engine/purchasing/listings.h"

#include "engine/purchasing/purchase_order.h"
#include "engine/purchasing/purchase_request.h"
#include "engine/purchasing/receipt.h"
#include "engine/purchasing/supplier_invoice.h"

namespace ledger {
namespace purchasing {
namespace {

constexpr std::string_view kPrDates[] = {"created",  "submitted", "approved",
                                         "rejected", "cancelled", "ordered"};
constexpr std::string_view kPrFilters[] = {"requester", "product", "cost_center", "currency"};
constexpr std::string_view kPoDates[] = {"created",  "rfq_sent", "confirmed",
                                         "partially_received", "received", "done",
                                         "cancelled", "expected"};
constexpr std::string_view kPoFilters[] = {"supplier", "currency", "purchase_request", "product",
                                           "cost_center"};
constexpr std::string_view kLineDates[] = {"expected"};
constexpr std::string_view kLineFilters[] = {"supplier", "product", "purchase_order",
                                             "cost_center", "warehouse"};
constexpr std::string_view kRcDates[] = {"date", "created"};
constexpr std::string_view kRcFilters[] = {"purchase_order", "warehouse"};
constexpr std::string_view kSiDates[] = {"date",     "due",      "created",
                                         "matched",  "disputed", "approved",
                                         "partially_paid", "paid", "cancelled"};
constexpr std::string_view kSiFilters[] = {"supplier", "purchase_order", "currency", "mode"};

}  // namespace

constinit const Listing kPurchaseRequestListing{"purchase-requests", "purchase requests",
                                                "created", kPrDates, kPrFilters};
constinit const Listing kPurchaseOrderListing{"purchase-orders", "purchase orders", "created",
                                              kPoDates, kPoFilters};
constinit const Listing kPurchaseOrderLineListing{"purchase-order-lines",
                                                  "lines of open purchase orders",
                                                  "expected",
                                                  kLineDates,
                                                  kLineFilters,
                                                  /*late=*/true,
                                                  /*parent=*/"purchase_order"};
constinit const Listing kReceiptListing{"receipts", "receipts", "date", kRcDates, kRcFilters};
// Late: approved (or partly paid) and past its due date.
constinit const Listing kSupplierInvoiceListing{"supplier-invoices", "supplier invoices", "date",
                                                kSiDates, kSiFilters, /*late=*/true};

}  // namespace purchasing

namespace domain {
namespace {

std::string Money(const Decimal& d, const std::string& currency) {
  return d.ToString(CurrencyDigits(currency).value_or(2));
}

}  // namespace

void Describe(const PurchaseRequest& pr, ListEntry& out) {
  out.Filter("requester", pr.requester);
  out.Filter("currency", pr.currency);
  for (const auto& l : pr.lines) {
    out.Filter("product", l.product);
    out.Filter("cost_center", l.cost_center);
  }
  out.text = pr.justification;
  out.summary = {{"requester", pr.requester},
                 {"justification", pr.justification},
                 {"lines", pr.lines.size()},
                 {"amount", pr.currency.empty() ? "" : Money(pr.amount, pr.currency)},
                 {"currency", pr.currency},
                 {"approvals", pr.approvals.size()},
                 {"orders", pr.orders}};
}

void Describe(const PurchaseOrder& po, ListEntry& out) {
  out.Filter("supplier", po.supplier);
  out.Filter("currency", po.currency);
  out.Filter("purchase_request", po.purchase_request);
  out.Date("expected", po.expected_date);
  for (const auto& l : po.lines) {
    out.Filter("product", l.product);
    out.Filter("cost_center", l.cost_center);
  }
  out.text = po.supplier + ' ' + po.note_internal;
  auto amounts = Amounts(po);
  auto money = [&](const Decimal& d) { return d.ToString(po.digits); };
  out.summary = {{"supplier", po.supplier},
                 {"currency", po.currency},
                 {"expected_date", po.expected_date},
                 {"purchase_request", po.purchase_request},
                 {"lines", po.lines.size()},
                 {"untaxed", amounts.ok() ? money(amounts->untaxed) : ""},
                 {"total", amounts.ok() ? money(amounts->total) : ""},
                 {"invoices", po.invoices}};
  // Only an order that still waits for goods or invoices has open lines.
  if (po.status != PoStatus::kConfirmed && po.status != PoStatus::kPartiallyReceived &&
      po.status != PoStatus::kReceived) {
    return;
  }
  for (const auto& l : po.lines) {
    ListRow row;
    row.number = l.line_no;
    ListEntry& e = row.entry;
    const bool outstanding = l.received < l.quantity;
    e.status = outstanding ? "open" : "received";
    const std::string& expected = l.expected_date.empty() ? po.expected_date : l.expected_date;
    e.Date("expected", expected);
    if (outstanding) e.late_after = expected;
    e.Filter("supplier", po.supplier);
    e.Filter("product", l.product);
    e.Filter("cost_center", l.cost_center);
    e.Filter("warehouse", l.warehouse);
    e.text = l.product + ' ' + l.description;
    e.summary = {{"line", l.line_no},
                 {"supplier", po.supplier},
                 {"product", l.product},
                 {"description", l.description},
                 {"ordered", l.quantity.ToString()},
                 {"received", l.received.ToString()},
                 {"invoiced", l.invoiced.ToString()},
                 {"expected_date", expected},
                 {"unit_price", l.unit_price.ToString()},
                 {"currency", po.currency},
                 {"warehouse", l.warehouse}};
    out.rows.push_back(std::move(row));
  }
}

void Describe(const SupplierInvoice& si, ListEntry& out) {
  out.Filter("supplier", si.supplier);
  out.Filter("purchase_order", si.purchase_order);
  out.Filter("currency", si.currency);
  out.Filter("mode", si.match_mode);
  out.Date("date", si.date);
  out.Date("due", si.due_date);
  out.text = si.supplier + ' ' + si.supplier_ref;
  // An invoice approved for payment is late once its due date has passed.
  if (si.status == SiStatus::kApproved || si.status == SiStatus::kPartiallyPaid) {
    out.late_after = si.due_date;
  }
  auto money = [&](const Decimal& d) { return d.ToString(si.digits); };
  nlohmann::json discrepancies = nlohmann::json::array();
  for (const auto& d : si.discrepancies) {
    discrepancies.push_back(
        {{"line", d.line}, {"kind", d.kind}, {"expected", d.expected}, {"invoiced", d.invoiced}});
  }
  out.summary = {{"supplier", si.supplier},
                 {"supplier_ref", si.supplier_ref},
                 {"date", si.date},
                 {"due_date", si.due_date},
                 {"currency", si.currency},
                 {"total", money(si.total)},
                 {"purchase_order", si.purchase_order},
                 {"mode", si.match_mode},
                 {"first_result", si.first_result},
                 {"ever_disputed", si.ever_disputed},
                 {"discrepancies", std::move(discrepancies)},
                 {"credited", money(si.credited_total)},
                 {"paid", money(si.paid)},
                 {"remaining", money(Remaining(si))}};
  if (si.accepted) out.summary["accepted_by"] = si.accepted_by;
}

void Describe(const Receipt& r, ListEntry& out) {
  out.Filter("purchase_order", r.purchase_order);
  out.Filter("warehouse", r.warehouse);
  out.Date("date", r.date);
  out.text = r.purchase_order + ' ' + r.warehouse;
  out.summary = {{"purchase_order", r.purchase_order},
                 {"date", r.date},
                 {"warehouse", r.warehouse},
                 {"lines", r.lines.size()}};
}

}  // namespace domain
}  // namespace ledger
