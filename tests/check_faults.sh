#!/bin/bash
# check_faults.sh CHANMUL RESULTS_FIXTURE [--sanitized]: faults that must lose nothing.
#   1. a report, a bench and a tune that cannot write (a file-size limit: EFBIG;
#      and, where this process may mount a tmpfs, a full disk: ENOSPC) exit 2
#      naming the path, and leave the earlier report.md, plots and results
#      byte for byte as they were, with no temporary or staging file left;
#   2. sweep, tune and bench interrupted by SIGINT / SIGTERM exit 128 + the
#      signal, say how far they got, write no file and leave the earlier one whole;
#   3. a shape whose buffers would not fit the memory available is refused
#      before anything is allocated, with both sizes in the message (the address
#      space limit case is skipped under the sanitizers, which reserve terabytes).
# Every check runs; each failure is one "FAILED:" line; exit 1 if any failed.
set -u
chanmul=$1
fixture=$2
sanitized=${3:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/chanmul-faults.XXXXXX") || exit 2
mounted=""
cleanup() {
    [ -n "$mounted" ] && umount "$mounted" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
export TMPDIR=$work/tmp # Google Benchmark's raw results go here: must be left empty
mkdir -p "$TMPDIR"
export OMP_WAIT_POLICY=passive
failures=0
fail() {
    echo "FAILED: $*"
    failures=$((failures + 1))
}
ok() { echo "ok: $*"; }

# the checksums of every file under a folder, sorted: the "before" to compare with
snapshot() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r md5sum); }
# no temporary file (file.tmp.PID, .tmp images, staging folders, raw results) anywhere
no_leftovers() { # DIR WHAT
    local left
    left=$(find "$1" "$TMPDIR" \( -name '*.tmp*' -o -name '.chanmul-report-*' -o -name 'chanmul-bench-*' \) -print)
    [ -z "$left" ] && ok "$2: no temporary files left" || fail "$2: left behind: $left"
}
expect_rc() { # WANT GOT WHAT
    [ "$2" -eq "$1" ] && ok "$3: exit $2" || fail "$3: exit $2, expected $1"
}
has() { # FILE REGEX WHAT
    grep -E -q -e "$2" "$1" && ok "$3" || { fail "$3: no line matches: $2"; sed 's/^/    /' "$1" | head -n 8; }
}
same() { # BEFORE AFTER WHAT
    [ "$1" = "$2" ] && ok "$3: the earlier files are intact" || fail "$3: the earlier files changed"
}
# runs a command with writes limited to KB kilobytes; SIGXFSZ ignored, so that
# a write past the limit fails with EFBIG as a full disk fails with ENOSPC
limited() { # KB COMMAND...
    local kb=$1
    shift
    (trap '' XFSZ; ulimit -f "$kb"; exec "$@")
}

# ---- 1. writes that fail ------------------------------------------------------------------
out=$work/report
mkdir -p "$out"
"$chanmul" report "$fixture" --out "$out/report.md" --plots "$out/plots" >"$work/r0.out" 2>&1 ||
    { fail "the first report failed"; cat "$work/r0.out"; }
before=$(snapshot "$out")
ls "$out/plots"/*.png >/dev/null 2>&1 || echo "note: no images (gnuplot missing?): the data files are checked"
# a limit under the report's size: the plots or report.md cannot be written
limited 8 "$chanmul" report "$fixture" --out "$out/report.md" --plots "$out/plots" >"$work/r1.out" 2>"$work/r1.err"
expect_rc 2 $? "report past a file-size limit"
has "$work/r1.err" "^chanmul report: (cannot write|.*cannot be written|.*: File too large)" "report names what it could not write"
has "$work/r1.err" "$out" "report's message names the path"
same "$before" "$(snapshot "$out")" "report past a file-size limit"
no_leftovers "$out" "report past a file-size limit"

# bench: the earlier results file stays whole
bench=(bench --shape 1x2x2x3 --impl naive --threads 1 --repetitions 1 --min-time 0.001)
"$chanmul" "${bench[@]}" --json "$work/bench.json" >"$work/b0.out" 2>&1 || { fail "the first bench failed"; tail "$work/b0.out"; }
cp "$work/bench.json" "$work/bench.before"
limited 4 "$chanmul" "${bench[@]}" --json "$work/bench.json" >"$work/b1.out" 2>"$work/b1.err"
expect_rc 2 $? "bench past a file-size limit"
has "$work/b1.err" "^chanmul(:| bench:) cannot (write|read|create)" "bench says what it could not write"
cmp -s "$work/bench.json" "$work/bench.before" && ok "bench: the earlier results file is intact" ||
    fail "bench: the earlier results file changed"
no_leftovers "$work" "bench past a file-size limit"

# a full disk, where a tmpfs can be mounted (root, outside a restricted container)
disk=$work/disk
mkdir -p "$disk"
if mount -t tmpfs -o size=4m tmpfs "$disk" 2>/dev/null; then
    mounted=$disk
    mkdir -p "$disk/out"
    cp "$work/bench.before" "$disk/bench.json"
    "$chanmul" report "$fixture" --out "$disk/out/report.md" --plots "$disk/out/plots" >/dev/null 2>&1 ||
        fail "the first report on the tmpfs failed"
    before=$(snapshot "$disk")
    dd if=/dev/zero of="$disk/filler" bs=64k 2>/dev/null # until the disk is full
    before_full=$(snapshot "$disk")
    "$chanmul" report "$fixture" --out "$disk/out/report.md" --plots "$disk/out/plots" >"$work/r2.out" 2>"$work/r2.err"
    expect_rc 2 $? "report on a full disk"
    has "$work/r2.err" "No space left on device" "report on a full disk says so"
    has "$work/r2.err" "$disk/out" "report on a full disk names the path"
    same "$before_full" "$(snapshot "$disk")" "report on a full disk"
    "$chanmul" "${bench[@]}" --json "$disk/bench.json" >"$work/b2.out" 2>"$work/b2.err"
    expect_rc 2 $? "bench on a full disk"
    has "$work/b2.err" "cannot write $disk/bench.json: No space left on device" "bench on a full disk names the file"
    same "$before_full" "$(snapshot "$disk")" "bench on a full disk"
    no_leftovers "$disk" "full disk"
    # a read-only folder (root ignores permissions; a read-only mount does not)
    rm -f "$disk/filler"
    mount -o remount,ro "$disk"
    "$chanmul" sweep --profile quick --impl naive --threads 1 --out "$disk" >"$work/s0.out" 2>"$work/s0.err"
    expect_rc 2 $? "sweep into a read-only folder"
    has "$work/s0.err" "^chanmul sweep: cannot write --out '$disk/sweep-quick.json': its folder '$disk': Read-only file system" \
        "sweep refuses a read-only folder before timing anything"
    umount "$disk" && mounted=""
else
    echo "note: cannot mount a tmpfs here (not root, or not allowed): the full-disk cases are not run"
fi

# ---- 2. interrupted runs --------------------------------------------------------------------
# interrupt SIGNAL WANT_RC WHAT OUTFILE COMMAND...: starts COMMAND, waits until
# its stderr shows it has begun timing, sends SIGNAL, checks the outcome.
interrupt() {
    local sig=$1 want=$2 what=$3 outfile=$4
    shift 4
    local err=$work/int.err
    # (job control on: without it a shell starts background commands with
    # SIGINT ignored, and chanmul keeps a signal it was told to ignore)
    set -m
    "$@" >"$work/int.out" 2>"$err" &
    local pid=$! waited=0
    set +m
    # (the lines each command prints once its measuring has begun)
    until grep -E -q "^chanmul sweep: profile|verifying [0-9]+ implementation|^tune: |^Running " "$err" "$work/int.out" 2>/dev/null; do
        sleep 0.2
        waited=$((waited + 1))
        [ $waited -gt 600 ] && break
    done
    sleep 2
    kill -s "$sig" "$pid"
    wait "$pid"
    local rc=$?
    expect_rc "$want" "$rc" "$what"
    has "$err" "^chanmul [a-z]+: interrupted by SIG$sig( after [0-9]+ of [1-9][0-9]* [a-z ]+)?; nothing written: $outfile is as it was$" \
        "$what says how far it got and that nothing was written"
}

mkdir -p "$work/sweep"
echo '{"earlier": true}' >"$work/sweep/sweep-quick.json"
cp "$work/sweep/sweep-quick.json" "$work/sweep.before"
interrupt INT 130 "sweep, SIGINT" "$work/sweep/sweep-quick.json" \
    "$chanmul" sweep --profile quick --impl simd --threads 1 --no-large --out "$work/sweep"
cmp -s "$work/sweep/sweep-quick.json" "$work/sweep.before" && ok "sweep, SIGINT: the earlier results file is intact" ||
    fail "sweep, SIGINT: the earlier results file changed"
[ "$(ls "$work/sweep")" = "sweep-quick.json" ] && ok "sweep, SIGINT: no other file in the folder" ||
    fail "sweep, SIGINT: the folder holds $(ls "$work/sweep")"
no_leftovers "$work/sweep" "sweep, SIGINT"

echo '{"earlier selection": true}' >"$work/selection.json"
cp "$work/selection.json" "$work/selection.before"
interrupt TERM 143 "tune, SIGTERM" "$work/selection.json" \
    "$chanmul" tune --profile quick --op scale --out "$work/selection.json"
cmp -s "$work/selection.json" "$work/selection.before" && ok "tune, SIGTERM: the earlier selection file is intact" ||
    fail "tune, SIGTERM: the earlier selection file changed"
no_leftovers "$work" "tune, SIGTERM"

interrupt INT 130 "bench, SIGINT" "$work/bench.json" \
    "$chanmul" bench --shape 8x14x14x64 --impl naive --threads 1 --min-time 1 --json "$work/bench.json"
cmp -s "$work/bench.json" "$work/bench.before" && ok "bench, SIGINT: the earlier results file is intact" ||
    fail "bench, SIGINT: the earlier results file changed"
no_leftovers "$work" "bench, SIGINT"

# ---- 3. shapes that do not fit in memory ------------------------------------------------------
# 64 x 10^6 x 64 floats: 16 GiB per operand, more than any of these machines has free
"$chanmul" bench --shape 64x1000x1000x64 --impl naive >"$work/m0.out" 2>"$work/m0.err"
expect_rc 2 $? "bench of a shape larger than memory"
has "$work/m0.err" "^chanmul bench: shape 64x1000x1000x64 needs [0-9.]+ [GT]iB of memory at once .*, but [0-9.]+ [KMGT]?i?B is available \(.*\): refused before allocating anything$" \
    "bench names both sizes"
"$chanmul" verify --shape 64x1000x1000x64 --impl naive >"$work/m1.out" 2>"$work/m1.err"
expect_rc 2 $? "verify of a shape larger than memory"
has "$work/m1.err" "^chanmul verify: shape 64x1000x1000x64 needs .* is available .*: refused before allocating anything$" \
    "verify names both sizes"
if [ "$sanitized" != --sanitized ]; then
    # 1 GiB of address space: a 64x112x112x64 case (205 MiB per operand, some 1.2 GiB) does not fit
    (ulimit -v 1048576; exec "$chanmul" verify --shape 64x112x112x64 --impl naive) >"$work/m2.out" 2>"$work/m2.err"
    expect_rc 2 $? "verify under an address-space limit"
    has "$work/m2.err" "is available \(RLIMIT_AS \(ulimit -v\)\): refused before allocating anything$" \
        "verify names the address-space limit"
    # ... and a small shape under the same limit runs
    (ulimit -v 1048576; exec "$chanmul" verify --shape 2x3x3x17 --impl naive) >"$work/m3.out" 2>"$work/m3.err"
    expect_rc 0 $? "a small verify under the same limit"
fi

if [ "$failures" -gt 0 ]; then
    echo "faults: $failures checks failed"
    exit 1
fi
echo "faults: every check passed"
