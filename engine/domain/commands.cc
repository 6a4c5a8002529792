#include "engine/domain/commands.h"

namespace ledger::domain {

Command DefineReference(std::string id, events::PayloadUnion definition, Expect expect) {
  Command c;
  c.stream_type = std::string(ReferenceStreamType(definition.type));
  c.stream_id = std::move(id);
  c.expect = expect;
  c.decide = [def = std::move(definition)](const AggregateState*, DecideContext& ctx) {
    return DecideDefine(def, ctx);
  };
  return c;
}

Command IssueToken(std::string token_id, std::string user_id, std::string label,
                   std::string digest) {
  Command c;
  c.stream_type = "api_token";
  c.stream_id = std::move(token_id);
  c.expect = Expect::kNew;
  c.decide = [user = std::move(user_id), label = std::move(label), digest = std::move(digest)](
                 const AggregateState*, DecideContext& ctx) {
    return DecideIssueToken(user, label, digest, ctx);
  };
  return c;
}

Command RevokeToken(std::string token_id, std::string user_id, std::string reason) {
  return OnStream<ApiToken>(
      "api_token", std::move(token_id),
      [user = std::move(user_id), reason = std::move(reason)](const ApiToken& t, DecideContext&) {
        return DecideRevokeToken(t, user, reason);
      });
}

Command ListAdmins(std::vector<std::string> user_ids) {
  Command c;
  c.stream_type = std::string(kAdminDirectoryType);
  c.stream_id = std::string(kAdminDirectoryId);
  c.expect = Expect::kNew;
  c.decide = [ids = std::move(user_ids)](const AggregateState*, DecideContext& ctx) {
    return DecideListAdmins(ids, ctx);
  };
  return c;
}

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

}  // namespace ledger::domain
