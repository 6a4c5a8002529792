// The routes of purchasing, one file per group (api/purchasing/routes_*.cc).
#pragma once

#include "api/routes.h"
#include "api/server.h"

namespace ledger::api {

void AddPurchaseOrderRoutes(Routes& r);
void AddRequestRoutes(Routes& r);
void AddReceiptRoutes(Routes& r);
void AddInvoiceRoutes(Routes& r);
void AddAttachmentRoutes(Routes& r);
void AddCommitmentRoutes(Routes& r);

}  // namespace ledger::api

namespace ledger::purchasing {

// Every route of the context (the list of contexts registers it).
void AddRoutes(api::Routes& routes);

}  // namespace ledger::purchasing
