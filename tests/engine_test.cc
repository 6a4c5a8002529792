// The write path: idempotency, optimistic concurrency, restart, snapshots,
// corruption, recovery of the tail only, and projections rebuilt from zero.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "engine/local_log.h"
#include "engine/scrub.h"
#include "engine/state_keys.h"
#include "engine/verify.h"
#include "projections/audit.h"
#include "projections/purchasing/commitments.h"
#include "tests/test_support.h"

namespace ledger::testing {
namespace {

using domain::PurchaseOrder;

class EngineTest : public NodeTest {
 protected:
  void SetUp() override {
    NodeTest::SetUp();
    SeedReference();
  }
  // Engine Commands: the tests set their keys and versions.
  static Command Confirm(const std::string& id) { return ToCommand(domain::ConfirmPo{id}); }
  static Command Create(const char* qty = "1") {
    domain::PoHeaderInput h;
    h.supplier = "ACME";
    return ToCommand(domain::CreatePurchaseOrder{h, {}, {Line("LAPTOP", qty, "100")}});
  }
  LocalLog& local_log() { return static_cast<LocalLog&>(node().log()); }
  // With the node closed: sets both store cursors back to `at` and drops the
  // snapshot of every order created after it, as a crash right after `at`
  // would have left them.
  // With the node closed: runs `fn` on its state store.
  void WithStore(const std::function<void(rocksdb::DB*)>& fn) {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options o;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir_.path() + "/store", &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    fn(db.get());
  }
  void RewindStore(const LogCursor& at) {
    WithStore([&](rocksdb::DB* db) { Rewind(db, at); });
  }
  static void Rewind(rocksdb::DB* db, const LogCursor& at) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), state_keys::kCursor, EncodeCursor(at)).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), state_keys::kSnapshotCursor, EncodeCursor(at)).ok());
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(),
                           state_keys::Snapshot(StreamKey("purchase_order", "PO-2026-00008")))
                    .ok());
  }
  // Every PO's snapshot JSON, for comparing states across restarts.
  std::string Snapshot(const std::string& id) {
    auto s = engine().Load("purchase_order", id);
    return s ? std::to_string(s->version) + s->Encode() : "absent";
  }
};

TEST_F(EngineTest, IdempotencyKeyReturnsTheFirstResultAndAppendsNothing) {
  Command c = Create();
  c.idempotency_key = "k-1";
  c.request_hash = "h";
  auto first = When(c);
  ASSERT_TRUE(first.status.ok());
  EXPECT_EQ(appended_.size(), 2u);
  Command again = Create("7");
  again.idempotency_key = "k-1";
  again.request_hash = "h";
  auto second = When(again);
  EXPECT_TRUE(second.status.ok());
  EXPECT_TRUE(second.replayed);
  EXPECT_EQ(second.stream_id, first.stream_id);
  EXPECT_EQ(second.version, first.version);
  EXPECT_TRUE(second.created);
  EXPECT_TRUE(appended_.empty());
  // The same key for a different request is refused.
  Command other = Create();
  other.idempotency_key = "k-1";
  other.request_hash = "other";
  When(other);
  ExpectRejected(Errc::kDuplicate);
  // Keys are scoped per actor.
  Command mine = Create();
  mine.idempotency_key = "k-1";
  mine.request_hash = "h";
  When(mine, Actor{"bob", {"buyer"}});
  EXPECT_FALSE(last_.replayed);
  EXPECT_EQ(appended_.size(), 2u);
}

TEST_F(EngineTest, IdempotencyKeysSurviveRestartAndRecovery) {
  Command c = Create();
  c.idempotency_key = "k-restart";
  c.request_hash = "h";
  auto first = Ok(c);
  // Lose the store's record of the key: it must be rebuilt from the log.
  ASSERT_TRUE(node().store()->Delete(rocksdb::WriteOptions(),
                                     state_keys::Idempotency("alice\x1fk-restart")).ok());
  node_.reset();  // a clean stop writes every snapshot
  RewindStore(LogCursor(config_.partitions_per_topic * kTopicCount, 0));
  Reopen();
  Command again = Create();
  again.idempotency_key = "k-restart";
  again.request_hash = "h";
  auto second = When(again);
  EXPECT_TRUE(second.replayed);
  EXPECT_EQ(second.stream_id, first.stream_id);
  EXPECT_TRUE(appended_.empty());
}

TEST_F(EngineTest, IfMatchVersionConflict) {
  auto id = NewPo({Line("LAPTOP", "1", "10")});
  Command c = Confirm(id);
  c.expected_version = 1;
  When(c);
  ExpectRejected(Errc::kVersionConflict);
  Command ok = Confirm(id);
  ok.expected_version = 2;
  When(ok);
  EXPECT_TRUE(last_.status.ok());
  EXPECT_EQ(last_.version, 3u);
}

TEST_F(EngineTest, ExpectNewAndExistingAreEnforced) {
  events::CostCenterDefinedT cc;
  cc.name = "again";
  When(domain::DefineReference{"IT", Def(cc), Expect::kNew}, kAdmin);
  ExpectRejected(Errc::kDuplicate);
  When(domain::DefineReference{"NEW", Def(cc), Expect::kExisting}, kAdmin);
  ExpectRejected(Errc::kNotFound);
}

TEST_F(EngineTest, ConcurrentCreatesGetGapFreeUniqueNumbers) {
  constexpr int kThreads = 8, kPerThread = 50;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::string> ids;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        auto out = Run(Create());
        std::lock_guard lock(mu);
        EXPECT_TRUE(out.status.ok());
        ids.insert(out.stream_id);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(ids.size(), size_t{kThreads * kPerThread});
  for (int n = 1; n <= kThreads * kPerThread; ++n) {
    EXPECT_TRUE(ids.count(fmt::format("PO-2026-{:05}", n))) << n;
  }
  EXPECT_GT(engine().stats().batches, 0u);
}

TEST_F(EngineTest, StateAndHistoryAreIdenticalAfterRestart) {
  auto a = NewPo({Line("LAPTOP", "2", "1000")});
  auto b = NewPo({Line("SCREEN", "1", "10")});
  Ok(Confirm(a));
  std::string snap_a = Snapshot(a), snap_b = Snapshot(b);
  std::vector<LogRecord> before, after;
  ASSERT_TRUE(engine().ReadStream("purchase_order", a, &before).ok());
  Reopen();
  EXPECT_EQ(Snapshot(a), snap_a);
  EXPECT_EQ(Snapshot(b), snap_b);
  ASSERT_TRUE(engine().ReadStream("purchase_order", a, &after).ok());
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].bytes, before[i].bytes);
  }
  EXPECT_EQ(engine().stats().recovered_records, 0u);
  // Numbering continues where it stopped.
  EXPECT_EQ(NewPo({}), "PO-2026-00003");
}

TEST_F(EngineTest, RecoveryReplaysOnlyTheTailAfterTheStoredCursor) {
  for (int i = 0; i < 5; ++i) NewPo({Line("LAPTOP", "1", "10")});
  LogCursor at = node().log().End();
  for (int i = 0; i < 3; ++i) NewPo({Line("LAPTOP", "1", "10")});
  std::string snap = Snapshot("PO-2026-00008");
  // Pretend the store's last writes were lost in a crash: its cursors are
  // older and the newest order has no snapshot.
  node_.reset();
  RewindStore(at);
  Reopen();
  EXPECT_EQ(engine().stats().recovered_records, 6u);  // 3 orders x (created + line)
  EXPECT_EQ(Snapshot("PO-2026-00008"), snap);
  EXPECT_EQ(NewPo({}), "PO-2026-00009");
}

TEST_F(EngineTest, ASnapshotThatNoLongerDecodesIsRebuiltFromTheLog) {
  auto id = NewPo({Line("LAPTOP", "2", "1000"), Line("SCREEN", "1", "5")});
  Ok(Confirm(id));
  std::string snap = Snapshot(id);
  std::string key = state_keys::Snapshot(StreamKey("purchase_order", id));
  node_.reset();  // a clean stop writes every snapshot
  WithStore([&](rocksdb::DB* db) {
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok());
    value.resize(value.size() / 2);  // truncated: no longer decodes
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, value).ok());
  });
  Reopen();
  EXPECT_EQ(Snapshot(id), snap);
  // An older snapshot format is dropped the same way.
  node_.reset();
  WithStore([&](rocksdb::DB* db) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, state_keys::EncodeSnapshot(999, 4, "whatever"))
                    .ok());
  });
  Reopen();
  EXPECT_EQ(Snapshot(id), snap);
  // And the writer keeps working on the rebuilt state.
  When(Confirm(id));
  ExpectRejected(Errc::kInvalidState);
}

TEST_F(EngineTest, ACorruptedLogRecordIsReportedNotServed) {
  auto id = NewPo({Line("LAPTOP", "1", "10")});
  std::vector<LogRecord> records;
  ASSERT_TRUE(engine().ReadStream("purchase_order", id, &records).ok());
  LogRecord victim = records[1];
  std::string bytes = victim.bytes;
  // Flip a byte inside the payload's quantity text.
  auto pos = bytes.find("LAPTOP");
  ASSERT_NE(pos, std::string::npos);
  bytes[pos] = 'X';
  ASSERT_TRUE(local_log().CorruptForTest(victim.partition, victim.offset, bytes).ok());
  records.clear();
  Status s = engine().ReadStream("purchase_order", id, &records);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  auto report = VerifyLog(node().log());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->partition, victim.partition);
  EXPECT_EQ(report->offset, victim.offset);
  // Garbage that is not even an envelope is reported the same way.
  ASSERT_TRUE(local_log().CorruptForTest(victim.partition, victim.offset, "garbage!garbage!").ok());
  report = VerifyLog(node().log());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->offset, victim.offset);
}

// The largest file of `dir` whose name ends with `suffix`.
std::string LargestFile(const std::string& dir, const std::string& suffix) {
  std::string best;
  uintmax_t best_size = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().string();
    if (name.size() >= suffix.size() && name.ends_with(suffix) && e.file_size() > best_size) {
      best = name;
      best_size = e.file_size();
    }
  }
  return best;
}

void FlipByte(const std::string& path, uintmax_t at) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(at));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(at));
  f.write(&c, 1);
}

TEST_F(EngineTest, ADamagedLogFileStopsStartUpNamingTheRecordsItLost) {
  for (int i = 0; i < 400; ++i) Ok(Create());
  ASSERT_TRUE(local_log().db()->Flush(rocksdb::FlushOptions()).ok());
  const uint32_t purchasing = node().log().layout().PartitionFor(Topic::kPurchasing, "x");
  node_.reset();
  const std::string sst = LargestFile(dir_.path() + "/log", ".sst");
  ASSERT_FALSE(sst.empty());
  FlipByte(sst, std::filesystem::file_size(sst) / 3);  // inside a data block

  auto reopened = Node::Open(config_, &clock_);
  ASSERT_FALSE(reopened.ok());
  const Status& s = reopened.status();
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_EQ(s.rule(), "damaged_log");
  EXPECT_NE(s.message().find("records that cannot be read: ledger.purchasing/0@"),
            std::string::npos) << s.message();
  std::string first_bad;
  for (const auto& [k, v] : s.details()) {
    if (k == "offset") first_bad = v;
  }
  ASSERT_FALSE(first_bad.empty());
  EXPECT_NE(first_bad, "0") << "a block in the middle of the file holds later records";

  // The verifier names the same first record, not the partition's start.
  LocalLogOptions lo;
  lo.verify_on_open = false;
  auto log = LocalLog::Open(dir_.path() + "/log", lo);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  auto report = VerifyLog(**log);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->partition, purchasing);
  EXPECT_EQ(std::to_string(report->offset), first_bad) << report->reason;
  EXPECT_NE(report->reason.find("checksum"), std::string::npos) << report->reason;
  log->reset();
  node_ = nullptr;
  // Reopen in TearDown must not run on the damaged log: a fresh directory.
}

TEST_F(EngineTest, AcknowledgedRecordsMissingFromTheLogStopStartUpUnlessAccepted) {
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(Ok(Create()).stream_id);
  const uint32_t purchasing = node().log().layout().PartitionFor(Topic::kPurchasing, "x");
  const uint64_t end = node().log().End()[purchasing];
  const uint64_t lost = 2 * (end / ids.size());  // the last two orders' events
  node_.reset();
  // The log loses its last records, as a damaged WAL tail would.
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir_.path() + "/log", &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    for (uint64_t o = end - lost; o < end; ++o) {
      ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), LogKey(purchasing, o)).ok());
    }
  }
  auto refused = Node::Open(config_, &clock_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().rule(), "lost_records");
  EXPECT_NE(refused.status().message().find(
                fmt::format("ledger.purchasing/0@{}..{} ({} records)", end - lost, end - 1, lost)),
            std::string::npos)
      << refused.status().message();

  config_.accept_lost_records = true;
  Reopen();
  EXPECT_EQ(engine().Load("purchase_order", ids[7]) != nullptr, true);
  EXPECT_EQ(engine().Load("purchase_order", ids[8]), nullptr);
  EXPECT_EQ(engine().Load("purchase_order", ids[9]), nullptr);
  bool set_aside = false;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    set_aside = set_aside || e.path().filename().string().starts_with("store.lost-");
  }
  EXPECT_TRUE(set_aside);
  // The ledger goes on from what the log holds.
  EXPECT_EQ(Ok(Create()).stream_id, ids[8]);
  auto report = VerifyLog(node().log());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->reason;
}

TEST_F(EngineTest, TheScrubFindsADamagedRecordAndReportsItUntilRepaired) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(Ok(Create()).stream_id);
  const uint64_t total = CursorTotal(node().log().End());
  auto wait_for = [](const std::function<bool()>& done) {
    for (int i = 0; i < 400 && !done(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return done();
  };
  {
    // Paced: a pass over `total` records at total/2 a second takes ~2 s.
    LogScrubber paced(&node().log(), {total / 2, std::chrono::seconds(60)});
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    EXPECT_EQ(paced.report().passes, 0u);
    EXPECT_LT(paced.report().records, total);
  }
  LogScrubber scrub(&node().log(), {1'000'000, std::chrono::milliseconds(20)});
  ASSERT_TRUE(wait_for([&] { return scrub.report().passes >= 1; }));
  EXPECT_TRUE(scrub.report().damage.ok());

  std::vector<LogRecord> records;
  ASSERT_TRUE(engine().ReadStream("purchase_order", ids[5], &records).ok());
  const LogRecord victim = records[0];
  std::string bytes = victim.bytes;
  bytes[bytes.size() / 2] ^= 0x20;
  ASSERT_TRUE(local_log().CorruptForTest(victim.partition, victim.offset, bytes).ok());
  ASSERT_TRUE(wait_for([&] { return !scrub.report().damage.ok(); }));
  const Status damage = scrub.report().damage;
  EXPECT_TRUE(damage.IsCorruption());
  EXPECT_NE(damage.message().find(fmt::format("ledger.purchasing/0@{}", victim.offset)),
            std::string::npos)
      << damage.message();

  ASSERT_TRUE(local_log().CorruptForTest(victim.partition, victim.offset, victim.bytes).ok());
  EXPECT_TRUE(wait_for([&] { return scrub.report().damage.ok(); }));
}

TEST_F(EngineTest, VerifyChecksTheStateStoreAgainstTheLog) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Ok(Create()).stream_id);
  auto report = VerifyStore(node().log(), node().store());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->indexed, CursorTotal(node().log().End()));

  // An index entry that points at another stream's record.
  const std::string a = state_keys::Index(StreamKey("purchase_order", ids[0]), 1);
  const std::string b = state_keys::Index(StreamKey("purchase_order", ids[1]), 1);
  std::string ref_a, ref_b;
  ASSERT_TRUE(node().store()->Get(rocksdb::ReadOptions(), a, &ref_a).ok());
  ASSERT_TRUE(node().store()->Get(rocksdb::ReadOptions(), b, &ref_b).ok());
  ASSERT_TRUE(node().store()->Put(rocksdb::WriteOptions(), a, ref_b).ok());
  report = VerifyStore(node().log(), node().store());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok);
  EXPECT_NE(report->problem.find("index entry of purchase_order/" + ids[0] + " version 1 points at"),
            std::string::npos)
      << report->problem;

  // A record the store never indexed.
  ASSERT_TRUE(node().store()->Delete(rocksdb::WriteOptions(), a).ok());
  report = VerifyStore(node().log(), node().store());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok);
  EXPECT_NE(report->problem.find("index entries"), std::string::npos) << report->problem;
  ASSERT_TRUE(node().store()->Put(rocksdb::WriteOptions(), a, ref_a).ok());
  EXPECT_TRUE(VerifyStore(node().log(), node().store())->ok);
}

TEST_F(EngineTest, VerifyDetectsARecordRewrittenWithAValidHash) {
  auto id = NewPo({Line("LAPTOP", "1", "10")});
  NewPo({Line("LAPTOP", "1", "10")});
  auto ok = VerifyLog(node().log());
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->ok);
  EXPECT_EQ(ok->records, CursorTotal(node().log().End()));
  // Re-encode record 1 of the stream with a different payload but a correct
  // hash of its own: only the chain can tell.
  std::vector<LogRecord> records;
  ASSERT_TRUE(engine().ReadStream("purchase_order", id, &records).ok());
  const auto* e = records[1].envelope();
  events::PayloadUnion u;
  u.type = e->payload_type();
  u.value = events::PayloadUnion::UnPack(e->payload(), e->payload_type(), nullptr);
  u.AsPurchaseOrderLineAdded()->line->quantity = "1000";
  events::EnvelopeMeta m;
  m.event_id = events::EventIdOf(*e);
  m.stream_type = events::Sv(e->stream_type());
  m.stream_id = events::Sv(e->stream_id());
  m.stream_version = e->stream_version();
  m.recorded_at_us = e->recorded_at_us();
  m.actor = events::Sv(e->actor());
  m.partition = e->partition();
  events::Digest h;
  std::string forged = events::EncodeEnvelope(m, u, events::PrevHashOf(*e), &h);
  ASSERT_TRUE(events::VerifyRecord(forged, true).ok());
  ASSERT_TRUE(local_log().CorruptForTest(records[1].partition, records[1].offset, forged).ok());
  auto report = VerifyLog(node().log());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->offset, records[1].offset + 1);
  EXPECT_NE(report->reason.find("prev_hash"), std::string::npos);
}

TEST_F(EngineTest, RandomCorruptionNeverCrashesTheVerifier) {
  auto id = NewPo({Line("LAPTOP", "1", "10")});
  std::vector<LogRecord> records;
  ASSERT_TRUE(engine().ReadStream("purchase_order", id, &records).ok());
  const uint64_t seed = TestSeed("RandomCorruptionNeverCrashesTheVerifier");
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 300; ++round) {
    std::string bytes = records[0].bytes;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
    if (rng() % 5 == 0) bytes.resize(rng() % bytes.size());
    Status s = events::VerifyRecord(bytes, true);
    EXPECT_FALSE(s.ok()) << "seed " << seed << " round " << round;
  }
}

TEST_F(EngineTest, ProjectionsRebuiltFromZeroAnswerIdentically) {
  ASSERT_TRUE(node().StartProjections().ok());
  auto a = NewPo({Line("LAPTOP", "2", "1000"), Line("SCREEN", "1", "10", "OPS")});
  auto b = NewPo({Line("SCREEN", "3", "10")}, "EUROPA");
  Ok(Confirm(a));
  Ok(Confirm(b));
  Ok(domain::CancelPo{b, "x"});
  auto* commitments = node().projection("commitments");
  auto* audit = node().projection("audit");
  ASSERT_TRUE(commitments->WaitFor(node().log().End(), std::chrono::seconds(10)));
  ASSERT_TRUE(audit->WaitFor(node().log().End(), std::chrono::seconds(10)));
  auto rows = QueryCommitments(node().store(), {"cost_center", "supplier", "month"});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].cost_center, "IT");
  EXPECT_EQ((*rows)[0].committed, "2000.00");
  EXPECT_EQ((*rows)[1].cost_center, "OPS");
  EXPECT_EQ((*rows)[1].committed, "10.00");
  AuditQuery q;
  q.actor = "alice";
  q.limit = 1000;
  auto page = QueryAudit(node().store(), node().log(), q);
  ASSERT_TRUE(page.ok());
  std::string before_audit;
  for (const auto& r : page->events) before_audit += r.bytes;

  for (auto* p : node().projections()) p->Stop();
  for (auto* p : node().projections()) {
    ASSERT_TRUE(p->Reset().ok());
    ASSERT_TRUE(p->CatchUp().ok());
  }
  auto rebuilt = QueryCommitments(node().store(), {"cost_center", "supplier", "month"});
  ASSERT_TRUE(rebuilt.ok());
  ASSERT_EQ(rebuilt->size(), rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    EXPECT_EQ((*rebuilt)[i].committed, (*rows)[i].committed);
    EXPECT_EQ((*rebuilt)[i].supplier, (*rows)[i].supplier);
  }
  auto page2 = QueryAudit(node().store(), node().log(), q);
  std::string after_audit;
  for (const auto& r : page2->events) after_audit += r.bytes;
  EXPECT_EQ(after_audit, before_audit);
  EXPECT_FALSE(before_audit.empty());
}

// A projection that fails on its third event.
class FailingProjection final : public Projection {
 public:
  std::string_view name() const override { return "failing"; }
  uint32_t version() const override { return 1; }
  Status Apply(const LogRecord&, const events::Envelope&, ProjectionTxn& txn) override {
    if (++seen_ == 3) return Status::Corruption("failing projection: boom");
    txn.Put("n", std::to_string(seen_));
    return Status::Ok();
  }

 private:
  int seen_ = 0;
};

TEST_F(EngineTest, ARebuildReadsTheLogOnceForAllAndReportsAFailingProjection) {
  for (int i = 0; i < 10; ++i) Ok(Confirm(NewPo({Line("LAPTOP", "1", "10")})));
  ProjectionRunnerOptions small;
  small.batch_records_max = 4;  // many batches through the shared read
  ProjectionRunner healthy(&node().log(), node().store(), std::make_unique<CommitmentsProjection>(),
                           small);
  ProjectionRunner failing(&node().log(), node().store(), std::make_unique<FailingProjection>(),
                           small);
  uint64_t last_done = 0, last_total = 0;
  Status s = RebuildProjections({&healthy, &failing}, [&](uint64_t done, uint64_t total) {
    last_done = done;
    last_total = total;
  });
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_EQ(last_done, last_total);
  // The healthy projection went to the end and answers; the failing one
  // kept only what it committed before its failure.
  EXPECT_EQ(CursorTotal(healthy.position()), CursorTotal(node().log().End()));
  EXPECT_LT(CursorTotal(failing.position()), 3u);
  auto rows = QueryCommitments(node().store(), {});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].committed, "100.00");
  // Without the failing one, a rebuild succeeds and answers the same.
  ASSERT_TRUE(RebuildProjections({&healthy}).ok());
  EXPECT_EQ(QueryCommitments(node().store(), {})->at(0).committed, "100.00");
}

TEST_F(EngineTest, AuditQueriesByActorStreamTimeWithPagination) {
  ASSERT_TRUE(node().StartProjections().ok());
  auto a = NewPo({Line("LAPTOP", "1", "10")});
  clock_.Advance(3'600'000'000LL);
  Ok(Confirm(a), Actor{"bob", {"buyer"}});
  auto* audit = node().projection("audit");
  ASSERT_TRUE(audit->WaitFor(node().log().End(), std::chrono::seconds(10)));
  AuditQuery by_stream;
  by_stream.stream_id = a;
  auto page = QueryAudit(node().store(), node().log(), by_stream);
  ASSERT_EQ(page->events.size(), 3u);
  AuditQuery by_bob;
  by_bob.actor = "bob";
  page = QueryAudit(node().store(), node().log(), by_bob);
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(events::EventTypeName(*page->events[0].envelope()), "PurchaseOrderConfirmed");
  AuditQuery late;
  late.from_us = kT0 + 1;
  page = QueryAudit(node().store(), node().log(), late);
  ASSERT_EQ(page->events.size(), 1u);
  // Pages of one, following next_cursor, visit every event of the stream once.
  AuditQuery paged = by_stream;
  paged.limit = 1;
  std::vector<uint64_t> versions;
  for (int i = 0; i < 10; ++i) {
    auto p = QueryAudit(node().store(), node().log(), paged);
    ASSERT_TRUE(p.ok());
    for (const auto& r : p->events) versions.push_back(r.envelope()->stream_version());
    if (p->next_cursor.empty()) break;
    paged.cursor = p->next_cursor;
  }
  EXPECT_EQ(versions, (std::vector<uint64_t>{1, 2, 3}));
  AuditQuery bad;
  bad.cursor = "zz";
  EXPECT_EQ(QueryAudit(node().store(), node().log(), bad).status().code(), Errc::kMalformed);
}

// Random command sequences: the state served after a restart (snapshots)
// equals the state rebuilt from the log alone.
TEST_F(EngineTest, RandomHistoriesRebuildToTheSameState) {
  const uint64_t seed = TestSeed("RandomHistoriesRebuildToTheSameState");
  std::mt19937_64 rng(seed);
  std::vector<std::string> ids;
  const char* products[] = {"LAPTOP", "SCREEN", "BOOK", "SERVICE"};
  for (int step = 0; step < 300; ++step) {
    int action = ids.empty() ? 0 : static_cast<int>(rng() % 7);
    std::string id = ids.empty() ? "" : ids[rng() % ids.size()];
    auto qty = std::to_string(1 + rng() % 9);
    auto price = std::to_string(rng() % 5000) + "." + std::to_string(rng() % 100);
    auto line = Line(products[rng() % 4], qty.c_str(), price.c_str());
    switch (action) {
      case 0: ids.push_back(NewPo({line}, rng() % 2 ? "ACME" : "EUROPA")); break;
      case 1:
        Run(domain::AddPoLine{id, line});
        break;
      case 2: Run(Confirm(id)); break;
      case 3:
        Run(domain::ResetPoToDraft{id});
        break;
      case 4:
        Run(domain::CancelPo{id, "r"});
        break;
      case 5: {
        uint32_t n = 1 + static_cast<uint32_t>(rng() % 3);
        Run(domain::RemovePoLine{id, n});
        break;
      }
      default: Run(domain::SendRfq{id});
    }
  }
  std::map<std::string, std::string> served;
  for (const auto& id : ids) served[id] = Snapshot(id);
  // Wipe the store: everything is rebuilt from the log.
  node_.reset();
  std::filesystem::remove_all(dir_.path() + "/store");
  Reopen();
  EXPECT_EQ(engine().stats().recovered_records, CursorTotal(node().log().End())) << "seed " << seed;
  for (const auto& id : ids) {
    EXPECT_EQ(Snapshot(id), served[id]) << id << " seed " << seed;
  }
}

}  // namespace
}  // namespace ledger::testing
