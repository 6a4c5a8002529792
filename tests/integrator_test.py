#!/usr/bin/python3
"""Integrator test: a third-party Kafka client reads the ledger.

Starts a mock Kafka cluster (ledgerctl kafka-mock) and ledgerd on it, drives
a purchase-order flow over HTTP, then, as an integrator would: downloads the
.fbs schemas from GET /v1/schemas, generates Python code with flatc from the
envelope's and the purchasing context's schemas only, consumes
ledger.purchasing with confluent-kafka (the current release from PyPI,
pinned in .ci/install-deps; ctest runs this script with its virtual
environment) in a consumer group with
isolation.level=read_committed, and decodes every record: the envelope, then
its event with the context's schema (root PurchasingPayload). Checks keys,
headers, per-stream order and payloads.

Usage: integrator_test.py LEDGERD LEDGERCTL FLATC
"""
import importlib
import os
import subprocess
import sys
import tempfile
import time

from ledger_process import Ledgerd, check, failures, read_value, stop

import confluent_kafka
from confluent_kafka import Consumer

LEDGERD, LEDGERCTL, FLATC = sys.argv[1:4]
TOKEN = "integrator-test-admin"


def main():
    print("confluent-kafka %s, librdkafka %s" % (confluent_kafka.__version__,
                                                 confluent_kafka.libversion()[0]))
    work = tempfile.mkdtemp(prefix="ledger_integrator_")
    mock = subprocess.Popen([LEDGERCTL, "kafka-mock", "--brokers", "3"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    ledgerd = None
    try:
        brokers = read_value(mock, "BOOTSTRAP_SERVERS=")
        ledgerd = Ledgerd(LEDGERD, os.path.join(work, "data"), TOKEN,
                          ["--log", "kafka", "--kafka-brokers", brokers])

        for path, body in [
                ("/v1/tax-codes", {"id": "VAT20", "rate": "20"}),
                ("/v1/cost-centers", {"id": "IT", "name": "IT"}),
                ("/v1/suppliers", {"id": "ACME", "name": "Acme", "currency": "EUR"}),
                ("/v1/products", {"id": "LAPTOP", "name": "Laptop", "kind": "good",
                                  "tax_code": "VAT20"})]:
            status, out = ledgerd.call("POST", path, body)
            check(status == 201, "create %s: %s %s" % (path, status, out))
        orders = []
        for qty in ("2", "5"):
            status, out = ledgerd.call("POST", "/v1/purchase-orders", {
                "supplier": "ACME",
                "lines": [{"product": "LAPTOP", "quantity": qty, "unit_price": "999.50",
                           "cost_center": "IT"}]})
            check(status == 201, "create order: %s %s" % (status, out))
            orders.append(out["id"])
        status, _ = ledgerd.call("POST", "/v1/purchase-orders/%s/lines" % orders[0],
                                 {"product": "LAPTOP", "quantity": "1", "unit_price": "10",
                                  "cost_center": "IT"})
        check(status == 200, "add line")
        for order in orders:
            status, _ = ledgerd.call("POST", "/v1/purchase-orders/%s/confirm" % order, {})
            check(status == 200, "confirm %s" % order)

        # The integrator's side: schemas from the API, code from flatc. One
        # topic needs the envelope and its one context's schema only.
        status, schemas = ledgerd.call("GET", "/v1/schemas")
        check(status == 200, "schemas")
        names = [s["name"] for s in schemas["schemas"]]
        check("purchasing.fbs" in names and "envelope.fbs" in names, "schemas served: %s" % names)
        wanted = ["common.fbs", "envelope.fbs", "purchasing.fbs"]
        schema_dir = os.path.join(work, "fbs")
        gen_dir = os.path.join(work, "gen")
        os.makedirs(schema_dir)
        for s in schemas["schemas"]:
            if s["name"] in wanted:
                with open(os.path.join(schema_dir, s["name"]), "w") as f:
                    f.write(s["text"])
        subprocess.run([FLATC, "--python", "-o", gen_dir] +
                       [os.path.join(schema_dir, name) for name in wanted], check=True)
        sys.path.insert(0, gen_dir)
        Envelope = importlib.import_module("ledger.events.Envelope").Envelope
        Payload = importlib.import_module("ledger.events.PurchasingPayload").PurchasingPayload
        Event = importlib.import_module("ledger.events.PurchasingEvent").PurchasingEvent
        Confirmed = importlib.import_module(
            "ledger.events.PurchaseOrderConfirmed").PurchaseOrderConfirmed
        event_names = {v: k for k, v in vars(Event).items() if not k.startswith("_")}

        consumer = Consumer({"bootstrap.servers": brokers, "group.id": "erp-integration",
                             "isolation.level": "read_committed",
                             "auto.offset.reset": "earliest", "enable.auto.commit": True})
        consumer.subscribe(["ledger.purchasing"])
        seen = {}  # stream id -> [(version, type)]
        totals = {}
        deadline = time.time() + 60
        while time.time() < deadline and sum(len(v) for v in seen.values()) < 7:
            msg = consumer.poll(1.0)
            if msg is None or msg.error():
                continue
            env = Envelope.GetRootAs(msg.value(), 0)
            stream = env.StreamId().decode()
            check(env.SchemaVersion() == 2, "envelope format 2")
            check(env.Context().decode() == "purchasing", "the topic's context")
            # The event: a FlatBuffer of the context's schema, root PurchasingPayload.
            event = bytes(env.Event(i) for i in range(env.EventLength()))
            payload = Payload.GetRootAs(event, 0)
            kind = event_names[payload.EventType()]
            headers = dict(msg.headers() or [])
            check(msg.key().decode() == stream, "record key is the stream id")
            check(headers.get("event_type", b"").decode() == kind, "event_type header")
            check(headers.get("schema_version", b"").decode() == str(env.SchemaVersion()),
                  "schema_version header")
            check(env.StreamType().decode() == "purchase_order", "stream type")
            seen.setdefault(stream, []).append((env.StreamVersion(), kind))
            if kind == "PurchaseOrderConfirmed":
                confirmed = Confirmed()
                confirmed.Init(payload.Event().Bytes, payload.Event().Pos)
                totals[stream] = confirmed.Total().decode()
        consumer.close()
        print("integrator: %d records of %d orders decoded, totals %s" %
              (sum(len(v) for v in seen.values()), len(seen), totals))

        check(sorted(seen) == sorted(orders), "both orders seen: %s" % sorted(seen))
        for stream, events in seen.items():
            versions = [v for v, _ in events]
            check(versions == list(range(1, len(versions) + 1)),
                  "%s in order, each once: %s" % (stream, versions))
            check(events[0][1] == "PurchaseOrderCreated", "%s starts with its creation" % stream)
            check(events[-1][1] == "PurchaseOrderConfirmed", "%s ends confirmed" % stream)
        check(totals.get(orders[0]) == "2410.80", "order total decoded: %s" % totals)
        check(totals.get(orders[1]) == "5997.00", "order total decoded: %s" % totals)
    finally:
        if ledgerd is not None:
            ledgerd.stop(timeout_s=20)
        stop(mock, timeout_s=20)
    print("%d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
