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

void Describe(const PurchaseRequest& pr, ListEntry& out) {
  out.Filter("requester", pr.requester);
  out.Filter("currency", pr.currency);
  for (const auto& l : pr.lines) {
    out.Filter("product", l.product);
    out.Filter("cost_center", l.cost_center);
  }
  out.text = pr.justification;
  out.summary.Text("requester", pr.requester);
  out.summary.Text("justification", pr.justification);
  out.summary.Integer("lines", pr.lines.size());
  // A request without a currency has no amount yet.
  out.summary.Amount("amount", pr.currency.empty() ? std::nullopt : std::optional(pr.amount),
                     CurrencyDigits(pr.currency).value_or(2));
  out.summary.Text("currency", pr.currency);
  out.summary.Integer("approvals", pr.approvals.size());
  out.summary.Texts("orders", pr.orders);
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
  out.summary.Text("supplier", po.supplier);
  out.summary.Text("currency", po.currency);
  out.summary.Date("expected_date", po.expected_date);
  out.summary.Text("purchase_request", po.purchase_request);
  out.summary.Integer("lines", po.lines.size());
  out.summary.Amount("untaxed", amounts.ok() ? std::optional(amounts->untaxed) : std::nullopt,
                     po.digits);
  out.summary.Amount("total", amounts.ok() ? std::optional(amounts->total) : std::nullopt,
                     po.digits);
  out.summary.Texts("invoices", po.invoices);
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
    e.summary.Integer("line", l.line_no);
    e.summary.Text("supplier", po.supplier);
    e.summary.Text("product", l.product);
    e.summary.Text("description", l.description);
    e.summary.Figure("ordered", l.quantity);
    e.summary.Figure("received", l.received);
    e.summary.Figure("invoiced", l.invoiced);
    e.summary.Date("expected_date", expected);
    e.summary.Figure("unit_price", l.unit_price);
    e.summary.Text("currency", po.currency);
    e.summary.Text("warehouse", l.warehouse);
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
  std::vector<ListSummary> discrepancies;
  for (const auto& d : si.discrepancies) {
    ListSummary& r = discrepancies.emplace_back();
    r.Integer("line", d.line);
    r.Text("kind", d.kind);
    r.Text("expected", d.expected);
    r.Text("invoiced", d.invoiced);
  }
  out.summary.Text("supplier", si.supplier);
  out.summary.Text("supplier_ref", si.supplier_ref);
  out.summary.Date("date", si.date);
  out.summary.Date("due_date", si.due_date);
  out.summary.Text("currency", si.currency);
  out.summary.Amount("total", si.total, si.digits);
  out.summary.Text("purchase_order", si.purchase_order);
  out.summary.Text("mode", si.match_mode);
  out.summary.Text("first_result", si.first_result);
  out.summary.Flag("ever_disputed", si.ever_disputed);
  out.summary.Records("discrepancies", std::move(discrepancies));
  out.summary.Amount("credited", si.credited_total, si.digits);
  out.summary.Amount("paid", si.paid, si.digits);
  out.summary.Amount("remaining", Remaining(si), si.digits);
  if (si.accepted) out.summary.Text("accepted_by", si.accepted_by);
}

void Describe(const Receipt& r, ListEntry& out) {
  out.Filter("purchase_order", r.purchase_order);
  out.Filter("warehouse", r.warehouse);
  out.Date("date", r.date);
  out.text = r.purchase_order + ' ' + r.warehouse;
  out.summary.Text("purchase_order", r.purchase_order);
  out.summary.Date("date", r.date);
  out.summary.Text("warehouse", r.warehouse);
  out.summary.Integer("lines", r.lines.size());
}

}  // namespace domain
}  // namespace ledger
