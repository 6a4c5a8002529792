// The matching rules of supplier invoices against their orders (SPEC §4.6).
//
// Matching runs at capture and whenever the order moves (a receipt, a
// return) or the invoice does (a credit note): 2-way against the ordered
// quantities when the order is billed on ordered quantities, 3-way against
// the received quantities otherwise. Tolerances come from the company's
// matching policy; a value exactly at a tolerance is within it. An invoice
// whose difference an approver accepted is not matched again.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/aggregate.h"
#include "engine/purchasing/purchase_order.h"
#include "engine/purchasing/supplier_invoice.h"
#include "engine/reference/reference_entity.h"

namespace ledger::domain {

// Matching of an invoice against its order as it stands. `earlier`: per
// order line, what the order's earlier invoices (not cancelled) bill; an
// invoice keeps its claim on the quantities over the invoices after it.
struct MatchOutcome {
  SiStatus result = SiStatus::kMatched;  // kMatched | kDisputed
  std::string mode;                      // none | 2-way | 3-way
  std::vector<SiDiscrepancy> discrepancies;
};
Result<MatchOutcome> Match(const SupplierInvoice& si, const PurchaseOrder* po,
                           const MatchingPolicy& policy,
                           const std::map<uint32_t, Decimal>& earlier);

// Matching events for the open invoices of `po` (the order as it will stand
// after the command), for those whose result changes. `cancelled`: an
// invoice the command cancels, which no longer bills anything.
Result<std::vector<NewEvent>> Rematch(const PurchaseOrder& po, const std::string& trigger,
                                      DecideContext& ctx, const std::string& cancelled = "");

// Matching again after invoice `id` itself changed (`si` as it will stand,
// e.g. after a credit note): its SupplierInvoiceMatched event, if the result
// changes.
Result<std::vector<NewEvent>> RematchSelf(const SupplierInvoice& si, const std::string& id,
                                          DecideContext& ctx, const std::string& trigger);

// The SupplierInvoiceMatched event of an outcome.
NewEvent MatchedEvent(const MatchOutcome& m, const std::string& trigger);
// Discrepancies as event tables.
std::vector<std::unique_ptr<events::DiscrepancyT>> DiscrepancyTables(
    const std::vector<SiDiscrepancy>& ds);

}  // namespace ledger::domain
