// CSV export of supplier invoice lines for an ERP (ledgerctl export invoices).
#include "tools/export.h"
#include "engine/purchasing/supplier_invoice.h"
#include "engine/reference/reference_entity.h"
#include "tools/purchasing/context.h"

namespace ledger::domain {

// Minor digits of the company currency.
static int CompanyDigits(const FoldedStates& settings) {
  auto it = settings.find(std::string(domain::kSettingsId));
  if (it == settings.end()) return 2;
  const auto* t = domain::TableOf<events::SettingsDefined>(
      *StateCast<domain::ReferenceState>(it->second.get()));
  return t ? CurrencyDigits(events::Sv(t->currency())).value_or(2) : 2;
}

Status ExportInvoices(EventLog& log, std::ostream& out) {
  const std::string invoices(SupplierInvoice::kStream.type);
  const std::string settings(kReferenceType<events::SettingsDefined>);
  auto folded = FoldStreams(log, {invoices, settings});
  if (!folded.ok()) return folded.status();
  const int company_digits = CompanyDigits((*folded)[settings]);
  CsvRow(out, {"invoice", "supplier", "supplier_ref", "date", "due_date", "status", "currency",
            "rate", "purchase_order", "line", "po_line", "description", "cost_center", "category",
            "project", "quantity", "unit_price", "tax_code", "untaxed", "credited",
            "company_amount", "invoice_total", "paid"});
  for (const auto& [id, state] : (*folded)[invoices]) {
    const auto* si = StateCast<domain::SupplierInvoice>(state.get());
    for (const auto& l : si->lines) {
      CsvRow(out, {id, si->supplier, si->supplier_ref, si->date, si->due_date,
                std::string(Label(si->status)), si->currency, si->rate.ToString(),
                si->purchase_order, std::to_string(l.line_no), std::to_string(l.po_line),
                l.description, l.cost_center, l.category, l.project, l.quantity.ToString(),
                l.unit_price.ToString(), l.tax_code, l.untaxed.ToString(si->digits),
                l.credited_amount.ToString(si->digits), l.company_amount.ToString(company_digits),
                si->total.ToString(si->digits), si->paid.ToString(si->digits)});
    }
  }
  return Status::Ok();
}

}  // namespace ledger::domain
