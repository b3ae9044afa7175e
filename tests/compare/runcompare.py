"""Running `chanmul compare` in the compare tests: the call, crash detection, checks.

A run "crashed" when it died of a signal (or exited 128 or more, a shell's way
of saying so) or a sanitizer wrote to stderr; every test rejects that, whatever
the exit code it expects.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

CRASH_MARKERS = ("Sanitizer", "runtime error")


class Run:
    def __init__(self, argv, rc, out, err):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err

    def crash(self):
        """Why this run counts as a crash, or None."""
        if self.rc < 0:
            return f"killed by signal {-self.rc}"
        if self.rc >= 128:
            return f"exit {self.rc}"
        for m in CRASH_MARKERS:
            if m in self.err:
                return f"'{m}' in stderr"
        return None

    def json(self):
        """The --format json document on stdout, or None when it does not parse."""
        try:
            return json.loads(self.out)
        except ValueError:
            return None

    def command(self):
        return " ".join(_quote(a) for a in self.argv)

    def tail(self, lines=6):
        return "\n".join("    | " + l for l in self.err.strip().splitlines()[-lines:])


def _quote(arg):
    safe = all(c.isalnum() or c in "-_./:=+%,@" for c in arg)
    return arg if arg and safe else "'" + arg.replace("'", "'\\''") + "'"


def run(argv, timeout=600, env=None, cwd=None):
    argv = [str(a) for a in argv]
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd,
                           errors="replace")
    except subprocess.TimeoutExpired as e:
        return Run(argv, -9, e.stdout or "", (e.stderr or "") + f"\n(timed out after {timeout}s)")
    return Run(argv, p.returncode, p.stdout, p.stderr)


class Checks:
    """ok/FAIL lines, and the exit status of the whole test."""

    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   - {what}")
        else:
            self.failed += 1
            print(f"FAIL - {what}")
            if detail:
                print(detail)
        sys.stdout.flush()
        return ok

    def finish(self, name):
        print(f"{name}: {self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def rows_where(doc, **match):
    """The rows of a compare JSON document whose fields equal match."""
    return [r for r in doc.get("rows", []) if all(r.get(k) == v for k, v in match.items())]


def implementation_verdict(doc, group):
    """The verdict of the implementation row of group (op/impl, e.g. scale/stream), or None."""
    rows = rows_where(doc, kind="implementation", implementation=group)
    return rows[0]["verdict"] if rows else None


def run_test(name, prefix, body, keep=None):
    """Runs body(work, checks) in a fresh temporary folder (or in keep, kept),
    removes the folder after, and returns the test's exit status."""
    work = keep or tempfile.mkdtemp(prefix=prefix)
    os.makedirs(work, exist_ok=True)
    checks = Checks()
    try:
        body(work, checks)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    return checks.finish(name)
