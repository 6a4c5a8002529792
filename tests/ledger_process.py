"""What the Python tests share about the ledger's processes."""
import time


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
