#include "tools/purchasing/context.h"

#include "api/purchasing/routes.h"
#include "engine/purchasing/streams.h"
#include "projections/purchasing/commitments.h"

namespace ledger::purchasing {
namespace {

void AddProjections(std::vector<std::unique_ptr<Projection>>* out) {
  out->push_back(std::make_unique<CommitmentsProjection>());
}

constexpr CsvExport kExports[] = {{"invoices", &domain::ExportInvoices}};

}  // namespace

const BoundedContext& Context() {
  static const BoundedContext kContext{
      .name = "purchasing",
      .stream_types = &StreamTypes,
      .add_projections = &AddProjections,
      .add_routes = &AddRoutes,
      .load_demo = &LoadDemo,
      .exports = kExports,
  };
  return kContext;
}

}  // namespace ledger::purchasing
