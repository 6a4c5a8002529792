// ledgerd: the ledger server.
//
//   ledgerd [--config FILE] [--data-dir DIR] [--listen HOST:PORT]
//           [--admin-token TOKEN] [--log local|kafka] [--kafka-brokers LIST] [--demo]
//           [--accept-lost-records] [--role writer|reader|all] [--writer-url URL]
//           [--<key> VALUE ...]
//
// --role reader: a read replica of a Kafka log (docs/KAFKA.md, "Read
// replicas and fail-over"): it follows the log, serves every read, answers
// every write 503 naming --writer-url, and never runs the contexts' start-up
// writes.
// Every key of the config file is a flag too (tools/config.h); flags override
// the file. A wrong command line or config file exits 2. SIGTERM or SIGINT
// stop accepting requests, answer every command already queued, and exit 0.
#include <CLI/CLI.hpp>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <sys/resource.h>

#include <csignal>
#include <thread>

#include "api/front_door.h"
#include "api/server.h"
#include "tools/bounded_context.h"
#include "tools/node.h"

using namespace ledger;

int main(int argc, char** argv) {
  CLI::App app{"ledgerd: event-sourced purchasing ledger"};
  ConfigFlags flags(&app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; a wrong command line 2, as a wrong config file does.
    return app.exit(e) == 0 ? 0 : 2;
  }
  auto resolved = flags.Resolve();
  if (!resolved.ok()) {
    spdlog::error("{}", resolved.status().ToString());
    return 2;
  }
  Config config = std::move(resolved.value());
  if (config.role == "reader" && config.log_backend != "kafka") {
    spdlog::error(
        "--role reader needs --log kafka: a read replica follows a Kafka log, while the local "
        "log belongs to the one process that writes it");
    return 2;
  }
  if (config.role == "reader" && config.demo) {
    spdlog::error("--demo writes demo data: give it to the writer, not to a reader");
    return 2;
  }

  auto colon = config.listen.rfind(':');
  if (colon == std::string::npos) {
    spdlog::error("--listen must be HOST:PORT");
    return 2;
  }
  api::ApiOptions api_options = config.http;
  api_options.host = config.listen.substr(0, colon);
  try {
    api_options.port = std::stoi(config.listen.substr(colon + 1));
  } catch (const std::exception&) {
    spdlog::error("--listen must be HOST:PORT");
    return 2;
  }

  // Every connection takes a descriptor: raise the soft limit to the hard one
  // and keep connections_max within it (with room for the log, the stores,
  // Kafka and the attachments).
  constexpr rlim_t kDescriptorsReserved = 256;
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
    getrlimit(RLIMIT_NOFILE, &files);
    const rlim_t usable = files.rlim_cur > kDescriptorsReserved ? files.rlim_cur - kDescriptorsReserved : 1;
    if (files.rlim_cur != RLIM_INFINITY && api_options.connections_max > usable) {
      spdlog::warn("connections_max {} lowered to {}: the process may open {} descriptors",
                   api_options.connections_max, usable, files.rlim_cur);
      api_options.connections_max = usable;
    }
  }

  // The port first: a port in use stops ledgerd before it opens (and locks,
  // or on Kafka fences) anything.
  auto listener = api::OpenListener(api_options.host, api_options.port, api_options.listen_backlog);
  if (!listener.ok()) {
    spdlog::error("{}", listener.status().ToString());
    return 1;
  }
  api_options.listen_fd = *listener;

  // Signals are taken by one thread with sigwait, never by a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  SystemClock clock;
  auto node = Node::Open(config, &clock);
  if (!node.ok()) {
    spdlog::error("cannot open {}: {}", config.data_dir, node.status().ToString());
    return 1;
  }
  bool generated = false;
  if (config.admin_token.empty() && config.demo) {
    unsigned char raw[24];
    RAND_bytes(raw, sizeof raw);
    config.admin_token = "ldg_" + events::ToHex(raw, sizeof raw);
    generated = true;
  }
  // Before any request: each context prepares what it needs (the
  // reference context lists the admins of an older ledger and ensures the
  // break-glass admin). That is the writer's work: a reader never writes,
  // and takes the admin user from the log like everything else.
  const bool reader = config.role == "reader";
  if (!reader) {
    if (Status s = StartContexts((*node)->engine(), config); !s.ok()) {
      spdlog::error("cannot start: {}", s.ToString());
      return 1;
    }
  }
  if (config.demo && !reader) {
    Status s = LoadDemoData((*node)->engine());
    if (!s.ok()) {
      spdlog::error("cannot load demo data: {}", s.ToString());
      return 1;
    }
  }
  Status s = (*node)->StartProjections();
  if (!s.ok()) {
    spdlog::error("cannot start projections: {}", s.ToString());
    return 1;
  }
  (*node)->StartScrub({config.scrub_records_per_second,
                       std::chrono::milliseconds(config.scrub_interval_s * 1000)});
  api::ApiContext ctx = (*node)->api_context();
  api_options.admin_token = config.admin_token;
  api::ApiServer server(ctx, api_options);
  auto port = server.Bind();
  if (!port.ok()) {
    spdlog::error("{}", port.status().ToString());
    return 1;
  }
  std::printf("LISTENING=%d\n", *port);
  std::fflush(stdout);
  spdlog::info("ledgerd listening on http://{}:{} (data in {}, log backend {}, role {})",
               api_options.host, *port, config.data_dir, config.log_backend, config.role);
  if (!config.admin_token.empty()) {
    spdlog::info("admin token{}: {}", generated ? " (generated for this run)" : "",
                 config.admin_token);
    std::printf("ADMIN_TOKEN=%s\n", config.admin_token.c_str());
    std::fflush(stdout);
  }

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: draining and stopping", sig);
    server.Stop();
  });
  server.Serve();
  // The server stopped accepting; queued commands are answered by Stop.
  (*node)->Stop();
  if (waiter.joinable()) {
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
  }
  spdlog::info("ledgerd stopped");
  return 0;
}
