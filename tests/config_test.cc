// The configuration (tools/config.h): every field loadable from the JSON file,
// unknown keys and wrong types refused with the key named, flags over the
// file; and the command lines of ledgerd and ledgerctl that read it.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/process_support.h"
#include "tests/test_support.h"

namespace ledger::testing {
namespace {

std::string WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
  return path;
}

// Every key of the file, each set to a value that is not its default.
constexpr const char* kEveryKey = R"({
  "data_dir": "/srv/ledger",
  "listen": "0.0.0.0:9090",
  "admin_token": "break-glass",
  "token_key_file": "/etc/ledgerd/token.key",
  "log": "kafka",
  "kafka_brokers": "k1:9092,k2:9092",
  "kafka_transactional_id": "ledgerd-2",
  "kafka_replication_factor": 1,
  "demo": true,
  "partitions_per_topic": 4,
  "sync": false,
  "accept_lost_records": true,
  "verify_log_on_open": false,
  "scrub_records_per_second": 0,
  "scrub_interval_s": 60,
  "batch_commands_max": 512,
  "queue_commands_max": 1000,
  "cache_streams_max": 5000,
  "events_per_command_max": 77,
  "recovery_flush_records": 300,
  "snapshot_interval_ms": 25,
  "snapshot_pending_max": 999,
  "resume_interval_ms": 250,
  "http_threads": 2,
  "http_read_threads": 3,
  "listen_backlog": 64,
  "connections_max": 500,
  "body_bytes_buffered_max": 1048576,
  "body_bytes_max": 65536,
  "header_bytes_max": 4096,
  "header_line_bytes_max": 2048,
  "headers_max": 20,
  "header_timeout_ms": 1000,
  "read_timeout_ms": 2000,
  "write_timeout_ms": 3000,
  "keep_alive_idle_ms": 4000,
  "keep_alive_requests_max": 50,
  "event_streams_max": 4,
  "event_streams_per_user_max": 1
})";

TEST(ConfigFileTest, EveryKeyOfTheFileIsHonoured) {
  TempDir dir;
  auto loaded = LoadConfigFile(WriteFile(dir.path() + "/ledgerd.json", kEveryKey));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Config& c = *loaded;
  EXPECT_EQ(c.data_dir, "/srv/ledger");
  EXPECT_EQ(c.listen, "0.0.0.0:9090");
  EXPECT_EQ(c.admin_token, "break-glass");
  EXPECT_EQ(c.token_key_file, "/etc/ledgerd/token.key");
  EXPECT_EQ(c.log_backend, "kafka");
  EXPECT_EQ(c.kafka_brokers, "k1:9092,k2:9092");
  EXPECT_EQ(c.kafka_transactional_id, "ledgerd-2");
  EXPECT_EQ(c.kafka_replication_factor, 1);
  EXPECT_TRUE(c.demo);
  EXPECT_EQ(c.partitions_per_topic, 4u);
  EXPECT_FALSE(c.sync);
  EXPECT_TRUE(c.accept_lost_records);
  EXPECT_FALSE(c.verify_log_on_open);
  EXPECT_EQ(c.scrub_records_per_second, 0u);
  EXPECT_EQ(c.scrub_interval_s, 60);
  EXPECT_EQ(c.engine.batch_commands_max, 512u);
  EXPECT_EQ(c.engine.queue_commands_max, 1000u);
  EXPECT_EQ(c.engine.cache_streams_max, 5000u);
  EXPECT_EQ(c.engine.events_per_command_max, 77u);
  EXPECT_EQ(c.engine.recovery_flush_records, 300u);
  EXPECT_EQ(c.engine.snapshot_interval_ms, 25);
  EXPECT_EQ(c.engine.snapshot_pending_max, 999u);
  EXPECT_EQ(c.engine.resume_interval_ms, 250);
  EXPECT_EQ(c.http.threads, 2u);
  EXPECT_EQ(c.http.read_threads, 3u);
  EXPECT_EQ(c.http.listen_backlog, 64);
  EXPECT_EQ(c.http.connections_max, 500u);
  EXPECT_EQ(c.http.body_bytes_buffered_max, 1048576u);
  EXPECT_EQ(c.http.body_bytes_max, 65536u);
  EXPECT_EQ(c.http.header_bytes_max, 4096u);
  EXPECT_EQ(c.http.header_line_bytes_max, 2048u);
  EXPECT_EQ(c.http.headers_max, 20u);
  EXPECT_EQ(c.http.header_timeout_ms, 1000);
  EXPECT_EQ(c.http.read_timeout_ms, 2000);
  EXPECT_EQ(c.http.write_timeout_ms, 3000);
  EXPECT_EQ(c.http.keep_alive_idle_ms, 4000);
  EXPECT_EQ(c.http.keep_alive_requests_max, 50u);
  EXPECT_EQ(c.http.event_streams_max, 4u);
  EXPECT_EQ(c.http.event_streams_per_user_max, 1u);
}

TEST(ConfigFileTest, KeysLeftOutKeepTheirDefaults) {
  TempDir dir;
  auto loaded = LoadConfigFile(WriteFile(dir.path() + "/ledgerd.json", R"({"http_threads": 6})"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->http.threads, 6u);
  EXPECT_EQ(loaded->data_dir, Config{}.data_dir);
  EXPECT_EQ(loaded->engine.snapshot_interval_ms, EngineOptions{}.snapshot_interval_ms);
  EXPECT_EQ(loaded->http.read_threads, api::ApiOptions{}.read_threads);
}

// A file that must be refused, and the key its error must name.
struct Refused {
  const char* json;
  const char* key;
};

TEST(ConfigFileTest, UnknownKeysAndWrongTypesAreRefusedWithTheKeyNamed) {
  const Refused cases[] = {
      // Typos and keys of no field: never ignored.
      {R"({"data_dir": "/d", "snapshot_interval": 5})", "snapshot_interval"},
      {R"({"conections_max": 5})", "conections_max"},
      {R"({"engine": {"batch_commands_max": 5}})", "engine"},
      // Fields that are not settings.
      {R"({"inspect_only": true})", "inspect_only"},
      {R"({"listen_fd": 3})", "listen_fd"},
      // Wrong types.
      {R"({"http_threads": "4"})", "http_threads"},
      {R"({"data_dir": 7})", "data_dir"},
      {R"({"sync": 1})", "sync"},
      {R"({"demo": "yes"})", "demo"},
      {R"({"kafka_replication_factor": 1.5})", "kafka_replication_factor"},
      {R"({"listen": null})", "listen"},
      {R"({"log": ["local"]})", "log"},
      {R"({"log": "postgres"})", "log"},
      {R"({"role": "follower"})", "role"},
      // Out of the field's range.
      {R"({"partitions_per_topic": -1})", "partitions_per_topic"},
      {R"({"partitions_per_topic": 4294967296})", "partitions_per_topic"},
      {R"({"snapshot_interval_ms": 9223372036854775808})", "snapshot_interval_ms"},
      {R"({"connections_max": 18446744073709551616})", "connections_max"},
      {R"({"header_timeout_ms": 2147483648})", "header_timeout_ms"},
  };
  TempDir dir;
  for (const auto& c : cases) {
    auto loaded = LoadConfigFile(WriteFile(dir.path() + "/ledgerd.json", c.json));
    ASSERT_FALSE(loaded.ok()) << c.json;
    EXPECT_EQ(loaded.status().code(), Errc::kMalformed) << c.json;
    EXPECT_NE(loaded.status().message().find(fmt::format("\"{}\"", c.key)), std::string::npos)
        << c.json << " -> " << loaded.status().ToString();
  }
}

TEST(ConfigFileTest, AFileThatIsNoJsonObjectIsRefused) {
  TempDir dir;
  for (const char* text : {"", "[1]", "{\"data_dir\": ", "data_dir = x"}) {
    auto loaded = LoadConfigFile(WriteFile(dir.path() + "/ledgerd.json", text));
    ASSERT_FALSE(loaded.ok()) << text;
    EXPECT_EQ(loaded.status().code(), Errc::kMalformed) << text;
  }
  auto missing = LoadConfigFile(dir.path() + "/none.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Errc::kNotFound);
}

// Each field's value as text, by key: two configurations compare field by field.
std::map<std::string, std::string> Values(Config config) {
  std::map<std::string, std::string> values;
  ForEachConfigField(config, [&](std::string_view key, const auto& field, const char*) {
    values[std::string(key)] = fmt::format("{}", field);
  });
  return values;
}

// A value unlike `value`.
template <typename T>
T Other(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return !value;
  } else if constexpr (std::is_integral_v<T>) {
    return value == std::numeric_limits<T>::max() ? value - 1 : value + 1;
  } else {
    return value + "-other";
  }
}

// Every field of the table, changed from its default: the configuration, the
// file that sets it and the flags that set it.
struct EveryFieldChanged {
  Config config;
  nlohmann::json file = nlohmann::json::object();
  std::vector<std::string> flags;
};

EveryFieldChanged ChangeEveryField() {
  EveryFieldChanged changed;
  ForEachConfigField(changed.config, [&](std::string_view key, auto& field, const char*) {
    if constexpr (std::is_same_v<std::remove_reference_t<decltype(field)>, std::string>) {
      // An enumeration takes another of its values.
      field = key == "log" ? "kafka" : key == "role" ? "reader" : Other(field);
    } else {
      field = Other(field);
    }
    changed.file[std::string(key)] = field;
    changed.flags.push_back(fmt::format("{}={}", ConfigFlagName(key), field));
  });
  return changed;
}

// Parses `args` (without the program's name) as ledgerd does.
Result<Config> ParseFlags(std::vector<std::string> args,
                          const std::vector<std::string_view>& keys = {}) {
  CLI::App app;
  ConfigFlags flags(&app, keys);
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector last argument first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return Status::Malformed(e.what());
  }
  return flags.Resolve();
}

TEST(ConfigFileTest, EveryFieldOfTheTableLoadsFromTheFile) {
  const EveryFieldChanged changed = ChangeEveryField();
  ASSERT_EQ(changed.file.size(), Values(Config{}).size()) << "a key twice in ForEachConfigField";
  TempDir dir;
  auto loaded = LoadConfigFile(WriteFile(dir.path() + "/ledgerd.json", changed.file.dump(2)));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const auto values = Values(*loaded);
  const auto defaults = Values(Config{});
  for (const auto& [key, value] : Values(changed.config)) {
    EXPECT_EQ(values.at(key), value) << key;
    EXPECT_NE(values.at(key), defaults.at(key)) << key;
  }
}

// Counts the fields of an aggregate: the most initializers T{...} takes. An
// AnyField converts to whatever its field is; it is only named in unevaluated
// operands, so its conversion needs no definition.
struct AnyField {
  template <typename T>
  operator T() const;  // NOLINT: implicit by design
};

template <typename T, typename... Fields>
constexpr size_t FieldCount() {
  if constexpr (requires { T{Fields{}..., AnyField{}}; }) {
    return FieldCount<T, Fields..., AnyField>();
  } else {
    return sizeof...(Fields);
  }
}

struct ThreeFields {
  std::string text;
  size_t count = 0;
  EngineOptions nested;
};
static_assert(FieldCount<ThreeFields>() == 3);

TEST(ConfigTableTest, EveryFieldIsSettableOrListedAsNot) {
  // Config's fields, its two nested structs counted by their own fields.
  constexpr size_t kFields =
      FieldCount<Config>() - 2 + FieldCount<EngineOptions>() + FieldCount<api::ApiOptions>();
  const size_t settable = Values(Config{}).size();
  EXPECT_EQ(settable + std::size(kConfigFieldsNotSettable), kFields)
      << "a field of Config, EngineOptions or api::ApiOptions is neither in ForEachConfigField "
         "(tools/config.h) nor in kConfigFieldsNotSettable";
}

TEST(ConfigTableTest, KeysAreDistinctAndSpelledAlike) {
  Config config;
  std::set<std::string> keys;
  ForEachConfigField(config, [&](std::string_view key, auto&, const char* help) {
    EXPECT_TRUE(keys.insert(std::string(key)).second) << key << " twice";
    EXPECT_TRUE(std::regex_match(std::string(key), std::regex("[a-z][a-z0-9_]*"))) << key;
    EXPECT_GT(std::string_view(help).size(), 10u) << key;
  });
}

TEST(ConfigTableTest, TheReadmeListsEveryKey) {
  std::ifstream in(std::string(LEDGER_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(in) << LEDGER_SOURCE_DIR;
  const std::string readme{std::istreambuf_iterator<char>(in), {}};
  const size_t begin = readme.find("\n## Configuration\n");
  ASSERT_NE(begin, std::string::npos) << "README.md has no Configuration section";
  const std::string section = readme.substr(begin, readme.find("\n## ", begin + 1) - begin);
  // Each key has its row, with the default as Config has it.
  for (const auto& [key, value] : Values(Config{})) {
    const std::string row = fmt::format("\n| `{}` | {} |", key,
                                        value.empty() ? "none" : fmt::format("`{}`", value));
    EXPECT_NE(section.find(row), std::string::npos)
        << "README.md's configuration table lacks the row " << row.substr(1) << "...";
  }
}

TEST(ConfigFlagsTest, EveryFieldIsAFlag) {
  const EveryFieldChanged changed = ChangeEveryField();
  auto parsed = ParseFlags(changed.flags);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(Values(*parsed), Values(changed.config));
}

TEST(ConfigFlagsTest, FlagsOverrideTheFileFieldByField) {
  TempDir dir;
  const std::string file = WriteFile(dir.path() + "/ledgerd.json", R"({
    "data_dir": "/from-file", "snapshot_interval_ms": 50, "http_threads": 2, "sync": false,
    "events_per_command_max": 10, "demo": true})");
  auto parsed = ParseFlags({"--data-dir", "/from-flag", "--config", file,
                            "--snapshot-interval-ms=7", "--sync=true", "--listen", "0.0.0.0:1",
                            "--demo=false"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->data_dir, "/from-flag");
  EXPECT_EQ(parsed->engine.snapshot_interval_ms, 7);
  EXPECT_TRUE(parsed->sync);
  EXPECT_FALSE(parsed->demo);
  EXPECT_EQ(parsed->listen, "0.0.0.0:1");
  // The file's where no flag says otherwise, the defaults elsewhere.
  EXPECT_EQ(parsed->http.threads, 2u);
  EXPECT_EQ(parsed->engine.events_per_command_max, 10u);
  EXPECT_EQ(parsed->http.read_threads, api::ApiOptions{}.read_threads);
  // Without a file: the defaults and the flags.
  auto bare = ParseFlags({"--demo", "--accept-lost-records", "--verify-log-on-open=false"});
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_TRUE(bare->demo);
  EXPECT_TRUE(bare->accept_lost_records);
  EXPECT_FALSE(bare->verify_log_on_open);
  EXPECT_EQ(Values(*ParseFlags({})), Values(Config{}));
}

TEST(ConfigFlagsTest, WrongFlagsAreRefused) {
  TempDir dir;
  const std::vector<std::vector<std::string>> wrong = {
      {"--connections-max", "-1"},
      {"--connections-max", "18446744073709551616"},
      {"--partitions-per-topic", "4294967296"},
      {"--header-timeout-ms", "2147483648"},
      {"--snapshot-interval-ms", "ten"},
      {"--http-threads", "4.5"},
      {"--log", "postgres"},
      {"--sync=maybe"},
      {"--no-such-flag", "1"},
      {"--config", WriteFile(dir.path() + "/typo.json", R"({"dta_dir": "/x"})")},
  };
  for (const auto& args : wrong) {
    auto parsed = ParseFlags(args);
    EXPECT_FALSE(parsed.ok()) << fmt::format("{}", fmt::join(args, " "));
  }
  // A subset of the flags (ledgerctl's): the others are refused.
  EXPECT_TRUE(ParseFlags({"--data-dir", "/d"}, {"data_dir", "log"}).ok());
  EXPECT_FALSE(ParseFlags({"--http-threads", "2"}, {"data_dir", "log"}).ok());
}

// ledgerd itself: a bad file stops it before it opens anything, with the
// key named and exit 2; flags override the file.
TEST(LedgerdConfigTest, AnUnknownKeyStopsLedgerdWithExit2) {
  TempDir dir;
  const std::string file = WriteFile(
      dir.path() + "/ledgerd.json",
      fmt::format(R"({{"data_dir": "{}/data", "listen": "127.0.0.1:0", "conections_max": 5}})",
                  dir.path()));
  LedgerdProcess ledgerd({"--config", file}, /*capture_stderr=*/true);
  EXPECT_EQ(ledgerd.port(), 0) << "ledgerd started on a file with a typo";
  EXPECT_EQ(ledgerd.WaitExit(30'000), 2);
  EXPECT_NE(ledgerd.output().find("\"conections_max\""), std::string::npos) << ledgerd.output();
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/data"));
}

TEST(LedgerdConfigTest, FlagsOverrideTheFile) {
  TempDir dir;
  const std::string file = WriteFile(
      dir.path() + "/ledgerd.json",
      fmt::format(R"({{"data_dir": "{0}/from-file", "listen": "127.0.0.1:1", "http_threads": 2,
                      "event_streams_max": 4}})",
                  dir.path()));
  LedgerdProcess ledgerd({"--config", file, "--data-dir", dir.path() + "/from-flag", "--listen",
                          "127.0.0.1:0", "--event-streams-max", "1"},
                         /*capture_stderr=*/true);
  ASSERT_GT(ledgerd.port(), 1) << ledgerd.output();
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/from-flag/log"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/from-file"));
  EXPECT_EQ(ledgerd.Terminate(), 0);
}

// ledgerctl's options of the node (--config, --data-dir, --log,
// --kafka-brokers, --partitions-per-topic) go before or after the
// subcommand, as the README writes them.
class LedgerctlTest : public NodeTest {
 protected:
  void SetUp() override {
    NodeTest::SetUp();
    SeedReference();
    records_ = CursorTotal(node().log().End());
    ASSERT_GT(records_, 0u);
    node_.reset();  // ledgerctl works with the node closed
  }

  ProcessExit Ledgerctl(std::vector<std::string> args) {
    return RunToExit(LEDGERCTL_BINARY, args);
  }
  // What `ledgerctl verify` says when every record of this node is intact.
  std::string VerifiedAll() const { return fmt::format("ok: {} records,", records_); }

  uint64_t records_ = 0;
};

TEST_F(LedgerctlTest, NodeOptionsGoBeforeOrAfterTheSubcommand) {
  const std::string d = dir_.path();
  const std::vector<std::vector<std::string>> verify = {
      {"verify", "--data-dir", d},
      {"--data-dir", d, "verify"},
      {"verify", "--data-dir=" + d},
      {"--log", "local", "verify", "--data-dir", d, "--partitions-per-topic", "1"},
      {"--partitions-per-topic", "1", "verify", "--log", "local", "--data-dir", d},
  };
  for (const auto& args : verify) {
    auto run = Ledgerctl(args);
    EXPECT_EQ(run.code, 0) << fmt::format("{}", fmt::join(args, " ")) << "\n" << run.output;
    EXPECT_NE(run.output.find(VerifiedAll()), std::string::npos)
        << fmt::format("{}", fmt::join(args, " ")) << "\n" << run.output;
  }
  const std::vector<std::vector<std::string>> replay = {
      {"replay", "--data-dir", d, "--projection", "audit"},
      {"replay", "--projection", "audit", "--data-dir", d},
      {"--data-dir", d, "replay", "--projection", "audit"},
  };
  for (const auto& args : replay) {
    auto run = Ledgerctl(args);
    EXPECT_EQ(run.code, 0) << fmt::format("{}", fmt::join(args, " ")) << "\n" << run.output;
    EXPECT_TRUE(std::regex_search(run.output, std::regex("audit: [1-9][0-9]* events")))
        << fmt::format("{}", fmt::join(args, " ")) << "\n" << run.output;
    EXPECT_EQ(run.output.find("commitments:"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find(fmt::format("replayed {} log records into 1 projections", records_)),
              std::string::npos)
        << run.output;
  }
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"export", "cost-centers", "--data-dir", d},
           {"export", "--data-dir", d, "cost-centers"},
           {"--data-dir", d, "export", "cost-centers"}}) {
    auto run = Ledgerctl(args);
    EXPECT_EQ(run.code, 0) << fmt::format("{}", fmt::join(args, " ")) << "\n" << run.output;
    EXPECT_NE(run.output.find("\nOPS,"), std::string::npos) << run.output;
  }
}

TEST_F(LedgerctlTest, TheConfigFileOfTheServerNamesTheNode) {
  TempDir other;
  const std::string file =
      WriteFile(other.path() + "/ledgerd.json",
                fmt::format(R"({{"data_dir": "{}", "http_threads": 2}})", dir_.path()));
  for (const auto& args : std::vector<std::vector<std::string>>{{"verify", "--config", file},
                                                                 {"--config", file, "verify"}}) {
    auto run = Ledgerctl(args);
    EXPECT_EQ(run.code, 0) << fmt::format("{}", fmt::join(args, " ")) << "\n" << run.output;
    EXPECT_NE(run.output.find(VerifiedAll()), std::string::npos) << run.output;
  }
  // A flag overrides the file: a directory without a ledger is named, and
  // reading it does not create one.
  const std::string empty = other.path() + "/empty";
  auto run = Ledgerctl({"verify", "--config", file, "--data-dir", empty});
  EXPECT_EQ(run.code, 2) << run.output;
  EXPECT_NE(run.output.find("cannot open " + empty + ": no ledger there"), std::string::npos)
      << run.output;
  EXPECT_FALSE(std::filesystem::exists(empty));
}

TEST_F(LedgerctlTest, AnExportsStandardOutputIsTheCsvAlone) {
  // The node's log lines (opening the store, the token key...) go to
  // standard error: `ledgerctl export ... > file.csv` is a CSV.
  auto run = RunToExit("/bin/sh", {"-c", fmt::format("'{}' export cost-centers --data-dir '{}' "
                                                     "2>/dev/null", LEDGERCTL_BINARY, dir_.path())});
  EXPECT_EQ(run.code, 0) << run.output;
  ASSERT_FALSE(run.output.empty());
  std::istringstream lines(run.output);
  std::string line, header;
  std::getline(lines, header);
  const auto columns = std::count(header.begin(), header.end(), ',');
  EXPECT_GT(columns, 0) << run.output;
  while (std::getline(lines, line)) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), columns) << line << "\n" << run.output;
    EXPECT_EQ(line.find("[info]"), std::string::npos) << run.output;
  }
}

TEST_F(LedgerctlTest, AWrongCommandLineExits2AndSaysWhatIsWrong) {
  TempDir other;
  const std::string typo = WriteFile(other.path() + "/ledgerd.json", R"({"dta_dir": "/x"})");
  // The arguments, and what the message must name.
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"verify", "--no-such-option"}, "--no-such-option"},
      {{"--no-such-option", "verify"}, "--no-such-option"},
      {{"verify", "--data-dir"}, "--data-dir"},
      {{"--projection", "audit", "replay"}, "--projection"},  // replay's own option, before it
      {{"frobnicate"}, "frobnicate"},
      {{}, "subcommand"},
      {{"verify", "--log", "postgres"}, "postgres"},
      {{"verify", "--partitions-per-topic", "-1"}, "--partitions-per-topic"},
      {{"verify", "--config", typo}, "\"dta_dir\""},
      {{"verify", "--config", other.path() + "/none.json"}, "none.json"},
  };
  for (const auto& [args, named] : cases) {
    auto run = Ledgerctl(args);
    EXPECT_EQ(run.code, 2) << fmt::format("{}", fmt::join(args, " ")) << "\n" << run.output;
    EXPECT_NE(run.output.find(named), std::string::npos)
        << fmt::format("{}", fmt::join(args, " ")) << "\n" << run.output;
  }
  auto help = Ledgerctl({"verify", "--help"});
  EXPECT_EQ(help.code, 0) << help.output;
  EXPECT_NE(help.output.find("--data-dir"), std::string::npos) << help.output;
}

}  // namespace
}  // namespace ledger::testing
