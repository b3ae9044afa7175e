#!/usr/bin/env python3
"""`chanmul compare` on bad input, and its output contract on good input.

    python3 tests/compare/test_compare_errors.py BUILD_CHANMUL

Bad input (a table): every case must exit exactly 2, print nothing on stdout and
say why on stderr naming the offending file (or option, or program), and never
crash (signal, exit >= 128, a sanitizer report). Each bad file is tried as the
base and as the new side; the files live in a folder whose name has a space.
Good input: --format json parses and its summary.exit_code is the exit code;
--out FILE writes what stdout would have shown and prints nothing; A1 A2 -- B1 B2
exits 0 for runs of one distribution and 1, with stream's row a regression, when
stream is 10% slower.
"""
import argparse
import json
import os
import random
import sys

import gbjson
import runcompare

SITE = dict(layout="nhwc", shape="8x14x14x64", threads=1)


def write_text(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("chanmul")
    a = ap.parse_args()
    chanmul = a.chanmul
    spread = gbjson.load_spread()
    return runcompare.run_test("test_compare_errors", "chanmul compare errors ",
                               lambda work, checks: cases(chanmul, spread, work, checks))


def cases(chanmul, spread, work, checks):
    def synth(name, seed, **kw):
        path = os.path.join(work, name)
        gbjson.write(gbjson.synthesize(spread, random.Random(seed), **kw), path)
        return path

    def compare(*args):
        return runcompare.run([chanmul, "compare", *args])

    def no_crash(r, what):
        crash = r.crash()
        return checks.check(crash is None, f"{what}: no crash", f"  {crash}: {r.command()}\n{r.tail()}")

    def bad_input(r, what, *needles):
        """One check: exit 2, nothing on stdout, every needle in stderr, no crash."""
        crash = r.crash()
        ok = crash is None and r.rc == 2 and not r.out.strip() and all(n in r.err for n in needles)
        shown = ", ".join(f"'{n}'" for n in needles)
        return checks.check(ok, f"{what}: exit 2, nothing on stdout, stderr names {shown}",
                            f"  exit {r.rc}{'; ' + crash if crash else ''}: {r.command()}\n{r.tail()}")

    good = synth("good.json", 1)
    good2 = synth("good2.json", 2)
    small = synth("small.json", 3, select=gbjson.shape_filter(**SITE))
    with open(good) as f:
        good_text = f.read()
    bad_files = {
        "malformed JSON": write_text(os.path.join(work, "malformed.json"),
                                     '{"context": {"a": 1,}, "benchmarks": [}'),
        "a valid file truncated in the middle": write_text(os.path.join(work, "truncated.json"),
                                                           good_text[: len(good_text) // 2]),
        "an empty file": write_text(os.path.join(work, "empty.json"), ""),
        "a directory": os.path.join(work, "a directory"),
        "a nonexistent path": os.path.join(work, "does-not-exist.json"),
        "JSON that is not Google Benchmark JSON ({\"a\":1})": write_text(os.path.join(work, "object.json"),
                                                                        '{"a": 1}\n'),
        "JSON that is not Google Benchmark JSON ([])": write_text(os.path.join(work, "array.json"), "[]\n"),
        "benchmarks with a string for a context": write_text(os.path.join(work, "context.json"),
                                                             '{"context": "x", "benchmarks": []}'),
        "GB JSON without chanmul benchmarks": write_text(
            os.path.join(work, "foreign.json"),
            json.dumps({"context": spread["context"], "benchmarks": [
                {"name": f"BM_memcpy/{n}", "run_name": f"BM_memcpy/{n}", "run_type": "iteration",
                 "repetitions": 3, "repetition_index": i, "threads": 1, "iterations": 1000,
                 "real_time": 10.0 + i, "cpu_time": 10.0 + i, "time_unit": "ns"}
                for n in (8, 64) for i in range(3)]})),
        "GB JSON with no benchmarks": write_text(os.path.join(work, "no-benchmarks.json"),
                                                 json.dumps({"context": spread["context"], "benchmarks": []})),
        "one repetition only": synth("one-rep.json", 4, reps=1),
        "only error rows (nothing timed)": synth("errors-only.json", 5, reps=3,
                                                 select=lambda n: gbjson.parts(n)[2] == "xnnpack"
                                                 and "/1x14x14x3/" in n),
    }
    os.mkdir(bad_files["a directory"])
    for what, path in bad_files.items():
        bad_input(compare(path, good), f"{what} as the base", path)
        bad_input(compare(good, path), f"{what} as the new", path)
    # several runs per side: the one bad file among good ones is named
    bad_input(compare(good, good2, "--", good, bad_files["an empty file"]), "an empty file among several runs",
              bad_files["an empty file"])
    # two files with no benchmark in common (other layouts / shapes)
    other = synth("other-site.json", 6, select=gbjson.shape_filter("nchw", "64x14x14x17", 2))
    bad_input(compare(small, other), "no benchmark in common", small, other)

    # bad options: exit 2, a message naming the option, nothing on stdout
    missing = os.path.join(work, "no such program")
    option_cases = [
        ("an unknown flag", ("--frobnicate", good, good2), "--frobnicate"),
        ("--threshold abc", ("--threshold", "abc", good, good2), "--threshold"),
        ("--threshold 0", ("--threshold", "0", good, good2), "--threshold"),
        ("--threshold -5", ("--threshold", "-5", good, good2), "--threshold"),
        ("--alpha 2", ("--alpha", "2", good, good2), "--alpha"),
        ("--alpha 0", ("--alpha", "0", good, good2), "--alpha"),
        ("--format xml", ("--format", "xml", good, good2), "--format"),
        ("--correction bonferroni", ("--correction", "bonferroni", good, good2), "--correction"),
        ("--normalise cpu", ("--normalise", "cpu", good, good2), "--normalise"),
        ("a missing value (--threshold last)", (good, good2, "--threshold"), "--threshold"),
        ("a missing value (--out last)", (good, good2, "--out"), "--out"),
        ("three files without '--'", (good, good2, small), "--"),
        ("one file only", (good,), "NEW"),
        ("no files", (), "usage"),
        ("'--' twice", (good, "--", good2, "--", small), "--"),
        ("nothing after '--'", (good, good2, "--"), "side"),
        ("--paired with a nonexistent program", ("--paired", missing, missing, "bench"), missing),
        ("--paired with a nonexistent new program", ("--paired", chanmul, missing, "bench"), missing),
        ("--paired without bench or sweep", ("--paired", chanmul, chanmul), "bench or sweep"),
        ("--paired --rounds 1", ("--paired", chanmul, chanmul, "--rounds", "1", "bench"), "--rounds"),
        ("--out into a missing folder", (good, good2, "--out", os.path.join(work, "nope", "out.md")),
         os.path.join(work, "nope", "out.md")),
    ]
    for what, args, needle in option_cases:
        bad_input(compare(*args), what, needle)

    # ---- odd but readable input: no crash, a verdict (0, 1 or 3) ----
    odd = gbjson.synthesize(spread, random.Random(12), select=gbjson.shape_filter(**SITE))
    for row in odd["benchmarks"]:
        impl = gbjson.parts(row["name"])[2]
        row["real_time"] = {"naive": "fast", "simd": -1.0, "map": 0}.get(impl, row["real_time"])
    odd_rows = [("x" * 3000, "8x14x14x64", "ns"), ("a|b`c", "8x14x14x64", "ns"),
                ("huge", "99999999999x99999999999x9999999999x9999999999", "ns"), ("empty", "0x0x0x0", "parsec")]
    odd["benchmarks"] += [5, "row", None, []] + [
        {"name": f"scale/nhwc/{impl}/{shape}/threads:1/real_time", "run_type": "iteration", "repetitions": 3,
         "repetition_index": i, "real_time": 1.0 + i, "time_unit": unit}
        for impl, shape, unit in odd_rows for i in range(3)]
    odd_path = os.path.join(work, "odd.json")
    gbjson.write(odd, odd_path)
    write_text(odd_path, open(odd_path).read().replace('"real_time": 2.0', '"real_time": NaN'))
    for what, args in (("odd rows as the new", (small, odd_path)), ("odd rows as the base", (odd_path, small))):
        r = compare(*args)
        if no_crash(r, what):
            checks.check(r.rc in (0, 1, 3) and r.out.startswith("## "), f"{what}: a verdict (exit {r.rc})",
                         f"  {r.command()}\n{r.tail()}")
    # a benchmark that fails verification in the new results only, on another machine
    failing = gbjson.synthesize(spread, random.Random(13), select=gbjson.shape_filter(**SITE))
    failing["context"]["cpu_model"] = "Another CPU"
    rows = []
    for row in failing["benchmarks"]:
        if gbjson.parts(row["name"])[2] != "stream":
            rows.append(row)
        elif row["run_type"] == "iteration":
            rows.append({k: v for k, v in row.items() if k not in ("bytes_per_second", "items_per_second",
                                                                     "memcpy_ratio")}
                        | {"error_occurred": True, "error_message": "verification failed (planted)",
                           "iterations": 0, "real_time": 0, "cpu_time": 0})
    failing["benchmarks"] = rows
    failing_path = os.path.join(work, "failing.json")
    gbjson.write(failing, failing_path)
    r = compare(small, failing_path, "--format", "json")
    if no_crash(r, "verification failure in the new"):
        doc = r.json() or {}
        failed = [row for row in runcompare.rows_where(doc, verdict="regression")
                  if "verification" in row.get("note", "")]
        checks.check(r.rc == 1 and len(failed) == 1 and "stream" in failed[0]["name"],
                     f"a benchmark failing verification in the new only: exit {r.rc} (want 1), "
                     f"{len(failed)} regression row saying so", f"  {r.command()}\n{r.tail()}")
        checks.check("cpu_model" in r.err and "Another CPU" in r.err,
                     "another cpu_model in the new: a warning on stderr naming it", r.tail())
    two_reps = synth("two-reps.json", 14, reps=2), synth("two-reps-b.json", 15, reps=2)
    r = compare(*two_reps)
    if no_crash(r, "two repetitions"):
        checks.check(r.rc == 3, f"two repetitions per benchmark: exit {r.rc} (want 3, inconclusive)",
                     f"  {r.command()}\n{r.tail()}")
    r = compare(good, good)
    if no_crash(r, "a file against itself"):
        checks.check(r.rc == 0, f"a file against itself: exit {r.rc} (want 0)", f"  {r.command()}\n{r.tail()}")

    # ---- good input: the output contract ----
    slow = synth("slow.json", 7, slow={"stream": 1.10})
    for what, args, want in (("--normalise memcpy, A/A", (good, good2, "--normalise", "memcpy"), (0,)),
                             ("--normalise memcpy, stream 10% slower", (good, slow, "--normalise", "memcpy"), (1,)),
                             ("--correction bh, A/A", (good, good2, "--correction", "bh"), (0,)),
                             ("--correction bh, stream 10% slower", (good, slow, "--correction", "bh"), (1,)),
                             ("--threshold 20, stream 10% slower", (good, slow, "--threshold", "20"), (0, 3))):
        r = compare(*args)
        if no_crash(r, what):
            checks.check(r.rc in want, f"{what}: exit {r.rc} (want {' or '.join(map(str, want))})",
                         f"  {r.command()}\n{r.tail()}")
    for what, args in (("A/A", (good, good2)), ("stream 10% slower", (good, slow))):
        r = compare(*args, "--format", "json")
        if not no_crash(r, f"--format json, {what}"):
            continue
        doc = r.json()
        code = (doc or {}).get("summary", {}).get("exit_code")
        checks.check(doc is not None and code == r.rc,
                     f"--format json, {what}: parses, summary.exit_code {code} = exit {r.rc}",
                     f"  {r.command()}\n{r.tail()}")
        if doc is not None:
            kinds = {row.get("kind") for row in doc.get("rows", [])}
            verdicts = {row.get("verdict") for row in doc.get("rows", [])}
            checks.check(kinds <= {"benchmark", "implementation", "stratum"} and
                         verdicts <= {"regression", "inconclusive", "improvement", "no change"} and
                         "benchmark" in kinds,
                         f"--format json, {what}: row kinds {sorted(kinds)}, verdicts {sorted(verdicts)}")
    for fmt in ("md", "json"):
        out = os.path.join(work, f"out.{fmt}")
        shown = compare(good, slow, "--format", fmt)
        r = compare(good, slow, "--format", fmt, "--out", out)
        if no_crash(r, f"--out, {fmt}"):
            written = open(out).read() if os.path.exists(out) else None
            checks.check(r.rc == shown.rc == 1 and not r.out and written == shown.out and written,
                         f"--out FILE ({fmt}): exit {r.rc}, nothing on stdout, the file holds what stdout shows",
                         f"  {r.command()}\n{r.tail()}")

    # several runs per side
    a1, a2 = good, good2
    b1, b2 = synth("b1.json", 8), synth("b2.json", 9)
    s1, s2 = synth("s1.json", 10, slow={"stream": 1.10}), synth("s2.json", 11, slow={"stream": 1.10})
    for what, args, expect in (("A1 A2 -- B1 B2, one distribution", (a1, a2, "--", b1, b2), 0),
                               ("A1 A2 -- S1 S2, stream 10% slower", (a1, a2, "--", s1, s2), 1)):
        r = compare(*args, "--format", "json")
        if not no_crash(r, what):
            continue
        doc = r.json() or {}
        ok = r.rc == expect and doc.get("settings", {}).get("runs_base") == 2
        if expect == 1:
            ok = ok and runcompare.implementation_verdict(doc, "scale/stream") == "regression"
        checks.check(ok, f"{what}: exit {r.rc} (want {expect})"
                     + (", stream's implementation row a regression" if expect == 1 else ""),
                     f"  {r.command()}\n{r.tail()}")


if __name__ == "__main__":
    sys.exit(main())
