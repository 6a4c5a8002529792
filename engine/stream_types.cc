// The registry of stream types: filled by the list of contexts at start.
#include <mutex>

#include "engine/aggregate.h"

namespace ledger {
namespace {

std::vector<StreamType>& Registry() {
  static std::vector<StreamType> types;
  return types;
}

}  // namespace

void RegisterStreamTypes(std::span<const StreamType> types) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  for (const auto& t : types) {
    LEDGER_ASSERT(FindStreamType(t.name) == nullptr);
    Registry().push_back(t);
  }
}

const std::vector<StreamType>& AllStreamTypes() { return Registry(); }

const StreamType* FindStreamType(std::string_view name) {
  for (const auto& t : Registry()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace ledger
