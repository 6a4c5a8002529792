// The stream types of the reference context, for the registry (engine/aggregate.h).
#pragma once

#include <span>

#include "engine/aggregate.h"

namespace ledger::reference {

std::span<const StreamType> StreamTypes();

}  // namespace ledger::reference
