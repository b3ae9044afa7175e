#!/bin/sh
# check_bad_input.sh: every bad invocation of tests/bad_input.table is refused
# with its message and exit code 2 (issue 13).
#
# usage: check_bad_input.sh CHANMUL TABLE
#
# Each row of TABLE is `REGEX :: ARGS` (see the table's header): ARGS, shell
# words after the placeholders are replaced by fixture paths, are given to
# CHANMUL with `timeout 20`, stdin from /dev/null, in an empty working folder.
# A row passes when
#   - the exit code is exactly 2 (124: the command ran on instead of refusing),
#   - some line of stderr matches REGEX (an extended regex, grep -E),
#   - stderr's first line names the command (starts with "chanmul"),
#   - stderr has no sanitizer report,
#   - nothing was left or changed in the fixtures' folder, the scratch folder,
#     the working folder or TMPDIR (a listing before and after the command).
# A row marked `TODO ` is run and reported (`TODO row N (still fails): ...`, or
# that it passes now) but does not fail the test. Every row is run; the test
# prints one `FAIL row N` line per failing row and `bad input: N rows, K failed`,
# and exits 1 when a row failed (2 for a bad command line or fixture).
#
# Environment: CHANMUL_BAD_INPUT_TIMEOUT (seconds per row, default 20);
# CHANMUL_BAD_INPUT_VERBOSE=1 shows every row's exit code and stderr. The
# commands run with TMPDIR pointing into the private folder, and with
# CHANMUL_TUNING and XDG_CACHE_HOME naming paths under a regular file (so no
# selection file is read or written, and a tune that accepted its bad option is
# refused before it measures anything); CHANMUL_CACHE_PROBE as given, else a file
# in the private folder: nothing is read from or written to the user's ~/.cache.
# (the F_* and Q_* variables are read through eval)
# shellcheck disable=SC2034,SC2154
set -u

if [ $# -ne 2 ]; then
    echo "usage: check_bad_input.sh CHANMUL TABLE" >&2
    exit 2
fi
case $1 in /*) chanmul=$1 ;; *) chanmul=$(pwd)/$1 ;; esac
case $2 in /*) table=$2 ;; *) table=$(pwd)/$2 ;; esac
if [ ! -x "$chanmul" ] || [ -d "$chanmul" ]; then
    echo "check_bad_input.sh: '$chanmul' is not an executable" >&2
    exit 2
fi
if [ ! -f "$table" ] || [ ! -r "$table" ]; then
    echo "check_bad_input.sh: cannot read the table '$table'" >&2
    exit 2
fi
# a valid results file, for the rows where another file or an option is bad
results_fixture=$(dirname "$table")/report/machine_a.json
if [ ! -f "$results_fixture" ]; then
    echo "check_bad_input.sh: the results fixture '$results_fixture' is missing" >&2
    exit 2
fi
limit=${CHANMUL_BAD_INPUT_TIMEOUT:-20}
verbose=${CHANMUL_BAD_INPUT_VERBOSE:-0}

base=$(mktemp -d "${TMPDIR:-/tmp}/chanmul-bad-input.XXXXXX") || exit 2
trap 'rm -rf "$base"' EXIT
trap 'exit 130' HUP INT TERM
root=$base/root

# The fixtures, made again after a row that changed anything under $root.
F_EMPTY=$root/fix/empty.json
F_BINARY=$root/fix/binary.json
F_DIR=$root/fix/dir
F_MISSING=$root/fix/missing.json
F_TEXT=$root/fix/text.txt
F_TRUNC=$root/fix/truncated.json
F_RESULTS=$root/fix/results.json
F_SCRATCH=$root/scratch
F_CHANMUL=$chanmul
PLACEHOLDERS="EMPTY BINARY DIR MISSING TEXT TRUNC RESULTS SCRATCH CHANMUL"
make_fixtures() {
    rm -rf "$root" &&
        mkdir -p "$root/fix" "$F_DIR" "$F_SCRATCH" "$root/cwd" "$root/tmp" &&
        : >"$F_EMPTY" &&
        # 4 KiB of fixed pseudo-random bytes (the same every run)
        LC_ALL=C awk 'BEGIN { s = 20240613; for (i = 0; i < 4096; i++) {
            s = (s * 1103515245 + 12345) % 2147483648; printf "%c", int(s / 65536) % 256 } }' \
            </dev/null >"$F_BINARY" &&
        printf 'this is a text file, not JSON and not a shared object\nsecond line\n' >"$F_TEXT" &&
        cp "$results_fixture" "$F_RESULTS" &&
        size=$(wc -c <"$F_RESULTS") &&
        head -c $((size / 2)) "$F_RESULTS" >"$F_TRUNC"
}
# Every entry under $root: folders by name, the rest with type, size and mtime.
listing() {
    find "$root" -mindepth 1 \( -type d -printf 'folder %P\n' \) -o -printf '%y %s %T@ %P\n' | LC_ALL=C sort
}
make_fixtures || {
    echo "check_bad_input.sh: cannot make the fixtures in $root" >&2
    exit 2
}

# What the commands see: a private TMPDIR, no selection file, no user cache.
TMPDIR=$root/tmp
XDG_CACHE_HOME=$F_TEXT/not-a-folder
CHANMUL_TUNING=$F_TEXT/not-a-folder/selection.json
CHANMUL_CACHE_PROBE=${CHANMUL_CACHE_PROBE-$base/caches.json}
# A sanitizer's own exit code must not look like a usage error or a verdict.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87:print_stacktrace=1"
export TMPDIR XDG_CACHE_HOME CHANMUL_TUNING CHANMUL_CACHE_PROBE ASAN_OPTIONS UBSAN_OPTIONS

# replace TEXT PATTERN REPLACEMENT: every PATTERN in TEXT replaced, into $replaced
# (parameter expansion only: no process per row and placeholder).
replace() {
    replaced="" rest=$1
    while :; do
        case $rest in
        *"$2"*)
            replaced=$replaced${rest%%"$2"*}$3
            rest=${rest#*"$2"}
            ;;
        *) break ;;
        esac
    done
    replaced=$replaced$rest
}
# The paths regex-quoted once, for @X@ in a REGEX.
for name in $PLACEHOLDERS; do
    eval "path=\$F_$name"
    quoted=$(printf '%s\n' "$path" | sed -e 's/[][\.*^$+?(){}|]/\\&/g')
    eval "Q_$name=\$quoted"
done
# $1 with "$F_X" for @X@ (args: expanded by eval, a path stays one word) or the
# quoted path (regex), into $replaced.
substitute() {
    s=$2
    for name in $PLACEHOLDERS; do
        if [ "$1" = args ]; then
            replace "$s" "@$name@" "\"\$F_$name\""
        else
            eval "replace \"\$s\" \"@$name@\" \"\$Q_$name\""
        fi
        s=$replaced
    done
}

out=$base/stdout
err=$base/stderr
# Runs one row's command: its arguments are the row's words. Sets rc.
run_command() {
    (cd "$root/cwd" && exec timeout -k 5 "$limit" "$chanmul" "$@") <"/dev/null" >"$out" 2>"$err"
    rc=$?
}

rows=0 failed=0 todo_failing=0 todo_passing=0 lineno=0
while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    trimmed=${line#"${line%%[![:space:]]*}"}
    case $trimmed in '' | '#'*) continue ;; esac
    rows=$((rows + 1))
    todo=0
    case $trimmed in 'TODO '*) todo=1 trimmed=${trimmed#TODO } ;; esac
    reasons=""
    shown="chanmul"
    case $trimmed in *' ::') trimmed="$trimmed " ;; esac # a row without arguments
    case $trimmed in
    *' :: '*)
        pattern=${trimmed%% :: *}
        args=${trimmed#* :: }
        shown="chanmul $args"
        substitute args "$args"
        words=$replaced
        substitute regex "$pattern"
        regex=$replaced
        case "$words $regex" in *@[A-Z]*@*) reasons="an unknown @PLACEHOLDER@ (known: $PLACEHOLDERS)" ;; esac
        ;;
    *) reasons="not a 'REGEX :: ARGS' row" ;;
    esac
    rc=-
    if [ -z "$reasons" ]; then
        before=$(listing)
        # the row's words, then the command (a function: its own "$@")
        eval "run_command $words"
        after=$(listing)
        if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
            reasons="ran on for ${limit} s instead of refusing (timed out, exit $rc)"
        elif [ "$rc" -ne 2 ]; then
            reasons="exit $rc, want 2"
        fi
        if grep -q -E 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:' "$err"; then
            reasons="${reasons:+$reasons; }a sanitizer report"
        elif [ "$rc" -gt 128 ] && [ "$rc" -ne 137 ]; then
            reasons="${reasons:+$reasons; }killed by signal $((rc - 128))"
        fi
        if ! grep -q -E -e "$regex" "$err"; then
            reasons="${reasons:+$reasons; }stderr does not match /$pattern/"
        fi
        IFS= read -r first <"$err" || :
        case $first in
        '') reasons="${reasons:+$reasons; }nothing on stderr" ;;
        chanmul*) ;;
        *) reasons="${reasons:+$reasons; }stderr's first line does not name the command" ;;
        esac
        if [ "$before" != "$after" ]; then
            printf '%s\n' "$before" >"$base/before"
            printf '%s\n' "$after" >"$base/after"
            changed=$(diff "$base/before" "$base/after" |
                sed -n -e 's/^> [a-z]* \([0-9.]* [0-9.]* \)\{0,1\}/new or changed: /p' \
                    -e 's/^< [a-z]* \([0-9.]* [0-9.]* \)\{0,1\}/gone: /p' | head -n 3 | tr '\n' ' ')
            reasons="${reasons:+$reasons; }left files behind or changed them: $changed"
            make_fixtures || {
                echo "check_bad_input.sh: cannot make the fixtures again" >&2
                exit 2
            }
        fi
    fi
    if [ -n "$reasons" ]; then
        if [ "$todo" -eq 1 ]; then
            todo_failing=$((todo_failing + 1))
            echo "TODO row $rows (still fails): line $lineno: $shown: $reasons"
        else
            failed=$((failed + 1))
            echo "FAIL row $rows: line $lineno: $shown: $reasons"
        fi
    elif [ "$todo" -eq 1 ]; then
        todo_passing=$((todo_passing + 1))
        echo "TODO row $rows passes now: line $lineno: $shown: remove its TODO mark"
    elif [ "$verbose" = 1 ]; then
        echo "ok row $rows: line $lineno: $shown"
    fi
    if [ "$rc" != - ] && { [ -n "$reasons" ] || [ "$verbose" = 1 ]; }; then
        echo "    exit $rc; stderr:"
        if [ "$verbose" = 1 ]; then cat "$err"; else head -n 3 "$err"; fi | cut -c 1-300 | sed 's/^/    | /'
    fi
done <"$table"

if [ "$rows" -eq 0 ]; then
    echo "bad input: the table $table has no rows"
    exit 1
fi
summary="bad input: $rows rows, $failed failed"
[ "$todo_failing" -gt 0 ] && summary="$summary ($todo_failing TODO rows still fail)"
[ "$todo_passing" -gt 0 ] && summary="$summary ($todo_passing TODO rows pass now)"
echo "$summary"
[ "$failed" -eq 0 ]
