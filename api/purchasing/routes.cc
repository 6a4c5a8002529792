#include "api/purchasing/routes.h"

namespace ledger::purchasing {

void AddRoutes(api::Routes& routes) {
  api::AddPurchaseOrderRoutes(routes);
  api::AddRequestRoutes(routes);
  api::AddReceiptRoutes(routes);
  api::AddInvoiceRoutes(routes);
  api::AddAttachmentRoutes(routes);
  api::AddCommitmentRoutes(routes);
}

}  // namespace ledger::purchasing
