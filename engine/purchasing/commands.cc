#include "engine/purchasing/commands.h"

namespace ledger::domain {

Command CreatePurchaseOrder(PoHeaderInput header, PoNotesInput notes,
                            std::vector<PoLineInput> lines) {
  return NewDocument<PurchaseOrder>(
      "", [h = std::move(header), n = std::move(notes), l = std::move(lines)](DecideContext& ctx) {
        return DecideCreatePo(h, n, l, ctx);
      });
}

Command OnPurchaseOrder(std::string id,
                        std::function<Decision(const PurchaseOrder&, DecideContext&)> decide) {
  return OnStream<PurchaseOrder>(std::move(id), std::move(decide));
}

}  // namespace ledger::domain
