#!/bin/sh
# The cache probe from the command line: `chanmul probe` writes the probe file
# and prints the curve; list names where the sizes in use come from (the file,
# CHANMUL_LLC_BYTES, CPUID); a file from another CPU, a truncated one and a bad
# CHANMUL_LLC_BYTES are refused with the reason, and the run goes on; bench
# measures once when no file exists, records the sizes in its results'
# context, and does not measure again; an unwritable probe path is an error.
# usage: check_cache_probe_cli.sh CHANMUL WORKDIR
set -u
cli=$1
dir=$2
rm -rf "$dir" && mkdir -p "$dir" || exit 2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
has() { grep -Eq -- "$2" "$1" || { fail "$3: no line matching '$2' in:"; cat "$1"; }; }
sanitized() { grep -Eq 'runtime error: |ERROR: AddressSanitizer' "$@" && fail "sanitizer report in $*"; }

probe=$dir/caches.json
CHANMUL_CACHE_PROBE=$probe "$cli" probe >"$dir/probe.out" 2>"$dir/probe.err"
[ $? -eq 0 ] || fail "chanmul probe exited $?"
[ -s "$probe" ] || fail "chanmul probe wrote no $probe"
has "$dir/probe.out" '^64 KiB +[0-9.]+' "the curve starts at 64 KiB"
has "$dir/probe.out" '^reported \(CPUID\): L2 [0-9.]+ [KM]iB, LLC [0-9.]+ [KM]iB$' "the reported sizes"
has "$dir/probe.out" '^measured: L2 ([0-9.]+ [KM]iB|no edge seen), LLC ([0-9.]+ [KM]iB|no edge seen) \(cache band' "the measured sizes"

CHANMUL_CACHE_PROBE=$probe "$cli" list >"$dir/list.out" 2>&1 || fail "list exited $?"
has "$dir/list.out" "^cpu: .*; caches reported: L2 [0-9]+ KiB, L3 [0-9]+ KiB; in use: L2 [0-9]+ KiB \((measured|CPUID)\), LLC [0-9]+ KiB \((measured|CPUID)[^)]*\); probe file $probe \(measured 20" "list names the probe file"

# another CPU's file: the model changed
sed 's/"model":[[:space:]]*[0-9]*/"model": 99999/' "$probe" >"$dir/other.json"
CHANMUL_CACHE_PROBE=$dir/other.json "$cli" list >"$dir/other.out" 2>&1 || fail "list with another CPU's file exited $?"
has "$dir/other.out" "LLC [0-9]+ KiB \(CPUID(, capped)?\); probe file $dir/other.json refused: made on another CPU: model: file 99999" "another CPU's file refused"

head -c 100 "$probe" >"$dir/cut.json"
CHANMUL_CACHE_PROBE=$dir/cut.json "$cli" list >"$dir/cut.out" 2>&1 || fail "list with a truncated file exited $?"
has "$dir/cut.out" "probe file refused: $dir/cut.json:[0-9]+:[0-9]+: truncated" "a truncated file refused with its position"

CHANMUL_CACHE_PROBE=$probe CHANMUL_LLC_BYTES=12M "$cli" list >"$dir/env.out" 2>&1 || fail "list with CHANMUL_LLC_BYTES exited $?"
has "$dir/env.out" 'LLC 12288 KiB \(CHANMUL_LLC_BYTES\)' "CHANMUL_LLC_BYTES wins"
CHANMUL_CACHE_PROBE=$probe CHANMUL_LLC_BYTES=12Q "$cli" list >"$dir/badenv.out" 2>&1 || fail "list with a bad CHANMUL_LLC_BYTES exited $?"
has "$dir/badenv.out" "^chanmul: CHANMUL_LLC_BYTES='12Q' is not a size" "a bad CHANMUL_LLC_BYTES is said"

# bench: measures once into a missing file, records the sizes, then reuses it
fresh=$dir/fresh/caches.json
for run in 1 2; do
    CHANMUL_CACHE_PROBE=$fresh "$cli" bench --impl naive --shape 1x4x4x8 --repetitions 1 --min-time 0.001 \
        --json "$dir/bench$run.json" >"$dir/bench$run.out" 2>"$dir/bench$run.err"
    [ $? -eq 0 ] || { fail "bench run $run exited $?"; cat "$dir/bench$run.err"; }
done
has "$dir/bench1.err" "^chanmul bench: measuring the cache sizes once for this CPU .* into $fresh$" "bench measures the first time"
[ -s "$fresh" ] || fail "bench wrote no probe file"
grep -q 'measuring the cache sizes' "$dir/bench2.err" && fail "bench measured again although the file was there"
for key in l2_measured_bytes llc_measured_bytes l2_usable_bytes llc_usable_bytes cache_sizes l3_bytes; do
    grep -q "\"$key\"" "$dir/bench2.json" || fail "results context lacks $key"
done
llc=$(sed -n 's/.*"llc_measured_bytes":[[:space:]]*"\([0-9]*\)".*/\1/p' "$dir/bench2.json")
filellc=$(sed -n '/"measured"/,/}/s/.*"llc_bytes":[[:space:]]*\([0-9]*\).*/\1/p' "$fresh")
[ -n "$llc" ] && [ "$llc" = "$filellc" ] || fail "context llc_measured_bytes '$llc' is not the file's '$filellc'"

CHANMUL_CACHE_PROBE=/proc/no/such/caches.json "$cli" probe >"$dir/unwritable.out" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "probe into an unwritable path exited $rc, want 2"
has "$dir/unwritable.out" "cannot write the cache probe file '/proc/no/such/caches.json'" "the unwritable path named"
"$cli" probe --bogus >"$dir/bogus.out" 2>&1
[ $? -eq 2 ] || fail "probe --bogus did not exit 2"

sanitized "$dir"/*.out "$dir"/*.err
[ $fails -eq 0 ] && echo "cache probe CLI: all checks passed"
exit $((fails > 0))
