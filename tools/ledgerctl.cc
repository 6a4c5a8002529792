// ledgerctl: operations on a ledger's data directory (with ledgerd stopped).
//
//   ledgerctl replay [--data-dir DIR] [--projection NAME]   rebuild projections from 0
//   ledgerctl verify [--data-dir DIR]                       check every hash chain and the state store
//   ledgerctl export invoices|budget-lines|cost-centers [--out FILE]
//   ledgerctl kafka-mock [--brokers N]                      run a mock Kafka cluster
// --log kafka --kafka-brokers LIST reads a Kafka log (never as its writer);
// --config FILE reads ledgerd's config file. These options of the node go
// before or after the subcommand. A wrong command line exits 2.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <csignal>
#include <cstdio>

#include "engine/verify.h"
#include "tools/export.h"
#include "tools/bounded_context.h"
#include "tools/node.h"

using namespace ledger;

namespace {

// A progress bar on stderr, redrawn at most every 100 ms.
class Progress {
 public:
  explicit Progress(std::string label) : label_(std::move(label)) {}
  void operator()(uint64_t done, uint64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (finished_ || (done < total && now - last_ < std::chrono::milliseconds(100))) return;
    last_ = now;
    double f = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
    int filled = static_cast<int>(f * 40);
    std::fprintf(stderr, "\r%-12s [%.*s%*s] %5.1f%% %llu/%llu records", label_.c_str(), filled,
                 "########################################", 40 - filled, "", f * 100,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
    if (done >= total) {
      std::fprintf(stderr, "\n");
      finished_ = true;  // an empty log reports 0/0 at its start and its end
    }
  }

 private:
  std::string label_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// Runs a mock cluster with the ledger topics until SIGINT or SIGTERM.
int RunKafkaMock(int brokers, uint32_t partitions) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto cluster = KafkaMockCluster::Start(brokers, partitions);
  if (!cluster.ok()) {
    std::fprintf(stderr, "%s\n", cluster.status().ToString().c_str());
    return 1;
  }
  std::printf("BOOTSTRAP_SERVERS=%s\n", (*cluster)->bootstrap_servers().c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "mock kafka cluster with %d brokers; topics %s... with %u partition(s); "
               "not durable; Ctrl-C stops it\n", brokers, std::string(kTopicNames[0]).c_str(),
               partitions);
  int sig = 0;
  sigwait(&signals, &sig);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Standard output carries what the command produces (a CSV, a report);
  // the node's log lines go to standard error.
  spdlog::set_default_logger(spdlog::stderr_color_mt("ledgerctl"));
  CLI::App app{"ledgerctl: ledger operations"};
  // At most one subcommand; none is refused below, with a message that names
  // the unknown word rather than CLI11's "A subcommand is required".
  app.require_subcommand(0, 1);
  // The options of the node go before or after the subcommand: `ledgerctl
  // verify --data-dir D` as the README writes it, and `ledgerctl --data-dir D
  // verify`. Subcommands created from here on inherit this and the footer.
  app.fallthrough();
  app.footer(
      "--config, --data-dir, --log, --kafka-brokers, --kafka-topic-prefix and "
      "--partitions-per-topic "
      "(ledgerctl --help) go before or after the subcommand. A wrong command line exits 2.");
  // The same file as ledgerd's, so that ledgerctl opens the node the server
  // runs; flags for what differs between nodes.
  ConfigFlags flags(&app, {"data_dir", "log", "kafka_brokers", "kafka_topic_prefix",
                           "partitions_per_topic"});

  auto* replay = app.add_subcommand("replay", "Rebuild projections from position 0");
  std::string only;
  replay->add_option("--projection", only, "Rebuild only this projection");
  auto* verify = app.add_subcommand("verify", "Verify every record's hash and every chain");
  auto* exporter = app.add_subcommand(
      "export", "Write CSV for an ERP: invoices, budget-lines or cost-centers");
  std::string export_what, export_out;
  exporter->add_option("what", export_what, "invoices | budget-lines | cost-centers")->required();
  exporter->add_option("--out", export_out, "Output file (default: standard output)");
  auto* mock = app.add_subcommand(
      "kafka-mock", "Run a mock Kafka cluster (librdkafka's, real protocol on loopback, not durable)");
  int mock_brokers = 3;
  mock->add_option("--brokers", mock_brokers, "Number of brokers (default 3)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; a wrong command line 2, as a node that cannot be opened.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (app.get_subcommands().empty()) {
    std::fprintf(stderr, "a subcommand is required: replay, verify, export or kafka-mock\n"
                         "Run with --help for more information.\n");
    return 2;
  }
  auto resolved = flags.Resolve();
  if (!resolved.ok()) {
    std::fprintf(stderr, "%s\n", resolved.status().ToString().c_str());
    return 2;
  }
  Config config = std::move(resolved.value());

  if (*mock) return RunKafkaMock(mock_brokers, config.partitions_per_topic);

  // ledgerctl reads what the server wrote: never as the log's writer, and it
  // never sets the state store aside (that is the server's choice at start,
  // whatever the file says).
  config.log_read_only = true;
  config.accept_lost_records = false;
  // verify reports what is wrong rather than refusing to open it.
  config.inspect_only = verify->parsed();
  // A local ledger that does not exist is not created by reading it (a
  // mistyped --data-dir would otherwise "verify" an empty ledger).
  if (config.log_backend == "local" &&
      !std::filesystem::is_directory(config.data_dir + "/log")) {
    std::fprintf(stderr, "cannot open %s: no ledger there (no log directory %s/log)\n",
                 config.data_dir.c_str(), config.data_dir.c_str());
    return 2;
  }
  SystemClock clock;
  auto node = Node::Open(config, &clock);
  if (!node.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", config.data_dir.c_str(),
                 node.status().ToString().c_str());
    return 2;
  }

  if (*verify) {
    Progress bar("verify");
    auto t0 = std::chrono::steady_clock::now();
    auto report = VerifyLog((*node)->log(), [&bar](uint64_t done, uint64_t total) {
      bar(done, total);
      return true;
    });
    if (!report.ok()) {
      std::fprintf(stderr, "verify failed: %s\n", report.status().ToString().c_str());
      return 2;
    }
    if (!report->ok) {
      std::printf("BROKEN: %s@%llu: %s (%llu records verified before it)\n",
                  (*node)->log().layout().PartitionName(report->partition).c_str(),
                  static_cast<unsigned long long>(report->offset), report->reason.c_str(),
                  static_cast<unsigned long long>(report->records));
      return 1;
    }
    auto store = VerifyStore((*node)->log(), (*node)->store());
    if (!store.ok()) {
      std::fprintf(stderr, "verify failed: %s\n", store.status().ToString().c_str());
      return 2;
    }
    if (!store->ok) {
      std::printf("STATE STORE INCONSISTENT: %s (the log itself is intact: %llu records)\n",
                  store->problem.c_str(), static_cast<unsigned long long>(report->records));
      return 1;
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("ok: %llu records, every hash and chain intact; state store consistent with "
                "the log (%llu index entries) (%.2f s)\n",
                static_cast<unsigned long long>(report->records),
                static_cast<unsigned long long>(store->indexed), s);
    return 0;
  }

  if (*exporter) {
    std::ofstream file;
    if (!export_out.empty()) {
      file.open(export_out, std::ios::binary | std::ios::trunc);
      if (!file) {
        std::fprintf(stderr, "cannot write %s\n", export_out.c_str());
        return 2;
      }
    }
    std::ostream& out = export_out.empty() ? std::cout : file;
    Status s = ExportCsv((*node)->log(), export_what, out);
    out.flush();
    if (!s.ok() || !out) {
      std::fprintf(stderr, "export failed: %s\n", s.ok() ? "write error" : s.ToString().c_str());
      return s.code() == Errc::kMalformed ? 2 : 1;
    }
    return 0;
  }

  if (*replay) {
    std::vector<ProjectionRunner*> runners;
    for (auto* p : (*node)->projections()) {
      if (only.empty() || p->projection().name() == only) runners.push_back(p);
    }
    if (runners.empty()) {
      std::fprintf(stderr, "no projection named %s\n", only.c_str());
      return 2;
    }
    auto t0 = std::chrono::steady_clock::now();
    Progress bar("replay");
    Status s = RebuildProjections(runners, std::ref(bar));
    if (!s.ok()) {
      std::fprintf(stderr, "replay failed: %s\n", s.ToString().c_str());
      return 1;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const uint64_t records = CursorTotal((*node)->log().End());
    for (auto* p : runners) {
      std::printf("%s: %llu events\n", std::string(p->projection().name()).c_str(),
                  static_cast<unsigned long long>(p->applied()));
    }
    std::printf("replayed %llu log records into %zu projections in %.2f s (%.0f records/s)\n",
                static_cast<unsigned long long>(records), runners.size(), secs,
                secs > 0 ? static_cast<double>(records) / secs : 0.0);
  }
  return 0;
}
