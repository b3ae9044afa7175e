#!/bin/sh
# check_selection_cli.sh: `auto`, `chanmul explain` and `chanmul tune` against
# good and bad selection files. A file made here is used; one with another
# CPU signature or build identity is refused naming what differs; a
# truncated, malformed or unreadable one is refused naming the file (and the
# line:column); an entry naming an unknown kernel is skipped and the rest
# kept; in every case auto still runs and passes the verifier. CHANMUL_IMPL
# forces a kernel; an unknown name is said and ignored.
#
# usage: check_selection_cli.sh CHANMUL SELECTION.json   (a file `chanmul tune` wrote)
set -u
[ $# -eq 2 ] || { echo "usage: check_selection_cli.sh CHANMUL SELECTION.json" >&2; exit 2; }
bin=$1
good=$2
[ -f "$good" ] || { echo "FAILED: no selection file '$good' (the tune_quick test writes it)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/selection_cli.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
failures=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }

# explain FILE EXPECTED-REGEX...: explain's output (stdout and stderr) with
# CHANMUL_TUNING=FILE matches every regex, and it exits 0
explain_with() {
    file=$1; shift
    out=$(CHANMUL_TUNING="$file" "$bin" explain --shape 3x10x10x96 --layout nhwc --threads 2 2>&1)
    rc=$?
    [ $rc -eq 0 ] || fail "explain with '$file' exited $rc: $out"
    for re in "$@"; do
        printf '%s\n' "$out" | grep -Eq -- "$re" || fail "explain with '$file': no line matching '$re' in:
$out"
    done
}
# auto still runs, bit-exact, whatever the file
auto_verifies() {
    out=$(CHANMUL_TUNING="$1" "$bin" verify --impl auto --shape 3x10x10x96 --op all 2>&1)
    printf '%s\n' "$out" | grep -Eq '^verify: [1-9][0-9]* passed, 0 failed' ||
        fail "verify --impl auto with '$1': $out"
}

echo "a file made by this build on this CPU is used"
explain_with "$good" '^source: selection file$' '^region: nhwc ' '^runner-up: '
auto_verifies "$good"
out=$(CHANMUL_TUNING="$good" CHANMUL_VERBOSE=1 "$bin" verify --impl auto --shape 3x10x10x96 --threads 2 --layout nhwc --data smallint 2>&1)
printf '%s\n' "$out" | grep -Eq '^chanmul auto: selection file .*: [0-9]+ entries' ||
    fail "CHANMUL_VERBOSE=1 does not say which file auto read: $out"
printf '%s\n' "$out" | grep -Eq '^chanmul auto: scale nhwc 3x10x10x96 threads 2 -> [a-z_]+ ' ||
    fail "CHANMUL_VERBOSE=1 does not log the decision: $out"

echo "another CPU signature, another build: refused naming the field"
sed 's/"model":[^,]*/"model":	4242/' "$good" > "$tmp/other_cpu.json"
explain_with "$tmp/other_cpu.json" 'refused: made on another CPU: model: file 4242' '^source: heuristic$'
auto_verifies "$tmp/other_cpu.json"
sed 's/"isa":[^,]*/"isa":	"avx9"/' "$good" > "$tmp/other_isa.json"
explain_with "$tmp/other_isa.json" "made on another CPU: isa: file 'avx9'" '^source: heuristic$'
sed 's/"git_revision":[^,]*/"git_revision":	"0000deadbeef"/' "$good" > "$tmp/other_build.json"
explain_with "$tmp/other_build.json" "made by another build: git_revision: file '0000deadbeef'" '^source: heuristic$'
auto_verifies "$tmp/other_build.json"

echo "truncated, malformed, unreadable: refused naming the file and the position"
size=$(wc -c < "$good")
head -c $((size / 2)) "$good" > "$tmp/truncated.json"
explain_with "$tmp/truncated.json" "refused: .*truncated.json:[0-9]+:[0-9]+: truncated" '^source: heuristic$'
auto_verifies "$tmp/truncated.json"
printf '{\n  "chanmul_selection": 1,\n  "cpu": {"vendor": oops}\n}\n' > "$tmp/malformed.json"
explain_with "$tmp/malformed.json" "refused: .*malformed.json:3:[0-9]+: malformed JSON" '^source: heuristic$'
auto_verifies "$tmp/malformed.json"
printf '[1, 2, 3]\n' > "$tmp/not_selection.json"
explain_with "$tmp/not_selection.json" "not_selection.json: not a selection file" '^source: heuristic$'
: > "$tmp/empty.json"
explain_with "$tmp/empty.json" "empty.json:1:1: truncated" '^source: heuristic$'
explain_with "$tmp" "unreadable: .*not a regular file" '^source: heuristic$'
explain_with "$tmp/missing.json" "unreadable: .*missing.json: No such file" '^source: heuristic$'
explain_with "" "no selection file \(CHANMUL_TUNING is empty\)" '^source: heuristic$'

echo "an unusable entry is skipped, the rest kept"
awk 'BEGIN{done=0} /"winner":/ && !done {sub(/"winner":[^,]*/, "\"winner\":\t\"no_such_kernel\""); done=1} {print}' \
    "$good" > "$tmp/one_bad.json"
explain_with "$tmp/one_bad.json" '1 skipped \(first: entry 0: winner .no_such_kernel. cannot be used here\)' \
    '^source: selection file$'
auto_verifies "$tmp/one_bad.json"

echo "CHANMUL_IMPL forces; an unknown name is said and ignored"
out=$(CHANMUL_TUNING="$good" CHANMUL_IMPL=omp_tiled "$bin" explain --shape 3x10x10x96 --layout nchw 2>&1)
printf '%s\n' "$out" | grep -q '^choice: omp_tiled$' && printf '%s\n' "$out" | grep -q '^source: forced' ||
    fail "CHANMUL_IMPL=omp_tiled not obeyed: $out"
out=$(CHANMUL_TUNING="" CHANMUL_IMPL=no_such "$bin" explain --shape 3x10x10x96 --layout nchw 2>&1)
printf '%s\n' "$out" | grep -q "CHANMUL_IMPL='no_such' names no implementation" &&
    printf '%s\n' "$out" | grep -q '^source: heuristic$' || fail "CHANMUL_IMPL=no_such: $out"

echo "usage errors exit 2"
for args in "explain --layout nhwc" "explain --shape 2x2x2x2" "explain --shape 2x2 --layout nhwc" \
            "explain --shape 2x2x2x2 --layout nhwc --op nosuch" "tune --profile nosuch" \
            "tune --bogus" "tune --out /proc/no/such/dir/selection.json --op scale"; do
    # shellcheck disable=SC2086 # word-split on purpose
    "$bin" $args > "$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 2 ] || fail "chanmul $args exited $rc, not 2: $(cat "$tmp/out")"
done

[ $failures -eq 0 ] && echo "selection cli: all passed" && exit 0
echo "selection cli: $failures failed"
exit 1
