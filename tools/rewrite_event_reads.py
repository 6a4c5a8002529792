#!/usr/bin/python3
"""Rewrites the readers and writers of format 1's union `Payload` to the
contexts' unions (issue 10). Re-runnable: run it on a tree, after a merge
too; it changes only what still uses the old names, and prints what it
could not rewrite.

Usage: tools/rewrite_event_reads.py [ROOT]
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else "."
CONTEXTS = re.search(r"set\(LEDGER_CONTEXTS ([^)]*)\)",
                     open(os.path.join(ROOT, "CMakeLists.txt")).read()).group(1).split()


def camel(ctx):
    return "".join(w[:1].upper() + w[1:] for w in ctx.split("_"))


MEMBER = {}  # event table -> context
NAMES = {}   # every name a context's schema defines -> context
for ctx in CONTEXTS:
    text = open(os.path.join(ROOT, "events/schemas/%s.fbs" % ctx)).read()
    union = re.search(r"union %sEvent \{(.*?)\}" % camel(ctx), text, re.S).group(1)
    for m in re.findall(r"\w+", union):
        MEMBER[m] = ctx
    for name in re.findall(r"^(?:table|struct|enum|union) (\w+)", text, re.M):
        NAMES[name] = ctx
    for suffix in ("Event", "EventUnion", "Payload"):
        NAMES[camel(ctx) + suffix] = ctx

# Receiver of a call: `e`, `*e`, `records[1].envelope()`, `appended_[0].envelope()`...
RECV = r"(\w+(?:\(\)|\[[^\]\n]*\])*(?:(?:\.|->)\w+(?:\(\)|\[[^\]\n]*\])*)*)"
warnings = []


def file_context(path):
    parts = path.split(os.sep)
    for p in parts:
        if p in CONTEXTS:
            return p
    return "reference"  # tests, benchmarks, fuzz: reference definitions


def deref(recv, arrow):
    return "*" + recv if arrow == "->" else recv


def union_of(member, path):
    ctx = MEMBER.get(member)
    if ctx is None:
        ctx = file_context(path)
        if member != "NONE":
            warnings.append("%s: Payload::%s is in no context" % (path, member))
    return "events::%sEvent" % camel(ctx)


# Exact rewrites of code that builds events with format 1's union object for
# another use than a reference definition: (file, old, new).
SPECIAL = [
    ("tests/engine_test.cc",
     """  events::PayloadUnion u;
  u.type = e->payload_type();
  u.value = events::PayloadUnion::UnPack(e->payload(), e->payload_type(), nullptr);
  u.AsPurchaseOrderLineAdded()->line->quantity = "1000";
""",
     """  auto u = events::UnpackEvent<events::PurchasingEvent>(*e);
  u.AsPurchaseOrderLineAdded()->line->quantity = "1000";
"""),
    ("tests/engine_test.cc",
     "std::string forged = events::EncodeEnvelope(m, u, events::PrevHashOf(*e), &h);",
     "std::string forged =\n      events::EncodeEnvelope(m, events::EncodeEvent(u), events::PrevHashOf(*e), &h);"),
    ("tests/event_json_test.cc",
     """  PayloadUnion u;
  u.Set(std::move(t));
""",
     """  ReferenceEventUnion u;
  u.Set(std::move(t));
"""),
    ("tests/event_json_test.cc",
     "const std::string record = EncodeEnvelope(meta, u, Digest{}, &hash);",
     "const std::string record = EncodeEnvelope(meta, EncodeEvent(u), Digest{}, &hash);"),
    ("tests/purchasing/p2p_test.cc",
     """  EXPECT_EQ(events::Sv(appended_[0].envelope()->payload_as_SupplierPaymentRecorded()->remaining()),
            "500.00");""",
     """  const auto* payment = events::As<events::SupplierPaymentRecorded>(*appended_[0].envelope());
  EXPECT_EQ(events::Sv(payment->remaining()), "500.00");"""),
    ("fuzz/body_fuzz.cc",
     "const std::string bytes = events::EncodeEnvelope(meta, payload, prev, &hash);",
     "const std::string bytes = events::EncodeEnvelope(meta, events::EncodeEvent(payload), prev, &hash);"),
]


def rewrite(path, text):
    rel = os.path.relpath(path, ROOT)
    for f, old, new in SPECIAL:
        if f == rel and old in text:
            text = text.replace(old, new)
    ctx = file_context(rel)
    cu = "events::%sEvent" % camel(ctx)

    # A union object filled from a record: UnpackEvent.
    text = re.sub(
        r"(?:events::)?PayloadUnion (\w+);\n\s*\1\.type = " + RECV + r"(\.|->)payload_type\(\);\n"
        r"\s*\1\.value = (?:events::)?PayloadUnion::UnPack\([^;]*\);",
        lambda m: "auto %s = events::UnpackEvent<%s>(%s);" % (m.group(1), cu, deref(m.group(2), m.group(3))),
        text)
    text = re.sub(
        r"(\w+)\.type = " + RECV + r"(\.|->)payload_type\(\);\n\s*\1\.value = "
        r"(?:events::)?PayloadUnion::UnPack\([^;]*\);",
        lambda m: "%s = events::UnpackEvent<%s>(%s);" % (m.group(1), cu, deref(m.group(2), m.group(3))),
        text)
    # A union object serialised at once for an envelope: EncodeEvent.
    text = re.sub(
        r"(?:events::)?PayloadUnion (\w+);\n(\s*)\1\.Set\(std::move\((\w+)\)\);"
        r"(?=(?:(?!PayloadUnion)[\s\S])*?EncodeEnvelope\([^;]*\b\1\b)",
        lambda m: "const events::EncodedEvent %s = events::EncodeEvent(%s);" % (m.group(1), m.group(3)),
        text, count=0)
    # e.payload_type() compared with one member: Is<T>.
    text = re.sub(
        RECV + r"(\.|->)payload_type\(\) (==|!=) (?:events::)?Payload::(\w+)",
        lambda m: "%sevents::Is<events::%s>(%s)" % ("!" if m.group(3) == "!=" else "",
                                                    m.group(4), deref(m.group(1), m.group(2))),
        text)

    # switch (e.payload_type()): the context of the first case label.
    def switch(m):
        rest = text[m.end():]
        first = re.search(r"Payload::(\w+)", rest)
        union = union_of(first.group(1), rel) if first else cu
        return "switch (events::TypeOf<%s>(%s))" % (union, deref(m.group(1), m.group(2)))
    text = re.sub(r"switch \(" + RECV + r"(\.|->)payload_type\(\)\)", switch, text)
    # Any other e.payload_type(): the file's context.
    text = re.sub(RECV + r"(\.|->)payload_type\(\)",
                  lambda m: "events::TypeOf<%s>(%s)" % (cu, deref(m.group(1), m.group(2))), text)
    # e.payload_as_T(): As<T>.
    text = re.sub(RECV + r"(\.|->)payload_as_(\w+)\(\)",
                  lambda m: "events::As<events::%s>(%s)" % (m.group(3), deref(m.group(1), m.group(2))),
                  text)
    # Members of the union.
    text = re.sub(r"^\s*using events::Payload;\n", "", text, flags=re.M)
    text = re.sub(r"(?<![\w:])(?:events::)?Payload::(\w+)",
                  lambda m: "%s::%s" % (union_of(m.group(1), rel), m.group(1)), text)
    # The union as a type, its object, traits and verifier: the file's context.
    text = re.sub(r"\bPayloadUnion\b", "%sEventUnion" % camel(ctx), text)
    text = re.sub(r"\bevents::Payload\b(?!::)", cu, text)
    text = re.sub(r"\bPayloadTraits<", "%sEventTraits<" % camel(ctx), text)
    text = re.sub(r"\bVerifyPayload\(", "Verify%sEvent(" % camel(ctx), text)
    # NewEvent's payload is now its encoded event.
    text = re.sub(r"\.payload = (\w+);", r".event = events::EncodeEvent(\1);", text)
    # Reference states keep the type as a member of ReferenceEvent: their
    # snapshots of format 1's numbering are rebuilt (the next snapshot format).
    if "ReferenceEvent numbering" not in text:
        if rel.endswith("engine/reference/streams.cc") and "&Make<ReferenceState>" in text:
            text = re.sub(r'(Topic::kReference, "", )(\d+)(, &Make<ReferenceState>)',
                          lambda m: m.group(1) + str(int(m.group(2)) + 1) + m.group(3), text)
            text = text.replace(
                "constexpr StreamType kTypes[] = {",
                "// Next format: a reference state's type is a member of ReferenceEvent\n"
                "// (ReferenceEvent numbering), no longer of format 1's Payload.\n"
                "constexpr StreamType kTypes[] = {", 1)
        m = re.search(r"\n(\s*)static constexpr uint32_t kSnapshotFormat = (\d+);", text)
        if rel.endswith("engine/reference/reference_entity.h") and m:
            text = text.replace(
                m.group(0),
                "\n%s// Format %d: `type` counts in ReferenceEvent numbering, no longer\n"
                "%s// in format 1's Payload.\n"
                "%sstatic constexpr uint32_t kSnapshotFormat = %d;"
                % (m.group(1), int(m.group(2)) + 1, m.group(1), m.group(1), int(m.group(2)) + 1), 1)
    return text


def wrap_line(line):
    """A rewritten line longer than 100 columns, broken as clang-format
    would: after the last ", " that fits, aligned after its open paren; else
    after " = " or the first "(", indented 4 more."""
    if len(line) <= 100:
        return line
    indent = len(line) - len(line.lstrip())
    opens, quoted = [], False
    best = None
    for i, c in enumerate(line[:100]):
        if c == '"' and line[i - 1:i] != "\\":
            quoted = not quoted
        if quoted:
            continue
        if c == "(":
            opens.append(i)
        elif c == ")" and opens:
            opens.pop()
        elif c == "," and line[i + 1:i + 2] == " " and opens:
            rest = line[i + 2:]
            if opens[-1] + 1 + len(rest) <= 100:
                best = line[:i + 1] + "\n" + " " * (opens[-1] + 1) + rest
    if best:
        return best
    at = line.find(" = ")
    if 0 < at < 100 and indent + 4 + len(line) - at - 3 <= 100:
        return line[:at + 2] + "\n" + " " * (indent + 4) + line[at + 3:]
    at = line.find("(")
    if 0 < at < 100 and indent + 4 + len(line) - at - 1 <= 100:
        return line[:at + 1] + "\n" + " " * (indent + 4) + line[at + 1:]
    return line


def wrap(text):
    out = []
    for line in text.split("\n"):
        if len(line) > 100 and re.search(r"events::(As|Is|TypeOf)<|Event::|events::\w+Event\b", line):
            line = wrap_line(line)
        out.append(line)
    return "\n".join(out)


def add_includes(rel, text):
    words = set(re.findall(r"\b(\w+?)(?:T|Union|Traits|UnionTraits)?\b", text)) | set(
        re.findall(r"\b\w+\b", text))
    needed = sorted({NAMES[w] for w in words if w in NAMES})
    missing = ['#include "events/%s_events.h"' % c for c in needed
               if '#include "events/%s_events.h"' % c not in text]
    if not missing:
        return text
    includes = list(re.finditer(r'^#include "[^"]+"\n', text, re.M))
    if not includes:
        warnings.append("%s: no #include to add %s after" % (rel, missing))
        return text
    at = includes[-1].end()
    return text[:at] + "".join(m + "\n" for m in missing) + text[at:]


HAND_WRITTEN = {"fuzz/envelope_seeds.cc", "fuzz/envelope_fuzz.cc", "tests/envelope_test.cc"}
DIRS = ["engine", "projections", "api", "tools", "tests", "benchmarks", "fuzz"]
changed = 0
for top in DIRS:
    for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
        rel_dir = os.path.relpath(dirpath, ROOT)
        core = rel_dir in ("engine", "projections", "api", "tools")
        for f in files:
            if not f.endswith((".cc", ".h")):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, ROOT)
            text = open(path).read()
            # Generic code and the envelope's fuzz seeds are written by hand.
            if rel in HAND_WRITTEN:
                continue
            new = text if core else wrap(rewrite(path, text))
            if not core:
                new = add_includes(rel, new)
            left = re.findall(r".*(?:(?<!format1_)payload_type\(|payload_as_|\bPayload::|PayloadUnion|->payload\(\)|\.payload\(\)).*", new)
            for line in left:
                warnings.append("%s: left: %s" % (rel, line.strip()))
            if new != text:
                open(path, "w").write(new)
                changed += 1
print("rewrote %d files" % changed)
for w in warnings:
    print("warning:", w)
