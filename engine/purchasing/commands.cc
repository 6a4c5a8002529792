#include "engine/purchasing/commands.h"

namespace ledger::domain {

Command CreatePurchaseOrder(PoHeaderInput header, PoNotesInput notes,
                            std::vector<PoLineInput> lines) {
  Command c;
  c.stream_type = "purchase_order";
  c.expect = Expect::kNew;
  c.decide = [h = std::move(header), n = std::move(notes), l = std::move(lines)](
                 const AggregateState*, DecideContext& ctx) {
    return DecideCreatePo(h, n, l, ctx);
  };
  return c;
}

Command OnPurchaseOrder(std::string id,
                        std::function<Decision(const PurchaseOrder&, DecideContext&)> decide) {
  return OnStream<PurchaseOrder>("purchase_order", std::move(id), std::move(decide));
}

}  // namespace ledger::domain
