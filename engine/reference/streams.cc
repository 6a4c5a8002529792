// The stream types of reference data, users and API tokens. Reference data
// is named by the payload that defines each kind (ReferenceStreamTypeOf);
// tokens and the admin directory declare their own (StreamTraits).
#include "engine/reference/admin_directory.h"
#include "engine/reference/api_token.h"
#include "engine/reference/reference_entity.h"
#include "engine/reference/streams.h"
#include "events/reference_events.h"

namespace ledger::reference {
namespace {

using namespace domain;

constexpr StreamType kTypes[] = {
    ReferenceStreamTypeOf<events::SettingsDefined>(),
    ReferenceStreamTypeOf<events::TaxCodeDefined>(),
    ReferenceStreamTypeOf<events::FiscalPositionDefined>(),
    ReferenceStreamTypeOf<events::PaymentTermDefined>(),
    ReferenceStreamTypeOf<events::CostCenterDefined>(),
    ReferenceStreamTypeOf<events::CategoryDefined>(),
    ReferenceStreamTypeOf<events::ProjectDefined>(),
    ReferenceStreamTypeOf<events::SupplierDefined>(),
    ReferenceStreamTypeOf<events::ProductDefined>(),
    ReferenceStreamTypeOf<events::UserDefined>(),
    StreamTypeOf<AdminDirectory>(),
    StreamTypeOf<ApiToken>(),
    ReferenceStreamTypeOf<events::ApprovalPolicyDefined>(),
    ReferenceStreamTypeOf<events::MatchingPolicyDefined>(),
    ReferenceStreamTypeOf<events::ExchangeRateDefined>(),
};

}  // namespace

std::span<const StreamType> StreamTypes() { return kTypes; }

}  // namespace ledger::reference
