#include "tools/reference/context.h"

#include "api/reference/routes.h"
#include "engine/reference/streams.h"
#include "projections/reference/tokens.h"
#include "tools/node.h"

namespace ledger::reference {
namespace {

void AddProjections(std::vector<std::unique_ptr<Projection>>* out) {
  out->push_back(std::make_unique<TokensProjection>());
}

Status AtStart(Engine& engine, const Config& config) {
  // Before any user command: the last-admin rule must know every admin.
  LEDGER_RETURN_IF_ERROR(ListAdminsOnce(engine));
  if (!config.admin_token.empty()) LEDGER_RETURN_IF_ERROR(EnsureAdmin(engine));
  return Status::Ok();
}

constexpr CsvExport kExports[] = {{"cost-centers", &domain::ExportCostCenters}};

}  // namespace

const BoundedContext& Context() {
  static const BoundedContext kContext{
      .name = "reference",
      .stream_types = &StreamTypes,
      .add_projections = &AddProjections,
      .add_routes = &AddRoutes,
      .authenticate = &api::AuthenticateToken,
      .at_start = &AtStart,
      .has_demo = &HasDemo,
      .load_demo = &LoadDemo,
      .exports = kExports,
  };
  return kContext;
}

}  // namespace ledger::reference
