// The workloads that need no bounded context: the floor of the log
// (raw_rocksdb, append, raw_kafka: records written, nothing decided), and
// what every node does with the log the contexts' workloads wrote (replay,
// verify).
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "benchmarks/nodes.h"
#include "benchmarks/report.h"
#include "benchmarks/workload.h"
#include "engine/local_log.h"
#include "engine/verify.h"
#include "events/codec.h"
#include "events/context.h"

namespace ledger::bench {
namespace {

// An event of the make and size of a line added to an order (a number and
// eight short strings in a table, in an event table, in a root table): its
// record is 560 bytes, as that line's is. Its context, "bench", is none of
// the ledger's: the floor of the log writes records and never reads them,
// and no node opens these logs.
events::EncodedEvent SampleEvent() {
  flatbuffers::FlatBufferBuilder fbb;
  const char* const texts[] = {"LAPTOP-14", "Laptop 14 inches", "3", "1249.00", "0", "VAT20", "20",
                               "IT"};
  std::vector<flatbuffers::Offset<flatbuffers::String>> strings;
  for (const char* t : texts) strings.push_back(fbb.CreateString(t));
  const auto line_start = fbb.StartTable();
  fbb.AddElement<uint32_t>(4, 1, 0);
  for (size_t f = 0; f < strings.size(); ++f) {
    fbb.AddOffset(static_cast<flatbuffers::voffset_t>(6 + 2 * f), strings[f]);
  }
  const flatbuffers::Offset<void> line(fbb.EndTable(line_start));
  const auto event_start = fbb.StartTable();
  fbb.AddOffset(4, line);
  const flatbuffers::Offset<void> event(fbb.EndTable(event_start));
  const auto root_start = fbb.StartTable();
  fbb.AddElement<uint8_t>(4, 1, 0);
  fbb.AddOffset(6, event);
  fbb.Finish(flatbuffers::Offset<void>(fbb.EndTable(root_start)));
  events::EncodedEvent out;
  out.context = "bench";
  out.type = 1;
  out.payload.assign(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
  return out;
}

// A representative record, chained after `*chain`.
std::string SampleRecord(uint64_t i, events::Digest* chain) {
  static const events::EncodedEvent kEvent = SampleEvent();
  const std::string id = fmt::format("DOC-2026-{:04}", i);
  events::EnvelopeMeta m;
  m.event_id = {i, i};
  m.stream_type = "bench_document";
  m.stream_id = id;
  m.stream_version = 2;
  m.recorded_at_us = 1'773'568'800'000'000 + static_cast<int64_t>(i);
  m.effective_date = "2026-03-15";
  m.actor = "alice";
  m.command_id = "0000000000000000000000000000cafe";
  m.correlation_id = m.command_id;
  return events::EncodeEnvelope(m, kEvent, *chain, chain);
}

std::vector<std::string> SampleBatch(size_t count) {
  events::Digest chain{};
  std::vector<std::string> records;
  for (size_t i = 0; i < count; ++i) records.push_back(SampleRecord(i, &chain));
  return records;
}

// --batch records per synced RocksDB write, nothing else.
void RawRocksdb(const Options& o, Nodes&, std::span<const size_t>) {
  rocksdb::Options ro;
  ro.create_if_missing = true;
  ro.write_buffer_size = 64 << 20;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(ro, o.dir + "/raw", &raw).ok()) std::abort();
  std::unique_ptr<rocksdb::DB> db(raw);
  const std::vector<std::string> records = SampleBatch(o.batch);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  std::vector<double> lat;
  const size_t batches = std::max<size_t>(1, o.commands * 2 / o.batch);
  auto t0 = Now();
  uint64_t key = 0;
  for (size_t b = 0; b < batches; ++b) {
    auto s0 = Now();
    rocksdb::WriteBatch wb;
    for (const auto& r : records) wb.Put(LogKey(0, key++), r);
    if (!db->Write(wo, &wb).ok()) std::abort();
    const double us = Seconds(s0, Now()) * 1e6;
    for (size_t i = 0; i < o.batch; ++i) lat.push_back(us);
  }
  Report("raw_rocksdb", key, Seconds(t0, Now()), std::move(lat),
         fmt::format(",\"records_per_write\":{}", o.batch));
}

// The local log's Append: partitions and offsets over the same writes.
void Append(const Options& o, Nodes&, std::span<const size_t>) {
  LocalLogOptions lo;
  auto log = LocalLog::Open(o.dir + "/append", lo);
  if (!log.ok()) std::abort();
  std::vector<AppendRecord> proto;
  for (std::string& r : SampleBatch(o.batch)) proto.push_back({0, std::move(r), 0});
  std::vector<double> lat;
  const size_t batches = std::max<size_t>(1, o.commands * 2 / o.batch);
  uint64_t n = 0;
  auto t0 = Now();
  for (size_t b = 0; b < batches; ++b) {
    auto batch = proto;
    auto s0 = Now();
    if (!(*log)->Append(&batch).ok()) std::abort();
    const double us = Seconds(s0, Now()) * 1e6;
    for (size_t i = 0; i < o.batch; ++i) lat.push_back(us);
    n += batch.size();
  }
  Report("append", n, Seconds(t0, Now()), std::move(lat),
         fmt::format(",\"records_per_write\":{}", o.batch));
}

// The same records through a bare transactional producer on a mock cluster
// of its own, one transaction per batch: the limit of the Kafka log. With
// --kafka-brokers, on the real cluster: a topic of its own, created as the
// Kafka log creates its topics (replication 3, min.insync.replicas 2).
void RawKafka(const Options& o, Nodes&, std::span<const size_t>) {
  std::unique_ptr<KafkaMockCluster> cluster;
  std::string brokers = o.kafka_brokers;
  std::string topic = "ledger.bench";
  const std::string transactional_id = "raw-bench-" + o.kafka_topic_prefix;
  if (brokers.empty()) {
    cluster = Nodes::StartCluster();
    brokers = cluster->bootstrap_servers();
  } else {
    KafkaLogOptions topics;
    topics.brokers = brokers;
    topics.topic_prefix = o.kafka_topic_prefix + "raw.";
    topics.writer = false;
    auto log = KafkaLog::Open(topics);
    if (!log.ok()) {
      std::fprintf(stderr, "raw_kafka: %s\n", log.status().ToString().c_str());
      std::exit(1);
    }
    topic = (*log)->TopicOf(0);
  }
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto [k, v] : {std::pair{"bootstrap.servers", brokers.c_str()},
                      {"transactional.id", transactional_id.c_str()},
                      {"enable.idempotence", "true"},
                      {"acks", "all"},
                      {"linger.ms", "1"}}) {
    rd_kafka_conf_set(conf, k, v, err, sizeof err);
  }
  rd_kafka_t* p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (p == nullptr || rd_kafka_init_transactions(p, 30000)) std::abort();
  const std::vector<std::string> records = SampleBatch(o.batch);
  std::vector<double> lat;
  const size_t batches = std::max<size_t>(1, o.commands * 2 / o.batch / 4);
  uint64_t n = 0;
  TimePoint t0;
  // Batch 0 warms the connections up and is not measured.
  for (size_t b = 0; b <= batches; ++b) {
    if (b == 1) {
      t0 = Now();
      lat.clear();
      n = 0;
    }
    auto s0 = Now();
    if (rd_kafka_begin_transaction(p)) std::abort();
    for (const auto& r : records) {
      while (rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
                               RD_KAFKA_V_KEY("DOC-2026-0001", 13),
                               RD_KAFKA_V_VALUE(const_cast<char*>(r.data()), r.size()),
                               RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                               RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(p, 10);
      }
    }
    if (rd_kafka_commit_transaction(p, 30000)) std::abort();
    const double us = Seconds(s0, Now()) * 1e6;
    for (size_t i = 0; i < o.batch; ++i) lat.push_back(us);
    n += records.size();
  }
  Report("raw_kafka", n, Seconds(t0, Now()), std::move(lat),
         fmt::format(",\"records_per_transaction\":{}", o.batch));
  rd_kafka_destroy(p);
}

// Rebuilds every projection of the shared node from position 0 (in
// parallel, as ledgerctl replay does); ops are log records replayed into
// all of them.
void Replay(const Options&, Nodes& nodes, std::span<const size_t>) {
  Node& node = nodes.Shared();
  const uint64_t records = CursorTotal(node.log().End());
  for (auto* p : node.projections()) p->Stop();
  auto t0 = Now();
  if (!RebuildProjections(node.projections()).ok()) std::abort();
  const double secs = Seconds(t0, Now());
  Report("replay", records, secs, {},
         fmt::format(",\"projections\":{},\"events_applied\":{}", node.projections().size(),
                     records * node.projections().size()));
}

// The integrity checks over the shared node's log: a whole VerifyLog (a
// scrub pass, unpaced) and the local log's block checksum check, which
// start-up runs (verify_log_on_open).
void Verify(const Options&, Nodes& nodes, std::span<const size_t>) {
  Node& node = nodes.Shared();
  const uint64_t records = CursorTotal(node.log().End());
  auto t0 = Now();
  auto report = VerifyLog(node.log());
  if (!report.ok() || !report->ok) std::abort();
  Report("verify", records, Seconds(t0, Now()), {}, "");
  auto* local = dynamic_cast<LocalLog*>(&node.log());
  if (local == nullptr) return;
  uint64_t bytes = 0;
  local->db()->GetIntProperty(rocksdb::DB::Properties::kTotalSstFilesSize, &bytes);
  t0 = Now();
  if (!local->db()->VerifyChecksum().ok()) std::abort();
  Report("verify_files", records, Seconds(t0, Now()), {}, fmt::format(",\"sst_bytes\":{}", bytes));
}

constexpr Workload kWorkloads[] = {
    {.name = "raw_rocksdb",
     .description = "--batch records per synced RocksDB write, nothing else: the floor of the log",
     .stage = Stage::kWithoutNode,
     .run = &RawRocksdb,
     .by_default = true},
    {.name = "append",
     .description = "the local log's Append (partitions, offsets) over the same writes",
     .stage = Stage::kWithoutNode,
     .run = &Append,
     .by_default = true},
    {.name = "raw_kafka",
     .description = "the same records through a bare transactional producer on a mock "
                    "cluster (or --kafka-brokers)",
     .stage = Stage::kWithoutNode,
     .run = &RawKafka},
    {.name = "replay",
     .description = "every projection rebuilt from position 0 over the shared node's log",
     .stage = Stage::kRebuildShared,
     .run = &Replay,
     .by_default = true},
    {.name = "verify",
     .description = "VerifyLog over the shared node's log, then verify_files: its block checksums",
     .stage = Stage::kCheckShared,
     .run = &Verify,
     .by_default = true},
};

}  // namespace

std::span<const Workload> GenericWorkloads() { return kWorkloads; }

}  // namespace ledger::bench
