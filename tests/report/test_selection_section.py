#!/usr/bin/env python3
"""Section 10 of the report, "Choosing a kernel: `auto`", on synthetic input.

A results file written here (times chosen by hand: auto, stream, simd, a peer,
the memcpy baseline, at a few sites of the channel scale and one of the gate;
stream fails verification at one site) and a selection file written by hand
(the keys chanmul_selection_format writes; one entry names a kernel that does
not exist, so it is skipped). Checked against figures this script computes
from its own numbers:

- auto is read as kind selector ("auto (selector)"), never a winner;
- the origin line: a file of another CPU is "refused here: made on another
  CPU: vendor: ..."; with the CPU and build fields copied one by one from the
  refusals until none is left, "used by auto here";
- the map: one table per op, layout and thread count, rows N, columns C, each
  cell the winners at each spatial size joined by " / " ("~" a tie, "-" no
  entry), the spatial sizes named under it;
- the regret table (auto and the heuristic per op and thread count: sites,
  median, max, within 5%, within 15%) and the five sites of largest regret with
  auto's pick from the file (the nearest grid point);
- without auto in the results: one line saying so;
- a truncated selection file: exit 2, a message naming the file and a
  line:column, no report written; a missing one: exit 2 naming it.

usage: test_selection_section.py CHANMUL WORKDIR
"""
import copy
import json
import math
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compare"))
import gbjson  # noqa: E402  (the results writer the compare tests share)

REPS = 3
# (op, layout, N, H, W, C, threads): median ns of stream, simd, onednn (peer), auto; None: failed
SITES = [
    ("scale", "nhwc", 1, 7, 7, 8, 1, {"stream": 100, "simd": 90, "onednn": 150, "auto": 92}),
    ("scale", "nhwc", 4, 7, 7, 8, 1, {"stream": 200, "simd": 260, "onednn": 230, "auto": 198}),
    ("scale", "nhwc", 1, 28, 28, 64, 1, {"stream": 1000, "simd": 1300, "onednn": 900, "auto": 1080}),
    ("scale", "nchw", 2, 7, 7, 16, 1, {"stream": 300, "simd": 240, "onednn": 330, "auto": 270}),
    ("scale", "nhwc", 4, 28, 28, 64, 2, {"stream": 2000, "simd": 3000, "onednn": 2100, "auto": 2060}),
    ("scale", "nhwc", 1, 7, 7, 64, 2, {"stream": None, "simd": 500, "onednn": 520, "auto": 540}),
    ("gate", "nhwc", 4, 7, 7, 8, 1, {"stream": 150, "simd": 160, "onednn": 140, "eigen": 170, "auto": 162}),
]
KINDS = {"stream": "chanmul", "simd": "chanmul", "onednn": "peer", "eigen": "peer", "auto": "selector"}
SELECTABLE = ("chanmul", "peer")

# (op, layout, n, h, w, c, threads, winner, tie)
ENTRIES = [
    ("scale", "nhwc", 1, 7, 7, 8, 1, "simd", False),
    ("scale", "nhwc", 1, 28, 28, 8, 1, "stream", True),
    ("scale", "nhwc", 4, 7, 7, 8, 1, "stream", False),
    ("scale", "nhwc", 4, 28, 28, 64, 1, "omp_tiled", False),
    ("scale", "nhwc", 1, 28, 28, 64, 1, "stream", False),
    ("scale", "nhwc", 1, 7, 7, 64, 1, "simd", True),
    ("scale", "nhwc", 2, 7, 7, 8, 1, "no_such_kernel", False),  # skipped: 1 skipped
    ("scale", "nhwc", 4, 28, 28, 64, 2, "stream", False),
    ("scale", "nhwc", 1, 7, 7, 64, 2, "simd", False),
    ("scale", "nchw", 2, 7, 7, 16, 1, "simd", False),
    ("gate", "nhwc", 4, 7, 7, 8, 1, "stream", True),
]

failures = 0


def check(ok, what, detail=""):
    global failures
    if ok:
        print("ok   - " + what)
    else:
        failures += 1
        print("FAIL - " + what + (": " + detail if detail else ""))


# ---- input -------------------------------------------------------------------------------

def bytes_moved(op, n, h, w, c):
    """Every operand once (the report's working set): x, y and the factor."""
    factor = c if op == "scale" else n * h * w  # gate: one factor per position
    return 8 * n * h * w * c + 4 * factor


def results_doc():
    rows, index = [], 0
    ctx = {"host_name": "synthetic", "cpu_model": "Synthetic CPU", "cpu_isa": "avx2", "l1d_bytes": 32768,
           "l2_bytes": 524288, "l3_bytes": 33554432, "cores": 2}
    for impl, kind in KINDS.items():
        ctx["impl_kind:" + impl] = kind
        ctx["verify:" + impl] = "pass"

    def add(name, t_ns, nbytes, threads, error=None):
        nonlocal index
        for i in range(REPS):
            row = {"name": name + "/real_time", "run_name": name + "/real_time", "run_type": "iteration",
                   "family_index": index, "per_family_instance_index": 0, "repetitions": REPS,
                   "repetition_index": i, "threads": 1, "iterations": 1000, "time_unit": "ns"}
            if error:
                row.update(error_occurred=True, error_message=error, iterations=0, real_time=0, cpu_time=0)
            else:
                row.update(real_time=t_ns, cpu_time=t_ns * threads, bytes_per_second=nbytes / (t_ns * 1e-9))
            rows.append(row)
        index += 1

    memcpy_done = set()
    for op, layout, n, h, w, c, t, times in SITES:
        shape = "%dx%dx%dx%d" % (n, h, w, c)
        if (layout, shape, t) not in memcpy_done:
            memcpy_done.add((layout, shape, t))
            add("memcpy/%s/baseline/%s/threads:%d" % (layout, shape, t), 0.8 * min(v for v in times.values() if v),
                8 * n * h * w * c, t)
        for impl, ns in times.items():
            name = "%s/%s/%s/%s/threads:%d" % (op, layout, impl, shape, t)
            if ns is None:
                add(name, 0, 0, t, error="verification failed at %s %s %s" % (op, layout, shape))
            else:
                add(name, ns, bytes_moved(op, n, h, w, c), t)
    return {"context": ctx, "benchmarks": rows}


def selection_doc(cpu, build):
    entries = []
    for op, layout, n, h, w, c, t, winner, tie in ENTRIES:
        entries.append({"op": op, "layout": layout, "n": n, "h": h, "w": w, "c": c, "threads": t,
                        "winner": winner, "runner_up": "simd" if winner != "simd" else "stream",
                        "winner_ns": 100.0, "runner_up_ns": 103.0, "margin": 0.03,
                        "margin_low": -0.01 if tie else 0.01, "margin_high": 0.05, "tie": tie,
                        "uses_tunables": winner == "stream",
                        "candidates": {winner: 100.0, "naive": 300.0}})
    return {"chanmul_selection": 1, "generated_by": "chanmul tune: do not edit; rerun it",
            "command": "chanmul tune --profile synthetic", "region_rule": "nearest grid point",
            "cpu": cpu, "build": build,
            "tunables": {"min_elements_per_thread": 12288, "nontemporal_min_bytes": 0,
                         "evidence": "synthetic: written by hand"},
            "entries": entries}


# ---- what the section should say ----------------------------------------------------------

def pct(regret):
    return "-" if regret is None or math.isnan(regret) else "%+.1f%%" % (regret * 100)


def site_regrets(heuristic_pick):
    """[(op, layout, shape, threads, site, regret, heuristic regret, best impl)] in SITES order."""
    out = []
    for op, layout, n, h, w, c, t, times in SITES:
        timed = {i: v for i, v in times.items() if v is not None}
        cands = {i: v for i, v in timed.items() if KINDS[i] in SELECTABLE}
        best = min(cands, key=lambda i: cands[i])
        reg = timed["auto"] / cands[best] - 1
        hp = heuristic_pick.get((op, t))
        hreg = timed[hp] / cands[best] - 1 if hp in timed else float("nan")
        out.append((op, layout, "%dx%dx%dx%d" % (n, h, w, c), t, (n, h, w, c), reg, hreg, best))
    return out


def summary(values):
    v = [x for x in values if not math.isnan(x)]
    if not v:
        return (0, "-", "-", 0, 0)
    return (len(v), pct(statistics.median(v)), pct(max(v)), sum(x <= 0.05 for x in v), sum(x <= 0.15 for x in v))


def lookup(op, layout, n, h, w, c, threads):
    """auto's pick (chanmul_selection_decide): the sites here sit on grid points, where the
    point's own candidates decide, so its winner; found as the nearest usable entry (nearest
    thread count, then log2 distance). No tie mark: the column names what runs."""
    best, gap_best, dist_best = None, math.inf, math.inf
    for e in ENTRIES:
        eop, el, en, eh, ew, ec, et, winner, tie = e
        if eop != op or el != layout or winner == "no_such_kernel":
            continue
        gap = abs(math.log2(et) - math.log2(threads))
        d = ((math.log2(en) - math.log2(n)) ** 2 + (math.log2(eh * ew) - math.log2(h * w)) ** 2
             + (math.log2(ec) - math.log2(c)) ** 2)
        if gap < gap_best or (gap == gap_best and d < dist_best):
            best, gap_best, dist_best = e, gap, d
    return "-" if best is None else best[7]


def expected_map():
    """{(op, layout, threads): (header, rows, cells line)} from ENTRIES (the usable ones)."""
    groups = {}
    for op, layout, n, h, w, c, t, winner, tie in ENTRIES:
        if winner != "no_such_kernel":
            groups.setdefault((op, layout, t), []).append((n, h, w, c, winner, tie))
    out = {}
    for key, es in groups.items():
        ns = sorted({e[0] for e in es})
        cs = sorted({e[3] for e in es})
        sp = sorted({(e[1], e[2]) for e in es}, key=lambda s: (s[0] * s[1], s[0], s[1]))
        header = ["N"] + ["C=%d" % c for c in cs]
        rows = []
        for n in ns:
            row = [str(n)]
            for c in cs:
                parts = []
                for h, w in sp:
                    hit = [e for e in es if e[0] == n and e[3] == c and (e[1], e[2]) == (h, w)]
                    parts.append(hit[0][4] + ("~" if hit[0][5] else "") if hit else "-")
                row.append(" / ".join(parts))
            rows.append(row)
        out[key] = (header, rows, "cells: " + " / ".join("%dx%d" % s for s in sp))
    return out


# ---- reading the report --------------------------------------------------------------------

def section(text, start, stop=None):
    if start not in text:
        return ""
    body = text.split(start, 1)[1]
    return body.split(stop, 1)[0] if stop and stop in body else body


def table_after(text, marker):
    """The rows (lists of cells) of the first table after marker, and the text after it."""
    if marker not in text:
        return None, ""
    lines = text.split(marker, 1)[1].split("\n")
    i = 0
    while i < len(lines) and not lines[i].startswith("|"):
        i += 1
    rows = []
    while i < len(lines) and lines[i].startswith("|"):
        if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i].strip()):  # not the rule line
            rows.append([c.strip() for c in lines[i].strip()[1:-1].split(" | ")])
        i += 1
    return rows, "\n".join(lines[i:])


def run_report(chanmul, results, out, selection=None, extra=()):
    cmd = [chanmul, "report", results, "--out", out, "--plots", out + "_plots"]
    if selection:
        cmd += ["--selection", selection]
    env = dict(os.environ, CHANMUL_GNUPLOT="/nonexistent/gnuplot")  # no images needed here
    p = subprocess.run(cmd + list(extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if p.returncode < 0 or p.returncode >= 128 or "Sanitizer" in p.stderr or "runtime error:" in p.stderr:
        check(False, "chanmul report ran cleanly", "exit %d: %s" % (p.returncode, p.stderr))
    text = open(out).read() if p.returncode == 0 and os.path.exists(out) else ""
    return p, text


def this_build_row(text):
    rows, _ = table_after(text, "### The selection file")
    for r in rows or []:
        if r and r[0] == "This build":
            return r[1]
    return ""


REFUSAL = re.compile(r"refused here: made (on another CPU|by another build): (\w+): "
                     r"file (?:'(.*?)'|(\d+)), this (?:CPU|build) (?:'(.*)'|(\d+))$")


def main():
    chanmul, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    results = os.path.join(work, "results.json")
    gbjson.write(results_doc(), results)
    cpu = {"vendor": "SyntheticCPU", "family": 1, "model": 2, "flags": "sse4.2", "isa": "scalar",
           "l1d_bytes": 1, "l2_bytes": 2, "llc_bytes": 3, "cores": 1}
    build = {"version": "0.0.0", "git_revision": "synthetic", "compiler": "none", "flags": "none"}
    sel_path = os.path.join(work, "selection.json")
    out = os.path.join(work, "report.md")

    def write_selection():
        with open(sel_path, "w") as f:
            json.dump(selection_doc(cpu, build), f, indent=2)

    # 1. a file from another CPU: refused, naming the field
    write_selection()
    p, text = run_report(chanmul, results, out, sel_path)
    check(p.returncode == 0, "report --selection exits 0", p.stderr)
    row = this_build_row(text)
    check(row.startswith("refused here: made on another CPU: vendor: file 'SyntheticCPU'"),
          "a file of another CPU is refused here, naming the vendor", row)

    # 2. copy the fields from the refusals until this build would use it
    for _ in range(20):
        m = REFUSAL.match(row)
        if not m:
            break
        field, this = m.group(2), m.group(5) if m.group(5) is not None else int(m.group(6))
        (cpu if m.group(1) == "on another CPU" else build)[field] = this
        write_selection()
        p, text = run_report(chanmul, results, out, sel_path)
        row = this_build_row(text)
    check(row == "used by auto here", "with this CPU's and build's identity: used by auto here", row)

    sec = section(text, "\n## 10. Choosing a kernel: `auto`", "\n## 11. ")
    check(bool(sec), "section 10 is there, after the others")
    check("\n## " not in sec, "section 10 is followed by section 11 only")
    check("\n## " not in section(text, "\n## 11. Small problems"), "section 11 is the last section")
    origin, _ = table_after(sec, "### The selection file")
    origin = {r[0]: r[1] for r in origin or [] if len(r) == 2}
    check(origin.get("Command") == "`chanmul tune --profile synthetic`", "the origin names the command",
          origin.get("Command", ""))
    check("12288 elements" in origin.get("stream's tunables", "") and
          "synthetic: written by hand" in origin.get("stream's tunables", ""),
          "the origin gives stream's tunables and their evidence", origin.get("stream's tunables", ""))
    check(origin.get("Entries", "").startswith("10 usable, 1 skipped (first: entry 6: winner 'no_such_kernel'"),
          "the entries: usable, and the skipped one with why", origin.get("Entries", ""))
    check(build["git_revision"] in origin.get("Build", ""), "the origin names the build's revision",
          origin.get("Build", ""))

    # 3. the map
    for (op, layout, t), (header, rows, cells) in sorted(expected_map().items()):
        heading = "#### `%s`, %s, %d thread%s" % (op, layout, t, "" if t == 1 else "s")
        got, after = table_after(sec, heading + "\n")
        check(got is not None and got[0] == header and got[1:] == rows,
              "map %s %s %d: rows N, columns C, cells winner / winner" % (op, layout, t),
              "expected %r, got %r" % ([header] + rows, got))
        line = after.strip().split("\n")[0] if after.strip() else ""
        check(line == cells, "map %s %s %d: the spatial sizes named under the table" % (op, layout, t), line)

    # 4. the regret table; the heuristic's pick read from its label, its times from SITES
    reg = section(sec, "### Regret of auto and of the heuristic")
    rows, after = table_after(reg, "Within 15% |\n")
    rows = rows or []
    rows = [r for r in rows if r[0] != "Op"]
    picks = {}
    for r in rows:
        m = re.fullmatch(r"heuristic \((\w+)\)", r[2])
        if m:
            picks[(r[0], int(r[1]))] = m.group(1)
    check(bool(picks), "the heuristic's rows name its pick", repr(rows))
    regrets = site_regrets(picks)
    expected = []
    for op in ("scale", "gate"):  # the ops' order (chanmul_op)
        for t in sorted({x[3] for x in regrets if x[0] == op}):
            mine = [x for x in regrets if x[0] == op and x[3] == t]
            a = summary([x[5] for x in mine])
            h = summary([x[6] for x in mine])
            expected.append([op, str(t), "auto"] + [str(v) for v in a])
            expected.append([op, str(t), "heuristic (%s)" % picks.get((op, t), "?")] + [str(v) for v in h])
    check(rows == expected, "regret table: sites, median, max, within 5%, within 15%",
          "\nexpected %r\ngot      %r" % (expected, rows))

    worst, _ = table_after(after, "regret is largest:")
    worst = [r for r in (worst or []) if r[0] != "Op"]
    ranked = sorted(regrets, key=lambda x: -x[5])[:5]
    want = []
    for op, layout, shape, t, (n, h, w, c), r, _, best in ranked:
        label = best + (" (peer)" if KINDS[best] == "peer" else "")
        want.append([op, layout, shape, str(t), lookup(op, layout, n, h, w, c, t), label, pct(r)])
    check(worst == want, "the five sites of largest regret, with auto's pick from the file",
          "\nexpected %r\ngot      %r" % (want, worst))

    # 5. auto in the rest of the report: a selector, shown, never a winner
    check("| auto (selector) | selector |" in text, "verification lists auto (selector), kind selector")
    winners = section(text, "### Winner per point", "\n## 4.")
    check(bool(winners) and "**auto" not in winners, "auto is never a winner (section 3)")
    tables = section(text, "\n## 4. Throughput tables", "\n## 5.")
    check("| auto (selector) |" in tables and "**auto" not in tables,
          "the throughput tables have an auto (selector) column, never bold")
    # at 4x7x7x8 nhwc 1 thread auto is the fastest; stream stays the winner
    check(re.search(r"^\| nhwc \| 4x7x7x8 \| 1 \| [^|]+ \| [^|]+ \| \*\*stream\*\* \|", winners, re.M) is not None,
          "where auto is fastest, the winner is the fastest of the others")

    # 6. without --selection: no map, picks unknown
    p, plain = run_report(chanmul, results, os.path.join(work, "plain.md"))
    check(p.returncode == 0 and "No selection file was given" in plain, "without --selection: said in one line")
    worst, _ = table_after(section(plain, "### Regret of auto"), "regret is largest:")
    check(bool(worst) and all(r[4] == "-" for r in worst[1:]), "without --selection: auto's pick is '-'")

    # 7. results without auto: one line instead of the table
    doc = results_doc()
    doc["benchmarks"] = [b for b in doc["benchmarks"] if "/auto/" not in b["name"]]
    del doc["context"]["impl_kind:auto"], doc["context"]["verify:auto"]
    no_auto = os.path.join(work, "no_auto.json")
    gbjson.write(doc, no_auto)
    p, text = run_report(chanmul, no_auto, os.path.join(work, "no_auto.md"))
    reg = section(text, "### Regret of auto and of the heuristic")
    check(p.returncode == 0 and reg.strip().startswith("auto was not measured in ") and "| Op |" not in reg,
          "results without auto: one line says so", reg[:200])

    # 8. a truncated selection file, a missing one: exit 2, named, nothing written
    good = open(sel_path).read()
    trunc = os.path.join(work, "truncated_selection.json")
    with open(trunc, "w") as f:
        f.write(good[: len(good) // 2])
    bad_out = os.path.join(work, "bad.md")
    if os.path.exists(bad_out):
        os.unlink(bad_out)
    p, _ = run_report(chanmul, results, bad_out, trunc)
    check(p.returncode == 2, "a truncated selection file exits 2", "exit %d" % p.returncode)
    check(re.search(re.escape(trunc) + r":\d+:\d+", p.stderr) is not None,
          "... with a message naming the file and a line:column", p.stderr)
    check(not os.path.exists(bad_out), "... and writes no report")
    missing = os.path.join(work, "missing_selection.json")
    p, _ = run_report(chanmul, results, bad_out, missing)
    check(p.returncode == 2 and missing in p.stderr and not os.path.exists(bad_out),
          "a missing selection file exits 2 naming it, no report", p.stderr)
    p, _ = run_report(chanmul, results, bad_out, None, ["--selection"])
    check(p.returncode == 2 and not os.path.exists(bad_out), "--selection without a file exits 2")

    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
