// ledger_bench: throughput and latency of the write path, replay, loads and
// the HTTP front door.
//
//   ledger_bench [--benchmarks=raw_rocksdb,append,commands,replay,replay_lists,load,p2p,raw_kafka,
//                              commands_256,creates_256,http_create,http_get,http_mixed]
//                [--commands=N] [--clients=N] [--batch=N] [--dir=DIR]
//                [--log=local|kafka] [--http_seconds=S] [--http_client_threads=N]
//                [--http_threads=N]
// With --log=kafka, `commands`, `replay` and `load` run on a mock Kafka
// cluster started in this process, and `raw_kafka` sends the same bytes
// through a bare transactional producer (one transaction per batch): the
// limit of that path.
//
// Each workload prints one JSON line:
//   {"name","ops","seconds","ops_per_s","p50_us","p99_us"}
// Workloads run in order on one data directory: `replay`, `replay_lists`
// (the list projection alone, then `list_page`: pages of 100 orders) and
// `load` use the log that `commands` wrote. `p2p` runs whole purchase-to-pay stories
// (request, submit, two approvals, convert, confirm, receipt, invoice,
// approval, payment: 10 commands each) on a node of its own, and reports
// stories/s besides commands/s. `commands_256` is `commands` with 256
// clients, on a node of its own too; `creates_256` the same with creates only
// (what http_create sends).
//
// The http workloads load the in-process ApiServer (default ApiOptions but
// for --http_threads, on a free loopback port) over real sockets with
// benchmarks/http_load.h: 64, 256 or 1024 keep-alive connections opened at
// once, each with one request in flight, measured for --http_seconds after a
// 1 s warm-up.
//   http_create_N  POST /v1/purchase-orders with one line; expects 201
//   http_get_N     GET /v1/purchase-orders/{id}, round robin over 1000 orders
//   http_mixed     256 connections creating beside 8 reading; reports the
//                  creates' throughput and the reads' latency
// `http_get` selects the three sizes, `http_get_256` one, `http` every http
// workload (in the default list; about 45 s). Each family has a node of its
// own, without projections, like `commands`. Their lines add max_us, connections,
// slowest_connection_max_us (each connection's slowest request, the slowest
// of them), conn_p99_of_max_us, reconnects, connect_us_max and the counts
// that are 0 in a healthy server: non_2xx, failed, listen_drops,
// requests_without_answer; http_create lines add the engine's batching and
// writer time. A run with commands_256 (creates_256) and http_create_256
// ends with {"name":"http_vs_commands_256","ratio"} (http_vs_creates_256).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <optional>
#include <random>
#include <thread>

#include <librdkafka/rdkafka.h>

#include "benchmarks/http_load.h"
#include "engine/budgets/budget.h"
#include "engine/purchasing/commands.h"
#include "engine/reference/commands.h"
#include "engine/local_log.h"
#include "engine/verify.h"
#include "projections/lists.h"
#include "tools/node.h"
#include "tools/reference/context.h"

using namespace ledger;
using Clock_ = std::chrono::steady_clock;

namespace {

struct Options {
  std::string benchmarks =
      "raw_rocksdb,append,commands,replay,verify,load,p2p,commands_256,creates_256,http";
  size_t commands = 200'000;
  size_t clients = 1024;
  size_t batch = 512;
  std::string dir;
  std::string log = "local";
  double http_seconds = 5;         // measured, after a 1 s warm-up
  size_t http_client_threads = 1;  // the load generator's threads
  size_t http_threads = api::ApiOptions{}.threads;  // the server's command workers
};

double Seconds(Clock_::time_point a, Clock_::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// p in [0, 1] of ascending values; 0 for none.
double Percentile(const std::vector<double>& sorted, double p) {
  return sorted.empty() ? 0.0 : sorted[std::min(sorted.size() - 1, size_t(p * sorted.size()))];
}

void Report(const std::string& name, uint64_t ops, double seconds, std::vector<double> lat_us,
            const std::string& extra = "") {
  std::sort(lat_us.begin(), lat_us.end());
  std::printf("{\"name\":\"%s\",\"ops\":%llu,\"seconds\":%.3f,\"ops_per_s\":%.0f,\"p50_us\":%.1f,"
              "\"p99_us\":%.1f%s}\n",
              name.c_str(), static_cast<unsigned long long>(ops), seconds, ops / seconds,
              Percentile(lat_us, 0.5), Percentile(lat_us, 0.99), extra.c_str());
  std::fflush(stdout);
}

// A representative envelope (a purchase-order line), re-encoded per record.
std::string SampleRecord(uint64_t i, events::Digest* chain) {
  events::PurchaseOrderLineAddedT added;
  added.line = std::make_unique<events::PurchaseOrderLineT>();
  added.line->line_no = 1;
  added.line->product = "LAPTOP-14";
  added.line->description = "Laptop 14 inch";
  added.line->quantity = "3";
  added.line->unit_price = "1249.00";
  added.line->discount = "0";
  added.line->tax_code = "VAT20";
  added.line->tax_rate = "20";
  added.line->cost_center = "IT";
  events::PayloadUnion u;
  u.Set(std::move(added));
  std::string id = fmt::format("PO-2026-{:05}", i);
  events::EnvelopeMeta m;
  m.event_id = {i, i};
  m.stream_type = "purchase_order";
  m.stream_id = id;
  m.stream_version = 2;
  m.recorded_at_us = 1'773'568'800'000'000 + static_cast<int64_t>(i);
  m.effective_date = "2026-03-15";
  m.actor = "alice";
  m.command_id = "0000000000000000000000000000cafe";
  m.correlation_id = m.command_id;
  return events::EncodeEnvelope(m, u, *chain, chain);
}

void RawRocksdb(const Options& o) {
  std::string path = o.dir + "/raw";
  rocksdb::Options ro;
  ro.create_if_missing = true;
  ro.write_buffer_size = 64 << 20;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(ro, path, &raw).ok()) std::abort();
  std::unique_ptr<rocksdb::DB> db(raw);
  events::Digest chain{};
  std::vector<std::string> records;
  for (size_t i = 0; i < o.batch; ++i) records.push_back(SampleRecord(i, &chain));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  std::vector<double> lat;
  size_t batches = std::max<size_t>(1, o.commands * 2 / o.batch);
  auto t0 = Clock_::now();
  uint64_t key = 0;
  for (size_t b = 0; b < batches; ++b) {
    auto s0 = Clock_::now();
    rocksdb::WriteBatch wb;
    for (const auto& r : records) wb.Put(LogKey(0, key++), r);
    if (!db->Write(wo, &wb).ok()) std::abort();
    double us = Seconds(s0, Clock_::now()) * 1e6;
    for (size_t i = 0; i < o.batch; ++i) lat.push_back(us);
  }
  Report("raw_rocksdb", key, Seconds(t0, Clock_::now()), std::move(lat),
         fmt::format(",\"records_per_write\":{}", o.batch));
}

void Append(const Options& o) {
  LocalLogOptions lo;
  auto log = LocalLog::Open(o.dir + "/append", lo);
  if (!log.ok()) std::abort();
  events::Digest chain{};
  std::vector<AppendRecord> proto;
  for (size_t i = 0; i < o.batch; ++i) proto.push_back({0, SampleRecord(i, &chain), 0});
  std::vector<double> lat;
  size_t batches = std::max<size_t>(1, o.commands * 2 / o.batch);
  uint64_t n = 0;
  auto t0 = Clock_::now();
  for (size_t b = 0; b < batches; ++b) {
    auto batch = proto;
    auto s0 = Clock_::now();
    if (!(*log)->Append(&batch).ok()) std::abort();
    double us = Seconds(s0, Clock_::now()) * 1e6;
    for (size_t i = 0; i < o.batch; ++i) lat.push_back(us);
    n += batch.size();
  }
  Report("append", n, Seconds(t0, Clock_::now()), std::move(lat),
         fmt::format(",\"records_per_write\":{}", o.batch));
}

void RawKafka(const Options& o, const std::string& brokers) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto [k, v] : {std::pair{"bootstrap.servers", brokers.c_str()},
                      {"transactional.id", "raw-bench"}, {"enable.idempotence", "true"},
                      {"acks", "all"}, {"linger.ms", "1"}}) {
    rd_kafka_conf_set(conf, k, v, err, sizeof err);
  }
  rd_kafka_t* p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (p == nullptr || rd_kafka_init_transactions(p, 30000)) std::abort();
  events::Digest chain{};
  std::vector<std::string> records;
  for (size_t i = 0; i < o.batch; ++i) records.push_back(SampleRecord(i, &chain));
  std::vector<double> lat;
  size_t batches = std::max<size_t>(1, o.commands * 2 / o.batch / 4);
  uint64_t n = 0;
  Clock_::time_point t0;
  // Batch 0 warms the connections up and is not measured.
  for (size_t b = 0; b <= batches; ++b) {
    if (b == 1) {
      t0 = Clock_::now();
      lat.clear();
      n = 0;
    }
    auto s0 = Clock_::now();
    if (rd_kafka_begin_transaction(p)) std::abort();
    for (const auto& r : records) {
      while (rd_kafka_producev(p, RD_KAFKA_V_TOPIC("ledger.purchasing"), RD_KAFKA_V_PARTITION(0),
                               RD_KAFKA_V_KEY("PO-2026-00001", 13),
                               RD_KAFKA_V_VALUE(const_cast<char*>(r.data()), r.size()),
                               RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                               RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(p, 10);
      }
    }
    if (rd_kafka_commit_transaction(p, 30000)) std::abort();
    double us = Seconds(s0, Clock_::now()) * 1e6;
    for (size_t i = 0; i < o.batch; ++i) lat.push_back(us);
    n += records.size();
  }
  Report("raw_kafka", n, Seconds(t0, Clock_::now()), std::move(lat),
         fmt::format(",\"records_per_transaction\":{}", o.batch));
  rd_kafka_destroy(p);
}

const Actor kAdmin{"admin", {"admin"}};

// Runs a set-up command; the benchmark cannot go on without it.
void Must(Engine& engine, Command c, const Actor& actor) {
  c.actor = actor;
  auto out = engine.Execute(std::move(c));
  if (!out.status.ok()) {
    std::fprintf(stderr, "set-up: %s\n", out.status.ToString().c_str());
    std::abort();
  }
}

template <class T>
events::PayloadUnion u(T t) {
  events::PayloadUnion p;
  p.Set(std::move(t));
  return p;
}

void SeedReference(Engine& engine) {
  auto def = [&](const std::string& id, events::PayloadUnion p) {
    Must(engine, ToCommand(domain::DefineReference{id, std::move(p), Expect::kAny}), kAdmin);
  };
  events::SettingsDefinedT s;
  s.currency = "EUR";
  s.tax_rounding = "global";
  def("company", u(s));
  events::TaxCodeDefinedT vat;
  vat.rate = "20";
  def("VAT20", u(vat));
  events::CostCenterDefinedT cc;
  cc.name = "IT";
  def("IT", u(cc));
  events::SupplierDefinedT sup;
  sup.name = "Acme";
  sup.currency = "EUR";
  sup.billing_method = "received";
  def("ACME", u(sup));
  events::ProductDefinedT prod;
  prod.name = "Laptop";
  prod.kind = "good";
  prod.tax_code = "VAT20";
  def("LAPTOP", u(prod));
}

domain::PoLineInput BenchLine(int i) {
  domain::PoLineInput l;
  l.product = "LAPTOP";
  l.quantity = Decimal::FromInt(1 + i % 5);
  l.unit_price = *Decimal::Parse("1249.99");
  l.cost_center = "IT";
  return l;
}

// The next command of a client that cycles through: create an order with a
// line, add two lines, confirm.
Command NextCommand(int step, const std::string& order, int n) {
  if (step == 0) {
    domain::PoHeaderInput h;
    h.supplier = "ACME";
    return ToCommand(domain::CreatePurchaseOrder{h, {}, {BenchLine(n)}});
  }
  if (step < 3) return ToCommand(domain::AddPoLine{order, BenchLine(n)});
  return ToCommand(domain::ConfirmPo{order});
}

// What a client of Commands sends: the create / add / add / confirm cycle,
// or only creates (what http_create sends, for a like-for-like ratio).
enum class CommandMix { kCycle, kCreates };

// Closed loop: `clients` clients each keep one command in flight; an answer
// (given after the command's events are durable) triggers that client's next
// command. Returns commands/s.
double Commands(const Options& o, Node& node, const std::string& name, size_t clients,
                CommandMix mix = CommandMix::kCycle) {
  Engine& engine = node.engine();
  SeedReference(engine);
  const Actor buyer{"alice", {"buyer"}};
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
    Command c = NextCommand(step, order_of[client], static_cast<int>(n));
    c.actor = buyer;
    auto s0 = Clock_::now();
    engine.Submit(std::move(c), [&, client, n, s0, step](CommandOutcome out) {
      lat[n] = Seconds(s0, Clock_::now()) * 1e6;
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
  auto t0 = Clock_::now();
  for (size_t c = 0; c < clients; ++c) run_client(c);
  {
    std::unique_lock lock(end_mu);
    end_cv.wait(lock, [&] { return done.load() >= o.commands; });
  }
  double secs = Seconds(t0, Clock_::now());
  auto stats = engine.stats();
  Report(name, done.load(), secs, std::move(lat),
         fmt::format(",\"clients\":{},\"failed\":{},\"events\":{},\"batches\":{},"
                     "\"writer_ms\":{{\"decide\":{},\"append\":{},\"store\":{},\"answer\":{}}}",
                     clients, failed.load(), stats.events - before.events,
                     stats.batches - before.batches, (stats.decide_us - before.decide_us) / 1000,
                     (stats.append_us - before.append_us) / 1000,
                     (stats.store_us - before.store_us) / 1000,
                     (stats.answer_us - before.answer_us) / 1000));
  return done.load() / secs;
}

// Purchase-to-pay stories, many at once: each client runs one story after
// another, one command in flight at a time.
void P2p(const Options& o, Node& node) {
  Engine& engine = node.engine();
  SeedReference(engine);
  auto must = [&](Command c, const Actor& a) { Must(engine, std::move(c), a); };
  const Actor& admin = kAdmin;
  events::CategoryDefinedT cat;
  cat.name = "Hardware";
  must(ToCommand(domain::DefineReference{"hardware", u(cat), Expect::kAny}), admin);
  events::ProductDefinedT prod;
  prod.name = "Laptop";
  prod.kind = "good";
  prod.tax_code = "VAT20";
  prod.category = "hardware";
  must(ToCommand(domain::DefineReference{"LAPTOP", u(prod), Expect::kAny}), admin);
  events::MatchingPolicyDefinedT mp;
  mp.quantity_pct = "0";
  mp.price_pct = "2";
  mp.amount_abs = "5";
  mp.over_receipt_pct = "0";
  must(ToCommand(domain::DefineReference{"company", u(mp), Expect::kAny}), admin);
  const std::string today = IsoDate(SystemClock().NowMicros());
  domain::BudgetLineInput line{{"IT", "hardware", ""}, {{today.substr(0, 7), *Decimal::Parse("1000000000")}}};
  must(ToCommand(domain::DefineBudget{"BENCH", "bench", "EUR", "warn", {line}}),
       Actor{"fred", {"approver_finance"}});

  const Actor requester{"rita", {"requester"}}, manager{"mona", {"approver_manager"}},
      finance{"fred", {"approver_finance"}}, buyer{"alice", {"buyer"}},
      receiver{"rob", {"receiver"}}, accountant{"anna", {"accountant"}};
  constexpr int kSteps = 10;
  struct Story {
    int step = 0;
    std::string pr, po, si;
  };
  const size_t stories = std::max<size_t>(1, o.commands / kSteps);
  const size_t total = stories * kSteps;
  std::vector<Story> story_of(o.clients);
  std::vector<double> lat(total);
  std::atomic<uint64_t> issued{0}, done{0}, failed{0};
  std::mutex end_mu;
  std::condition_variable end_cv;

  auto next = [&](Story& s, size_t n) -> Command {
    using namespace domain;
    Command c;
    switch (s.step) {
      case 0: {
        PrLineInput l;
        l.product = "LAPTOP";
        l.quantity = Decimal::FromInt(2);
        l.estimated_unit_price = *Decimal::Parse("1249.99");
        l.currency = "EUR";
        l.cost_center = "IT";
        PrInput in{"bench", {l}, {}};
        c = ToCommand(CreatePr{in});
        c.actor = requester;
        break;
      }
      case 1:
        c = ToCommand(SubmitPr{s.pr});
        c.actor = requester;
        break;
      case 2:
      case 3:
        c = ToCommand(ApprovePr{s.pr, ""});
        c.actor = s.step == 2 ? manager : finance;
        break;
      case 4:
        c = ToCommand(ConvertPr{s.pr, {}, "ACME"});
        c.actor = buyer;
        break;
      case 5:
        c = ToCommand(ConfirmPo{s.po});
        c.actor = buyer;
        break;
      case 6: {
        ReceiptInput in{s.po, today, std::nullopt, {{1, Decimal::FromInt(2), "", "", "", ""}}};
        c = ToCommand(RecordReceipt{in});
        c.actor = receiver;
        break;
      }
      case 7: {
        SiInput in;
        in.supplier = "ACME";
        in.supplier_ref = fmt::format("F-{}", n);
        in.date = today;
        in.purchase_order = s.po;
        in.lines.push_back({1, "", Decimal::FromInt(2), *Decimal::Parse("1249.99"), std::nullopt});
        c = ToCommand(CaptureInvoice{in});
        c.actor = accountant;
        break;
      }
      case 8:
        c = ToCommand(ApproveInvoice{s.si});
        c.actor = finance;
        break;
      default: {
        // Pays what is left, read from the approved invoice: the client's
        // previous command is durable, so its state is committed.
        auto si = engine.Load<SupplierInvoice>(s.si);
        const Decimal left = si ? domain::Remaining(*si) : Decimal();
        c = ToCommand(PayInvoice{s.si, {left, "bank_transfer", "TRF", ""}});
        c.actor = accountant;
        break;
      }
    }
    return c;
  };

  std::function<void(size_t)> run_client = [&](size_t client) {
    size_t n = issued.fetch_add(1);
    if (n >= total) return;
    Story& s = story_of[client];
    Command c = next(s, n);
    auto s0 = Clock_::now();
    engine.Submit(std::move(c), [&, client, n, s0](CommandOutcome out) {
      lat[n] = Seconds(s0, Clock_::now()) * 1e6;
      Story& st = story_of[client];
      if (!out.status.ok()) {
        failed++;
        st = Story{};  // start a new story
      } else {
        if (st.step == 0) st.pr = out.stream_id;
        if (st.step == 4) {
          st.po = engine.Load<domain::PurchaseRequest>(st.pr)->orders.at(0);
        }
        if (st.step == 7) st.si = out.stream_id;
        st.step = (st.step + 1) % kSteps;
      }
      if (++done == total) {
        std::lock_guard lock(end_mu);
        end_cv.notify_all();
      }
      run_client(client);
    });
  };
  const auto before = engine.stats();
  auto t0 = Clock_::now();
  for (size_t c = 0; c < o.clients; ++c) run_client(c);
  {
    std::unique_lock lock(end_mu);
    end_cv.wait(lock, [&] { return done.load() >= total; });
  }
  double secs = Seconds(t0, Clock_::now());
  auto stats = engine.stats();
  Report("p2p", done.load(), secs, std::move(lat),
         fmt::format(",\"stories\":{},\"stories_per_s\":{:.0f},\"clients\":{},\"failed\":{},"
                     "\"events\":{},\"batches\":{}",
                     stories, (done.load() - failed.load()) / kSteps / secs, o.clients,
                     failed.load(), stats.events - before.events, stats.batches - before.batches));
}

// Rebuilds the list projection alone from position 0 (Reset + CatchUp): the
// cost of folding each listed document with its own Evolve, a state decode
// and encode per event. Then reads the first page of purchase-orders (100
// items) and a filtered page, --commands/10 times each, for their latency.
void ReplayLists(const Options& o, Node& node) {
  ProjectionRunner* lists = nullptr;
  for (auto* p : node.projections()) {
    if (p->projection().name() == "lists") lists = p;
  }
  if (lists == nullptr) std::abort();
  lists->Stop();
  if (!lists->Reset().ok()) std::abort();
  uint64_t records = CursorTotal(node.log().End());
  auto t0 = Clock_::now();
  if (!lists->CatchUp().ok()) std::abort();
  double secs = Seconds(t0, Clock_::now());
  const size_t pages = std::max<size_t>(1, o.commands / 10);
  std::vector<double> lat;
  lat.reserve(2 * pages);
  size_t items = 0;
  auto pages_t0 = Clock_::now();
  for (size_t i = 0; i < 2 * pages; ++i) {
    ListQuery q{.collection = "purchase-orders", .limit = 100};
    if (i % 2) q.filters = {{"supplier", "ACME"}};
    auto p0 = Clock_::now();
    auto page = QueryList(node.store(), q);
    lat.push_back(Seconds(p0, Clock_::now()) * 1e6);
    if (!page.ok()) std::abort();
    items += page->items.size();
  }
  Report("replay_lists", records, secs, {},
         fmt::format(",\"page_items\":{}", items / (2 * pages)));
  const double pages_secs = Seconds(pages_t0, Clock_::now());
  const size_t pages_read = lat.size();
  Report("list_page", pages_read, pages_secs, std::move(lat), "");
}

// Rebuilds every projection from position 0 (in parallel, as ledgerctl
// replay does); ops are log records replayed into all of them.
void Replay(Node& node) {
  uint64_t records = CursorTotal(node.log().End());
  for (auto* p : node.projections()) p->Stop();
  auto t0 = Clock_::now();
  if (!RebuildProjections(node.projections()).ok()) std::abort();
  double secs = Seconds(t0, Clock_::now());
  Report("replay", records, secs, {},
         fmt::format(",\"projections\":{},\"events_applied\":{}", node.projections().size(),
                     records * node.projections().size()));
}

// The integrity checks over the log the commands wrote: a whole VerifyLog
// (a scrub pass, unpaced) and the local log's block checksum check, which
// start-up runs (verify_log_on_open).
void Verify(Node& node) {
  const uint64_t records = CursorTotal(node.log().End());
  auto t0 = Clock_::now();
  auto report = VerifyLog(node.log());
  if (!report.ok() || !report->ok) std::abort();
  Report("verify", records, Seconds(t0, Clock_::now()), {}, "");
  auto* local = dynamic_cast<LocalLog*>(&node.log());
  if (local == nullptr) return;
  uint64_t bytes = 0;
  local->db()->GetIntProperty(rocksdb::DB::Properties::kTotalSstFilesSize, &bytes);
  t0 = Clock_::now();
  if (!local->db()->VerifyChecksum().ok()) std::abort();
  Report("verify_files", records, Seconds(t0, Clock_::now()), {},
         fmt::format(",\"sst_bytes\":{}", bytes));
}

void Load(const Options& o, const Config& config, const ledger::Clock* clock) {
  // A fresh node has an empty cache: every first Load reads its snapshot.
  auto node = Node::Open(config, clock);
  if (!node.ok()) std::abort();
  size_t orders = o.commands / 4;
  std::vector<size_t> order(orders);
  for (size_t i = 0; i < orders; ++i) order[i] = i + 1;
  std::shuffle(order.begin(), order.end(), std::mt19937_64(42));
  std::vector<double> lat;
  lat.reserve(orders);
  std::string year = IsoDate(clock->NowMicros()).substr(0, 4);
  auto t0 = Clock_::now();
  size_t found = 0;
  for (size_t n : order) {
    std::string id = fmt::format("PO-{}-{:05}", year, n);
    auto s0 = Clock_::now();
    auto state = (*node)->engine().Load("purchase_order", id);
    lat.push_back(Seconds(s0, Clock_::now()) * 1e6);
    found += state != nullptr;
  }
  Report("load", found, Seconds(t0, Clock_::now()), std::move(lat));
}

// The http workloads drive the in-process ApiServer over loopback sockets
// with bench::RunHttpLoad, as the admin.
const char kToken[] = "bench-admin-token";
const std::string kAuth = fmt::format("Authorization: Bearer {}\r\n", kToken);
constexpr size_t kHttpConnections[] = {64, 256, 1024};
// Orders created beforehand for the GETs to go round.
constexpr size_t kReadOrders = 1000;

// Reference data and the admin user on a node of an http family (the server
// takes kToken as its admin token).
void SeedHttp(Node& node) {
  SeedReference(node.engine());
  Status s = reference::EnsureAdmin(node.engine());
  if (!s.ok()) {
    std::fprintf(stderr, "set-up: %s\n", s.ToString().c_str());
    std::abort();
  }
}

std::string CreateRequest() {
  return bench::FormatHttpRequest("POST", "/v1/purchase-orders",
                                  kAuth + "Content-Type: application/json\r\n",
                                  R"({"supplier":"ACME","lines":[{"product":"LAPTOP",)"
                                  R"("quantity":"1","unit_price":"1249.99","cost_center":"IT"}]})");
}

// Creates `count` purchase orders, all queued at once so that they share
// group commits, and returns a GET request for each.
std::vector<std::string> OrderReads(Engine& engine, size_t count) {
  const Actor buyer{"alice", {"buyer"}};
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> reads;
  for (size_t i = 0; i < count; ++i) {
    Command c = NextCommand(0, "", static_cast<int>(i));
    c.actor = buyer;
    engine.Submit(std::move(c), [&](CommandOutcome out) {
      if (!out.status.ok()) {
        std::fprintf(stderr, "set-up: %s\n", out.status.ToString().c_str());
        std::abort();
      }
      std::lock_guard lock(mu);
      reads.push_back(
          bench::FormatHttpRequest("GET", "/v1/purchase-orders/" + out.stream_id, kAuth, ""));
      if (reads.size() == count) cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return reads.size() == count; });
  return reads;
}

// Runs the load against a server of its own on `node`, started before the
// load and stopped after it, so that no connection of one workload lingers
// into the next.
bench::HttpLoadResult RunHttp(const Options& o, Node& node,
                              const std::vector<bench::HttpLoadGroup>& groups) {
  api::ApiOptions ao;
  ao.port = 0;
  ao.threads = o.http_threads;
  ao.admin_token = kToken;
  api::ApiServer server(node.api_context(), ao);
  auto port = server.Bind();
  if (!port.ok()) {
    std::fprintf(stderr, "%s\n", port.status().ToString().c_str());
    std::abort();
  }
  std::thread serving([&] { server.Serve(); });
  // Stop does nothing before Serve runs (and join would then wait forever):
  // an answer proves that it runs.
  httplib::Client probe("127.0.0.1", *port);
  bool serving_ok = false;
  for (int i = 0; i < 500 && !serving_ok; ++i) {
    serving_ok = static_cast<bool>(probe.Get("/healthz"));
    if (!serving_ok) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!serving_ok) {
    std::fprintf(stderr, "the server under test does not answer /healthz\n");
    std::abort();
  }
  bench::HttpLoadOptions lo;
  lo.port = *port;
  lo.client_threads = o.http_client_threads;
  lo.window_ms = static_cast<int>(o.http_seconds * 1000);
  auto result = bench::RunHttpLoad(lo, groups);
  server.Stop();
  serving.join();
  return result;
}

// One group's figures, with the counts that must be 0 in a healthy server.
void ReportHttp(const std::string& name, const bench::HttpLoadResult& r,
                const std::string& extra = "") {
  const bench::HttpGroupResult& g = r.groups.at(0);
  const std::vector<double>& conn_max = g.connection_latency_us_max;
  const double latency_us_max = conn_max.empty() ? 0.0 : conn_max.back();
  std::printf(
      "{\"name\":\"%s\",\"ops\":%llu,\"seconds\":%.3f,\"ops_per_s\":%.0f,\"p50_us\":%.1f,"
      "\"p99_us\":%.1f,\"max_us\":%.1f,\"connections\":%zu,\"slowest_connection_max_us\":%.1f,"
      "\"conn_p99_of_max_us\":%.1f,\"non_2xx\":%llu,\"failed\":%llu,\"reconnects\":%llu,"
      "\"listen_drops\":%lld,\"requests_without_answer\":%llu,\"connect_us_max\":%.1f%s}\n",
      name.c_str(), static_cast<unsigned long long>(g.ops), r.seconds, g.ops / r.seconds,
      Percentile(g.latency_us, 0.5), Percentile(g.latency_us, 0.99), latency_us_max,
      g.connections, latency_us_max, Percentile(conn_max, 0.99),
      static_cast<unsigned long long>(g.non_2xx), static_cast<unsigned long long>(g.failed),
      static_cast<unsigned long long>(g.reconnects), static_cast<long long>(r.listen_drops),
      static_cast<unsigned long long>(g.requests_without_answer), g.connect_us_max, extra.c_str());
  std::fflush(stdout);
}

// What the engine's writer did meanwhile: how the commands were batched and
// where its time went (a whole run, warm-up and drain included).
std::string WriterFigures(const EngineStats& before, const EngineStats& after) {
  const uint64_t batches = after.batches - before.batches;
  const uint64_t commands = after.commands - before.commands;
  return fmt::format(
      ",\"commands_per_batch\":{:.1f},\"writer_ms\":{{\"decide\":{},\"append\":{},\"store\":{},"
      "\"answer\":{}}}",
      batches == 0 ? 0.0 : static_cast<double>(commands) / static_cast<double>(batches),
      (after.decide_us - before.decide_us) / 1000, (after.append_us - before.append_us) / 1000,
      (after.store_us - before.store_us) / 1000, (after.answer_us - before.answer_us) / 1000);
}

// POST /v1/purchase-orders on every connection; expects 201. Returns
// creates/s.
double HttpCreate(const Options& o, Node& node, size_t connections) {
  const EngineStats before = node.engine().stats();
  auto r = RunHttp(o, node, {{connections, {CreateRequest()}}});
  ReportHttp(fmt::format("http_create_{}", connections), r,
             WriterFigures(before, node.engine().stats()));
  return r.groups[0].ops / r.seconds;
}

// GET /v1/purchase-orders/{id} round robin over `reads`; expects 200.
void HttpGet(const Options& o, Node& node, const std::vector<std::string>& reads,
             size_t connections) {
  ReportHttp(fmt::format("http_get_{}", connections), RunHttp(o, node, {{connections, reads}}));
}

// Reads beside writes: 256 connections create while 8 read, the readers on
// a client thread of their own. Reports the creates' throughput and the
// reads' latency.
void HttpMixed(const Options& o, Node& node, const std::vector<std::string>& reads) {
  auto r = RunHttp(o, node, {{256, {CreateRequest()}, false}, {8, reads, /*own_thread=*/true}});
  const bench::HttpGroupResult& create = r.groups[0];
  const bench::HttpGroupResult& get = r.groups[1];
  std::vector<double> conn_max = create.connection_latency_us_max;
  conn_max.insert(conn_max.end(), get.connection_latency_us_max.begin(),
                  get.connection_latency_us_max.end());
  std::sort(conn_max.begin(), conn_max.end());
  std::printf(
      "{\"name\":\"http_mixed\",\"seconds\":%.3f,\"connections\":%zu,\"create_connections\":%zu,"
      "\"get_connections\":%zu,\"create_ops\":%llu,\"create_ops_per_s\":%.0f,"
      "\"create_p50_us\":%.1f,\"create_p99_us\":%.1f,\"get_ops\":%llu,\"get_ops_per_s\":%.0f,"
      "\"get_p50_us\":%.1f,\"get_p99_us\":%.1f,\"get_max_us\":%.1f,"
      "\"slowest_connection_max_us\":%.1f,\"conn_p99_of_max_us\":%.1f,\"non_2xx\":%llu,"
      "\"failed\":%llu,\"reconnects\":%llu,\"listen_drops\":%lld,"
      "\"requests_without_answer\":%llu}\n",
      r.seconds, conn_max.size(), create.connections, get.connections,
      static_cast<unsigned long long>(create.ops), create.ops / r.seconds,
      Percentile(create.latency_us, 0.5), Percentile(create.latency_us, 0.99),
      static_cast<unsigned long long>(get.ops), get.ops / r.seconds,
      Percentile(get.latency_us, 0.5), Percentile(get.latency_us, 0.99),
      get.connection_latency_us_max.empty() ? 0.0 : get.connection_latency_us_max.back(),
      conn_max.empty() ? 0.0 : conn_max.back(), Percentile(conn_max, 0.99),
      static_cast<unsigned long long>(create.non_2xx + get.non_2xx),
      static_cast<unsigned long long>(create.failed + get.failed),
      static_cast<unsigned long long>(create.reconnects + get.reconnects),
      static_cast<long long>(r.listen_drops),
      static_cast<unsigned long long>(create.requests_without_answer +
                                      get.requests_without_answer));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"ledger_bench"};
  app.add_option("--benchmarks", o.benchmarks, "Comma-separated workloads");
  app.add_option("--commands", o.commands, "Commands (and records) per workload");
  app.add_option("--clients", o.clients, "Concurrent clients of the commands workload");
  app.add_option("--batch", o.batch, "Records per write for raw_rocksdb and append");
  app.add_option("--dir", o.dir, "Scratch directory (default: a fresh temporary one)");
  app.add_option("--log", o.log, "Log backend of commands/replay/load: local or kafka (mock)")
      ->check(CLI::IsMember({"local", "kafka"}));
  app.add_option("--http_seconds", o.http_seconds,
                 "Measured seconds of each http workload, after a 1 s warm-up");
  app.add_option("--http_client_threads", o.http_client_threads,
                 "Threads of the http load generator")
      ->check(CLI::Range(1, 64));
  app.add_option("--http_threads", o.http_threads,
                 "Worker threads of the server under test (ApiOptions::threads)")
      ->check(CLI::Range(1, 100'000));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  bool temp = o.dir.empty();
  if (temp) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ledger_bench_XXXXXX").string();
    o.dir = mkdtemp(tmpl.data());
  }
  auto want = [&](const std::string& name) {
    return ("," + o.benchmarks + ",").find("," + name + ",") != std::string::npos;
  };
  // `http` selects every http workload, `http_get` the three sizes of GETs,
  // `http_get_256` one of them.
  auto want_http = [&](const std::string& family, size_t connections) {
    return want("http") || want(family) || want(fmt::format("{}_{}", family, connections));
  };
  auto want_family = [&](const std::string& family) {
    return std::any_of(std::begin(kHttpConnections), std::end(kHttpConnections),
                       [&](size_t n) { return want_http(family, n); });
  };
  if (want("raw_rocksdb")) RawRocksdb(o);
  if (want("append")) Append(o);
  SystemClock clock;
  Config config;
  config.data_dir = o.dir + "/node";
  config.engine.batch_commands_max = 4096;
  auto start_cluster = [] {
    auto c = KafkaMockCluster::Start(3, 1);
    if (!c.ok()) {
      std::fprintf(stderr, "%s\n", c.status().ToString().c_str());
      std::exit(1);
    }
    return std::move(c.value());
  };
  if (want("raw_kafka")) RawKafka(o, start_cluster()->bootstrap_servers());
  std::unique_ptr<KafkaMockCluster> cluster;
  if (o.log == "kafka") {
    cluster = start_cluster();
    config.log_backend = "kafka";
    config.kafka_brokers = cluster->bootstrap_servers();
    config.kafka_transactional_id = "bench";
  }
  if (want("commands") || want("replay") || want("replay_lists") || want("verify") ||
      want("load")) {
    auto node = Node::Open(config, &clock);
    if (!node.ok()) {
      std::fprintf(stderr, "%s\n", node.status().ToString().c_str());
      return 1;
    }
    if (want("commands")) Commands(o, **node, "commands", o.clients);
    if (want("replay")) Replay(**node);
    if (want("replay_lists")) ReplayLists(o, **node);
    if (want("verify")) Verify(**node);
  }
  if (want("load")) Load(o, config, &clock);
  // A node of its own under <dir>/<name>, for workloads that must not depend
  // on what others wrote; with --log=kafka, on a cluster of its own too, since
  // topics are per cluster. The node closes before its cluster.
  struct OwnNode {
    std::unique_ptr<KafkaMockCluster> cluster;
    std::unique_ptr<Node> node;
  };
  auto open_own = [&](const std::string& name) {
    OwnNode own;
    Config c = config;
    c.data_dir = o.dir + "/" + name;
    if (o.log == "kafka") {
      own.cluster = start_cluster();
      c.kafka_brokers = own.cluster->bootstrap_servers();
    }
    auto node = Node::Open(c, &clock);
    if (!node.ok()) {
      std::fprintf(stderr, "%s\n", node.status().ToString().c_str());
      std::exit(1);
    }
    own.node = std::move(node.value());
    return own;
  };
  if (want("p2p")) P2p(o, *open_own("p2p").node);
  // The issue's yardstick: http_create_256 against in-process commands from
  // as many clients.
  std::optional<double> commands_256_ops_per_s, creates_256_ops_per_s, http_create_256_ops_per_s;
  if (want("commands_256")) {
    commands_256_ops_per_s = Commands(o, *open_own("commands_256").node, "commands_256", 256);
  }
  // The same commands as http_create sends, in process: what the HTTP layer
  // costs, apart from what a create costs the engine.
  if (want("creates_256")) {
    creates_256_ops_per_s =
        Commands(o, *open_own("creates_256").node, "creates_256", 256, CommandMix::kCreates);
  }
  if (want_family("http_create")) {
    OwnNode own = open_own("http_create");
    SeedHttp(*own.node);
    for (size_t n : kHttpConnections) {
      if (!want_http("http_create", n)) continue;
      double ops_per_s = HttpCreate(o, *own.node, n);
      if (n == 256) http_create_256_ops_per_s = ops_per_s;
    }
  }
  if (want_family("http_get")) {
    OwnNode own = open_own("http_get");
    SeedHttp(*own.node);
    const auto reads = OrderReads(own.node->engine(), kReadOrders);
    for (size_t n : kHttpConnections) {
      if (want_http("http_get", n)) HttpGet(o, *own.node, reads, n);
    }
  }
  if (want("http") || want("http_mixed")) {
    OwnNode own = open_own("http_mixed");
    SeedHttp(*own.node);
    HttpMixed(o, *own.node, OrderReads(own.node->engine(), kReadOrders));
  }
  if (commands_256_ops_per_s && http_create_256_ops_per_s) {
    std::printf("{\"name\":\"http_vs_commands_256\",\"ratio\":%.3f}\n",
                *http_create_256_ops_per_s / *commands_256_ops_per_s);
  }
  if (creates_256_ops_per_s && http_create_256_ops_per_s) {
    std::printf("{\"name\":\"http_vs_creates_256\",\"ratio\":%.3f}\n",
                *http_create_256_ops_per_s / *creates_256_ops_per_s);
  }
  if (temp) std::filesystem::remove_all(o.dir);
  return 0;
}
