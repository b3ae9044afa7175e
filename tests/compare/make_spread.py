#!/usr/bin/env python3
"""Generated tests/compare/spread.json (committed) from a real quick sweep, once.

    python3 tests/compare/make_spread.py [results/baseline/sweep-quick.json [tests/compare/spread.json]]

The committed spread.json comes from results/baseline/sweep-quick.json: a quick
sweep with 10 interleaved repetitions per benchmark (the bench/sweep default),
whose repetitions show this machine's fast and slow modes (median CV 20%).

Rerun it (from anywhere; the default paths are relative to this file) only to
refresh the fixture from a newer real sweep; the tests never run it. For every
timed benchmark it keeps its name, the median real_time (ns), two coefficients
of variation of its repetitions (plain sd/mean, and a robust 1.4826 MAD/median),
the bytes and items per iteration (so bytes_per_second and items_per_second can
be recomputed), iterations and cpu_time/real_time; also the context object and
the error rows (names and messages). It prints the distribution of the CVs.
synth.py and fake_chanmul.py (through gbjson.py) draw synthetic results from it.
"""
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_IN = os.path.join(HERE, "..", "..", "results", "baseline", "sweep-quick.json")
DEFAULT_OUT = os.path.join(HERE, "spread.json")


def mad_cv(times):
    med = statistics.median(times)
    return 1.4826 * statistics.median(abs(t - med) for t in times) / med


def quantile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def ws_bytes(shape):
    n, h, w, c = (int(x) for x in shape.split("x"))
    return 8 * n * h * w * c + 4 * c


def main(argv):
    src = argv[1] if len(argv) > 1 else DEFAULT_IN
    dst = argv[2] if len(argv) > 2 else DEFAULT_OUT
    with open(src) as f:
        doc = json.load(f)
    order, reps, errors = [], {}, {}
    for row in doc["benchmarks"]:
        if row.get("run_type") != "iteration":
            continue
        name = row["run_name"]
        if name not in reps and name not in errors:
            order.append(name)
        if row.get("error_occurred"):
            errors.setdefault(name, row)
        else:
            reps.setdefault(name, []).append(row)
    timed, errs = [], []
    for index, name in enumerate(order):
        if name in errors:
            r = errors[name]
            errs.append({"index": index, "name": name, "error_message": r.get("error_message", ""),
                         "family_index": r.get("family_index", 0),
                         "per_family_instance_index": r.get("per_family_instance_index", 0),
                         "threads": r.get("threads", 1)})
            continue
        rows = reps[name]
        times = [r["real_time"] for r in rows]
        first = rows[0]
        timed.append({
            "index": index,
            "name": name,
            "median_real_time_ns": statistics.median(times),
            "cv": statistics.stdev(times) / statistics.mean(times) if len(times) > 1 else 0.0,
            "cv_robust": mad_cv(times),
            "repetitions": len(times),
            "bytes_per_iteration": statistics.median(r["bytes_per_second"] * r["real_time"] * 1e-9 for r in rows),
            "items_per_iteration": statistics.median(r["items_per_second"] * r["real_time"] * 1e-9 for r in rows),
            "iterations": first["iterations"],
            "cpu_over_real": statistics.median(r["cpu_time"] / r["real_time"] for r in rows),
            "family_index": first.get("family_index", 0),
            "per_family_instance_index": first.get("per_family_instance_index", 0),
            "threads": first.get("threads", 1),
        })
    out = {
        "generated_by": "tests/compare/make_spread.py from results/sweep-quick.json "
                        "(rerun: python3 tests/compare/make_spread.py)",
        "source_command": doc["context"].get("command", ""),
        "context": doc["context"],
        "benchmarks": timed,
        "errors": errs,
    }
    with open(dst, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")

    l2 = float(doc["context"].get("l2_bytes", 1 << 20))
    l3 = float(doc["context"].get("l3_bytes", 32 << 20))
    print(f"{dst}: {len(timed)} timed benchmarks, {len(errs)} with error rows")

    def summary(label, items):
        for key in ("cv", "cv_robust"):
            v = sorted(b[key] for b in items)
            if v:
                print(f"  {label:<34} {key:<9} n={len(v):<4} median {100 * statistics.median(v):6.2f}%  "
                      f"p90 {100 * quantile(v, 0.9):6.2f}%  max {100 * v[-1]:6.2f}%")

    summary("all", timed)
    summary("in L2 (working set <= L2)", [b for b in timed if ws_bytes(b["name"].split("/")[3]) <= l2])
    summary("N=1 shapes (1x14x14xC)", [b for b in timed if b["name"].split("/")[3].startswith("1x")])
    summary("in the LLC", [b for b in timed if l2 < ws_bytes(b["name"].split("/")[3]) <= l3])
    summary("beyond the LLC", [b for b in timed if ws_bytes(b["name"].split("/")[3]) > l3])
    summary("threads:1", [b for b in timed if "/threads:1/" in b["name"]])
    summary("threads:2", [b for b in timed if "/threads:2/" in b["name"]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
