#include "tools/export.h"

#include <map>

#include "engine/aggregate.h"
#include "engine/domain/budget.h"
#include "engine/domain/reference.h"
#include "engine/domain/supplier_invoice.h"

namespace ledger {
namespace {

std::string Field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q.push_back('"');
    q.push_back(c);
  }
  q.push_back('"');
  return q;
}

void Row(std::ostream& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out << ',';
    out << Field(fields[i]);
  }
  out << "\r\n";
}

using States = std::map<std::string, std::unique_ptr<AggregateState>>;

// The current state of every stream of the given types, by type and id, in
// one pass over the whole log.
Result<std::map<std::string, States>> Fold(EventLog& log, std::vector<std::string> types) {
  std::map<std::string, States> out;
  for (const auto& t : types) {
    LEDGER_ASSERT(FindStreamType(t) != nullptr);
    out[t];
  }
  auto reader = log.NewReader(LogCursor(log.layout().partition_count(), 0), true);
  std::vector<LogRecord> batch;
  for (;;) {
    batch.clear();
    LEDGER_RETURN_IF_ERROR(reader->Next(4096, &batch));
    if (batch.empty()) break;
    for (const auto& r : batch) {
      const auto* e = r.envelope();
      auto it = out.find(events::Str(e->stream_type()));
      if (it == out.end()) continue;
      auto& s = it->second[events::Str(e->stream_id())];
      if (!s) s = FindStreamType(it->first)->make();
      s->Evolve(*e);
      s->version = e->stream_version();
    }
  }
  return out;
}

// Minor digits of the company currency.
int CompanyDigits(const States& settings) {
  auto it = settings.find(std::string(domain::kSettingsId));
  if (it == settings.end()) return 2;
  const auto* t = domain::TableOf<events::SettingsDefined>(
      *StateCast<domain::ReferenceState>(it->second.get()));
  return t ? CurrencyDigits(events::Sv(t->currency())).value_or(2) : 2;
}

Status ExportInvoices(EventLog& log, std::ostream& out) {
  auto folded = Fold(log, {"supplier_invoice", "settings"});
  if (!folded.ok()) return folded.status();
  const int company_digits = CompanyDigits((*folded)["settings"]);
  Row(out, {"invoice", "supplier", "supplier_ref", "date", "due_date", "status", "currency",
            "rate", "purchase_order", "line", "po_line", "description", "cost_center", "category",
            "project", "quantity", "unit_price", "tax_code", "untaxed", "credited",
            "company_amount", "invoice_total", "paid"});
  for (const auto& [id, state] : (*folded)["supplier_invoice"]) {
    const auto* si = StateCast<domain::SupplierInvoice>(state.get());
    for (const auto& l : si->lines) {
      Row(out, {id, si->supplier, si->supplier_ref, si->date, si->due_date, si->status,
                si->currency, si->rate.ToString(), si->purchase_order,
                std::to_string(l.line_no), std::to_string(l.po_line), l.description,
                l.cost_center, l.category, l.project, l.quantity.ToString(),
                l.unit_price.ToString(), l.tax_code, l.untaxed.ToString(si->digits),
                l.credited_amount.ToString(si->digits), l.company_amount.ToString(company_digits),
                si->total.ToString(si->digits), si->paid.ToString(si->digits)});
    }
  }
  return Status::Ok();
}

Status ExportBudgetLines(EventLog& log, std::ostream& out) {
  auto folded = Fold(log, {"budget"});
  if (!folded.ok()) return folded.status();
  Row(out, {"budget", "currency", "policy", "cost_center", "category", "project", "period",
            "amount", "committed", "actual", "available"});
  for (const auto& [id, state] : (*folded)["budget"]) {
    const auto* b = StateCast<domain::Budget>(state.get());
    const int digits = CurrencyDigits(b->currency).value_or(2);
    for (const auto& [key, cell] : b->cells) {
      auto [line, period] = domain::SplitCellKey(key);
      Decimal available = domain::Available(cell);
      Row(out, {id, b->currency, b->policy, line.cost_center, line.category, line.project, period,
                cell.amount.ToString(digits), cell.committed.ToString(digits),
                cell.actual.ToString(digits), available.ToString(digits)});
    }
  }
  return Status::Ok();
}

Status ExportCostCenters(EventLog& log, std::ostream& out) {
  auto folded = Fold(log, {"cost_center"});
  if (!folded.ok()) return folded.status();
  Row(out, {"cost_center", "name"});
  for (const auto& [id, state] : (*folded)["cost_center"]) {
    const auto* s = StateCast<domain::ReferenceState>(state.get());
    const auto* t = domain::TableOf<events::CostCenterDefined>(*s);
    Row(out, {id, t ? events::Str(t->name()) : ""});
  }
  return Status::Ok();
}

}  // namespace

Status ExportCsv(EventLog& log, const std::string& what, std::ostream& out) {
  if (what == "invoices") return ExportInvoices(log, out);
  if (what == "budget-lines") return ExportBudgetLines(log, out);
  if (what == "cost-centers") return ExportCostCenters(log, out);
  return Status::Malformed("export one of: invoices, budget-lines, cost-centers");
}

}  // namespace ledger
