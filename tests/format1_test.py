#!/usr/bin/python3
"""Records of envelope format 1 are read by today's code (issue 10).

tests/fixtures/format1/log is a log written by the binary of commit c1bcc84
(one union `Payload` of every event, envelope format 1) with an event of every
type of that format, and answers.json the answers that binary served on it
(tests/fixtures/make_format1_log.py). This test, on a copy of that log:

 1. `ledgerctl verify`: every hash and chain intact (hashes are over the
    stored bytes, which upcasting never changes);
 2. ledgerd replays it, its projections catch up, and every recorded GET
    answer is served again, identical (including /v1/events and /v1/audit,
    which render the payloads);
 3. new commands append records of format 2 after the old ones; after a
    restart the mixed log verifies, the old answers are unchanged, and the
    new records read back.

Usage: format1_test.py LEDGERD LEDGERCTL
"""
import json
import os
import shutil
import sys
import tempfile

from ledger_process import Ledgerd, check, failures, verify_log

LEDGERD, LEDGERCTL = sys.argv[1:3]
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "format1")
TOKEN = "fixture-admin-token"  # the fixture's --admin-token, as break glass


def verify(data_dir, what):
    ok, out = verify_log(LEDGERCTL, data_dir, timeout_s=120)
    print("ledgerctl verify (%s): %s" % (what, out))
    check(ok, "%s: verify: %s" % (what, out))


def start(data_dir):
    """ledgerd on `data_dir`, once its projections caught up."""
    node = Ledgerd(LEDGERD, data_dir, TOKEN)
    check(node.wait_for_projections(), "projections did not catch up")
    return node


def compare(node, expected, what, skip=()):
    """Every recorded answer equals the one served now, as JSON values: the
    fixture keeps the parsed answers (keys sorted), not the bytes sent, so
    key order and spacing cannot be compared; every value is, with no
    exception (tokens' last_used_at included: the fixture's tokens are not
    used here)."""
    for path, (status, body) in sorted(expected.items()):
        if path in skip:
            continue
        got_status, got = node.call("GET", path)
        check(got_status == status, "%s: GET %s: status %s, expected %s" %
              (what, path, got_status, status))
        if got != body:
            a = json.dumps(body, sort_keys=True, indent=1).splitlines()
            b = json.dumps(got, sort_keys=True, indent=1).splitlines()
            diff = [(x, y) for x, y in zip(a, b) if x != y][:3]
            check(False, "%s: GET %s differs (expected, got): %s" % (what, path, diff))


def main():
    with open(os.path.join(FIXTURE, "answers.json")) as f:
        expected = json.load(f)
    work = tempfile.mkdtemp(prefix="ledger_format1_")
    data = os.path.join(work, "data")
    # A copy: the committed fixture is never written to.
    shutil.copytree(os.path.join(FIXTURE, "log"), os.path.join(data, "log"))
    node = None
    try:
        verify(data, "format 1 log")

        node = start(data)
        compare(node, expected, "format 1 log")
        _, events = node.call("GET", "/v1/events?limit=1000")
        old_events = events["events"]
        types = {e["type"] for e in old_events}
        print("format 1 log: %d events of %d types served identically" %
              (len(old_events), len(types)))
        check(len(types) == 54, "every type of format 1 is in the fixture: %d" % len(types))
        check(all(e["schema_version"] == 1 for e in old_events), "old records say format 1")

        # New commands: records of format 2 after those of format 1, in the
        # same partitions (reference, purchasing). Drafts only, so that no
        # recorded answer but the event lists changes.
        status, out = node.call("POST", "/v1/cost-centers", {"id": "LAB", "name": "Laboratory"})
        check(status == 201, "define a cost centre: %s %s" % (status, out))
        status, po = node.call("POST", "/v1/purchase-orders", {
            "supplier": "ACME", "lines": [{"product": "LAPTOP-14", "quantity": "1",
                                           "unit_price": "1249.00", "cost_center": "LAB"}]})
        check(status == 201, "create an order: %s %s" % (status, po))
        status, out = node.call("POST", "/v1/purchase-orders/%s/notes" % po["id"],
                                {"internal": "after the upgrade"})
        check(status == 200, "notes: %s %s" % (status, out))
        node.stop()
        node = None

        verify(data, "mixed log")
        node = start(data)
        # The lists of all events and the count of records verified grow.
        changed = {"/v1/events?limit=1000", "/v1/audit?limit=1000", "/v1/audit/verify"}
        compare(node, expected, "mixed log, after a restart", skip=changed)
        _, events = node.call("GET", "/v1/events?limit=1000")
        now = events["events"]
        check(now[:len(old_events)] == old_events, "the old events are served as before")
        new = now[len(old_events):]
        check([e["type"] for e in new] ==
              ["CostCenterDefined", "PurchaseOrderCreated", "PurchaseOrderLineAdded",
               "PurchaseOrderNotesUpdated"],
              "new events: %s" % [e["type"] for e in new])
        check(all(e["schema_version"] == 2 for e in new), "new records are of format 2")
        check(new and new[-1]["payload"].get("note_internal") == "after the upgrade",
              "a new payload reads back: %s" % (new[-1]["payload"] if new else None))
        _, verified = node.call("GET", "/v1/audit/verify")
        check(verified.get("ok") is True and verified.get("records") == len(now),
              "the mixed log verifies: %s" % verified)
        status, doc = node.call("GET", "/v1/purchase-orders/%s" % po["id"])
        check(status == 200 and doc.get("notes", {}).get("internal") == "after the upgrade",
              "the new order: %s %s" % (status, doc))
        _, audit = node.call("GET", "/v1/audit?limit=1000")
        old_audit = expected["/v1/audit?limit=1000"][1]
        for entry in old_audit["events"]:
            check(entry in audit["events"], "old audit entry still served: %s" % entry)
    finally:
        if node is not None:
            node.stop()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
