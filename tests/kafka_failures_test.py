#!/usr/bin/python3
"""Failures under load on a real Kafka cluster of its own.

Starts a three-node cluster with tools/kafka/cluster in a temporary directory
(it kills brokers: the shared fixture cluster of ctest would disturb the
tests running beside it), and ledgerd on it with 4 partitions per topic,
under a load of clients that create purchase orders (each with a tag of its
own in its internal note) and confirm them. Then, the load running:
1. SIGKILL the broker that leads most of the ledger's purchasing partitions,
   restart it;
2. SIGKILL the broker of the ledger's transaction coordinator (the leader of
   __transaction_state partition abs(hash(transactional id)) % partitions,
   checked against the broker's log), restart it;
3. SIGKILL ledgerd itself, restart it on the same data directory.
For each, prints how long the ledger refused commands (from the first
request that failed after the kill to the first that succeeded after it)
and how long no command succeeded (it may only stall: a request waits for
the new leader instead of failing).

Then checks, the load stopped:
- the log (confluent-kafka, read_committed): every acknowledged creation and
  confirmation exactly once, the unacknowledged ones at most once;
- the projections through the API: the list of purchase orders and the
  audit trail hold every acknowledged order (confirmed if its confirmation
  was acknowledged), each once, and exactly what the log holds;
- orders are numbered without a gap; `ledgerctl verify` on the topics passes;
- a second ledgerd rebuilding from the topics alone serves the same event
  feed in the same order, and that order is event-id order (LogReader's
  contract, across the 4 partitions of each topic).

Usage: kafka_failures_test.py LEDGERD LEDGERCTL CLUSTER_SCRIPT
Exits 77 (skipped) without java or the broker (not with $CI set).
"""
import collections
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from ledger_process import call, check, failures, read_value

from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient

LEDGERD, LEDGERCTL, CLUSTER = sys.argv[1:4]
TOKEN = "kafka-failures-test-admin"
CLIENTS = 4
PARTITIONS = 4
TAG = re.compile(rb"ftag-\d+-\d+")
# How long the load runs before a kill, after it, and after the restart.
BEFORE_S, DOWN_S, AFTER_S = 3.0, 8.0, 4.0


def cluster(*args, timeout_s=180):
    out = subprocess.run([sys.executable, CLUSTER] + list(args), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, timeout=timeout_s)
    if out.returncode != 0:
        raise RuntimeError("cluster %s: %s" % (" ".join(args), out.stderr[-2000:]))
    return out.stdout, out.stderr


def java_string_hash(s):
    """Java's String.hashCode (for text of the Basic Multilingual Plane)."""
    h = 0
    for ch in s:
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    return h - (1 << 32) if h >= (1 << 31) else h


def kafka_abs(n):
    # org.apache.kafka.common.utils.Utils.abs
    return 0 if n == -(1 << 31) else abs(n)


class Ledgerd:
    def __init__(self, args, log_path):
        self.log = open(log_path, "a")
        self.proc = subprocess.Popen([LEDGERD] + args, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        self.port = int(read_value(self.proc, "LISTENING=", 120))
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def terminate(self):
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()
            return -9


def order(tag):
    return {"supplier": "ACME", "notes": {"internal": tag},
            "lines": [{"product": "LAPTOP", "quantity": "1", "unit_price": "10",
                       "cost_center": "IT"}]}


class Load:
    """CLIENTS threads creating and confirming orders on whatever port the
    ledger listens on now; every request is recorded with its times."""

    def __init__(self, port):
        self.port = port
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.requests = []        # (start, end, ok)
        self.created = {}         # tag -> order id, acknowledged
        self.create_tried = set()  # tags whose creation got no 2xx
        self.confirmed = set()    # order ids whose confirmation was acknowledged
        self.confirm_tried = set()
        self.threads = [threading.Thread(target=self.client, args=(c,)) for c in range(CLIENTS)]
        for t in self.threads:
            t.start()

    def request(self, method, path, body):
        t0 = time.time()
        try:
            status, out = call(self.port, TOKEN, method, path, body, timeout_s=90)
        except Exception:  # connection refused or reset: ledgerd is down
            status, out = 0, None
        t1 = time.time()
        with self.lock:
            self.requests.append((t0, t1, 200 <= status < 300))
        if status == 0:
            time.sleep(0.05)
        return status, out

    def client(self, c):
        i = 0
        while not self.stop.is_set():
            tag = "ftag-%d-%d" % (c, i)
            i += 1
            status, out = self.request("POST", "/v1/purchase-orders", order(tag))
            if status != 201:
                with self.lock:
                    self.create_tried.add(tag)
                continue
            with self.lock:
                self.created[tag] = out["id"]
            status, _ = self.request("POST", "/v1/purchase-orders/%s/confirm" % out["id"], {})
            with self.lock:
                (self.confirmed if status == 200 else self.confirm_tried).add(out["id"])

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join()

    def window(self, t_kill, t_end):
        """(seconds refused: from the first request that failed after
        t_kill to the end of the first success started after it, or 0;
        seconds stalled: the longest time without a command succeeding,
        between the last success before t_kill and t_end)."""
        with self.lock:
            after = sorted(r for r in self.requests if r[1] >= t_kill)
            successes = sorted(r[1] for r in self.requests if r[2])
        first_fail = next((r for r in after if not r[2]), None)
        refused = 0.0
        if first_fail is not None:
            ok = [r[1] for r in after if r[2] and r[0] >= first_fail[0]]
            refused = min(ok) - first_fail[1] if ok else float("inf")
        prev = max((t for t in successes if t <= t_kill), default=t_kill)
        stalled = 0.0
        for t in successes:
            if prev < t <= t_end:
                stalled = max(stalled, t - prev)
                prev = t
        return refused, stalled


def leaders(admin, topic):
    md = admin.list_topics(topic, timeout=30)
    return {p: pm.leader for p, pm in md.topics[topic].partitions.items()}


def coordinator(admin, cluster_dir, transactional_id):
    """The node leading the transaction coordinator's partition: computed as
    the broker does, and checked against what the broker logged."""
    state = leaders(admin, "__transaction_state")
    partition = kafka_abs(java_string_hash(transactional_id)) % len(state)
    logged = None
    pattern = re.compile(r"transactionalId %s with producerId .* on partition "
                         r"__transaction_state-(\d+)" % re.escape(transactional_id))
    for n in range(1, 4):
        try:
            with open(os.path.join(cluster_dir, "node-%d" % n, "server.log"), errors="replace") as f:
                for m in pattern.finditer(f.read()):
                    logged = int(m.group(1))
        except OSError:
            pass
    check(logged is None or logged == partition,
          "the coordinator's partition: computed %d, the broker logged %s" % (partition, logged))
    return state[partition], partition


def read_log(servers, topic):
    """(tags of creations, order ids of confirmations) in the records of
    every partition of `topic`, read_committed, to its end."""
    c = Consumer({"bootstrap.servers": servers, "group.id": "kafka-failures-test",
                  "isolation.level": "read_committed", "enable.partition.eof": True,
                  "enable.auto.commit": False})
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(PARTITIONS)])
    created, confirmed, at_end = [], [], set()
    deadline = time.time() + 90
    while len(at_end) < PARTITIONS and time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191:  # _PARTITION_EOF
                at_end.add(m.partition())
            continue
        kind = dict(m.headers() or []).get("event_type", b"").decode()
        if kind == "PurchaseOrderCreated":
            created.extend(t.decode() for t in TAG.findall(m.value()))
        elif kind == "PurchaseOrderConfirmed":
            confirmed.append(m.key().decode())
    check(len(at_end) == PARTITIONS, "reading %s timed out" % topic)
    c.close()
    return created, confirmed


def pages(port, path, key, next_key, param):
    items, cursor = [], ""
    while True:
        sep = "&" if "?" in path else "?"
        status, page = call(port, TOKEN, "GET", path + (sep + param + "=" + cursor if cursor else ""))
        check(status == 200, "GET %s: %s %s" % (path, status, page))
        if status != 200:
            return items
        items.extend(page[key])
        cursor = page.get(next_key) or ""
        if not cursor or not page[key]:
            return items


def feed(port):
    events, after = [], "0"
    while True:
        status, page = call(port, TOKEN, "GET", "/v1/events?limit=1000&after=" + after)
        check(status == 200, "event feed: %s" % status)
        if status != 200 or not page["events"]:
            return events
        events.extend(page["events"])
        after = page["next"]


def main():
    seed = int(os.environ.get("LEDGER_TEST_SEED") or random.SystemRandom().randrange(1 << 32))
    print("LEDGER_TEST_SEED=%d" % seed, flush=True)
    work = tempfile.mkdtemp(prefix="ledger_kafka_failures_")
    cdir = os.path.join(work, "kafka")
    t0 = time.time()
    out, err = cluster("start", "--brokers", "3", "--dir", cdir, "--skip-unavailable")
    m = re.search(r"^BOOTSTRAP_SERVERS=(\S+)", out, re.M)
    if not m:
        print("skipped: %s" % err.strip())
        shutil.rmtree(work, ignore_errors=True)
        return 77
    servers = m.group(1)
    print("cluster ready in %.1f s: %s" % (time.time() - t0, servers), flush=True)
    name = "kafka-failures-test.%08x" % random.Random(seed).randrange(1 << 32)
    tid = "ledgerd-" + name
    topic = name + ".ledger.purchasing"
    admin = AdminClient({"bootstrap.servers": servers})

    def args(data):
        return ["--data-dir", os.path.join(work, data), "--listen", "127.0.0.1:0",
                "--admin-token", TOKEN, "--log", "kafka", "--kafka-brokers", servers,
                "--kafka-topic-prefix", name + ".", "--kafka-transactional-id", tid,
                "--kafka-replication-factor", "3", "--partitions-per-topic", str(PARTITIONS)]

    server = rebuilt = load = None
    log_path = os.path.join(work, "ledgerd.log")
    windows = []
    try:
        server = Ledgerd(args("data"), log_path)
        for path, body in [("/v1/tax-codes", {"id": "VAT20", "rate": "20"}),
                           ("/v1/cost-centers", {"id": "IT", "name": "IT"}),
                           ("/v1/suppliers", {"id": "ACME", "name": "Acme", "currency": "EUR"}),
                           ("/v1/products", {"id": "LAPTOP", "name": "Laptop", "kind": "good",
                                             "tax_code": "VAT20"})]:
            status, out = call(server.port, TOKEN, "POST", path, body)
            check(status == 201, "create %s: %s %s" % (path, status, out))

        load = Load(server.port)

        def broker_kill(what, node):
            time.sleep(BEFORE_S)
            t_kill = time.time()
            cluster("stop-broker", str(node), "--dir", cdir)
            time.sleep(DOWN_S)
            t_up = time.time()
            cluster("start-broker", str(node), "--dir", cdir)
            print("%s: node %d killed, restarted after %.1f s (ready in %.1f s)" % (
                what, node, t_up - t_kill, time.time() - t_up), flush=True)
            time.sleep(AFTER_S)
            windows.append((what, node) + load.window(t_kill, time.time()))

        # 1. The broker leading most of the ledger's purchasing partitions.
        lead = leaders(admin, topic)
        node = collections.Counter(lead.values()).most_common(1)[0][0]
        print("leaders of %s: %s" % (topic, lead), flush=True)
        broker_kill("partition leader", node)

        # 2. The transaction coordinator's broker.
        node, partition = coordinator(admin, cdir, tid)
        print("transaction coordinator: __transaction_state-%d on node %d" % (partition, node),
              flush=True)
        broker_kill("transaction coordinator", node)

        # 3. ledgerd itself, under load, restarted on the same data.
        time.sleep(BEFORE_S)
        t_kill = time.time()
        server.kill()
        server = Ledgerd(args("data"), log_path)
        load.port = server.port
        print("ledgerd killed, restarted in %.1f s" % (time.time() - t_kill), flush=True)
        time.sleep(AFTER_S)
        windows.append(("ledgerd", 0) + load.window(t_kill, time.time()))
        load.finish()

        for what, node, refused, stalled in windows:
            print("KILLED %s (node %d): commands refused for %.1f s, none succeeded for %.1f s" %
                  (what, node, refused, stalled), flush=True)
            check(refused < 60 and stalled < 60, "the ledger refused commands for %.0f s, "
                  "stalled for %.0f s after the %s kill" % (refused, stalled, what))
        acked_create = load.created
        print("load: %d requests, %d orders acknowledged, %d creations without an answer, %d "
              "confirmations acknowledged, %d without" % (
                  len(load.requests), len(acked_create), len(load.create_tried),
                  len(load.confirmed), len(load.confirm_tried)), flush=True)
        check(len(acked_create) > 50, "too little load: %d orders" % len(acked_create))

        # The log, read_committed.
        created, confirmed = read_log(servers, topic)
        counts, confirms = collections.Counter(created), collections.Counter(confirmed)
        for tag, po in acked_create.items():
            check(counts[tag] == 1, "acknowledged %s (%s) is %d times in the log" % (
                tag, po, counts[tag]))
        for tag in load.create_tried:
            check(counts[tag] <= 1, "unacknowledged %s is %d times in the log" % (tag, counts[tag]))
        for po in load.confirmed:
            check(confirms[po] == 1, "acknowledged confirmation of %s is %d times in the log" % (
                po, confirms[po]))
        for po in load.confirm_tried:
            check(confirms[po] <= 1, "unacknowledged confirmation of %s is %d times in the log" % (
                po, confirms[po]))

        # The projections, after the restart.
        check(server.proc.poll() is None, "ledgerd runs")
        listed = pages(server.port, "/v1/purchase-orders?limit=100", "items", "next", "cursor")
        ids = collections.Counter(item["id"] for item in listed)
        status_of = {item["id"]: item["status"] for item in listed}
        check(len(ids) == len(listed), "an order is listed twice")
        check(len(listed) == len(created), "the list holds %d orders, the log %d" % (
            len(listed), len(created)))
        for tag, po in acked_create.items():
            check(ids[po] == 1, "acknowledged %s is listed %d times" % (po, ids[po]))
        for po in load.confirmed:
            check(status_of.get(po) == "confirmed", "confirmed %s is listed as %s" % (
                po, status_of.get(po)))
        check(sorted(po for po, s in status_of.items() if s == "confirmed") == sorted(confirmed),
              "the list's confirmed orders are the log's")
        audit = pages(server.port, "/v1/audit?stream_type=purchase_order&limit=1000", "events",
                      "next_cursor", "cursor")
        audited = collections.Counter((e["stream_id"], e["type"]) for e in audit)
        for tag, po in acked_create.items():
            check(audited[(po, "PurchaseOrderCreated")] == 1, "the audit trail has %s's creation "
                  "%d times" % (po, audited[(po, "PurchaseOrderCreated")]))
        for po in load.confirmed:
            check(audited[(po, "PurchaseOrderConfirmed")] == 1, "the audit trail has %s's "
                  "confirmation %d times" % (po, audited[(po, "PurchaseOrderConfirmed")]))
        check(sum(n for (_, kind), n in audited.items() if kind == "PurchaseOrderCreated") ==
              len(created), "the audit trail holds the log's creations")

        # Numbering without a gap.
        numbers = sorted(int(re.search(r"(\d+)$", po).group(1)) for po in ids)
        check(numbers == list(range(1, len(numbers) + 1)),
              "orders are numbered 1..%d without a gap: %s..." % (
                  len(numbers), [n for i, n in enumerate(numbers, 1) if n != i][:5]))

        out = subprocess.run([LEDGERCTL, "verify", "--data-dir", os.path.join(work, "verify"),
                              "--log", "kafka", "--kafka-brokers", servers,
                              "--kafka-topic-prefix", name + ".", "--partitions-per-topic",
                              str(PARTITIONS)], capture_output=True, text=True, timeout=300)
        check(out.returncode == 0 and out.stdout.startswith("ok:"),
              "ledgerctl verify: exit %d %s %s" % (out.returncode, out.stdout, out.stderr))

        # The feed in event-id order, and the same after a rebuild from the
        # topics alone.
        events = feed(server.port)
        ids_in_feed = [e["event_id"] for e in events]
        check(ids_in_feed == sorted(ids_in_feed), "the event feed is not in event-id order")
        check(server.terminate() == 0, "ledgerd exits 0 on SIGTERM")
        server = None
        rebuilt = Ledgerd(args("rebuilt"), log_path)
        again = feed(rebuilt.port)
        check([e["event_id"] for e in again] == ids_in_feed,
              "the rebuilt ledger's event feed differs: %d events, %d before" % (
                  len(again), len(events)))
        # The list projection of the rebuilt ledger catches up in the
        # background (slowly under ASan): wait for it before comparing.
        deadline = time.time() + 120
        while True:
            relisted = pages(rebuilt.port, "/v1/purchase-orders?limit=100", "items", "next",
                             "cursor")
            if relisted == listed or time.time() > deadline:
                break
            time.sleep(0.5)
        check(relisted == listed, "the rebuilt list differs: %d orders, %d before" % (
            len(relisted), len(listed)))
        print("rebuild from the topics: a feed of %d events, %d orders" % (
            len(again), len(relisted)), flush=True)
    finally:
        if load is not None:
            load.finish()
        for p in (server, rebuilt):
            if p is not None and p.proc.poll() is None:
                p.kill()
        try:
            cluster("stop", "--dir", cdir)
        except Exception as e:
            print("stopping the cluster: %s" % e)
        if failures:
            print("kept for inspection: %s" % work)
            try:
                with open(log_path) as f:
                    print("the end of ledgerd's log:\n" + "".join(f.readlines()[-30:]))
            except OSError:
                pass
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
