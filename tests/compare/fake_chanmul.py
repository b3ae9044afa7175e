#!/usr/bin/env python3
"""A stand-in for `chanmul bench|sweep ... --json FILE`, for `chanmul compare --paired` tests.

    fake_chanmul.py [--slow IMPL:FACTOR] bench [ANY ARGS] [--repetitions R] [--layout L]
                    [--shape NxHxWxC] [--threads T] --json FILE
    fake_chanmul.py [--slow IMPL:FACTOR] sweep [ANY ARGS] [--repetitions R] [--threads T] --json FILE

Writes a synthetic results file (gbjson.py), R repetitions (default 10), in no
time: bench, one site of spread.json (default nhwc 8x14x14x64, one thread: its
~10 benchmarks); sweep, all of it (or one thread count). Other arguments are
accepted and ignored.
  --slow IMPL:FACTOR, or FAKE_CHANMUL_SLOW=IMPL:FACTOR[,IMPL:FACTOR]: that
      implementation FACTOR times slower (the "new build").
  FAKE_CHANMUL_STATE=FILE: an invocation counter k kept in FILE; every time of
      invocation k is multiplied by the machine's drift exp(0.15 sin(k / 2.5)):
      slow enough that two runs next to each other see much the same drift, large
      over a whole session (+-15%). Without it, no drift.
  FAKE_CHANMUL_SEED=S: the base of each invocation's seed (S + k); default 1.
Exit 0; 2 on bad usage (no bench verb, no --json), like chanmul.
"""
import math
import os
import random
import sys

import gbjson

DRIFT_AMPLITUDE, DRIFT_PERIOD = 0.15, 2.5


def option(args, name, default=None):
    """The value of --name V or --name=V (the last one given), else default."""
    value = default
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(name + "="):
            value = arg[len(name) + 1:]
    return value


def next_invocation(state):
    """Reads, increments and writes the counter in the state file; returns k."""
    if not state:
        return None
    try:
        with open(state) as f:
            k = int(f.read().strip() or 0)
    except FileNotFoundError:
        k = 0
    with open(state, "w") as f:
        f.write(f"{k + 1}\n")
    return k


def main(argv):
    args = argv[1:]
    verb = next((a for a in args if a in ("bench", "sweep")), None)
    if not verb:
        print("fake_chanmul: usage: fake_chanmul.py [--slow IMPL:FACTOR] bench|sweep [ARGS] --json FILE",
              file=sys.stderr)
        return 2
    out = option(args, "--json")
    if not out:
        print(f"fake_chanmul {verb}: --json FILE is required here", file=sys.stderr)
        return 2
    specs = [s for s in os.environ.get("FAKE_CHANMUL_SLOW", "").split(",") if s]
    specs += [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--slow"]
    try:
        slow = gbjson.parse_slow(specs)
        reps = int(option(args, "--repetitions", "10"))
        threads = int(option(args, "--threads", "1" if verb == "bench" else "0"))
    except ValueError as e:
        print(f"fake_chanmul {verb}: {e}", file=sys.stderr)
        return 2
    k = next_invocation(os.environ.get("FAKE_CHANMUL_STATE"))
    drift = 1.0 if k is None else math.exp(DRIFT_AMPLITUDE * math.sin(k / DRIFT_PERIOD))
    seed = int(os.environ.get("FAKE_CHANMUL_SEED", "1")) + (k or 0)
    if verb == "bench":
        select = gbjson.shape_filter(option(args, "--layout", "nhwc"), option(args, "--shape", "8x14x14x64"),
                                     threads)
    else:
        select = gbjson.shape_filter(threads=threads or None)
    spread = gbjson.load_spread()
    doc = gbjson.synthesize(spread, random.Random(seed), reps=reps, slow=slow, drift=drift, select=select)
    if not doc["benchmarks"]:
        print(f"fake_chanmul {verb}: no benchmark of spread.json at that layout, shape and thread count",
              file=sys.stderr)
        return 2
    doc["context"]["command"] = "fake_chanmul.py " + " ".join(args)
    gbjson.write(doc, out)
    print(f"fake_chanmul: invocation {k}, drift {drift:.4f}, slow {slow or 'none'}: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
