#!/usr/bin/env python3
"""The other forms do not disturb the channel scale's report.

A results file with the rows of another op (gate) added, at a shape of its own
(with the baselines the sweep times there) and at a shape the channel scale
also has, must give sections 1 to 7 exactly as the file without them (only the
file's name differs), and section 8 "Other forms" must show the gate's rows.
Before one op's view kept the baselines only at that op's sites, the gate's
own shape read as a channel-scale site with a memcpy and no kernel: a T1
shortfall "no chanmul kernel timed".

usage: test_other_forms.py CHANMUL FIXTURE.json WORKDIR
"""
import copy
import json
import os
import subprocess
import sys


def with_gate_rows(results):
    """The results with gate rows added: every scale row of the first site
    copied as gate at that site, and again, with the baselines, at 3x5x7x11."""
    out = copy.deepcopy(results)
    rows = out["benchmarks"]
    first = next(r for r in rows if r["name"].startswith("scale/"))
    layout, _, shape, threads = first["name"].split("/")[1:5]
    site = "/%s/" % layout

    def at_site(r):
        parts = r["name"].split("/")
        return parts[1] == layout and parts[3] == shape and parts[4] == threads

    added = []
    for r in rows:
        if not at_site(r):
            continue
        op = r["name"].split("/")[0]
        for new_shape in (shape, "3x5x7x11"):
            if op == "scale" or (op in ("memcpy", "stream_scale") and new_shape != shape):
                g = copy.deepcopy(r)
                for key in ("name", "run_name"):
                    if key in g:
                        parts = g[key].split("/")
                        if op == "scale":
                            parts[0] = "gate"
                        parts[3] = new_shape
                        g[key] = "/".join(parts)
                added.append(g)
    assert added and site
    rows.extend(added)
    return out


def report(chanmul, results_path, workdir, name):
    out = os.path.join(workdir, name + ".md")
    plots = os.path.join(workdir, name + "_plots")
    proc = subprocess.run([chanmul, "report", results_path, "--out", out, "--plots", plots],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit("FAIL - chanmul report %s exited %d: %s" % (results_path, proc.returncode, proc.stderr))
    with open(out) as f:
        return f.read()


def scale_sections(text, results_path, name):
    """Sections up to 8, with the file's and the plots' names neutralised."""
    head = text.split("\n## 8. ")[0]
    head = head.replace(results_path, "RESULTS").replace(name + "_plots", "PLOTS").replace(name + ".md", "OUT")
    return head.split("\n")[1:]


def main():
    chanmul, fixture, workdir = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    with open(fixture) as f:
        base = json.load(f)
    plain_path = os.path.join(workdir, "plain.json")
    gate_path = os.path.join(workdir, "with_gate.json")
    with open(plain_path, "w") as f:
        json.dump(base, f)
    with open(gate_path, "w") as f:
        json.dump(with_gate_rows(base), f)
    plain = report(chanmul, plain_path, workdir, "plain")
    gated = report(chanmul, gate_path, workdir, "with_gate")
    failed = 0
    a, b = scale_sections(plain, plain_path, "plain"), scale_sections(gated, gate_path, "with_gate")
    if a != b:
        failed = 1
        diff = [(x, y) for x, y in zip(a, b) if x != y][:3]
        print("FAIL - sections 1-7 changed when gate rows were added; first differences: %r" % diff)
    else:
        print("ok   - sections 1-7 unchanged by another op's rows")
    if "no chanmul kernel timed" in gated:
        failed = 1
        print("FAIL - a gate shape counted as a channel-scale site without a kernel")
    other = gated.split("\n## 8. Other forms")[1].split("\n## 9.")[0] if "\n## 8. Other forms" in gated else ""
    if "### gate:" not in other or "3x5x7x11" not in other:
        failed = 1
        print("FAIL - section 8 does not show the gate's rows at both shapes")
    else:
        print("ok   - section 8 shows the gate at both shapes")
    if "### gate:" in plain:
        failed = 1
        print("FAIL - the plain file's report shows a gate")
    sys.exit(failed)


if __name__ == "__main__":
    main()
