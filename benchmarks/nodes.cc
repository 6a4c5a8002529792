#include "benchmarks/nodes.h"

#include <cstdio>
#include <cstdlib>

namespace ledger::bench {
namespace {

std::unique_ptr<Node> OpenOrExit(const Config& config, const ledger::Clock* clock) {
  auto node = Node::Open(config, clock);
  if (!node.ok()) {
    std::fprintf(stderr, "%s\n", node.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(node.value());
}

// Every node's configuration: under <dir>/<name>, on `cluster` if any, or
// on the real cluster of --kafka-brokers with topics of its own.
Config NodeConfig(const Options& options, const std::string& name,
                  const KafkaMockCluster* cluster) {
  Config config;
  config.data_dir = options.dir + "/" + name;
  config.engine.batch_commands_max = 4096;
  if (cluster != nullptr) {
    config.log_backend = "kafka";
    config.kafka_brokers = cluster->bootstrap_servers();
    config.kafka_transactional_id = "bench";
  } else if (options.log == "kafka") {
    config.log_backend = "kafka";
    config.kafka_brokers = options.kafka_brokers;
    config.kafka_topic_prefix = options.kafka_topic_prefix + name + ".";
    config.kafka_transactional_id = "ledger-bench-" + config.kafka_topic_prefix;
  }
  return config;
}

}  // namespace

Nodes::Nodes(const Options& options) : options_(options) {}

Nodes::~Nodes() = default;

std::unique_ptr<KafkaMockCluster> Nodes::StartCluster() {
  auto cluster = KafkaMockCluster::Start(3, 1);
  if (!cluster.ok()) {
    std::fprintf(stderr, "%s\n", cluster.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(cluster.value());
}

Config Nodes::SharedConfig() {
  if (options_.log == "kafka" && options_.kafka_brokers.empty() && shared_cluster_ == nullptr) {
    shared_cluster_ = StartCluster();
  }
  return NodeConfig(options_, "node", shared_cluster_.get());
}

Node& Nodes::Shared() {
  if (shared_ == nullptr) shared_ = OpenOrExit(SharedConfig(), &clock_);
  return *shared_;
}

void Nodes::CloseShared() { shared_.reset(); }

std::unique_ptr<Node> Nodes::ReopenShared() {
  CloseShared();
  return OpenOrExit(SharedConfig(), &clock_);
}

OwnNode Nodes::Own(const std::string& name) {
  OwnNode own;
  if (options_.log == "kafka" && options_.kafka_brokers.empty()) own.cluster = StartCluster();
  own.node = OpenOrExit(NodeConfig(options_, name, own.cluster.get()), &clock_);
  return own;
}

}  // namespace ledger::bench
