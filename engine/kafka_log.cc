#include "engine/kafka_log.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <spdlog/spdlog.h>

#include <thread>

namespace ledger {
namespace {

struct ErrorDeleter {
  void operator()(rd_kafka_error_t* e) const { rd_kafka_error_destroy(e); }
};
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;

using Settings = std::vector<std::pair<std::string, std::string>>;

uint64_t CacheKey(uint32_t partition, uint64_t offset) {
  return (static_cast<uint64_t>(partition) << 48) | (offset & ((1ull << 48) - 1));
}

// Outcome of one produced record, filled by the delivery report.
struct Delivery {
  AppendRecord* record;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  bool delivered = false;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* d = static_cast<Delivery*>(m->_private);
  if (d == nullptr) return;
  d->delivered = true;
  d->err = m->err;
  if (!m->err) d->record->offset = static_cast<uint64_t>(m->offset);
}

Result<rd_kafka_t*> NewClient(rd_kafka_type_t type, const Settings& settings,
                              bool delivery_reports = false) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status::Malformed(fmt::format("kafka setting {}: {}", k, err));
    }
  }
  if (delivery_reports) rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);  // takes conf on success
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::Unavailable(std::string("kafka client: ") + err);
  }
  return rk;
}

Settings ReaderSettings(const std::string& brokers) {
  return {{"bootstrap.servers", brokers},
          {"group.id", "ledgerd-reader"},
          {"enable.auto.commit", "false"},
          {"enable.auto.offset.store", "false"},
          {"isolation.level", "read_committed"},
          {"enable.partition.eof", "true"},
          {"fetch.wait.max.ms", "10"},
          {"log_level", "3"}};
}

// Merges the partitions by event id, as LogReader promises: records are
// fetched into a buffer per partition, and the one with the smallest event
// id is returned only once every partition either has a record buffered (a
// later one, since each partition is in event-id order) or is known to hold
// nothing more below the end of the log as of this call (log_->End()). A
// record at or beyond that end is kept for a later call: a partition that
// looked finished could still receive records of the same transaction.
class KafkaReader final : public LogReader {
 public:
  KafkaReader(const KafkaLog* log, LogCursor from, bool verify, rd_kafka_t* consumer)
      : log_(log),
        pos_(std::move(from)),
        fetched_(pos_),
        heads_(pos_.size()),
        paused_(pos_.size(), false),
        verify_(verify),
        consumer_(consumer) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(
        static_cast<int>(pos_.size()));
    for (uint32_t p = 0; p < pos_.size(); ++p) {
      Add(list, p)->offset = static_cast<int64_t>(pos_[p]);
    }
    rd_kafka_assign(consumer_, list);
    rd_kafka_topic_partition_list_destroy(list);
  }
  ~KafkaReader() override {
    rd_kafka_consumer_close(consumer_);
    rd_kafka_destroy(consumer_);
  }

  // Returns records as soon as they can be ordered. Returns none only once
  // every partition is at its end (as of this call): an empty answer means
  // "caught up", never "the consumer was slow". Gives up with `unavailable`
  // after the log's timeout.
  Status Next(size_t max_records, std::vector<LogRecord>* out) override {
    if (!failed_.ok()) return failed_;
    const LogCursor target = log_->End();
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(log_->options().timeout_ms);
    size_t produced = 0;
    while (produced < max_records) {
      // A partition is settled when it has a record below the target
      // buffered, or when everything below the target was fetched.
      bool settled = true;
      int best = -1;
      events::EventIdValue best_id;
      for (size_t p = 0; p < heads_.size(); ++p) {
        if (!heads_[p].empty() && heads_[p].front().offset < target[p]) {
          auto id = events::EventIdOf(*heads_[p].front().envelope());
          if (best < 0 || id < best_id) {
            best = static_cast<int>(p);
            best_id = id;
          }
        } else if (heads_[p].empty() && fetched_[p] < target[p]) {
          settled = false;
        }
      }
      if (settled) {
        if (best < 0) break;  // caught up with the target
        Emit(static_cast<size_t>(best), out);
        ++produced;
        continue;
      }
      // Some partition may still hold a record with a smaller event id:
      // fetch more.
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_, produced ? 0 : 100);
      if (m == nullptr) {
        if (produced > 0) break;
        if (std::chrono::steady_clock::now() > deadline) {
          return Status::Unavailable("kafka: no record arrived before the timeout");
        }
        continue;
      }
      std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> guard(
          m, rd_kafka_message_destroy);
      Status s = Take(m);
      if (!s.ok()) {
        failed_ = s;
        if (produced > 0) return Status::Ok();
        return failed_;
      }
    }
    return Status::Ok();
  }

  const LogCursor& position() const override { return pos_; }

 private:
  // Records buffered per partition before its fetching pauses: bounds the
  // memory a partition far ahead of the others takes.
  static constexpr size_t kBufferedRecordsMax = 4096;

  rd_kafka_topic_partition_t* Add(rd_kafka_topic_partition_list_t* list, uint32_t p) const {
    return rd_kafka_topic_partition_list_add(
        list, log_->TopicOf(p).c_str(), static_cast<int32_t>(log_->layout().IndexInTopic(p)));
  }

  // Files one message of the consumer: a record into its partition's buffer,
  // or an end of partition. Errors the client retries by itself are skipped.
  Status Take(const rd_kafka_message_t* m) {
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      // The end moves past transaction markers and aborted records: the
      // position alone says whether the partition is finished.
      if (auto p = PartitionOf(m)) {
        fetched_[*p] = std::max(fetched_[*p], static_cast<uint64_t>(m->offset));
        if (heads_[*p].empty()) pos_[*p] = std::max(pos_[*p], fetched_[*p]);
      }
      return Status::Ok();
    }
    if (m->err) {
      if (m->err == RD_KAFKA_RESP_ERR__TRANSPORT || m->err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
        return Status::Ok();  // retried by the client
      }
      return Status::Unavailable(std::string("kafka read: ") + rd_kafka_message_errstr(m));
    }
    auto p = PartitionOf(m);
    if (!p) return Status::Ok();
    const uint64_t offset = static_cast<uint64_t>(m->offset);
    if (offset < fetched_[*p]) return Status::Ok();  // already had it
    LogRecord r{*p, offset, std::string(static_cast<const char*>(m->payload), m->len)};
    Status s = events::VerifyRecord(r.bytes, verify_);
    if (!s.ok()) return CorruptionStatus(log_->layout(), *p, r.offset, s.message());
    fetched_[*p] = offset + 1;
    heads_[*p].push_back(std::move(r));
    if (heads_[*p].size() >= kBufferedRecordsMax) Pause(*p, true);
    return Status::Ok();
  }

  void Emit(size_t p, std::vector<LogRecord>* out) {
    auto& q = heads_[p];
    pos_[p] = q.front().offset + 1;
    out->push_back(std::move(q.front()));
    q.pop_front();
    // Whatever lies between the last record and the fetch position is
    // markers or aborted records.
    if (q.empty()) pos_[p] = std::max(pos_[p], fetched_[p]);
    if (paused_[p] && q.size() < kBufferedRecordsMax / 2) Pause(p, false);
  }

  void Pause(size_t p, bool pause) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    Add(list, static_cast<uint32_t>(p));
    if (pause) {
      rd_kafka_pause_partitions(consumer_, list);
    } else {
      rd_kafka_resume_partitions(consumer_, list);
    }
    rd_kafka_topic_partition_list_destroy(list);
    paused_[p] = pause;
  }

  std::optional<uint32_t> PartitionOf(const rd_kafka_message_t* m) const {
    if (m->rkt == nullptr) return std::nullopt;
    return log_->PartitionOf(rd_kafka_topic_name(m->rkt), m->partition);
  }

  const KafkaLog* log_;
  LogCursor pos_;      // after the last record returned
  LogCursor fetched_;  // the next offset the consumer delivers, per partition
  std::vector<std::deque<LogRecord>> heads_;  // fetched, not yet returned
  std::vector<bool> paused_;
  bool verify_;
  rd_kafka_t* consumer_;
  Status failed_;
};

}  // namespace

const std::string& KafkaLog::TopicOf(uint32_t partition) const {
  return topics_[static_cast<size_t>(options_.layout.TopicOf(partition))];
}

std::optional<uint32_t> KafkaLog::PartitionOf(std::string_view topic,
                                              int32_t index_in_topic) const {
  const uint32_t per_topic = options_.layout.partitions_per_topic;
  if (index_in_topic < 0 || static_cast<uint32_t>(index_in_topic) >= per_topic) return std::nullopt;
  for (size_t t = 0; t < kTopicCount; ++t) {
    if (topics_[t] == topic) {
      return static_cast<uint32_t>(t) * per_topic + static_cast<uint32_t>(index_in_topic);
    }
  }
  return std::nullopt;
}

KafkaLog::KafkaLog(KafkaLogOptions options)
    : options_(std::move(options)), appended_end_(options_.layout.partition_count(), 0) {
  for (size_t t = 0; t < kTopicCount; ++t) {
    topics_[t] = options_.topic_prefix + std::string(kTopicNames[t]);
  }
}

KafkaLog::~KafkaLog() {
  if (producer_) {
    rd_kafka_flush(producer_, 5000);
    rd_kafka_destroy(producer_);
  }
  if (reader_) {
    rd_kafka_consumer_close(reader_);
    rd_kafka_destroy(reader_);
  }
}

Result<std::unique_ptr<KafkaLog>> KafkaLog::Open(KafkaLogOptions options) {
  if (options.brokers.empty()) return Status::Malformed("the kafka backend needs --kafka-brokers");
  std::unique_ptr<KafkaLog> log(new KafkaLog(options));
  Settings producer = {{"bootstrap.servers", options.brokers},
                       {"enable.idempotence", "true"},
                       {"acks", "all"},
                       {"linger.ms", "1"},
                       {"message.timeout.ms", std::to_string(options.timeout_ms)},
                       {"log_level", "3"}};
  if (options.writer) {
    producer.push_back({"transactional.id", options.transactional_id});
    producer.push_back({"transaction.timeout.ms", std::to_string(options.timeout_ms)});
  }
  auto p = NewClient(RD_KAFKA_PRODUCER, producer, true);
  if (!p.ok()) return p.status();
  log->producer_ = *p;
  LEDGER_RETURN_IF_ERROR(log->EnsureTopics());
  if (options.writer) {
    // Fences every older producer with the same transactional.id.
    ErrorPtr e(rd_kafka_init_transactions(log->producer_, options.timeout_ms));
    if (e) {
      return Status::Unavailable(std::string("kafka init_transactions: ") +
                                 rd_kafka_error_string(e.get()));
    }
  }
  auto r = NewClient(RD_KAFKA_CONSUMER, ReaderSettings(options.brokers));
  if (!r.ok()) return r.status();
  log->reader_ = *r;
  return log;
}

Status KafkaLog::EnsureTopics() {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(producer_, 1, nullptr, &md, options_.timeout_ms);
  if (err) return Status::Unavailable(std::string("kafka metadata: ") + rd_kafka_err2str(err));
  std::vector<std::string> missing;
  for (const auto& topic : topics_) {
    bool found = false;
    for (int i = 0; i < md->topic_cnt; ++i) {
      if (topic == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        found = true;
        if (md->topics[i].partition_cnt < static_cast<int>(options_.layout.partitions_per_topic)) {
          rd_kafka_metadata_destroy(md);
          return Status::InvalidState(fmt::format(
              "topic {} has {} partitions, ledgerd is configured for {}", topic,
              md->topics[i].partition_cnt, options_.layout.partitions_per_topic));
        }
      }
    }
    if (!found) missing.emplace_back(topic);
  }
  rd_kafka_metadata_destroy(md);
  if (missing.empty()) return Status::Ok();
  if (!options_.create_topics) {
    return Status::InvalidState("missing kafka topic " + missing.front());
  }
  std::vector<rd_kafka_NewTopic_t*> topics;
  char errstr[512];
  for (const auto& t : missing) {
    auto* nt = rd_kafka_NewTopic_new(t.c_str(), static_cast<int>(options_.layout.partitions_per_topic),
                                     options_.replication_factor, errstr, sizeof errstr);
    if (nt == nullptr) return Status::Malformed(errstr);
    // More in-sync replicas than replicas would refuse every write.
    const int isr = std::min(options_.min_insync_replicas, options_.replication_factor);
    rd_kafka_NewTopic_set_config(nt, "min.insync.replicas", std::to_string(isr).c_str());
    // The log of record: never deleted by age or size (the broker's
    // defaults drop segments after 7 days), never compacted (compaction
    // keeps the last record per key: one event per stream).
    rd_kafka_NewTopic_set_config(nt, "retention.ms", "-1");
    rd_kafka_NewTopic_set_config(nt, "retention.bytes", "-1");
    rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "delete");
    rd_kafka_NewTopic_set_config(nt, "unclean.leader.election.enable", "false");
    topics.push_back(nt);
  }
  rd_kafka_queue_t* q = rd_kafka_queue_new(producer_);
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(producer_, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(opts, options_.timeout_ms, errstr, sizeof errstr);
  rd_kafka_CreateTopics(producer_, topics.data(), topics.size(), opts, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, options_.timeout_ms + 1000);
  Status result = Status::Ok();
  if (ev == nullptr) {
    result = Status::Unavailable("kafka: creating the ledger topics timed out");
  } else if (rd_kafka_event_error(ev)) {
    result = Status::Unavailable(std::string("kafka create topics: ") + rd_kafka_event_error_string(ev));
  } else if (const auto* res = rd_kafka_event_CreateTopics_result(ev)) {
    size_t n = 0;
    const rd_kafka_topic_result_t** tr = rd_kafka_CreateTopics_result_topics(res, &n);
    for (size_t i = 0; i < n && result.ok(); ++i) {
      auto e = rd_kafka_topic_result_error(tr[i]);
      if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        result = Status::Unavailable(fmt::format("kafka create topic {}: {}",
                                                 rd_kafka_topic_result_name(tr[i]),
                                                 rd_kafka_err2str(e)));
      }
    }
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(q);
  for (auto* t : topics) rd_kafka_NewTopic_destroy(t);
  if (result.ok()) spdlog::info("kafka: created {} ledger topics", missing.size());
  return result;
}

Status KafkaLog::Append(std::vector<AppendRecord>* records) {
  if (records->empty()) return Status::Ok();
  if (!options_.writer) return Status::Unavailable("this kafka log was opened read-only");
  if (fenced_) return Status::Unavailable(fenced_why_);
  if (abort_pending_) {
    LEDGER_RETURN_IF_ERROR(Resume());
  }
  auto fail = [&](rd_kafka_error_t* raw, const char* what) -> Status {
    ErrorPtr e(raw);
    ++producer_errors_;
    ++aborted_;
    std::string msg = fmt::format("kafka {}: {}", what, rd_kafka_error_string(e.get()));
    if (rd_kafka_error_is_fatal(e.get())) {
      Fence(rd_kafka_error_code(e.get()), msg);
      return Status::Unavailable(fenced_why_);
    }
    // Whatever failed, the transaction is aborted: nothing of the batch
    // becomes visible to read_committed readers.
    ErrorPtr a(rd_kafka_abort_transaction(producer_, options_.timeout_ms));
    if (a && rd_kafka_error_is_fatal(a.get())) {
      Fence(rd_kafka_error_code(a.get()), msg);
      return Status::Unavailable(fenced_why_);
    }
    // __STATE: no transaction was open (begin_transaction itself failed).
    if (a && rd_kafka_error_code(a.get()) != RD_KAFKA_RESP_ERR__STATE) {
      abort_pending_ = true;  // retried by Resume before the next transaction
      spdlog::warn("kafka abort_transaction: {}", rd_kafka_error_string(a.get()));
    }
    return Status::Unavailable(msg);
  };
  if (auto* e = rd_kafka_begin_transaction(producer_)) return fail(e, "begin_transaction");
  std::vector<Delivery> deliveries(records->size());
  for (size_t i = 0; i < records->size(); ++i) {
    AppendRecord& r = (*records)[i];
    deliveries[i].record = &r;
    const auto* env = events::EnvelopeOf(r.bytes);
    auto key = events::Sv(env->stream_id());
    auto type = events::EventTypeName(*env);
    std::string version = std::to_string(env->schema_version());
    std::string topic = TopicOf(r.partition);
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_, RD_KAFKA_V_TOPIC(topic.c_str()),
        RD_KAFKA_V_PARTITION(static_cast<int32_t>(options_.layout.IndexInTopic(r.partition))),
        RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(r.bytes.data()), r.bytes.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_HEADER("event_type", type.data(), static_cast<ssize_t>(type.size())),
        RD_KAFKA_V_HEADER("schema_version", version.data(), static_cast<ssize_t>(version.size())),
        RD_KAFKA_V_OPAQUE(&deliveries[i]), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(producer_, 100);
      --i;
      continue;
    }
    if (err) {
      return fail(rd_kafka_error_new(err, "%s", rd_kafka_err2str(err)), "produce");
    }
  }
  // Commits (flushing every record and serving the delivery reports).
  if (auto* e = rd_kafka_commit_transaction(producer_, options_.timeout_ms)) {
    return fail(e, "commit_transaction");
  }
  for (const auto& d : deliveries) {
    if (!d.delivered || d.err) {
      // Committed but a record reports no offset: should not happen.
      return Status::Internal("kafka: a committed record has no delivery report");
    }
  }
  ++committed_;
  {
    std::lock_guard lock(end_mu_);
    for (const auto& r : *records) {
      appended_end_[r.partition] = std::max(appended_end_[r.partition], r.offset + 1);
    }
  }
  for (const auto& r : *records) Remember(r.partition, r.offset, r.bytes);
  return Status::Ok();
}

void KafkaLog::Fence(int code_int, const std::string& what) {
  const auto code = static_cast<rd_kafka_resp_err_t>(code_int);
  if (code == RD_KAFKA_RESP_ERR__FENCED || code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
      code == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH) {
    fenced_why_ = fmt::format(
        "this ledgerd was fenced: another writer started with transactional id \"{}\" and "
        "took over the log; this one never writes again ({})",
        options_.transactional_id, what);
  } else {
    fenced_why_ = fmt::format(
        "the kafka producer failed for good ({}): this ledgerd never writes again; restart it",
        what);
  }
  spdlog::error("{}", fenced_why_);
  fenced_ = true;
}

Status KafkaLog::Resume() {
  if (fenced_) return Status::Unavailable(fenced_why_);
  if (!abort_pending_) return Status::Ok();
  ErrorPtr a(rd_kafka_abort_transaction(producer_, options_.timeout_ms));
  if (a && rd_kafka_error_is_fatal(a.get())) {
    Fence(rd_kafka_error_code(a.get()), std::string("kafka abort_transaction: ") +
                                            rd_kafka_error_string(a.get()));
    return Status::Unavailable(fenced_why_);
  }
  if (a && rd_kafka_error_code(a.get()) != RD_KAFKA_RESP_ERR__STATE) {
    return Status::Unavailable(std::string("kafka abort_transaction: ") +
                               rd_kafka_error_string(a.get()));
  }
  abort_pending_ = false;
  return Status::Ok();
}

std::vector<std::pair<std::string, uint64_t>> KafkaLog::Counters() const {
  return {{"kafka_transactions_committed_total", committed_.load()},
          {"kafka_transactions_failed_total", aborted_.load()},
          {"kafka_producer_errors_total", producer_errors_.load()},
          {"kafka_read_errors_total", read_errors_.load()}};
}

LogCursor KafkaLog::End() const {
  LogCursor end(options_.layout.partition_count(), 0);
  for (uint32_t p = 0; p < end.size(); ++p) {
    int64_t low = 0, high = 0;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        producer_, TopicOf(p).c_str(), static_cast<int32_t>(options_.layout.IndexInTopic(p)), &low,
        &high, options_.timeout_ms);
    if (!err) end[p] = static_cast<uint64_t>(high);
  }
  std::lock_guard lock(end_mu_);
  for (uint32_t p = 0; p < end.size(); ++p) end[p] = std::max(end[p], appended_end_[p]);
  return end;
}

void KafkaLog::Remember(uint32_t partition, uint64_t offset, const std::string& bytes) const {
  std::lock_guard lock(cache_mu_);
  uint64_t key = CacheKey(partition, offset);
  if (cache_.emplace(key, bytes).second) cache_order_.push_back(key);
  while (cache_order_.size() > options_.cache_records_max) {
    cache_.erase(cache_order_.front());
    cache_order_.pop_front();
  }
}

Status KafkaLog::ReadAt(uint32_t partition, uint64_t offset, std::string* bytes) const {
  if (partition >= options_.layout.partition_count()) return Status::NotFound("no such partition");
  bytes->clear();
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(CacheKey(partition, offset));
    if (it != cache_.end()) *bytes = it->second;
  }
  if (bytes->empty()) {
    std::lock_guard lock(read_mu_);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, TopicOf(partition).c_str(),
                                      static_cast<int32_t>(options_.layout.IndexInTopic(partition)))
        ->offset = static_cast<int64_t>(offset);
    rd_kafka_assign(reader_, list);
    rd_kafka_topic_partition_list_destroy(list);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.timeout_ms);
    while (bytes->empty() && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(reader_, 100);
      if (m == nullptr) continue;
      if (!m->err && static_cast<uint64_t>(m->offset) == offset) {
        bytes->assign(static_cast<const char*>(m->payload), m->len);
      } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF ||
                 (!m->err && static_cast<uint64_t>(m->offset) > offset)) {
        rd_kafka_message_destroy(m);
        rd_kafka_assign(reader_, nullptr);
        return Status::NotFound(fmt::format("no record at {}@{}",
                                            options_.layout.PartitionName(partition), offset));
      }
      rd_kafka_message_destroy(m);
    }
    rd_kafka_assign(reader_, nullptr);
    if (bytes->empty()) {
      ++read_errors_;
      return Status::Unavailable("kafka: reading a record timed out");
    }
    Remember(partition, offset, *bytes);
  }
  Status s = events::VerifyRecord(*bytes, true);
  if (!s.ok()) return CorruptionStatus(options_.layout, partition, offset, s.message());
  return s;
}

std::unique_ptr<LogReader> KafkaLog::NewReader(const LogCursor& from, bool verify_hashes) const {
  LEDGER_ASSERT(from.size() == options_.layout.partition_count());
  auto consumer = NewClient(RD_KAFKA_CONSUMER, ReaderSettings(options_.brokers));
  LEDGER_ASSERT(consumer.ok());
  return std::make_unique<KafkaReader>(this, from, verify_hashes, *consumer);
}

bool KafkaLog::WaitBeyond(const LogCursor& cursor, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    LogCursor end = End();
    for (size_t p = 0; p < end.size(); ++p) {
      if (end[p] > cursor[p]) return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Result<std::unique_ptr<KafkaMockCluster>> KafkaMockCluster::Start(int brokers,
                                                                  uint32_t partitions_per_topic) {
  std::unique_ptr<KafkaMockCluster> m(new KafkaMockCluster());
  auto owner = NewClient(RD_KAFKA_PRODUCER, {{"log_level", "3"}});
  if (!owner.ok()) return owner.status();
  m->owner_ = *owner;
  m->cluster_ = rd_kafka_mock_cluster_new(m->owner_, brokers);
  if (m->cluster_ == nullptr) return Status::Unavailable("cannot start the mock kafka cluster");
  m->bootstraps_ = rd_kafka_mock_cluster_bootstraps(m->cluster_);
  for (auto topic : kTopicNames) {
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(
        m->cluster_, std::string(topic).c_str(), static_cast<int>(partitions_per_topic),
        std::min(brokers, 3));
    if (err) return Status::Unavailable(std::string("mock topic: ") + rd_kafka_err2str(err));
  }
  return m;
}

KafkaMockCluster::~KafkaMockCluster() {
  if (cluster_) rd_kafka_mock_cluster_destroy(cluster_);
  if (owner_) rd_kafka_destroy(owner_);
}

}  // namespace ledger
