#!/usr/bin/env python3
"""Checks a `chanmul bench` / `chanmul sweep` results file (Google Benchmark JSON).

    check_bench_json.py FILE THREADS IMPL... [--fail NAME] [--layout L] [--shape S] [--readme README.md]

Every IMPL must have a timed median row named
scale/<layout>/<IMPL>/<shape>/threads:<THREADS>/real_time... with bytes_per_second > 0
and a memcpy_ratio; memcpy/ and stream_scale/ baselines must be there with
bytes_per_second; a --fail NAME must appear only as an error row (never timed).
With --shape, every timed repetition's bytes and items per iteration must be the
channel scale's, worked out here from the shape: x and y of N*H*W*C floats and s
of C, 4 bytes each (STREAM's rule), N*H*W*C items.
With --readme, every context field README.md's "Results files" section names
must be in the file's context, each with a value of its kind (sizes positive
integers, the ISA names chanmul's, the version and revision in their forms,
the command the one that ran, verify:<impl> "pass" for each IMPL).
Exit 0 when all hold, 1 otherwise (each problem printed)."""
import json
import os
import re
import sys


def readme_context_fields(readme):
    """The backticked names in the Results files section's "context adds:" sentence."""
    text = open(readme, encoding="utf-8").read()
    start = text.index("## Results files")
    section = text[start:text.index("\n## ", start + 1)]
    adds = section[section.index("context` adds:"):]
    adds = adds[:adds.index("per implementation")]
    # (a parenthesis may quote values, e.g. `avx2`: only names followed by , or a space+( count)
    names = re.findall(r"`([a-z0-9_]+)`(?=[ ,(]|$)", adds)
    return [n for n in names if "_" in n or n in ("compiler", "cflags", "openmp", "cores", "command")]


def check_context(ctx, impls, problems):
    def need(key, ok, what):
        if key not in ctx:
            problems.append("context lacks %s" % key)
        elif not ok(ctx[key]):
            problems.append("context %s = %r is not %s" % (key, ctx[key], what))

    def positive_int(v):
        return re.fullmatch(r"[1-9][0-9]*", str(v)) is not None

    def count(v):
        return re.fullmatch(r"[0-9]+", str(v)) is not None

    isas = {"scalar", "avx2", "avx512"}
    need("cpu_isa", lambda v: v in isas, "an ISA name")
    need("cpu_isa_cap", lambda v: v == os.environ.get("CHANMUL_MAX_ISA", ""), "the CHANMUL_MAX_ISA of the run")
    need("cpu_isa_ran", lambda v: v == ctx.get("cpu_isa"), "the ISA the run's kernels had to use (cpu_isa)")
    for key in ("l1d_bytes", "l2_bytes", "l3_bytes", "l2_usable_bytes", "llc_usable_bytes"):
        need(key, positive_int, "a positive byte count")
    for key in ("l2_measured_bytes", "llc_measured_bytes"):
        need(key, count, "a byte count (0: not measured)")
    need("cores", lambda v: positive_int(v) and int(v) <= (os.cpu_count() or 1), "the cores of this machine")
    need("chanmul_version", lambda v: re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", v) is not None, "x.y.z")
    need("chanmul_git_revision", lambda v: re.fullmatch(r"([0-9a-f]{7,40}(-dirty)?|unknown)", v) is not None,
         "a git revision")
    need("command", lambda v: re.match(r"chanmul (bench|sweep) ", v) is not None, "the chanmul command that ran")
    need("compiler", lambda v: bool(v) and v != "unknown", "a compiler")
    need("cpu_model", lambda v: bool(v), "a CPU model")
    for impl in impls:
        need("verify:%s" % impl, lambda v: v == "pass", "pass")
        need("impl_kind:%s" % impl, lambda v: v in ("reference", "chanmul", "selector", "peer", "plugin"),
             "a kind")
        need("departures:%s" % impl, lambda v: bool(v), "a description")


def main(argv):
    path, threads = argv[1], argv[2]
    impls, failing, layout, shape, readme = [], [], "nhwc", None, None
    rest = argv[3:]
    i = 0
    while i < len(rest):
        if rest[i] == "--fail":
            failing.append(rest[i + 1]); i += 2
        elif rest[i] == "--layout":
            layout = rest[i + 1]; i += 2
        elif rest[i] == "--shape":
            shape = rest[i + 1]; i += 2
        elif rest[i] == "--readme":
            readme = rest[i + 1]; i += 2
        else:
            impls.append(rest[i]); i += 1
    problems = []
    with open(path) as f:
        doc = json.load(f)  # raises (exit 1) when the file is not valid JSON
    ctx = doc.get("context", {})
    for key in ("cpu_model", "l3_bytes", "compiler", "chanmul_git_revision"):
        if key not in ctx:
            problems.append("context lacks %s" % key)
    if readme:
        fields = readme_context_fields(readme)
        if len(fields) < 20:
            problems.append("README.md's Results files section names only %d context fields: %s" % (len(fields), fields))
        for key in fields:
            if key not in ctx:
                problems.append("context lacks %s (README.md names it)" % key)
        check_context(ctx, impls, problems)
    rows = doc.get("benchmarks", [])

    def rows_for(prefix):
        out = []
        for r in rows:
            name = r.get("name", "")
            parts = name.split("/")
            if len(parts) < 5 or "/".join(parts[:3]) != prefix:
                continue
            if shape and parts[3] != shape:
                continue
            if "threads:%s" % threads not in parts:
                continue
            out.append(r)
        return out

    for base in ("memcpy/%s/baseline" % layout, "stream_scale/%s/baseline" % layout):
        med = [r for r in rows_for(base) if r.get("aggregate_name") == "median"]
        if not med or not all(r.get("bytes_per_second", 0) > 0 for r in med):
            problems.append("no median with bytes_per_second for %s" % base)
    for impl in impls:
        rs = rows_for("scale/%s/%s" % (layout, impl))
        med = [r for r in rs if r.get("aggregate_name") == "median"]
        if not med:
            problems.append("%s: no median row" % impl)
        for r in med:
            if not r.get("bytes_per_second", 0) > 0:
                problems.append("%s: bytes_per_second missing or 0" % r["name"])
            if not r.get("memcpy_ratio", 0) > 0:
                problems.append("%s: memcpy_ratio missing or 0" % r["name"])
            if not r.get("items_per_second", 0) > 0:
                problems.append("%s: items_per_second missing or 0" % r["name"])
    if shape:
        n, h, w, c = (int(v) for v in shape.split("x"))
        want_bytes, want_items = (2 * n * h * w * c + c) * 4, n * h * w * c
        checked = 0
        for impl in impls:
            for r in rows_for("scale/%s/%s" % (layout, impl)):
                if r.get("run_type") != "iteration" or r.get("error_occurred"):
                    continue
                scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[r.get("time_unit", "ns")]
                seconds = r["real_time"] * scale  # per iteration: what the counters are divided by
                got_bytes, got_items = r["bytes_per_second"] * seconds, r["items_per_second"] * seconds
                checked += 1
                if abs(got_bytes - want_bytes) > 1e-6 * want_bytes:
                    problems.append("%s: %.3f bytes per iteration, the shape moves %d" % (r["name"], got_bytes, want_bytes))
                if abs(got_items - want_items) > 1e-6 * want_items:
                    problems.append("%s: %.3f items per iteration, the shape has %d" % (r["name"], got_items, want_items))
        if impls and not checked:
            problems.append("no timed repetition rows to check the byte count on")
    for impl in failing:
        rs = rows_for("scale/%s/%s" % (layout, impl))
        if not rs:
            problems.append("%s: absent (a failing kernel must show as an error row)" % impl)
        for r in rs:
            if not r.get("error_occurred") or "verification failed" not in r.get("error_message", ""):
                problems.append("%s: timed or not marked as a verification failure" % r.get("name"))
            if r.get("bytes_per_second"):
                problems.append("%s: a failing kernel has a throughput" % r.get("name"))
    # every timed kernel row carries its prepared call's time (bench times it
    # right after each repetition; a missing one is a lost figure, as when
    # the items' state was left uninitialised past the first 64)
    for r in rows:
        parts = r.get("name", "").split("/")
        if r.get("run_type") == "iteration" and not r.get("error_occurred") and len(parts) > 2 \
                and parts[2] != "baseline" and not r.get("prepared_bytes_per_second", 0) > 0:
            problems.append("%s: no prepared_bytes_per_second" % r["name"])
    for p in problems:
        print("FAIL: " + p)
    print("%s: %d benchmark rows, %d problem(s)" % (path, len(rows), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
