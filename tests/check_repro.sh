#!/bin/sh
# check_repro.sh: proves that the repro lines the verifier prints really
# reproduce. Runs `chanmul verify` with the given arguments (it must fail),
# then executes every "  repro: ..." line it printed, with "chanmul" replaced
# by the binary's path, and requires each to fail again (exit 1, a summary
# with failures) and to report the same case again (its own repro lines include
# the line it was started from). With --exact, each repro must also run exactly
# one case ("verify: 0 passed, 1 failed, 0 skipped") and print only its own line.
#
# Each repro line is run the way a user pastes it: by sh, with "chanmul" found
# on PATH (a link to the binary), from another working directory (so a
# relative --plugin path would not do), with the shell's own quoting.
#
# usage: check_repro.sh [--exact] CHANMUL_BINARY [VAR=value ...] -- VERIFY_ARG ...
#   VAR=value  environment for the first run (e.g. CHANMUL_MAX_ISA=avx2); the
#              repro line must carry what matters of it by itself (as
#              VAR=value words before "chanmul"), so the repro runs get a clean
#              environment for CHANMUL_MAX_ISA and CHANMUL_NONTEMPORAL.
set -u
set -f # repro lines are split into words; no globbing

exact=0
if [ "${1:-}" = "--exact" ]; then
    exact=1
    shift
fi
[ $# -ge 2 ] || { echo "usage: check_repro.sh [--exact] CHANMUL [VAR=value ...] -- ARG ..." >&2; exit 2; }
bin=$1
shift
envs=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    envs="$envs $1"
    shift
done
[ $# -gt 0 ] && shift

ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87"
export ASAN_OPTIONS UBSAN_OPTIONS
unset CHANMUL_MAX_ISA CHANMUL_NONTEMPORAL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_repro.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
mkdir "$tmp/bin" "$tmp/elsewhere" || exit 2
ln -s "$bin" "$tmp/bin/chanmul" || exit 2

echo "first run:$envs $bin verify $*"
# shellcheck disable=SC2086 # $envs is a list of VAR=value words
env $envs "$bin" verify "$@" >"$tmp/out" 2>&1 </dev/null
rc=$?
if [ "$rc" -ne 1 ]; then
    echo "FAILED: the first run exited $rc, expected 1"
    tail -n 40 "$tmp/out"
    exit 1
fi
grep '^  repro: ' "$tmp/out" >"$tmp/repros"
count=$(wc -l <"$tmp/repros")
if [ "$count" -eq 0 ]; then
    echo "FAILED: the first run printed no repro line"
    tail -n 40 "$tmp/out"
    exit 1
fi
echo "$count repro line(s)"

failures=0
n=0
while IFS= read -r line; do
    n=$((n + 1))
    cmd=${line#  repro: }
    # The leading VAR=value words (the environment the line sets).
    assigns=""
    rest=$cmd
    while :; do
        word=${rest%% *}
        case $word in
        [A-Z_]*=*)
            [ "$word" != "$rest" ] || break # nothing after it
            assigns="$assigns $word"
            rest=${rest#* }
            ;;
        *) break ;;
        esac
    done
    case $rest in
    "chanmul verify "*) ;;
    *)
        echo "FAILED: repro line $n does not start with [VAR=value ...] chanmul verify: $line"
        failures=$((failures + 1))
        continue
        ;;
    esac
    # The first run's cap and streaming switch (if any) must be spelled out in the repro line.
    for e in $envs; do
        case $e in
        CHANMUL_MAX_ISA=* | CHANMUL_NONTEMPORAL=*)
            case " $assigns " in
            *" $e "*) ;;
            *)
                echo "FAILED: repro line $n lacks the environment $e: $line"
                failures=$((failures + 1))
                ;;
            esac
            ;;
        esac
    done
    (cd "$tmp/elsewhere" && PATH="$tmp/bin:$PATH" sh -c "$cmd") >"$tmp/repro_out" 2>&1 </dev/null
    rrc=$?
    grep '^  repro: ' "$tmp/repro_out" >"$tmp/repro_repros"
    if [ "$rrc" -ne 1 ] ||
        ! grep -E -q '^verify: [0-9]+ passed, [1-9][0-9]* failed, [0-9]+ skipped$' "$tmp/repro_out"; then
        echo "FAILED: repro line $n (exit $rrc) did not fail again: $line"
        sed 's/^/    /' "$tmp/repro_out" | tail -n 20
        failures=$((failures + 1))
    elif ! grep -F -x -q -e "$line" "$tmp/repro_repros"; then
        echo "FAILED: repro line $n failed, but not on the case it names: $line"
        sed 's/^/    /' "$tmp/repro_out" | tail -n 20
        failures=$((failures + 1))
    elif [ "$exact" -eq 1 ] && { ! grep -q '^verify: 0 passed, 1 failed, 0 skipped$' "$tmp/repro_out" ||
        [ "$(wc -l <"$tmp/repro_repros")" -ne 1 ]; }; then
        echo "FAILED: repro line $n ran more than its one case: $line"
        sed 's/^/    /' "$tmp/repro_out" | tail -n 20
        failures=$((failures + 1))
    fi
done <"$tmp/repros"

if [ "$failures" -gt 0 ]; then
    echo "$failures of $count repro lines did not reproduce"
    exit 1
fi
echo "all $count repro lines reproduce"
exit 0
