#!/bin/sh
# check_tsan_report.sh: the ThreadSanitizer pass can see a race. Runs a command
# that has one (a planted bug) and passes only when ThreadSanitizer reported a
# data race with a frame in the named source file: a run that ends quietly,
# or whose only report is elsewhere, fails.
#
# usage: check_tsan_report.sh SOURCE_FILE -- COMMAND [ARG ...]   (the -- optional)
set -u
[ $# -ge 2 ] || { echo "usage: check_tsan_report.sh SOURCE_FILE [--] COMMAND [ARG ...]" >&2; exit 2; }
file=$1
shift
[ "$1" = "--" ] && shift

tmp=$(mktemp "${TMPDIR:-/tmp}/check_tsan_report.XXXXXX") || exit 2
trap 'rm -f "$tmp"' EXIT HUP INT TERM
echo "expect a ThreadSanitizer data race in $file: $*"
"$@" >"$tmp" 2>&1 </dev/null
rc=$?
echo "exit $rc"
# the report's first lines: the warning and the two accesses' top frames
grep -E -m 1 -A 12 '^WARNING: ThreadSanitizer: ' "$tmp" | grep -E '^(WARNING|  [A-Z][a-z]+ of size|  Previous|    #[0-9]+ )' | head -n 8
grep -E '^SUMMARY: ThreadSanitizer' "$tmp"
if ! grep -q '^WARNING: ThreadSanitizer: data race' "$tmp"; then
    echo "FAILED: no ThreadSanitizer data race reported; the output's last lines:"
    tail -n 20 "$tmp"
    exit 1
fi
if ! grep -E '^    #[0-9]+ ' "$tmp" | grep -q "$file"; then
    echo "FAILED: a data race was reported, but no frame of it is in $file"
    exit 1
fi
echo "ok"
exit 0
