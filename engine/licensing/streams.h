// The stream types of the licensing context, for the registry (engine/aggregate.h).
#pragma once

#include <span>

#include "engine/aggregate.h"

namespace ledger::licensing {

std::span<const StreamType> StreamTypes();

}  // namespace ledger::licensing
