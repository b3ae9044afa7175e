#!/usr/bin/env python3
"""Checks a `chanmul bench` / `chanmul sweep` results file (Google Benchmark JSON).

    check_bench_json.py FILE THREADS IMPL... [--fail NAME] [--layout L] [--shape S]

Every IMPL must have a timed median row named
scale/<layout>/<IMPL>/<shape>/threads:<THREADS>/real_time... with bytes_per_second > 0
and a memcpy_ratio; memcpy/ and stream_scale/ baselines must be there with
bytes_per_second; a --fail NAME must appear only as an error row (never timed).
Exit 0 when all hold, 1 otherwise (each problem printed)."""
import json
import sys


def main(argv):
    path, threads = argv[1], argv[2]
    impls, failing, layout, shape = [], [], "nhwc", None
    rest = argv[3:]
    i = 0
    while i < len(rest):
        if rest[i] == "--fail":
            failing.append(rest[i + 1]); i += 2
        elif rest[i] == "--layout":
            layout = rest[i + 1]; i += 2
        elif rest[i] == "--shape":
            shape = rest[i + 1]; i += 2
        else:
            impls.append(rest[i]); i += 1
    problems = []
    with open(path) as f:
        doc = json.load(f)  # raises (exit 1) when the file is not valid JSON
    ctx = doc.get("context", {})
    for key in ("cpu_model", "l3_bytes", "compiler", "chanmul_git_revision"):
        if key not in ctx:
            problems.append("context lacks %s" % key)
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
    for impl in failing:
        rs = rows_for("scale/%s/%s" % (layout, impl))
        if not rs:
            problems.append("%s: absent (a failing kernel must show as an error row)" % impl)
        for r in rs:
            if not r.get("error_occurred") or "verification failed" not in r.get("error_message", ""):
                problems.append("%s: timed or not marked as a verification failure" % r.get("name"))
            if r.get("bytes_per_second"):
                problems.append("%s: a failing kernel has a throughput" % r.get("name"))
    for p in problems:
        print("FAIL: " + p)
    print("%s: %d benchmark rows, %d problem(s)" % (path, len(rows), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
