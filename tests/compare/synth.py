#!/usr/bin/env python3
"""Writes a seeded synthetic results file in `chanmul sweep` JSON (see gbjson.py).

    python3 tests/compare/synth.py --seed S [--reps R] [--slow IMPL:FACTOR ...] [--drift D]
                                   [--run-noise S] [--outliers P] [--sigma robust|plain]
                                   [--layout L] [--shape NxHxWxC] [--threads T] --out FILE

Every benchmark of spread.json (or the one site --layout/--shape/--threads
select), R repetitions (default 10, bench/sweep's default). --slow stream:1.10
makes that implementation 10% slower at every shape (IMPL may also be an op,
memcpy, or one benchmark's name: scale/nhwc/stream/8x14x14x64/threads:1:1.5);
--drift 1.03 the whole run 3% slower (a machine's drift between runs);
--run-noise 0.02 each benchmark by its own factor exp(0.02 N(0,1)) (run-to-run
variation that the repetitions of one run do not show).
"""
import argparse
import random
import sys

import gbjson


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--slow", action="append", default=[], metavar="IMPL:FACTOR")
    ap.add_argument("--drift", type=float, default=1.0)
    ap.add_argument("--run-noise", type=float, default=0.0,
                    help="sigma of a per-benchmark factor drawn once per file (run-to-run variation)")
    ap.add_argument("--outliers", type=float, default=0.05, help="probability of a 1.2-2x slow repetition")
    ap.add_argument("--sigma", choices=("robust", "plain"), default="robust")
    ap.add_argument("--layout")
    ap.add_argument("--shape")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--spread", default=gbjson.SPREAD)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    try:
        slow = gbjson.parse_slow(a.slow)
    except ValueError as e:
        ap.error(str(e))
    if a.reps < 1:
        ap.error("--reps takes a positive integer")
    select = None
    if a.layout or a.shape or a.threads:
        select = gbjson.shape_filter(a.layout, a.shape, a.threads)
    doc = gbjson.synthesize(gbjson.load_spread(a.spread), random.Random(a.seed), reps=a.reps, slow=slow,
                            drift=a.drift, run_noise=a.run_noise, outlier_p=a.outliers, select=select,
                            sigma=a.sigma)
    gbjson.write(doc, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
