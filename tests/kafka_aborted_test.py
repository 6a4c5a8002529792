#!/usr/bin/python3
"""Aborted transactions on a real Kafka cluster, seen by third-party clients.

Runs ledgerd on the cluster of tools/kafka/cluster (ctest's fixture
KafkaCluster: $LEDGER_KAFKA_CLUSTER_FILE, or $LEDGER_KAFKA_BROKERS), on topics
of its own, under a load of clients creating purchase orders, each with a
tag of its own in its internal note, and kills it with SIGKILL in the middle
of a transaction: stopped (SIGSTOP) at random instants until the brokers hold
records of a transaction it has not committed (the high watermark is beyond
the last stable offset, and stays there), then killed. The transaction is
aborted when ledgerd starts again (its init_transactions). Cycles until the
log holds such records (read_uncommitted shows tags the ledger never
committed), then checks that read_committed readers never see one of them
and all agree on what is committed:
- the ledger itself after the restart (its event feed),
- confluent-kafka in a consumer group: the current release from PyPI, pinned
  in .ci/install-deps (ctest runs this script with its virtual environment),
  with the librdkafka it bundles,
- kcat with -X isolation.level=read_committed,
and that the ledger's state after the restart equals a rebuild from the
topics alone (a second ledgerd on an empty data directory).

Usage: kafka_aborted_test.py LEDGERD KCAT
Exits 77 (skipped) without a cluster.
"""
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from ledger_process import read_value

import confluent_kafka
import confluent_kafka.admin
from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING

LEDGERD, KCAT = sys.argv[1:3]
TOKEN = "kafka-aborted-test-admin"
CYCLES_MAX = 4
TAG = re.compile(rb"ktag-\d+-\d+-\d+")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def brokers():
    if os.environ.get("LEDGER_KAFKA_BROKERS"):
        return os.environ["LEDGER_KAFKA_BROKERS"]
    try:
        with open(os.environ.get("LEDGER_KAFKA_CLUSTER_FILE", "")) as f:
            for line in f:
                if line.startswith("BOOTSTRAP_SERVERS="):
                    return line.strip().split("=", 1)[1]
    except OSError:
        pass
    return ""


def http(port, method, path, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, method=method)
    req.add_header("Authorization", "Bearer " + TOKEN)
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")
    except OSError:
        return 0, {}  # the server is gone


class Ledgerd:
    def __init__(self, args):
        self.proc = subprocess.Popen([LEDGERD] + args, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.port = int(read_value(self.proc, "LISTENING="))
        # Keep draining its output so that it never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def kill_in_transaction(self, open_records, rng, attempts_max=300):
        """Stops the process at random instants until the brokers hold
        records of a transaction it has not committed, then kills it.
        Returns the attempts it took, or None if it never caught one."""
        for attempt in range(1, attempts_max + 1):
            time.sleep(rng.uniform(0.005, 0.05))
            self.proc.send_signal(signal.SIGSTOP)
            # A commit already on its way completes within this pause (the
            # coordinator writes the markers): what is still open after it
            # is a transaction this process would have to end.
            time.sleep(0.2)
            if open_records():
                self.kill()
                return attempt
            self.proc.send_signal(signal.SIGCONT)
        self.kill()
        return None

    def terminate(self):
        self.proc.terminate()
        return self.proc.wait(timeout=60)


def order(tag):
    return {"supplier": "ACME", "notes": {"internal": tag},
            "lines": [{"product": "LAPTOP", "quantity": "1", "unit_price": "10",
                       "cost_center": "IT"}]}


def load(port, cycle, clients, stop, acked):
    def client(c):
        for i in range(100000):
            if stop.is_set():
                return
            tag = "ktag-%d-%d-%d" % (cycle, c, i)
            status, out = http(port, "POST", "/v1/purchase-orders", order(tag))
            if status == 0:
                return
            if status == 201:
                acked[tag] = out["id"]
    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    return threads


def feed(port):
    """Every event of the ledger's feed, in its order."""
    events, after = [], ""
    while True:
        status, page = http(port, "GET", "/v1/events?limit=1000&after=" + after)
        check(status == 200, "event feed: %s" % status)
        if status != 200 or not page["events"]:
            return events
        events.extend(page["events"])
        after = page["next"]


def ledger_tags(events):
    return sorted(e["payload"].get("note_internal", "") for e in events
                  if e["type"] == "PurchaseOrderCreated" and
                  e["payload"].get("note_internal", "").startswith("ktag-"))


class OpenTransactionProbe:
    """Whether a partition holds records of a transaction not yet ended: its
    high watermark (read_uncommitted) is beyond its last stable offset
    (what a read_committed client is told is the end)."""

    def __init__(self, servers, topic):
        self.tp = TopicPartition(topic, 0)
        self.clients = [Consumer({"bootstrap.servers": servers, "group.id": "probe-" + level,
                                  "isolation.level": level})
                        for level in ("read_uncommitted", "read_committed")]

    def __call__(self):
        hw, lso = (c.get_watermark_offsets(self.tp, timeout=10, cached=False)[1]
                   for c in self.clients)
        return hw > lso

    def close(self):
        for c in self.clients:
            c.close()


def read_topic(servers, topic, isolation):
    """Tags in the records of `topic` (one partition), read to its end."""
    c = Consumer({"bootstrap.servers": servers, "group.id": "kafka-aborted-test-" + isolation,
                  "isolation.level": isolation, "enable.partition.eof": True,
                  "enable.auto.commit": False})
    c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    tags, deadline = [], time.time() + 60
    while time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191:  # _PARTITION_EOF
                break
            continue
        tags.extend(t.decode() for t in TAG.findall(m.value()))
    else:
        check(False, "reading %s with %s timed out" % (topic, isolation))
    c.close()
    return sorted(tags)


def read_group(servers, topic):
    """Tags as an integrator reads them: a consumer group, read_committed."""
    c = Consumer({"bootstrap.servers": servers, "group.id": "erp-" + topic,
                  "isolation.level": "read_committed", "auto.offset.reset": "earliest",
                  "enable.partition.eof": True, "enable.auto.commit": True})
    c.subscribe([topic])
    tags, deadline = [], time.time() + 60
    while time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191:
                break
            continue
        tags.extend(t.decode() for t in TAG.findall(m.value()))
    else:
        check(False, "the consumer group did not reach the end of %s" % topic)
    c.close()
    return sorted(tags)


def read_kcat(servers, topic):
    out = subprocess.run([KCAT, "-b", servers, "-C", "-t", topic, "-o", "beginning", "-e", "-q",
                          "-X", "isolation.level=read_committed", "-f", "%s\n"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    check(out.returncode == 0, "kcat: %s" % out.stderr.decode(errors="replace")[-500:])
    return sorted(t.decode() for t in TAG.findall(out.stdout))


def check_topic_is_a_log_of_record(servers, topic):
    admin = confluent_kafka.admin.AdminClient({"bootstrap.servers": servers})
    resource = confluent_kafka.admin.ConfigResource(
        confluent_kafka.admin.ConfigResource.Type.TOPIC, topic)
    configs = admin.describe_configs([resource])[resource].result(timeout=30)
    want = {"retention.ms": "-1", "retention.bytes": "-1", "cleanup.policy": "delete",
            "unclean.leader.election.enable": "false"}
    got = {k: configs[k].value for k in want}
    check(got == want, "topic %s is kept for ever and never compacted: %s" % (topic, got))


def main():
    servers = brokers()
    if not servers:
        print("skipped: no real Kafka cluster (tools/kafka/cluster start; "
              "LEDGER_KAFKA_BROKERS or LEDGER_KAFKA_CLUSTER_FILE)")
        return 77
    seed = int(os.environ.get("LEDGER_TEST_SEED") or random.SystemRandom().randrange(1 << 32))
    print("LEDGER_TEST_SEED=%d" % seed)
    print("confluent-kafka %s, librdkafka %s" % (confluent_kafka.__version__,
                                                 confluent_kafka.libversion()[0]))
    rng = random.Random(seed)
    name = "kafka-aborted-test.%08x" % random.SystemRandom().randrange(1 << 32)
    topic = name + ".ledger.purchasing"
    work = tempfile.mkdtemp(prefix="ledger_kafka_aborted_")
    replication = str(min(3, len(servers.split(","))))

    def args(data):
        return ["--data-dir", os.path.join(work, data), "--listen", "127.0.0.1:0",
                "--admin-token", TOKEN, "--log", "kafka", "--kafka-brokers", servers,
                "--kafka-topic-prefix", name + ".", "--kafka-transactional-id", "ledgerd-" + name,
                "--kafka-replication-factor", replication]

    acked = {}
    server = Ledgerd(args("data"))
    rebuilt = None
    try:
        for path, body in [("/v1/tax-codes", {"id": "VAT20", "rate": "20"}),
                           ("/v1/cost-centers", {"id": "IT", "name": "IT"}),
                           ("/v1/suppliers", {"id": "ACME", "name": "Acme", "currency": "EUR"}),
                           ("/v1/products", {"id": "LAPTOP", "name": "Laptop", "kind": "good",
                                             "tax_code": "VAT20"})]:
            status, out = http(server.port, "POST", path, body)
            check(status == 201, "create %s: %s %s" % (path, status, out))
        aborted = []
        probe = OpenTransactionProbe(servers, topic)
        for cycle in range(CYCLES_MAX):
            stop = threading.Event()
            threads = load(server.port, cycle, 4, stop, acked)
            time.sleep(1.0 + rng.random())
            attempts = server.kill_in_transaction(probe, rng)
            stop.set()
            for t in threads:
                t.join()
            # The restarted ledgerd's init_transactions aborts what the kill
            # left open.
            t0 = time.time()
            server = Ledgerd(args("data"))
            restart_s = time.time() - t0
            committed = ledger_tags(feed(server.port))
            everything = read_topic(servers, topic, "read_uncommitted")
            aborted = sorted(set(everything) - set(committed))
            print("cycle %d: killed in a transaction after %s stops; %d acknowledged so far, %d "
                  "committed, %d records of aborted transactions in the log; restart %.1f s" % (
                      cycle, attempts, len(acked), len(committed), len(aborted), restart_s))
            if aborted:
                break
        probe.close()
        check(aborted, "no kill in %d cycles left records of an aborted transaction" % CYCLES_MAX)

        # The ledger after the restart: every acknowledged order once, none
        # of the aborted transactions.
        events = feed(server.port)
        committed = ledger_tags(events)
        check(len(committed) == len(set(committed)), "an order was created twice")
        for tag, po in acked.items():
            check(tag in committed, "acknowledged %s (%s) is not in the ledger" % (tag, po))
        check(not set(aborted) & set(committed), "the ledger serves aborted records")

        # Third-party read_committed readers: the same records, never an
        # aborted one.
        group = read_group(servers, topic)
        check(group == committed, "confluent-kafka (consumer group, read_committed) reads %d "
              "tags, the ledger %d; aborted among them: %s" % (
                  len(group), len(committed), sorted(set(aborted) & set(group))[:5]))
        kcat = read_kcat(servers, topic)
        check(kcat == committed, "kcat (read_committed) reads %d tags, the ledger %d; aborted "
              "among them: %s" % (len(kcat), len(committed), sorted(set(aborted) & set(kcat))[:5]))
        print("read_committed: the ledger, confluent-kafka and kcat each read the same %d "
              "orders and none of the %d aborted records" % (len(committed), len(aborted)))

        # The topics ledgerd created keep every record for ever: no
        # retention by age or size, no compaction.
        check_topic_is_a_log_of_record(servers, topic)

        # The ledger's state equals a rebuild from the topics alone.
        status, verify = http(server.port, "GET", "/v1/audit/verify")
        check(verify.get("ok") is True, "chains verify: %s" % verify)
        # Every order number 1..N: the acknowledged ones and those committed
        # without an answer (killed between commit and answer).
        series = sorted(acked.values())[0][:8] if acked else "PO-"
        orders = {}
        for n in range(1, len(committed) + 2):
            po = "%s%05d" % (series, n)
            orders[po] = http(server.port, "GET", "/v1/purchase-orders/" + po)
        check(orders["%s%05d" % (series, len(committed))][0] == 200 and
              orders["%s%05d" % (series, len(committed) + 1)][0] == 404,
              "orders are numbered 1..%d without a gap" % len(committed))
        check(server.terminate() == 0, "ledgerd exits 0 on SIGTERM")
        rebuilt = Ledgerd(args("rebuilt"))
        # The same events in the same order: merged across partitions by
        # event id (LogReader's contract).
        again = feed(rebuilt.port)
        check(again == events, "the rebuilt ledger's event feed differs: %d events, %d before" % (
            len(again), len(events)))
        for po, answer in orders.items():
            again = http(rebuilt.port, "GET", "/v1/purchase-orders/" + po)
            check(again == answer, "%s differs after a rebuild: %s vs %s" % (po, answer, again))
        print("rebuild from the topics: the same feed (%d events) and the same %d orders" % (
            len(events), len(orders)))
    finally:
        for p in (server, rebuilt):
            if p is not None and p.proc.poll() is None:
                p.kill()
    print("%d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
