#!/usr/bin/env python3
"""How far `auto` is from the best implementation on shapes the tuner never saw.

For every held-out problem, two `chanmul bench --impl all` runs: one with
CHANMUL_TUNING naming the selection file (auto = the file's choice), one with
CHANMUL_TUNING empty (auto = the heuristic). In each run, auto's regret is its
median time over the best median of the implementations auto may pick
(chanmul's kernels and the peers that passed verification), minus 1; the
same with each benchmark's adjacent-memcpy ratio (which cancels the machine's
drift) is shown beside it. The repetitions of all implementations run in a
random interleaved order (Google Benchmark's random interleaving), so that a
slow spell of the machine falls on every implementation alike rather than on
whichever ran during it (--no-interleave: one after another). A benchmark:
it prints, it never asserts a time.

The held-out shapes are off both tuning grids (quick and full: batches
1,2,4,8,16,32,64; channels 3,8,16,...,2048 and 8,64,256,1024; spatial
1,7,14,28,56): batches 3, 5, 12; channels 24, 48, 96, 160, 320; spatial
10x10, 17x17, 20x20.

usage: heldout_regret.py CHANMUL SELECTION.json [--set quick|full]
                         [--repetitions R] [--min-time S] [--ops scale,gate,...]
                         [--no-interleave]
Exit 0 when every run produced a figure; 2 on bad usage; 1 when a run failed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

QUICK = [("3x10x10x96", "nhwc"), ("12x17x17x24", "nchw")]
FULL = [(s, l) for s in ("3x10x10x96", "12x17x17x24", "5x20x20x160", "3x17x17x320",
                         "12x10x10x48", "5x10x10x24")
        for l in ("nhwc", "nchw")]
SELECTABLE_KINDS = ("chanmul", "peer")


def medians(path):
    """{impl: (median real_time ns, median memcpy_ratio)} of one bench run."""
    with open(path) as f:
        data = json.load(f)
    ctx = data.get("context", {})
    times, ratios = {}, {}
    for b in data["benchmarks"]:
        if b.get("run_type") != "iteration" or b.get("error_occurred") or b.get("real_time", 0) <= 0:
            continue  # a failed (unverified) implementation's row carries no time
        parts = b["name"].split("/")
        if len(parts) < 3:
            continue
        impl = parts[2]
        times.setdefault(impl, []).append(b["real_time"])
        if "memcpy_ratio" in b:
            ratios.setdefault(impl, []).append(b["memcpy_ratio"])
    out = {}
    for impl, ts in times.items():
        kind = ctx.get("impl_kind:" + impl, "")
        out[impl] = (statistics.median(ts), statistics.median(ratios.get(impl, [0])), kind)
    return out


def bench(chanmul, op, shape, layout, threads, tuning, reps, min_time, tmp, interleave):
    path = os.path.join(tmp, "run.json")
    env = dict(os.environ, CHANMUL_TUNING=tuning)
    cmd = [chanmul, "bench", "--op", op, "--shape", shape, "--layout", layout,
           "--threads", str(threads), "--impl", "all", "--repetitions", str(reps),
           "--min-time", str(min_time), "--json", path]
    if interleave:
        cmd.append("--benchmark_enable_random_interleaving=true")
    r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0 or not os.path.exists(path):
        print("FAILED: " + " ".join(cmd) + "\n" + r.stderr, file=sys.stderr)
        return None
    m = medians(path)
    os.unlink(path)
    return m


def regret(m):
    """(best impl, best ns, auto ns, time regret, memcpy-ratio regret)"""
    cands = {i: v for i, v in m.items() if v[2] in SELECTABLE_KINDS}
    if "auto" not in m or not cands:
        return None
    best = min(cands, key=lambda i: cands[i][0])
    best_ratio = cands[best][1]  # the same implementation's memcpy ratio, not the max of them
    auto_t, auto_r = m["auto"][0], m["auto"][1]
    return best, cands[best][0], auto_t, auto_t / cands[best][0] - 1, \
        (best_ratio / auto_r - 1) if auto_r > 0 else float("nan")


def explain(chanmul, op, shape, layout, threads, tuning):
    env = dict(os.environ, CHANMUL_TUNING=tuning)
    r = subprocess.run([chanmul, "explain", "--op", op, "--shape", shape, "--layout", layout,
                        "--threads", str(threads)], env=env, capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith("choice: "):
            return line[len("choice: "):]
    return "?"


def summary(label, rows, key):
    by_threads = {}
    for r in rows:
        by_threads.setdefault(r["threads"], []).append(r[key])
    for t in sorted(by_threads):
        v = by_threads[t]
        print("  %-9s threads %d: %2d shapes, median regret %+5.1f%%, max %+5.1f%%, within 5%%: %d, "
              "within 15%%: %d" % (label, t, len(v), 100 * statistics.median(v), 100 * max(v),
                                   sum(1 for x in v if x <= 0.05), sum(1 for x in v if x <= 0.15)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("chanmul")
    ap.add_argument("selection")
    ap.add_argument("--set", choices=("quick", "full"), default="quick")
    ap.add_argument("--repetitions", type=int, default=3)
    ap.add_argument("--min-time", type=float, default=0.01)
    ap.add_argument("--ops", default="scale,scale_nc,gate")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--no-interleave", dest="interleave", action="store_false")
    a = ap.parse_args()
    if not os.path.isfile(a.selection):
        print("heldout_regret: no selection file '%s'" % a.selection, file=sys.stderr)
        return 2
    shapes = QUICK if a.set == "quick" else FULL
    rows, failed = [], 0
    print("%-8s %-4s %-12s %-2s | %-9s %9s | %-9s %9s %7s %7s | %9s %7s %7s" % (
        "op", "lay", "shape", "t", "best", "best ns", "auto pick", "auto ns", "regret", "by-mcpy",
        "heur ns", "regret", "by-mcpy"))
    with tempfile.TemporaryDirectory() as tmp:
        for op in a.ops.split(","):
            for shape, layout in shapes:
                for threads in (int(t) for t in a.threads.split(",")):
                    tuned = bench(a.chanmul, op, shape, layout, threads, a.selection, a.repetitions,
                                  a.min_time, tmp, a.interleave)
                    heur = bench(a.chanmul, op, shape, layout, threads, "", a.repetitions,
                                 a.min_time, tmp, a.interleave)
                    rt = regret(tuned) if tuned else None
                    rh = regret(heur) if heur else None
                    if not rt or not rh:
                        failed += 1
                        continue
                    pick = explain(a.chanmul, op, shape, layout, threads, a.selection)
                    rows.append({"threads": threads, "auto": rt[3], "auto_m": rt[4],
                                 "heur": rh[3], "heur_m": rh[4]})
                    print("%-8s %-4s %-12s %-2d | %-9s %9.0f | %-9s %9.0f %+6.1f%% %+6.1f%% | %9.0f "
                          "%+6.1f%% %+6.1f%%" % (op, layout, shape, threads, rt[0], rt[1], pick, rt[2],
                                                 100 * rt[3], 100 * rt[4], rh[2], 100 * rh[3],
                                                 100 * rh[4]))
    if rows:
        print("summary (median time over the best median in the same run; by-mcpy: the same with "
              "memcpy-normalised throughput):")
        summary("auto", rows, "auto")
        summary("auto-mcpy", rows, "auto_m")
        summary("heuristic", rows, "heur")
        summary("heur-mcpy", rows, "heur_m")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
