// Purchase orders in process: the closed loop of their commands (commands,
// commands_256, creates_256), their loads from snapshots (load), and their
// list (replay_lists, list_page).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <random>

#include "benchmarks/purchasing/fixtures.h"
#include "benchmarks/purchasing/workloads.h"
#include "benchmarks/report.h"
#include "projections/lists.h"

namespace ledger::bench::purchasing {

void Commands(const Options& o, Node& node, const std::string& name, size_t clients,
              CommandMix mix) {
  Engine& engine = node.engine();
  SeedReference(engine);
  std::vector<std::string> order_of(clients);
  std::vector<int> step_of(clients, 0);
  std::vector<double> lat(o.commands);
  std::atomic<uint64_t> issued{0}, done{0}, failed{0};
  std::mutex end_mu;
  std::condition_variable end_cv;
  const auto before = engine.stats();

  std::function<void(size_t)> run_client = [&](size_t client) {
    size_t n = issued.fetch_add(1);
    if (n >= o.commands) return;
    const int step = step_of[client];
    Command c = NextOrderCommand(step, order_of[client], static_cast<int>(n));
    c.actor = kBuyer;
    auto s0 = Now();
    engine.Submit(std::move(c), [&, client, n, s0, step](CommandOutcome out) {
      lat[n] = Seconds(s0, Now()) * 1e6;
      if (!out.status.ok()) {
        failed++;
      } else if (step == 0) {
        order_of[client] = out.stream_id;
      }
      step_of[client] = mix == CommandMix::kCreates ? 0 : (step + 1) % 4;
      if (++done == o.commands) {
        std::lock_guard lock(end_mu);
        end_cv.notify_all();
      }
      run_client(client);
    });
  };
  auto t0 = Now();
  for (size_t c = 0; c < clients; ++c) run_client(c);
  {
    std::unique_lock lock(end_mu);
    end_cv.wait(lock, [&] { return done.load() >= o.commands; });
  }
  const double secs = Seconds(t0, Now());
  const auto stats = engine.stats();
  Report(name, done.load(), secs, std::move(lat),
         fmt::format(",\"clients\":{},\"failed\":{},\"events\":{},\"batches\":{}", clients,
                     failed.load(), stats.events - before.events, stats.batches - before.batches) +
             WriterMs(before, stats));
}

void Load(const Options& o, Node& node, const ledger::Clock& clock) {
  const size_t orders = o.commands / 4;
  std::vector<size_t> order(orders);
  for (size_t i = 0; i < orders; ++i) order[i] = i + 1;
  std::shuffle(order.begin(), order.end(), std::mt19937_64(42));
  std::vector<double> lat;
  lat.reserve(orders);
  const std::string year = IsoDate(clock.NowMicros()).substr(0, 4);
  auto t0 = Now();
  size_t found = 0;
  for (size_t n : order) {
    std::string id = fmt::format("PO-{}-{:05}", year, n);
    auto s0 = Now();
    auto state = node.engine().Load("purchase_order", id);
    lat.push_back(Seconds(s0, Now()) * 1e6);
    found += state != nullptr;
  }
  Report("load", found, Seconds(t0, Now()), std::move(lat));
}

// Rebuilds the list projection alone from position 0 (Reset + CatchUp): the
// cost of folding each listed document with its own Evolve, a state decode
// and encode per event. Then reads the first page of purchase-orders (100
// items) and a filtered page, --commands/10 times each, for their latency.
void ReplayLists(const Options& o, Node& node) {
  ProjectionRunner* lists = node.projection("lists");
  if (lists == nullptr) std::abort();
  lists->Stop();
  if (!lists->Reset().ok()) std::abort();
  const uint64_t records = CursorTotal(node.log().End());
  auto t0 = Now();
  if (!lists->CatchUp().ok()) std::abort();
  const double secs = Seconds(t0, Now());
  const size_t pages = std::max<size_t>(1, o.commands / 10);
  std::vector<double> lat;
  lat.reserve(2 * pages);
  size_t items = 0;
  auto pages_t0 = Now();
  for (size_t i = 0; i < 2 * pages; ++i) {
    ListQuery q{.collection = "purchase-orders", .limit = 100};
    if (i % 2) q.filters = {{"supplier", "ACME"}};
    auto p0 = Now();
    auto page = QueryList(node.store(), q);
    lat.push_back(Seconds(p0, Now()) * 1e6);
    if (!page.ok()) std::abort();
    items += page->items.size();
  }
  Report("replay_lists", records, secs, {}, fmt::format(",\"page_items\":{}", items / (2 * pages)));
  const double pages_secs = Seconds(pages_t0, Now());
  const size_t pages_read = lat.size();
  Report("list_page", pages_read, pages_secs, std::move(lat), "");
}

}  // namespace ledger::bench::purchasing
