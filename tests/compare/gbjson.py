"""Synthetic Google Benchmark JSON as `chanmul bench` / `chanmul sweep` write it.

Shared by synth.py, fake_chanmul.py and the compare tests. The benchmarks, their
medians, spreads and the context come from spread.json (make_spread.py made it
from a real quick sweep). Each benchmark gets `reps` iteration rows drawn as
median * drift * factor * exp(sigma * N(0,1)), sigma its robust CV (the
outliers are drawn separately: with probability outlier_p a repetition is
1.2-2x slower, as on a shared machine), then mean/median/stddev/cv aggregate
rows; memcpy_ratio per repetition is the memcpy time of the same layout, shape,
thread count and repetition index over the kernel's. Benchmarks with error rows
in the real sweep get `reps` error rows here too.
"""
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SPREAD = os.path.join(HERE, "spread.json")
SIGMA_FLOOR = 1e-4  # identical repetitions would be all ties


def load_spread(path=SPREAD):
    with open(path) as f:
        return json.load(f)


def parts(name):
    """op, layout, impl, shape, threads of op/layout/impl/NxHxWxC/threads:T/real_time."""
    p = name.split("/")
    return p[0], p[1], p[2], p[3], p[4]


def site(name):
    _, layout, _, shape, threads = parts(name)
    return layout, shape, threads


def parse_slow(specs):
    """['stream:1.10', ...] -> {'stream': 1.10}; IMPL may also be an op (memcpy)
    or one benchmark's whole name (scale/nhwc/stream/8x14x14x64/threads:1)."""
    slow = {}
    for spec in specs or []:
        what, sep, factor = spec.rpartition(":")
        try:
            value = float(factor)
        except ValueError:
            value = 0.0
        if not sep or not what or not value > 0:
            raise ValueError(f"--slow takes IMPL:FACTOR (e.g. stream:1.10), not '{spec}'")
        slow[what] = value
    return slow


def slow_factor(slow, name):
    op, _, impl, _, _ = parts(name)
    return slow.get(name.removesuffix("/real_time"), slow.get(impl, slow.get(op, 1.0)))


def draw_times(rng, median, sigma, reps, outlier_p=0.05):
    times = []
    for _ in range(reps):
        t = median * math.exp(sigma * rng.gauss(0.0, 1.0))
        if rng.random() < outlier_p:
            t *= rng.uniform(1.2, 2.0)
        times.append(t)
    return times


def _stats(values):
    """Google Benchmark's aggregates of one counter (sample stddev, cv = stddev/mean)."""
    n = len(values)
    mean = math.fsum(values) / n
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    s = sorted(values)
    median = s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])
    return {"mean": mean, "median": median, "stddev": sd, "cv": sd / mean if mean else 0.0}


def synthesize(spread, rng, reps=10, slow=None, drift=1.0, outlier_p=0.05, select=None, sigma="robust",
               run_noise=0.0, context=None):
    """A results document (dict). select(name) -> bool restricts the benchmarks;
    sigma: 'robust' (cv_robust) or 'plain' (cv) as the log-normal spread;
    run_noise: each benchmark's median times exp(run_noise N(0,1)), once per
    file: the run-to-run variation that the repetitions of one run do not see."""
    slow = slow or {}
    key = "cv_robust" if sigma == "robust" else "cv"
    chosen = [b for b in spread["benchmarks"] if select is None or select(b["name"])]
    times = {}
    for b in chosen:
        median = b["median_real_time_ns"] * drift * slow_factor(slow, b["name"])
        if run_noise:
            median *= math.exp(run_noise * rng.gauss(0.0, 1.0))
        times[b["name"]] = draw_times(rng, median, max(b[key], SIGMA_FLOOR), reps, outlier_p)
    memcpy = {site(n): t for n, t in times.items() if parts(n)[0] == "memcpy"}
    entries = [(b["index"], "timed", b) for b in chosen]
    entries += [(e["index"], "error", e) for e in spread["errors"] if select is None or select(e["name"])]
    rows = []
    for _, kind, b in sorted(entries, key=lambda e: e[0]):
        common = {"name": b["name"], "family_index": b["family_index"],
                  "per_family_instance_index": b["per_family_instance_index"], "run_name": b["name"]}
        if kind == "error":
            for i in range(reps):
                rows.append(dict(common, run_type="iteration", repetitions=reps, repetition_index=i,
                                 threads=b["threads"], error_occurred=True, error_message=b["error_message"],
                                 iterations=0, real_time=0, cpu_time=0, time_unit="ns"))
            continue
        t = times[b["name"]]
        base = memcpy.get(site(b["name"]))
        ratio = [base[i] / t[i] for i in range(reps)] if base else None
        counters = {"real_time": t, "cpu_time": [x * b["cpu_over_real"] for x in t],
                    "bytes_per_second": [b["bytes_per_iteration"] / (x * 1e-9) for x in t],
                    "items_per_second": [b["items_per_iteration"] / (x * 1e-9) for x in t]}
        for i in range(reps):
            row = dict(common, run_type="iteration", repetitions=reps, repetition_index=i, threads=b["threads"],
                       iterations=b["iterations"], real_time=t[i], cpu_time=counters["cpu_time"][i],
                       time_unit="ns", bytes_per_second=counters["bytes_per_second"][i],
                       items_per_second=counters["items_per_second"][i])
            if ratio:
                row["memcpy_ratio"] = ratio[i]
            rows.append(row)
        if reps < 2:
            continue  # Google Benchmark writes aggregates only for repeated runs
        agg = {k: _stats(v) for k, v in counters.items()}
        agg_ratio = _stats(ratio) if ratio else None
        for name in ("mean", "median", "stddev", "cv"):
            row = dict(common, name=f"{b['name']}_{name}", run_type="aggregate", repetitions=reps,
                       threads=b["threads"], aggregate_name=name,
                       aggregate_unit="percentage" if name == "cv" else "time", iterations=reps,
                       real_time=agg["real_time"][name], cpu_time=agg["cpu_time"][name], time_unit="ns",
                       bytes_per_second=agg["bytes_per_second"][name],
                       items_per_second=agg["items_per_second"][name])
            if agg_ratio and name in ("mean", "median"):
                row["memcpy_ratio"] = agg_ratio[name]
            rows.append(row)
    return {"context": dict(context if context is not None else spread["context"]), "benchmarks": rows}


def write(doc, path):
    """Writes doc as Google Benchmark does (context first), one row per line."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write('{\n  "context": ')
        f.write(json.dumps(doc["context"], indent=2).replace("\n", "\n  "))
        f.write(',\n  "benchmarks": [\n')
        f.write(",\n".join("    " + json.dumps(row) for row in doc["benchmarks"]))
        f.write("\n  ]\n}\n")
    os.replace(tmp, path)


def shape_filter(layout=None, shape=None, threads=None):
    """A select() for synthesize(): one site (any of the three may be None: all)."""
    def select(name):
        l, s, t = site(name)
        return ((layout is None or l == layout) and (shape is None or s == shape)
                and (threads is None or t == f"threads:{threads}"))
    return select
