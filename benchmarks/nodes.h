// The nodes that ledger_bench's workloads run on. A node is opened as the
// binaries open one (Node::Open; its projections are not started), on the
// log that --log names: the local RocksDB log, or a mock Kafka cluster
// started in this process, or with --kafka-brokers a real cluster (topics of
// the node's own there, under Options::kafka_topic_prefix).
//
// Ownership: Nodes owns the shared node and its cluster; the caller owns
// what ReopenShared and Own return, and closes it before the next workload.
// Threading: one thread, the one that runs the workloads.
// Errors: a node or cluster that does not open ends the process (exit 1)
// with the reason on stderr: no figure can be measured without it.
#pragma once

#include <memory>
#include <string>

#include "benchmarks/workload.h"
#include "engine/kafka_log.h"
#include "tools/config.h"
#include "tools/node.h"

namespace ledger::bench {

// A node of its own, on a mock cluster of its own with --log=kafka (on
// topics of its own with --kafka-brokers). The node closes before its
// cluster.
struct OwnNode {
  std::unique_ptr<KafkaMockCluster> cluster;  // none with the local log or a real cluster
  std::unique_ptr<Node> node;
};

class Nodes {
 public:
  // `options` must outlive this.
  explicit Nodes(const Options& options);
  ~Nodes();

  // The node of the shared stages (Stage::kFillShared to kCheckShared) under
  // <dir>/node, opened at first use: `commands` writes its log, which the
  // replays and `verify` read afterwards.
  Node& Shared();
  // Closes the shared node, if open. Its data stays for ReopenShared.
  void CloseShared();
  // The shared node's data opened anew (the shared node closed first): every
  // cache starts empty.
  std::unique_ptr<Node> ReopenShared();
  // A node of its own under <dir>/<name>, for a workload that must not
  // depend on what others wrote; with --log=kafka, on a cluster of its own
  // too, since topics are per cluster.
  OwnNode Own(const std::string& name);

  const ledger::Clock& clock() const { return clock_; }

  // A mock Kafka cluster of 3 brokers in this process.
  static std::unique_ptr<KafkaMockCluster> StartCluster();

 private:
  Config SharedConfig();

  const Options& options_;
  SystemClock clock_;
  // With --log=kafka, started at first use. Declared before the shared node,
  // which therefore closes first.
  std::unique_ptr<KafkaMockCluster> shared_cluster_;
  std::unique_ptr<Node> shared_;
};

}  // namespace ledger::bench
