// Command builders of purchasing documents; includes every purchasing
// aggregate, for the API, the tools and the tests.
#pragma once

#include "engine/commands.h"
#include "engine/purchasing/attachment_filings.h"
#include "engine/purchasing/matching_rules.h"
#include "engine/purchasing/purchase_order.h"
#include "engine/purchasing/purchase_request.h"
#include "engine/purchasing/receipt.h"
#include "engine/purchasing/supplier_document.h"
#include "engine/purchasing/supplier_invoice.h"

namespace ledger::domain {

Command CreatePurchaseOrder(PoHeaderInput header, PoNotesInput notes,
                            std::vector<PoLineInput> lines);

// Any decision on an existing purchase order.
Command OnPurchaseOrder(std::string id,
                        std::function<Decision(const PurchaseOrder&, DecideContext&)> decide);

}  // namespace ledger::domain
