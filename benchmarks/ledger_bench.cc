// ledger_bench: throughput and latency of the write path, replay, loads and
// the HTTP front door, as named workloads with one JSON line each.
//
//   ledger_bench [--benchmarks=name,...] [--commands=N] [--clients=N] [--batch=N] [--dir=DIR]
//                [--log=local|kafka] [--kafka-brokers=LIST] [--http_seconds=S] [--http_client_threads=N]
//                [--http_threads=N]
//
// The workloads come from two places (workload.h): the generic ones, at the
// root of benchmarks/ (workloads.cc: raw_rocksdb, append, raw_kafka, replay,
// verify), and each bounded context's, from benchmarks/<context>/, which the
// build lists from LEDGER_CONTEXTS (the generated contexts.cc). This file
// only selects and runs them: `ledger_bench --help` lists every workload
// with what it does and where it comes from, and the default --benchmarks.
// A family of workloads is selected whole by its name (`http_get`: the sizes
// 64, 256 and 1024) or one member at a time (`http_get_256`), a group by
// its name (`http`: every http workload); an unknown name is an error.
//
// Each workload prints one JSON line (report.h):
//   {"name","ops","seconds","ops_per_s","p50_us","p99_us"}
// and its own figures after those. Workloads run in stages on one data
// directory (nodes.h): one fills the log of a shared node (purchasing's
// `commands`), the next rebuild projections from it and verify it, the next
// reopen it with cold caches; the others each have a node of their own. With
// --log=kafka, the nodes run on mock Kafka clusters started in this process,
// and `raw_kafka` sends the same bytes as `append` through a bare
// transactional producer (one transaction per batch): the limit of that path.
// --kafka-brokers=LIST puts them on a real cluster instead (tools/kafka/cluster),
// each node and raw_kafka on topics of their own (prefix bench.<pid>-<time>.),
// created with replication 3 and min.insync.replicas 2; the producers use
// acks=all.
//
// The http workloads load the in-process ApiServer (default ApiOptions but
// for --http_threads, on a free loopback port) over real sockets with
// http_load.h: 64, 256 or 1024 keep-alive connections opened at once, each
// with one request in flight, measured for --http_seconds after a 1 s
// warm-up (http_workload.h). Their lines add max_us, connections,
// slowest_connection_max_us (each connection's slowest request, the slowest
// of them), conn_p99_of_max_us, reconnects, connect_us_max and the counts
// that are 0 in a healthy server: non_2xx, failed, listen_drops,
// requests_without_answer. A context may name ratios between two lines,
// printed last: a run with commands_256 (creates_256) and http_create_256
// ends with {"name":"http_vs_commands_256","ratio"} (http_vs_creates_256).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "benchmarks/nodes.h"
#include "benchmarks/report.h"
#include "benchmarks/workload.h"

using namespace ledger::bench;

namespace {

// A workload and where it comes from: a context's name, or "" for generic.
struct Listed {
  const Workload* workload;
  std::string_view context;
};

// Every workload in the order it runs: by stage, then generic ones first and
// each context's in the order of LEDGER_CONTEXTS.
std::vector<Listed> AllWorkloads() {
  std::vector<Listed> all;
  for (const Workload& w : GenericWorkloads()) all.push_back({&w, ""});
  for (const ContextWorkloads* c : ContextWorkloadList()) {
    for (const Workload& w : c->workloads) all.push_back({&w, c->context});
  }
  std::stable_sort(all.begin(), all.end(), [](const Listed& a, const Listed& b) {
    return a.workload->stage < b.workload->stage;
  });
  return all;
}

std::string MemberName(const Workload& w, size_t size) {
  return fmt::format("{}_{}", w.name, size);
}

// The default --benchmarks: the workloads marked by_default, a group named
// once instead of its workloads when all of them are.
std::string DefaultSelection(const std::vector<Listed>& all) {
  std::vector<std::string> names;
  std::set<std::string_view> groups_named;
  for (const Listed& l : all) {
    const Workload& w = *l.workload;
    if (!w.by_default) continue;
    const bool whole_group =
        !w.group.empty() && std::all_of(all.begin(), all.end(), [&](const Listed& other) {
          return other.workload->group != w.group || other.workload->by_default;
        });
    if (!whole_group) {
      names.emplace_back(w.name);
    } else if (groups_named.insert(w.group).second) {
      names.emplace_back(w.group);
    }
  }
  return fmt::format("{}", fmt::join(names, ","));
}

// The workloads for --help, with where they come from.
std::string WorkloadHelp(const std::vector<Listed>& all) {
  std::string help =
      "Workloads (--benchmarks, comma-separated; a family's name selects each of its sizes, a "
      "group each of its workloads), in the order they run:\n";
  for (const Listed& l : all) {
    const Workload& w = *l.workload;
    std::string name(w.name);
    if (!w.sizes.empty()) name += "_N";
    std::string from = l.context.empty() ? "generic" : std::string(l.context);
    if (!w.group.empty()) from += fmt::format(", group {}", w.group);
    help += fmt::format("  {:<14} {} ({})\n", name, w.description, from);
    if (!w.sizes.empty()) help += fmt::format("  {:<14} N = {}\n", "", fmt::join(w.sizes, ", "));
  }
  return help;
}

// What --benchmarks names.
class Selection {
 public:
  explicit Selection(const std::string& list) {
    size_t start = 0;
    while (start <= list.size()) {
      const size_t end = std::min(list.find(',', start), list.size());
      if (end > start) names_.insert(list.substr(start, end - start));
      start = end + 1;
    }
  }

  bool Has(std::string_view name) const { return !name.empty() && names_.contains(name); }

  // The sizes of a family that are selected: every size if the family or
  // its group is named. None for a single workload.
  std::vector<size_t> Sizes(const Workload& w) const {
    std::vector<size_t> sizes;
    for (size_t size : w.sizes) {
      if (Has(w.name) || Has(w.group) || Has(MemberName(w, size))) sizes.push_back(size);
    }
    return sizes;
  }
  // Whether `w` runs: named, or its group, or (a family) any of its sizes.
  bool Selects(const Workload& w) const {
    return w.sizes.empty() ? Has(w.name) || Has(w.group) : !Sizes(w).empty();
  }

  // The names that select nothing.
  std::vector<std::string> Unknown(const std::vector<Listed>& all) const {
    std::set<std::string, std::less<>> known;
    for (const Listed& l : all) {
      known.emplace(l.workload->name);
      if (!l.workload->group.empty()) known.emplace(l.workload->group);
      for (size_t size : l.workload->sizes) known.insert(MemberName(*l.workload, size));
    }
    std::vector<std::string> unknown;
    for (const std::string& n : names_) {
      if (!known.contains(n)) unknown.push_back(n);
    }
    return unknown;
  }

 private:
  std::set<std::string, std::less<>> names_;
};

}  // namespace

int main(int argc, char** argv) {
  const std::vector<Listed> all = AllWorkloads();
  Options o;
  o.benchmarks = DefaultSelection(all);
  CLI::App app{"ledger_bench: throughput and latency of named workloads, one JSON line each"};
  app.add_option("--benchmarks", o.benchmarks, "Comma-separated workloads (see below)")
      ->capture_default_str();
  app.add_option("--commands", o.commands, "Commands (and records) per workload")
      ->capture_default_str();
  app.add_option("--clients", o.clients, "Concurrent clients of the commands workload")
      ->capture_default_str();
  app.add_option("--batch", o.batch, "Records per write of raw_rocksdb, append and raw_kafka")
      ->capture_default_str();
  app.add_option("--dir", o.dir, "Scratch directory (default: a fresh temporary one)");
  app.add_option("--log", o.log, "The nodes' log: local, or kafka (a mock cluster in process)")
      ->check(CLI::IsMember({"local", "kafka"}))
      ->capture_default_str();
  app.add_option("--kafka-brokers", o.kafka_brokers,
                 "With --log=kafka: a real cluster's bootstrap servers (default: mock clusters "
                 "in process); topics of this run only, replication 3");
  app.add_option("--http_seconds", o.http_seconds,
                 "Measured seconds of each http workload, after a 1 s warm-up")
      ->capture_default_str();
  app.add_option("--http_client_threads", o.http_client_threads,
                 "Threads of the http load generator")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--http_threads", o.http_threads,
                 "Worker threads of the server under test (ApiOptions::threads)")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  app.footer(WorkloadHelp(all));
  CLI11_PARSE(app, argc, argv);
  const Selection selection(o.benchmarks);
  if (const auto unknown = selection.Unknown(all); !unknown.empty()) {
    std::fprintf(stderr, "unknown workload(s): %s (see --help)\n",
                 fmt::format("{}", fmt::join(unknown, ", ")).c_str());
    return 2;
  }
  if (!o.kafka_brokers.empty() && o.log != "kafka") {
    std::fprintf(stderr, "--kafka-brokers needs --log=kafka\n");
    return 2;
  }
  // A run's topics are its own: an earlier run's records would be replayed.
  o.kafka_topic_prefix = fmt::format("bench.{}-{}.", getpid(), std::time(nullptr));
  spdlog::set_level(spdlog::level::warn);
  const bool temp = o.dir.empty();
  if (temp) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ledger_bench_XXXXXX").string();
    o.dir = mkdtemp(tmpl.data());
  }
  {
    Nodes nodes(o);
    for (const Listed& l : all) {
      const Workload& w = *l.workload;
      if (!selection.Selects(w)) continue;
      // The shared node closes once the stages that share it are over.
      if (w.stage > Stage::kCheckShared) nodes.CloseShared();
      const std::vector<size_t> sizes = selection.Sizes(w);
      w.run(o, nodes, sizes);
    }
  }
  for (const ContextWorkloads* c : ContextWorkloadList()) {
    for (const Ratio& r : c->ratios) {
      const auto numerator = ReportedOpsPerS(r.numerator);
      const auto denominator = ReportedOpsPerS(r.denominator);
      if (!numerator || !denominator) continue;
      std::printf("{\"name\":\"%.*s\",\"ratio\":%.3f}\n", static_cast<int>(r.name.size()),
                  r.name.data(), *numerator / *denominator);
    }
  }
  if (temp) std::filesystem::remove_all(o.dir);
  return 0;
}
