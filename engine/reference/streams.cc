// The stream types of reference data, users and API tokens. Reference data
// is named by the payload that defines each kind (ReferenceStreamTypeOf);
// tokens and the admin directory declare their own (StreamTraits). Each kind
// of definition but the company's singletons is listed.
#include "engine/reference/admin_directory.h"
#include "engine/reference/api_token.h"
#include "engine/reference/listings.h"
#include "engine/reference/reference_entity.h"
#include "engine/reference/streams.h"

namespace ledger::reference {
namespace {

using namespace domain;

constexpr StreamType kTypes[] = {
    ReferenceStreamTypeOf<events::SettingsDefined>(),
    Listed(ReferenceStreamTypeOf<events::TaxCodeDefined>(), &kTaxCodeListing),
    Listed(ReferenceStreamTypeOf<events::FiscalPositionDefined>(), &kFiscalPositionListing),
    Listed(ReferenceStreamTypeOf<events::PaymentTermDefined>(), &kPaymentTermListing),
    Listed(ReferenceStreamTypeOf<events::CostCenterDefined>(), &kCostCenterListing),
    Listed(ReferenceStreamTypeOf<events::CategoryDefined>(), &kCategoryListing),
    Listed(ReferenceStreamTypeOf<events::ProjectDefined>(), &kProjectListing),
    Listed(ReferenceStreamTypeOf<events::SupplierDefined>(), &kSupplierListing),
    Listed(ReferenceStreamTypeOf<events::ProductDefined>(), &kProductListing),
    Listed(ReferenceStreamTypeOf<events::UserDefined>(), &kUserListing),
    StreamTypeOf<AdminDirectory>(),
    StreamTypeOf<ApiToken>(),
    ReferenceStreamTypeOf<events::ApprovalPolicyDefined>(),
    ReferenceStreamTypeOf<events::MatchingPolicyDefined>(),
    Listed(ReferenceStreamTypeOf<events::ExchangeRateDefined>(), &kExchangeRateListing),
};

}  // namespace

std::span<const StreamType> StreamTypes() { return kTypes; }

}  // namespace ledger::reference
