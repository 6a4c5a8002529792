// The stream types of the purchasing context, for the registry (engine/aggregate.h).
#pragma once

#include <span>

#include "engine/aggregate.h"

namespace ledger::purchasing {

std::span<const StreamType> StreamTypes();

}  // namespace ledger::purchasing
