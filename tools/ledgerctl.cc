// ledgerctl: operations on a ledger's data directory (with ledgerd stopped).
//
//   ledgerctl replay [--data-dir DIR] [--projection NAME]   rebuild projections from 0
//   ledgerctl verify [--data-dir DIR]                       check every hash chain
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include "engine/verify.h"
#include "tools/node.h"

using namespace ledger;

namespace {

// A progress bar on stderr, redrawn at most every 100 ms.
class Progress {
 public:
  explicit Progress(std::string label) : label_(std::move(label)) {}
  void operator()(uint64_t done, uint64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    double f = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
    int filled = static_cast<int>(f * 40);
    std::fprintf(stderr, "\r%-12s [%.*s%*s] %5.1f%% %llu/%llu records", label_.c_str(), filled,
                 "########################################", 40 - filled, "", f * 100,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
    if (done >= total) std::fprintf(stderr, "\n");
  }

 private:
  std::string label_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ledgerctl: ledger operations"};
  app.require_subcommand(1);
  std::string data_dir = "./data";
  uint32_t partitions = 1;
  app.add_option("--data-dir", data_dir, "Data directory (default ./data)");
  app.add_option("--partitions-per-topic", partitions, "Partitions per topic of the log");

  auto* replay = app.add_subcommand("replay", "Rebuild projections from position 0");
  std::string only;
  replay->add_option("--projection", only, "Rebuild only this projection");
  auto* verify = app.add_subcommand("verify", "Verify every record's hash and every chain");
  CLI11_PARSE(app, argc, argv);

  Config config;
  config.data_dir = data_dir;
  config.partitions_per_topic = partitions;
  SystemClock clock;
  auto node = Node::Open(config, &clock);
  if (!node.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", data_dir.c_str(),
                 node.status().ToString().c_str());
    return 2;
  }

  if (*verify) {
    Progress bar("verify");
    auto t0 = std::chrono::steady_clock::now();
    auto report = VerifyLog((*node)->log(), std::ref(bar));
    if (!report.ok()) {
      std::fprintf(stderr, "verify failed: %s\n", report.status().ToString().c_str());
      return 2;
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (report->ok) {
      std::printf("ok: %llu records, every hash and chain intact (%.2f s)\n",
                  static_cast<unsigned long long>(report->records), s);
      return 0;
    }
    std::printf("BROKEN: %s@%llu: %s (%llu records verified before it)\n",
                (*node)->log().layout().PartitionName(report->partition).c_str(),
                static_cast<unsigned long long>(report->offset), report->reason.c_str(),
                static_cast<unsigned long long>(report->records));
    return 1;
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
