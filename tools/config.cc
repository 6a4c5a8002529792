#include "tools/config.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <type_traits>
#include <utility>

namespace ledger {
namespace {

// The values of "log", for the file and the flag alike.
const std::vector<std::string> kLogBackends = {"local", "kafka"};
// The values of "role".
const std::vector<std::string> kRoles = {"writer", "reader", "all"};

// Reads `value` into `field`. Returns what the value must be when it does not
// fit the field's type ("an integer from 0 to 64"), empty when it was read.
// JSON holds integers as int64 or uint64 whatever the field: they are checked
// against the field's range, never truncated.
template <typename T>
std::string FromJson(const nlohmann::json& value, T& field) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!value.is_boolean()) return "true or false";
    field = value.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    const bool fits = value.is_number_unsigned()  ? std::in_range<T>(value.get<uint64_t>())
                      : value.is_number_integer() ? std::in_range<T>(value.get<int64_t>())
                                                  : false;
    if (!fits) {
      return fmt::format("an integer from {} to {}", std::numeric_limits<T>::min(),
                         std::numeric_limits<T>::max());
    }
    field = value.is_number_unsigned() ? static_cast<T>(value.get<uint64_t>())
                                       : static_cast<T>(value.get<int64_t>());
  } else {
    static_assert(std::is_same_v<T, std::string>, "a Config field of a new type");
    if (!value.is_string()) return "a string";
    field = value.get<std::string>();
  }
  return {};
}

// A flag's value must be an integer of the field's range. CLI11 2.1 would
// take "-1" for an unsigned field as its maximum, and saturate on overflow.
template <typename T>
CLI::Validator IntegerOf() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        T value{};
        const char* end = text.data() + text.size();
        auto [stop, error] = std::from_chars(text.data(), end, value);
        if (error == std::errc() && stop == end) return {};
        return fmt::format("{} is not an integer from {} to {}", text,
                           std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
      },
      "");
}

}  // namespace

Result<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read config file " + path);
  auto json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::Malformed(path + " is not a JSON object");
  }
  Config config;
  for (const auto& item : json.items()) {
    bool known = false;
    std::string expected;
    ForEachConfigField(config, [&](std::string_view key, auto& field, const char*) {
      if (key != item.key()) return;
      known = true;
      expected = FromJson(item.value(), field);
    });
    if (!known) {
      return Status::Malformed(fmt::format(
          "{}: unknown key \"{}\" (the keys are those of ledgerd --help, with underscores)", path,
          item.key()));
    }
    if (!expected.empty()) {
      return Status::Malformed(fmt::format("{}: \"{}\" must be {}, not {}", path, item.key(),
                                           expected, item.value().dump()));
    }
  }
  if (std::ranges::find(kLogBackends, config.log_backend) == kLogBackends.end()) {
    return Status::Malformed(fmt::format("{}: \"log\" must be {}, not \"{}\"", path,
                                         fmt::join(kLogBackends, " or "), config.log_backend));
  }
  if (std::ranges::find(kRoles, config.role) == kRoles.end()) {
    return Status::Malformed(fmt::format("{}: \"role\" must be {}, not \"{}\"", path,
                                         fmt::join(kRoles, " or "), config.role));
  }
  return config;
}

std::string ConfigFlagName(std::string_view key) {
  std::string name = "--" + std::string(key);
  for (char& ch : name) ch = ch == '_' ? '-' : ch;
  return name;
}

ConfigFlags::ConfigFlags(CLI::App* app, const std::vector<std::string_view>& keys) : app_(app) {
  app_->add_option("--config", file_, "JSON configuration file; the flags override it");
  size_t added = 0;
  ForEachConfigField(parsed_, [&](std::string_view key, auto& field, const char* help) {
    if (!keys.empty() && std::ranges::find(keys, key) == keys.end()) return;
    ++added;
    using T = std::remove_reference_t<decltype(field)>;
    const std::string name = ConfigFlagName(key);
    if constexpr (std::is_same_v<T, bool>) {
      // --demo turns a setting on; --sync=false turns one off.
      app_->add_flag(name, field,
                     field ? fmt::format("{} (default: true; {}=false turns it off)", help, name)
                           : std::string(help));
    } else if constexpr (std::is_integral_v<T>) {
      app_->add_option(name, field, help)->capture_default_str()->check(IntegerOf<T>());
    } else {
      app_->add_option(name, field, help)->capture_default_str();
    }
  });
  LEDGER_ASSERT(keys.empty() || added == keys.size());  // every key asked for is in the table
  if (CLI::Option* log = app_->get_option_no_throw("--log")) {
    log->check(CLI::IsMember(kLogBackends));
  }
  if (CLI::Option* role = app_->get_option_no_throw("--role")) role->check(CLI::IsMember(kRoles));
}

Result<Config> ConfigFlags::Resolve() const {
  Config config;
  if (!file_.empty()) {
    auto loaded = LoadConfigFile(file_);
    if (!loaded.ok()) return loaded.status();
    config = std::move(loaded.value());
  }
  // The flags given, converted again from what was parsed (and checked) into
  // the file's configuration.
  ForEachConfigField(config, [&](std::string_view key, auto& field, const char*) {
    const CLI::Option* option = app_->get_option_no_throw(ConfigFlagName(key));
    if (option != nullptr && option->count() > 0) option->results(field);
  });
  return config;
}

}  // namespace ledger
