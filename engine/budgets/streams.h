// The stream types of the budgets context, for the registry (engine/aggregate.h).
#pragma once

#include <span>

#include "engine/aggregate.h"

namespace ledger::budgets {

std::span<const StreamType> StreamTypes();

}  // namespace ledger::budgets
