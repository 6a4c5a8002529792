"""What the Python tests share about the ledger's processes: reading what a
process prints, starting and stopping ledgerd, calling its API with a token,
and recording failed checks.

A script is one test: it calls check() for every expectation, goes on after a
failure so that one run shows them all, and exits non-zero if `failures` is
not empty."""
import json
import re
import subprocess
import time
import urllib.error
import urllib.request

# What check() found wrong, in order; the script's exit status depends on it.
failures = []


def check(cond, what):
    """Records `what` as a failure, and prints it at once, unless `cond`."""
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


def read_value(proc, prefix, timeout_s=60):
    """The rest of the first line of `proc`'s output that starts with
    `prefix` (e.g. "LISTENING="), read within `timeout_s` seconds."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    raise RuntimeError("no %s from %s" % (prefix, proc.args[0]))


def stop(proc, timeout_s=30):
    """Stops `proc` with SIGTERM, or SIGKILL if it still runs after
    `timeout_s` seconds; returns its exit status."""
    proc.terminate()
    try:
        return proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def call(port, token, method, path, body=None, data=None, media_type="application/json",
         text=False, timeout_s=30):
    """One request to the API on 127.0.0.1:`port` with `token` as bearer.
    `body` is sent as JSON, or `data` as bytes of `media_type`. Returns
    (status, answer): the answer parsed as JSON (None if empty), or as text
    if `text`. Error statuses are returned, not raised."""
    if body is not None:
        data = json.dumps(body).encode()
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", media_type)
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    return status, (raw.decode() if text else json.loads(raw or b"null"))


def verify_log(ledgerctl, data_dir, timeout_s=300):
    """`ledgerctl verify` on `data_dir`: (whether every hash and chain is
    intact, its report: what it printed, and if not intact its exit status
    and errors too)."""
    out = subprocess.run([ledgerctl, "verify", "--data-dir", data_dir],
                         capture_output=True, text=True, timeout=timeout_s)
    if out.returncode == 0 and out.stdout.startswith("ok:"):
        return True, out.stdout.strip()
    return False, "exit %d: %s %s" % (out.returncode, out.stdout.strip(), out.stderr.strip())


class Ledgerd:
    """A ledgerd on loopback (--listen 127.0.0.1:0) with `token` as its
    --admin-token and `args` after; `port` is known once it printed
    LISTENING=. If it does not within `startup_timeout_s`, it is stopped and
    RuntimeError raised. Its stderr goes to `stderr` (default: nowhere)."""

    def __init__(self, binary, data_dir, token, args=(), stderr=subprocess.DEVNULL,
                 startup_timeout_s=60):
        self.token = token
        self.proc = subprocess.Popen(
            [binary, "--data-dir", data_dir, "--listen", "127.0.0.1:0", "--admin-token", token,
             *args],
            stdout=subprocess.PIPE, stderr=stderr, text=True)
        try:
            self.port = int(read_value(self.proc, "LISTENING=", startup_timeout_s))
        except Exception:
            stop(self.proc)
            raise

    def call(self, method, path, body=None, token=None, **options):
        """call() on this ledgerd, with its admin token unless `token`."""
        return call(self.port, token or self.token, method, path, body, **options)

    def wait_for_projections(self, timeout_s=60):
        """Whether every projection caught up with the log (a lag of 0 in
        /metrics) within `timeout_s` seconds."""
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            status, metrics = self.call("GET", "/metrics", text=True)
            lags = re.findall(r"^ledger_projection_lag\{[^}]*\} (\d+)$", metrics or "", re.M)
            if status == 200 and lags and all(lag == "0" for lag in lags):
                return True
            time.sleep(0.2)
        return False

    def stop(self, timeout_s=30):
        """SIGTERM, then SIGKILL after `timeout_s` seconds; its exit status."""
        return stop(self.proc, timeout_s)
