#include "engine/commands.h"

namespace ledger {

Command NewDocument(std::string type, std::string id,
                    std::function<Decision(DecideContext&)> decide) {
  Command c;
  c.stream_type = std::move(type);
  c.stream_id = std::move(id);
  c.expect = Expect::kNew;
  c.decide = [d = std::move(decide)](const AggregateState*, DecideContext& ctx) {
    return d(ctx);
  };
  return c;
}

}  // namespace ledger
