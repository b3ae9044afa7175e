#!/usr/bin/env python3
"""Writes the synthetic results files the report tests read (not needed at test time).

    python3 tests/report/make_fixtures.py tests/report

machine_a.json: a 2-core AVX-512 machine like the development box; 2 layouts, a
batch x channel grid at 14x14 plus large shapes, threads 1 and 2, chanmul kernels
(simd, omp_tiled), a peer (onednn), the reference, a kernel that fails
verification (broken: error rows, never timed) and the memcpy / stream_scale
baselines. Median aggregates (Google Benchmark 1.7.1 rows; the other aggregates dropped to keep the file small); the
large shapes carry only a single iteration row, a few points all four aggregates.
machine_b.json: "the other machine": 4 cores, AVX-512 capped to AVX2, no peer
(skipped), iteration rows only.
The numbers are invented but shaped like real ones: memcpy roofline per cache
level, a fork/join overhead for threaded runs, kernels at a fraction of memcpy.
"""
import json
import random
import sys

KIB, MIB = 1024, 1024 * 1024


def ws_bytes(n, h, w, c):
    return 8 * n * h * w * c + 4 * c


def memcpy_gbs(m, ws, threads):
    if ws <= m["l2"] * threads:
        bw = m["bw_l2"] * threads * 0.92 ** (threads - 1)
    elif ws <= m["l3"]:
        bw = m["bw_l3"] * min(threads, 2) * 0.9 ** (threads - 1)
    else:
        bw = m["bw_mem"] * (1.0 + 0.25 * (threads - 1))
    return bw


def seconds(m, ws, threads, gbs, overhead_us):
    t = ws / (gbs * 1e9)
    if threads > 1:
        t += overhead_us * 1e-6
    return t + 40e-9


def efficiency(m, impl, layout, c, ws, threads):
    big = ws > 2 * m["l3"]
    if impl == "memcpy":
        return 1.0
    if impl == "stream_scale":
        return 1.02 if big else 0.98
    if impl == "simd":
        e = 0.97 if c >= 16 else (0.80 if layout == "nhwc" else 0.88)
        return e * (1.22 if big else 1.0) / (threads ** 0.0)  # single-threaded: see speed()
    if impl == "omp_tiled":
        e = 0.95 if c >= 16 else 0.85
        return e * (1.28 if big else 1.0)
    if impl == "onednn":
        e = 0.90
        if layout == "nchw" and c >= 256:
            e = 1.00  # the peer wins here: lets T3 fail in the fixture
        return e * (1.15 if big else 1.0)
    if impl == "reference":
        return 0.33
    if impl == "naive":
        return 0.18
    raise ValueError(impl)


THREADED = {"omp_tiled": True, "onednn": True, "memcpy": True, "stream_scale": True}


def speed(m, impl, layout, n, h, w, c, threads, rng):
    ws = ws_bytes(n, h, w, c)
    t_used = threads if THREADED.get(impl) else 1
    bw = memcpy_gbs(m, ws, t_used) * efficiency(m, impl, layout, c, ws, t_used)
    overhead = 0.3 if impl in ("memcpy", "stream_scale", "omp_tiled") else 0.6
    secs = seconds(m, ws, t_used, bw, overhead)
    secs *= 1.0 + rng.uniform(-0.03, 0.03)
    return secs


def g6(x):
    return float("%.4g" % x)


def rows_for(m, name, layout, impl, shape, threads, reps, aggregates, rng):
    n, h, w, c = shape
    ws = ws_bytes(n, h, w, c)
    out = []
    base = {"family_index": m["family"], "per_family_instance_index": 0}
    m["family"] += 1
    runs = []
    for r in range(reps):
        secs = speed(m, impl, layout, n, h, w, c, threads, rng)
        runs.append(secs)
    mem_secs = [speed(m, "memcpy", layout, n, h, w, c, threads, rng) for _ in range(reps)]
    def row(run_type, secs, mem, extra):
        d = {"name": name + extra.pop("suffix", ""), **base, "run_name": name,
             "run_type": run_type, "repetitions": reps}
        d.update(extra)
        d.update({"threads": 1, "iterations": max(1, int(0.5 / secs)) if run_type == "iteration" else reps,
                  "real_time": g6(secs * 1e6), "cpu_time": g6(secs * 1e6 * 0.99), "time_unit": "us",
                  "bytes_per_second": g6(ws / secs), "items_per_second": g6(n * h * w * c / secs),
                  "memcpy_ratio": 1.0 if impl == "memcpy" else g6(mem / secs)})
        return d
    if aggregates is None or aggregates == "all":
        for r, secs in enumerate(runs):
            out.append(row("iteration", secs, mem_secs[r], {"repetition_index": r}))
    if aggregates:
        srt = sorted(runs)
        med = srt[len(srt) // 2]
        mem = sorted(mem_secs)[len(mem_secs) // 2]
        names = ["mean", "median", "stddev", "cv"] if aggregates == "all" else ["median"]
        for a in names:
            if a == "cv":
                d = row("aggregate", med, mem, {"suffix": "_cv", "aggregate_name": "cv",
                                                "aggregate_unit": "percentage"})
                for k in ("real_time", "cpu_time", "bytes_per_second", "items_per_second"):
                    d[k] = g6(rng.uniform(0.005, 0.04))
                d["memcpy_ratio"] = g6(rng.uniform(0.005, 0.04))
            elif a == "stddev":
                d = row("aggregate", med, mem, {"suffix": "_stddev", "aggregate_name": "stddev",
                                                "aggregate_unit": "time"})
                for k in ("real_time", "cpu_time", "bytes_per_second", "items_per_second", "memcpy_ratio"):
                    d[k] = g6(d[k] * 0.02)
            else:
                d = row("aggregate", med, mem, {"suffix": "_" + a, "aggregate_name": a,
                                                "aggregate_unit": "time"})
            out.append(d)
    return out


def error_row(m, name, reps):
    m["family"] += 1
    return {"name": name, "family_index": m["family"] - 1, "per_family_instance_index": 0,
            "run_name": name, "run_type": "iteration", "repetitions": reps, "repetition_index": 0,
            "threads": 1, "error_occurred": True,
            "error_message": "verification failed: first mismatch at n=0 h=0 w=0 c=1: got 2 expected 3 (not timed)",
            "iterations": 1, "real_time": 0.0, "cpu_time": 0.0, "time_unit": "us"}


def build(m, shapes, threads_list, impls, failing, reps, aggregate_for, rng):
    benches = []
    for layout in ("nhwc", "nchw"):
        for shape in shapes:
            shape_s = "x".join(str(d) for d in shape)
            for t in threads_list:
                for impl in ["memcpy", "stream_scale"] + impls:
                    op = impl if impl in ("memcpy", "stream_scale") else "scale"
                    iname = "baseline" if impl in ("memcpy", "stream_scale") else impl
                    name = "%s/%s/%s/%s/threads:%d%s/real_time" % (op, layout, iname, shape_s, t, m["repeats"])
                    agg = aggregate_for(shape, t)
                    benches += rows_for(m, name, layout, impl, shape, t, reps if agg else 1, agg, rng)
                for impl in failing:
                    if t == 1:
                        name = "scale/%s/%s/%s/threads:%d%s/real_time" % (layout, impl, shape_s, t, m["repeats"])
                        benches.append(error_row(m, name, reps))
    return benches


def context(m, extra):
    ctx = {"date": m["date"], "host_name": m["host"], "executable": "/home/ci/chanmul/build/chanmul",
           "num_cpus": m["cores"], "mhz_per_cpu": m["mhz"], "cpu_scaling_enabled": False,
           "caches": [{"type": "Data", "level": 1, "size": m["l1"], "num_sharing": 1},
                      {"type": "Instruction", "level": 1, "size": 32768, "num_sharing": 1},
                      {"type": "Unified", "level": 2, "size": m["l2"], "num_sharing": 1},
                      {"type": "Unified", "level": 3, "size": m["l3"], "num_sharing": m["cores"]}],
           "load_avg": [0.52, 0.31, 0.2], "library_build_type": "release"}
    ctx.update(extra)
    return ctx


def dump(path, ctx, benches):
    with open(path, "w") as f:
        f.write('{\n  "context": ' + json.dumps(ctx, indent=4) + ',\n  "benchmarks": [\n')
        f.write(",\n".join("    " + json.dumps(b) for b in benches))
        f.write("\n  ]\n}\n")


def main(outdir):
    a = {"host": "zen5-dev", "date": "2025-03-14T10:02:11+00:00", "cores": 2, "mhz": 3700,
         "l1": 48 * KIB, "l2": 1 * MIB, "l3": 32 * MIB, "bw_l2": 120.0, "bw_l3": 105.0, "bw_mem": 48.0,
         "family": 0, "repeats": ""}
    grid = [(n, 14, 14, c) for n in (1, 4, 16, 64) for c in (3, 17, 256)]
    shapes_a = grid + [(32, 28, 28, 64), (64, 56, 56, 256)]
    def agg_a(shape, t):
        if shape == (64, 56, 56, 256):
            return None  # run once: a single iteration row, no aggregates
        if shape == (1, 14, 14, 3) and t == 1:
            return "all"  # every iteration row and all four aggregates
        return "median"  # smaller fixture: the median alone (the report needs nothing else)
    rng = random.Random(1)
    benches = build(a, shapes_a, (1, 2), ["simd", "omp_tiled", "onednn", "reference"], ["broken"], 5,
                    lambda s, t: agg_a(s, t), rng)
    ctx = context(a, {
        "chanmul_version": "0.1.0", "chanmul_git_revision": "62249f5a1b2c",
        "command": "chanmul sweep --profile quick --out results/latest.json",
        "cpu_model": "AMD EPYC 9R45 (Zen 5)", "cpu_isa": "avx512", "cpu_isa_cap": "",
        "cpu_flags": "sse4.2 avx avx2 fma avx512f avx512bw avx512vl avx512dq",
        "l1d_bytes": str(a["l1"]), "l2_bytes": str(a["l2"]), "l3_bytes": str(a["l3"]), "cores": "2",
        "compiler": "gcc 12.2.0", "cflags": "-O3 -Wall -Wextra -ffp-contract=off -fno-fast-math",
        "openmp": "201511", "omp_env": "OMP_PROC_BIND=close OMP_PLACES=cores",
        "impl_kind:reference": "reference", "impl_kind:simd": "chanmul", "impl_kind:omp_tiled": "chanmul",
        "impl_kind:onednn": "peer", "impl_kind:broken": "chanmul",
        "verify:reference": "pass", "verify:simd": "pass", "verify:omp_tiled": "pass", "verify:onednn": "pass",
        "verify:broken": "verification failed at 1x14x14x3 nhwc threads=1 (see chanmul verify)",
        "verify:naive": "skipped: not selected (--impl)"})
    dump(outdir + "/machine_a.json", ctx, benches)

    b = {"host": "xeon-ci", "date": "2025-03-15T08:30:00+00:00", "cores": 4, "mhz": 2000,
         "l1": 48 * KIB, "l2": 1280 * KIB, "l3": 48 * MIB, "bw_l2": 80.0, "bw_l3": 60.0, "bw_mem": 30.0,
         "family": 0, "repeats": "/repeats:1"}  # Repetitions(1) set per benchmark: GB adds /repeats:1
    shapes_b = [(n, 14, 14, c) for n in (1, 16, 64) for c in (3, 256)] + [(64, 56, 56, 256)]
    rng = random.Random(2)
    benches = build(b, shapes_b, (1, 2, 4), ["simd", "omp_tiled", "reference"], [], 1,
                    lambda s, t: None, rng)
    ctx = context(b, {
        "chanmul_version": "0.1.0", "chanmul_git_revision": "62249f5a1b2c",
        "command": "chanmul sweep --profile quick --repetitions 1",
        "cpu_model": "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", "cpu_isa": "avx2", "cpu_isa_cap": "avx2",
        "cpu_flags": "sse4.2 avx avx2 fma avx512f avx512bw avx512vl avx512dq",
        "l1d_bytes": str(b["l1"]), "l2_bytes": str(b["l2"]), "l3_bytes": str(b["l3"]), "cores": "4",
        "compiler": "gcc 12.2.0", "cflags": "-O3 -Wall -Wextra -ffp-contract=off -fno-fast-math",
        "openmp": "201511", "omp_env": "none set (runtime defaults)",
        "impl_kind:reference": "reference", "impl_kind:simd": "chanmul", "impl_kind:omp_tiled": "chanmul",
        "impl_kind:onednn": "peer",
        "verify:reference": "pass", "verify:simd": "pass", "verify:omp_tiled": "pass",
        "verify:onednn": "skipped: oneDNN not found at build time"})
    dump(outdir + "/machine_b.json", ctx, benches)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
