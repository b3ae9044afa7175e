#!/bin/sh
# expect_fail.sh: runs a command and checks its exit code and output, so that a
# crash, a sanitizer report, a usage error or a passing run cannot pass for the
# failure (or the success) a test expects.
#
# usage: expect_fail.sh EXIT_CODE [CHECK ...] -- COMMAND [ARG ...]
#   EXIT_CODE   the exact exit status required (0 for a run that must succeed),
#               or a comma-separated list of the statuses allowed ("0,1")
#   -o REGEX    some line of stdout matches the extended regex (grep -E)
#   -e REGEX    some line of stderr matches
#   -a REGEX    some line of stdout or stderr matches
#   -n REGEX    no line of stdout or stderr matches
# Whatever the checks, a sanitizer report in the output fails the test.
# VAR=value words right after "--" are put in the command's environment.
set -u

usage() {
    echo "usage: expect_fail.sh EXIT_CODE [-o|-e|-a|-n REGEX ...] -- COMMAND [ARG ...]" >&2
    exit 2
}

[ $# -ge 1 ] || usage
want=$1
shift
case $want in '' | *[!0-9,]* | ,* | *, | *,,*) usage ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/expect_fail.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
: >"$tmp/checks"
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    case $1 in
    -o | -e | -a | -n)
        [ $# -ge 2 ] || usage
        printf '%s\n%s\n' "$1" "$2" >>"$tmp/checks"
        shift 2
        ;;
    *) usage ;;
    esac
done
[ $# -ge 2 ] || usage
shift # the --

# A sanitizer's own exit code must not look like a verdict (ASan and UBSan
# exit 1 by default, which is chanmul's "verification failed").
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87:print_stacktrace=1"
export ASAN_OPTIONS UBSAN_OPTIONS

echo "expect exit $want: $*"
env "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
cat "$tmp/out" "$tmp/err" >"$tmp/all"

failures=0
fail() {
    echo "FAILED: $*"
    failures=$((failures + 1))
}

case ",$want," in
*",$rc,"*) ;;
*) fail "exit code $rc, expected $want" ;;
esac
if grep -E -q '(ERROR: (Address|Leak|Undefined|Memory|Thread)Sanitizer|runtime error: |SUMMARY: [A-Za-z]*Sanitizer)' "$tmp/all"; then
    fail "a sanitizer reported an error"
fi

while IFS= read -r kind && IFS= read -r regex; do
    case $kind in
    -o) grep -E -q -e "$regex" "$tmp/out" || fail "no stdout line matches: $regex" ;;
    -e) grep -E -q -e "$regex" "$tmp/err" || fail "no stderr line matches: $regex" ;;
    -a) grep -E -q -e "$regex" "$tmp/all" || fail "no output line matches: $regex" ;;
    -n) if grep -E -q -e "$regex" "$tmp/all"; then fail "an output line matches: $regex"; fi ;;
    esac
done <"$tmp/checks"

if [ "$failures" -gt 0 ]; then
    echo "---- stdout (last 60 lines) ----"
    tail -n 60 "$tmp/out"
    echo "---- stderr (last 60 lines) ----"
    tail -n 60 "$tmp/err"
    exit 1
fi
# Enough of the output to see what was checked.
grep -E '^(verify: |  [A-Za-z0-9_./-]+ +[a-z]+ +[0-9]+ passed|  repro: )' "$tmp/out" | head -n 20
head -n 5 "$tmp/err"
echo "ok"
exit 0
