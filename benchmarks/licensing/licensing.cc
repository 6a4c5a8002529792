// The licensing closed loop: teams with assignment policies over several
// pools, concurrent sessions and usage posts.
#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "benchmarks/licensing/workloads.h"
#include "benchmarks/report.h"
#include "engine/clock.h"
#include "engine/licensing/commands.h"
#include "engine/reference/commands.h"
#include "events/reference_events.h"

namespace ledger::bench::licensing {
namespace {

const Actor kManager{"lina", {"licence_manager"}};
constexpr size_t kTeams = 8;

Decimal D(const char* text) { return *Decimal::Parse(text); }

// Runs `c` and waits for its outcome; stops the run on a refusal.
void Setup(Engine& engine, Command c) {
  c.actor = kManager;
  c.actor.roles.push_back("admin");
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  Status status;
  engine.Submit(std::move(c), [&](CommandOutcome out) {
    std::lock_guard lock(mu);
    status = out.status;
    done = true;
    cv.notify_all();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  if (!status.ok()) {
    fmt::print(stderr, "licensing: setup failed: {}\n", status.ToString());
    std::exit(1);
  }
}

struct Fixture {
  std::vector<std::string> seat_pools, cad_pools;
  std::string usage_pool;
};

Fixture Seed(Engine& engine, size_t clients) {
  events::ProductDefinedT p;
  p.name = "Bench licence";
  p.kind = "licence";
  events::ReferenceEventUnion u;
  u.Set(std::move(p));
  Setup(engine, ToCommand(domain::DefineReference{"BENCH-LICENCE", std::move(u), Expect::kAny}));
  const std::string year = IsoDate(engine.clock()->NowMicros()).substr(0, 4);
  auto pool = [&](const char* model, size_t quantity) {
    domain::PoolInput in;
    in.product = "BENCH-LICENCE";
    in.vendor = "Bench";
    in.model = model;
    in.quantity = Decimal::FromInt(static_cast<int64_t>(quantity));
    in.term_start = year + "-01-01";
    in.term_end = year + "-12-31";
    in.unit_price = D("10");
    in.currency = "EUR";
    return in;
  };
  Fixture f;
  // Pools are numbered in the order they are created: LP-<year>-00001...
  size_t n = 0;
  auto next_id = [&] { return fmt::format("LP-{}-{:05}", year, ++n); };
  for (size_t i = 0; i < 2 * kTeams; ++i) {
    auto in = pool("seat", clients / 2 + 1);
    in.overage_policy = "allow";
    in.overage_unit_price = D("15");
    Setup(engine, ToCommand(domain::CreateLicencePool{in}));
    f.seat_pools.push_back(next_id());
  }
  for (size_t i = 0; i < kTeams; ++i) {
    auto in = pool("concurrent", clients + 1);
    in.lease_seconds = 3600;
    Setup(engine, ToCommand(domain::CreateLicencePool{in}));
    f.cad_pools.push_back(next_id());
  }
  auto in = pool("usage", 1);
  in.has_usage = true;
  in.usage_unit = "calls";
  in.usage_included = D("1000");
  Setup(engine, ToCommand(domain::CreateLicencePool{in}));
  f.usage_pool = next_id();
  for (size_t t = 0; t < kTeams; ++t) {
    const std::string team = fmt::format("team-{}", t);
    Setup(engine, ToCommand(domain::DefineTeam{team, team}));
    Setup(engine, ToCommand(domain::DefineAssignmentPolicy{
                      "policy-" + team, team, "", {f.seat_pools[2 * t], f.seat_pools[2 * t + 1]}}));
  }
  return f;
}

// The command of `step` (0..4) of client `client`'s cycle number `cycle`.
Command Next(const Fixture& f, size_t client, int step, uint64_t n) {
  const size_t t = client % kTeams;
  const std::string team = fmt::format("team-{}", t);
  const std::string user = fmt::format("user-{}", client);
  const std::string session = fmt::format("s-{}", client);
  switch (step) {
    case 0:
      return ToCommand(domain::AddTeamMember{team, user});
    case 1:
      return ToCommand(domain::CheckOut{f.cad_pools[t], user, session});
    case 2:
      return ToCommand(domain::RecordUsage{f.usage_pool, Decimal::FromInt(3),
                                           SystemClock().NowMicros(), fmt::format("src-{}", n)});
    case 3:
      return ToCommand(domain::CheckIn{f.cad_pools[t], session});
    default:
      return ToCommand(domain::RemoveTeamMember{team, user});
  }
}

}  // namespace

void Licensing(const Options& o, Node& node) {
  Engine& engine = node.engine();
  const size_t clients = std::max<size_t>(1, std::min(o.clients, o.commands));
  const Fixture f = Seed(engine, clients);
  std::vector<int> step_of(clients, 0);
  std::vector<double> lat(o.commands);
  std::atomic<uint64_t> issued{0}, done{0}, failed{0};
  std::mutex end_mu;
  std::condition_variable end_cv;
  const auto before = engine.stats();
  std::function<void(size_t)> run_client = [&](size_t client) {
    const uint64_t n = issued.fetch_add(1);
    if (n >= o.commands) return;
    const int step = step_of[client];
    Command c = Next(f, client, step, n);
    c.actor = kManager;
    auto s0 = Now();
    engine.Submit(std::move(c), [&, client, n, s0, step](CommandOutcome out) {
      lat[n] = Seconds(s0, Now()) * 1e6;
      if (!out.status.ok()) failed++;
      step_of[client] = (step + 1) % 5;
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
  Report("licensing", done.load(), secs, std::move(lat),
         fmt::format(",\"clients\":{},\"failed\":{},\"events\":{},\"batches\":{}", clients,
                     failed.load(), stats.events - before.events, stats.batches - before.batches) +
             WriterMs(before, stats));
}

}  // namespace ledger::bench::licensing
