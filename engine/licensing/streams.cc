// The stream types of licensing: pools, teams, assignment policies and the
// claims of usage source ids. Each state declares its own (StreamTraits);
// the listed ones are named with their listings.
#include "engine/licensing/streams.h"

#include "engine/licensing/licence_pool.h"
#include "engine/licensing/listings.h"
#include "engine/licensing/team.h"

namespace ledger::licensing {
namespace {

using namespace domain;

constexpr StreamType kTypes[] = {
    Listed(StreamTypeOf<LicencePool>(), &kLicencePoolListing),
    Listed(StreamTypeOf<Team>(), &kTeamListing),
    StreamTypeOf<AssignmentPolicy>(),
    StreamTypeOf<UsageSource>(),
};

}  // namespace

std::span<const StreamType> StreamTypes() { return kTypes; }

}  // namespace ledger::licensing
