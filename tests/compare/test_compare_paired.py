#!/usr/bin/env python3
"""`chanmul compare --paired` against a fake chanmul (fake_chanmul.py) on a drifting machine.

    python3 tests/compare/test_compare_paired.py BUILD_CHANMUL [--rounds R]

Writes two wrapper programs: old (no slowdown) and new (stream 10% slower), both
fake_chanmul.py sharing one invocation counter, so that the machine's drift
(+-15% over the session, little between two runs next to each other) is the
same for both builds of a round. Then, with --rounds 12 (default):
  - paired A/A (old vs old): no regression (exit 0 or 3);
  - paired old vs new: exit 1, stream's row a regression (its implementation
    row, or with one benchmark per implementation its benchmark row) and no
    other implementation's or benchmark's.
Never a crash; the JSON's summary.exit_code is the exit code. Exits 1 on failure.
"""
import argparse
import os
import stat
import sys

import runcompare

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "fake_chanmul.py")
BENCH_ARGS = ["bench", "--shape", "8x14x14x64", "--layout", "nhwc", "--threads", "1"]


def wrapper(path, slow):
    with open(path, "w") as f:
        f.write("#!/bin/sh\n")
        f.write(f"# a fake chanmul for the paired test ({'stream ' + slow if slow else 'no slowdown'})\n")
        env = f"FAKE_CHANMUL_SLOW='{slow}' " if slow else "FAKE_CHANMUL_SLOW= "
        f.write(f"{env}exec '{sys.executable}' '{FAKE}' \"$@\"\n")
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("chanmul")
    ap.add_argument("--rounds", type=int, default=12)
    a = ap.parse_args()

    def body(work, checks):
        old = wrapper(os.path.join(work, "old-chanmul"), None)
        new = wrapper(os.path.join(work, "new-chanmul"), "stream:1.10")

        def paired(first, second, label):
            state = os.path.join(work, label.replace(" ", "-").replace("/", "") + ".state")
            env = dict(os.environ, FAKE_CHANMUL_STATE=state, FAKE_CHANMUL_SEED="7", TMPDIR=work)
            r = runcompare.run([a.chanmul, "compare", "--format", "json", "--paired", first, second,
                                "--rounds", str(a.rounds), *BENCH_ARGS], env=env, timeout=300)
            crash = r.crash()
            checks.check(crash is None, f"{label}: no crash", f"  {crash}: {r.command()}\n{r.tail()}")
            doc = r.json()
            checks.check(doc is not None and doc.get("mode") == "paired" and
                         doc.get("summary", {}).get("exit_code") == r.rc,
                         f"{label}: JSON in paired mode, summary.exit_code = exit {r.rc}",
                         f"  {r.command()}\n{r.tail()}")
            return r, doc or {}

        def summary(doc):
            return doc.get("summary", {}).get("benchmarks", {})

        r, doc = paired(old, old, "paired A/A")
        checks.check(r.rc in (0, 3), f"paired A/A (old vs old, {a.rounds} rounds): exit {r.rc} (want 0 or 3); "
                                     f"benchmarks {summary(doc)}",
                     f"  {r.command()}\n{r.tail()}")
        r, doc = paired(old, new, "paired old vs new")
        verdicts = {row.get("implementation"): row["verdict"]
                    for row in runcompare.rows_where(doc, kind="implementation")}
        stream_rows = runcompare.rows_where(doc, kind="benchmark", implementation="scale/stream")
        others = sorted(k for k, v in verdicts.items() if v == "regression" and k != "scale/stream")
        other_benchmarks = [row["name"] for row in runcompare.rows_where(doc, kind="benchmark", verdict="regression")
                            if row.get("implementation") != "scale/stream"]
        stream_regressed = (verdicts.get("scale/stream") == "regression" or
                            (stream_rows and all(row["verdict"] == "regression" for row in stream_rows)))
        checks.check(r.rc == 1 and stream_regressed,
                     f"paired old vs new (stream x1.10, {a.rounds} rounds): exit {r.rc} (want 1), stream "
                     f"{verdicts.get('scale/stream') or [row['verdict'] for row in stream_rows]}",
                     f"  {r.command()}\n{r.tail()}")
        checks.check(not others and not other_benchmarks,
                     f"paired old vs new: no other regression (implementations {others}, benchmarks "
                     f"{other_benchmarks})")

    return runcompare.run_test("test_compare_paired", "chanmul-compare-paired-", body)


if __name__ == "__main__":
    sys.exit(main())
