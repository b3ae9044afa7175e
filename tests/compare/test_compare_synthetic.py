#!/usr/bin/env python3
"""The statistical claims of `chanmul compare`, on synthetic sweeps (gbjson.py).

    python3 tests/compare/test_compare_synthetic.py BUILD_CHANMUL [--trials N] [--seed S] [--keep DIR]
                                                    [--run-noise SIGMA]

(a) A/A: N trials of two files drawn from the same distributions with
    different seeds (10 repetitions, the real CVs, 5% slow outliers). Passes when
    compare exits 0 in at least 99% of the trials.
(b) stream 10% slower at every shape: N trials (against the A/A trial's
    base file). Passes when compare exits 1 in at least 95% of the trials.
With --run-noise SIGMA every file also gets a per-benchmark factor
exp(SIGMA N(0,1)): run-to-run variation the repetitions cannot show. One run per
side cannot resolve it, so (a) then only claims no regression (exit 0 or 3) in
at least 99% of the trials; (b) is unchanged.
Never a crash (signal, exit >= 128, sanitizer report) in either. Fixed seeds: the
result is the same on every run. Prints the exit codes' counts, and the benchmark
rows judged inconclusive and regression over all trials; exits 1 on failure.
"""
import argparse
import collections
import os
import random
import sys

import gbjson
import runcompare

SLOW_IMPL, SLOW_FACTOR = "stream", 1.10
AA_PASS, SLOW_PASS = 0.99, 0.95


class Part:
    """The trials of one claim: exit codes, verdict counts, and the first miss."""

    def __init__(self, label, expect, need, inspect=None):
        """expect: the exit code wanted, or a tuple of them."""
        self.label, self.need, self.inspect = label, need, inspect
        self.expect = expect if isinstance(expect, tuple) else (expect,)
        self.codes, self.verdicts, self.extra = collections.Counter(), collections.Counter(), collections.Counter()
        self.trials, self.crashes, self.first_miss = 0, 0, None

    def add(self, chanmul, base, new, trial):
        r = runcompare.run([chanmul, "compare", base, new, "--format", "json"])
        crash, doc = r.crash(), r.json()
        self.trials += 1
        self.crashes += crash is not None
        self.codes[f"crash ({crash})" if crash else r.rc] += 1
        if doc is None and not crash:
            self.codes["json does not parse"] += 1
        if doc is not None:
            for row in runcompare.rows_where(doc, kind="benchmark"):
                self.verdicts[row["verdict"]] += 1
            if self.inspect:
                self.inspect(doc, self.extra)
        if (crash or r.rc not in self.expect) and self.first_miss is None:
            self.first_miss = (trial, r)

    def report(self, checks):
        n = self.trials
        hits = sum(self.codes[e] for e in self.expect)
        share = hits / n if n else 0.0
        want = " or ".join(str(e) for e in self.expect)
        print(f"[{self.label}] exit codes over {n} trials: "
              + ", ".join(f"{k}: {v}" for k, v in sorted(self.codes.items(), key=lambda kv: str(kv[0]))))
        v = self.verdicts
        print(f"[{self.label}] benchmark rows over all trials: {v['inconclusive']} inconclusive, "
              f"{v['regression']} regression, {v['improvement']} improvement, {v['no change']} no change")
        for k, count in sorted(self.extra.items()):
            print(f"[{self.label}] {k}: {count}")
        if self.first_miss:
            trial, r = self.first_miss
            print(f"[{self.label}] first trial not exiting {want}: trial {trial}, exit {r.rc} "
                  f"(rerun with --keep DIR to keep its files)")
        checks.check(self.crashes == 0, f"{self.label}: no crash in {n} trials")
        checks.check(share >= self.need, f"{self.label}: exit {want} in {hits}/{n} "
                                         f"trials ({100 * share:.0f}%, need >= {100 * self.need:.0f}%)")


def slow_inspect(doc, extra):
    group = f"scale/{SLOW_IMPL}"
    extra[f"trials with the {group} implementation row a regression"] += (
        runcompare.implementation_verdict(doc, group) == "regression")
    for r in runcompare.rows_where(doc, kind="benchmark", verdict="regression"):
        extra["regression rows of stream benchmarks" if r.get("implementation") == group
              else "regression rows of other benchmarks (false)"] += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("chanmul")
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--run-noise", type=float, default=0.0, help="per-benchmark run-to-run sigma")
    ap.add_argument("--keep", help="write every trial's files here and keep them (default: a temporary folder)")
    a = ap.parse_args()
    spread = gbjson.load_spread()
    noise = f", run noise {a.run_noise:g}" if a.run_noise else ""

    def body(work, checks):
        def synth(trial, name, seed, **kw):
            path = os.path.join(work, f"trial{trial:03d}-{name}.json" if a.keep else f"{name}.json")
            gbjson.write(gbjson.synthesize(spread, random.Random(seed), run_noise=a.run_noise, **kw), path)
            return path

        aa = Part(f"A/A{noise}", (0, 3) if a.run_noise else 0, AA_PASS)
        slowed = Part(f"{SLOW_IMPL} x{SLOW_FACTOR:.2f}{noise}", 1, SLOW_PASS, slow_inspect)
        for i in range(a.trials):
            seed = a.seed + 3 * i
            base = synth(i, "base", seed)
            aa.add(a.chanmul, base, synth(i, "aa-new", seed + 1), i)
            slowed.add(a.chanmul, base, synth(i, "slow-new", seed + 2, slow={SLOW_IMPL: SLOW_FACTOR}), i)
            if (i + 1) % 25 == 0 and i + 1 < a.trials:
                print(f"... {i + 1}/{a.trials} trials", flush=True)
        aa.report(checks)
        slowed.report(checks)

    return runcompare.run_test("test_compare_synthetic", "chanmul-compare-synth-", body, a.keep)

if __name__ == "__main__":
    sys.exit(main())
