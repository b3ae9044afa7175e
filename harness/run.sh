#!/usr/bin/env bash
# chanmul's two entry points, set-up included (README.md):
#   bash harness/run.sh main   install what is missing, build, list, verify all, tune
#                              (quick), run the quick sweep, write results/, plots/ and report.md
#   bash harness/run.sh test   install what is missing, build, run the ctest suites in a
#                              Release build and again under AddressSanitizer + UBSan,
#                              then each libFuzzer target (tests/fuzz) for 20 s
#                              then the tsan tests under ThreadSanitizer (clang, libomp)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the project needs (python3 runs the compare and bench-JSON tests; the compilers, CMake and git are on the machine
# image, but a fresh machine gets them installed too if they are missing).
PACKAGES=(cmake make gcc g++ git pkg-config python3
          libbenchmark-dev libhwloc-dev libcjson-dev gnuplot-nox
          libdnnl-dev libxnnpack-dev libpthreadpool-dev libeigen3-dev
          clang libclang-rt-14-dev libomp-dev libomp-14-dev llvm) # fuzz and TSan: clang 14, libFuzzer, its TSan runtime, LLVM's OpenMP with archer, the symbolizer
JOBS=$(nproc 2>/dev/null || echo 2)

install_missing() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "set-up: installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "set-up: missing packages; install them with:" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}

build() { # build DIR [cmake args...]: the compiler's output to DIR/build.log, its tail on failure
    local dir=$1; shift
    mkdir -p "$dir"
    if ! { cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" && cmake --build "$dir" -j "$JOBS"; } \
        >"$dir/build.log" 2>&1; then
        tail -n 40 "$dir/build.log" >&2
        echo "run.sh: the build in $dir failed; its whole log: $dir/build.log" >&2
        exit 1
    fi
    echo "run.sh: built $dir ($(grep -c -i 'warning:' "$dir/build.log" || true) compiler warnings; log: $dir/build.log)"
}

case "${1:-}" in
main)
    install_missing
    build build
    mkdir -p results plots
    # The whole console output (the implementation list, verify's FAIL lines,
    # Google Benchmark's tables) goes to this log; the terminal gets what a
    # reader needs: the steps, the sweep's progress, and the verdicts.
    log=results/main.log
    : >"$log"
    started=$(date +%s)
    echo "main: the full console output goes to $log"
    build/chanmul list >>"$log"
    grep -E '^cpu ' "$log" | sed 's/^/main: /' || true
    # verify exits 1 when any implementation fails; a peer library's own
    # departures (see README.md) must not stop the sweep and the report, which
    # show every failure as FAIL. Anything else (usage error, crash) stops here.
    echo "main: verify --op all (every op's whole matrix, every implementation) ..."
    verify_rc=0
    build/chanmul verify --op all >results/verify.log 2>&1 || verify_rc=$?
    cat results/verify.log >>"$log"
    # one line per implementation, with its departures when it fails
    grep -E '^  [A-Za-z0-9_]+ +[a-z]+ +[0-9]+ passed|^    departures: |^verify: ' results/verify.log || true
    if [ "$verify_rc" -ne 0 ] && [ "$verify_rc" -ne 1 ]; then
        echo "main: chanmul verify failed to run (exit $verify_rc); see results/verify.log" >&2
        exit "$verify_rc"
    fi
    # the selection file of this machine and build: auto in the sweep runs what
    # it says, and the report maps it (section 10)
    echo "main: tune --profile quick ..."
    build/chanmul tune --profile quick --quiet --out results/selection-quick.json >>"$log" 2>&1
    echo "main: sweep --profile quick (progress below; Google Benchmark's tables in $log) ..."
    CHANMUL_TUNING=results/selection-quick.json build/chanmul sweep --profile quick --out results >>"$log"
    ln -sfn sweep-quick.json results/latest.json # the report's default input
    # the committed baseline of this machine kind, when there is one: the report
    # then has a "Changes since the baseline" section (chanmul compare's verdicts)
    baseline=()
    [ -f results/baseline/sweep-quick.json ] && baseline=(--baseline results/baseline/sweep-quick.json)
    build/chanmul report results/sweep-quick.json --out report.md --plots plots "${baseline[@]}" \
        --selection results/selection-quick.json >>"$log" 2>&1
    # the lines that matter: the report's summary (winners, verification, targets)
    echo "main: done in $(( ($(date +%s) - started) / 60 )) min; the report is report.md (plots in plots/, results in results/)"
    sed -n '/^## Summary/,/^### /p' report.md | grep -E '^- ' | sed 's/^- /main: /' || true
    if [ "$verify_rc" -ne 0 ]; then
        echo "main: not bit-exact on the whole matrix (timed on normal data, where they pass; see results/verify.log and the report's Verification section):"
        grep -B1 -E '^    departures: ' results/verify.log | grep -vE '^--$' | sed 's/^ */main:   /' || true
    fi
    ;;
test)
    install_missing
    build build
    (cd build && ctest --output-on-failure -j 1)
    # The same suites with AddressSanitizer and UndefinedBehaviorSanitizer, but
    # for verify_full (label "large": the shapes larger than the last-level
    # cache, 475 s under ASan on the Intel Xeon VM even on one data mode). Its
    # paths run there at the smaller shapes (threads, tails, streaming stores
    # forced on), and the Release pass runs it whole; tests/CMakeLists.txt narrows
    # the other whole-matrix runs to one data mode under the sanitizers.
    build build-sanitize -DCHANMUL_SANITIZE=ON
    (cd build-sanitize && ctest --output-on-failure -j 1 -LE '^large$')
    # libFuzzer over every parser of outside input (tests/fuzz): a clang tree
    # whose default build is the fuzz targets only; each runs 20 s, seeded.
    build build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCHANMUL_FUZZ=ON
    (cd build-fuzz && ctest --output-on-failure -j 1 -L fuzz)
    # ThreadSanitizer: the thread team and the threaded kernels (label "tsan"
    # only: README.md, "ThreadSanitizer"), with clang and LLVM's libomp, whose
    # synchronisation TSan learns from archer; 5.5-6 minutes on the Xeon VM.
    build build-tsan -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCHANMUL_TSAN=ON
    (cd build-tsan && ctest --output-on-failure -j 1 -L '^tsan$')
    ;;
*)
    echo "usage: bash harness/run.sh main|test" >&2
    exit 2
    ;;
esac
