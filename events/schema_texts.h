#pragma once
#include <string_view>
#include <vector>

namespace ledger::events {

struct SchemaText {
  std::string_view file_name;
  std::string_view text;
};

// The .fbs files this binary was built with, in dependency order.
const std::vector<SchemaText>& schema_texts();

}  // namespace ledger::events
