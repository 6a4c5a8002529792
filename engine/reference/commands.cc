#include "engine/reference/commands.h"

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
  return NewDocument<ApiToken>(
      std::move(token_id),
      [user = std::move(user_id), label = std::move(label), digest = std::move(digest)](
          DecideContext& ctx) { return DecideIssueToken(user, label, digest, ctx); });
}

Command RevokeToken(std::string token_id, std::string user_id, std::string reason) {
  return OnStream<ApiToken>(
      std::move(token_id),
      [user = std::move(user_id), reason = std::move(reason)](const ApiToken& t, DecideContext&) {
        return DecideRevokeToken(t, user, reason);
      });
}

Command ListAdmins(std::vector<std::string> user_ids) {
  return NewDocument<AdminDirectory>(
      std::string(kAdminDirectoryId),
      [ids = std::move(user_ids)](DecideContext& ctx) { return DecideListAdmins(ids, ctx); });
}

}  // namespace ledger::domain
