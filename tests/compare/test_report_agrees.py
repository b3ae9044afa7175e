#!/usr/bin/env python3
"""`chanmul report --baseline` and `chanmul compare` agree on every verdict they both show.

    python3 tests/compare/test_report_agrees.py BUILD_CHANMUL

Two synthetic sweeps (synth.py's generator: stream 10% slower in the second,
so that every verdict kind appears), then `chanmul compare BASE NEW` (Markdown
and JSON) and `chanmul report NEW --baseline BASE`. The rows of the report's
"Changes since the baseline" table must be exactly the rows of compare's
table, and each row's verdict must be the JSON's verdict for that name.
Exits 1 on any difference (printed).
"""
import json
import os
import random
import subprocess
import sys
import tempfile

import gbjson


def table_rows(markdown, start_marker=None):
    """The rows of the first verdict table after start_marker (or the first at all)."""
    lines = markdown.splitlines()
    if start_marker is not None:
        lines = lines[next(i for i, l in enumerate(lines) if l.startswith("## ") and start_marker in l):]
    begin = next(i for i, l in enumerate(lines) if l.startswith("| Verdict |"))
    rows = []
    for line in lines[begin + 2:]:
        if not line.startswith("| "):
            break
        rows.append(line)
    return rows


def main(argv):
    chanmul = argv[1]
    spread = gbjson.load_spread()
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        base, new = os.path.join(tmp, "base.json"), os.path.join(tmp, "new.json")
        gbjson.write(gbjson.synthesize(spread, random.Random(11)), base)
        gbjson.write(gbjson.synthesize(spread, random.Random(12), slow=gbjson.parse_slow(["stream:1.10"])), new)
        md = subprocess.run([chanmul, "compare", base, new], capture_output=True, text=True)
        js = subprocess.run([chanmul, "compare", base, new, "--format", "json"], capture_output=True, text=True)
        out = os.path.join(tmp, "report.md")
        rep = subprocess.run([chanmul, "report", new, "--baseline", base, "--out", out, "--plots",
                              os.path.join(tmp, "plots")], capture_output=True, text=True)
        if md.returncode != 1 or js.returncode != 1:
            problems.append(f"compare exited {md.returncode} / {js.returncode}, expected 1 (stream 10% slower)")
        if rep.returncode != 0:
            problems.append(f"report exited {rep.returncode}: {rep.stderr.strip()}")
        if not problems:
            with open(out) as f:
                report_rows = table_rows(f.read(), "Changes since the baseline")
            compare_rows = table_rows(md.stdout)
            verdicts = {r["name"]: r["verdict"] for r in json.loads(js.stdout)["rows"]}
            if not compare_rows:
                problems.append("compare's table has no rows")
            if report_rows != compare_rows:
                problems.append(f"the report's table differs from compare's ({len(report_rows)} vs "
                                f"{len(compare_rows)} rows)")
                for a, b in zip(report_rows, compare_rows):
                    if a != b:
                        problems.append(f"  report:  {a}\n  compare: {b}")
                        break
            shown = 0
            for row in compare_rows:
                cells = [c.strip() for c in row.strip("|").split(" | ")]
                verdict, name = cells[0].strip("*"), cells[1].strip("*")
                if verdicts.get(name) != verdict:
                    problems.append(f"'{name}': Markdown says {verdict}, JSON {verdicts.get(name)}")
                shown += 1
            kinds = {v for v in verdicts.values()}
            print(f"report_agrees: {shown} rows compared, verdicts present: {', '.join(sorted(kinds))}")
    for p in problems:
        print("FAIL " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
