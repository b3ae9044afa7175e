#!/bin/sh
# check_example_build.sh: the build and verify commands written in the example
# plugin's header comment (and so shown in README.md) work as written. Runs the
# "cc ..." line verbatim in a scratch directory whose include/ and tests/ are
# links into the source tree, then the "chanmul verify --plugin ..." line with
# chanmul replaced by the binary's path (and --no-large appended, to stay fast).
#
# usage: check_example_build.sh SOURCE_DIR CHANMUL_BINARY
set -u
[ $# -eq 2 ] || { echo "usage: check_example_build.sh SOURCE_DIR CHANMUL" >&2; exit 2; }
src=$1
bin=$2
example=$src/tests/plugins/example_scale.c

build=$(sed -n 's/^ \*     \(cc .*\)$/\1/p' "$example")
run=$(sed -n 's/^ \*     chanmul \(verify .*\)$/\1/p' "$example")
if [ -z "$build" ] || [ -z "$run" ]; then
    echo "FAILED: $example's comment lacks the 'cc ...' or 'chanmul verify ...' line"
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/example_build.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
ln -s "$src/include" "$tmp/include"
ln -s "$src/tests" "$tmp/tests"
cd "$tmp" || exit 2

echo "build: $build"
# shellcheck disable=SC2086 # the documented command, split into words
if ! sh -c "$build"; then
    echo "FAILED: the documented build command failed"
    exit 1
fi
echo "run: $bin $run --no-large"
# shellcheck disable=SC2086
"$bin" $run --no-large >out.txt 2>&1 </dev/null
rc=$?
tail -n 3 out.txt
if [ "$rc" -ne 0 ] || ! grep -E -q '^verify: [1-9][0-9]* passed, 0 failed, [0-9]+ skipped$' out.txt; then
    echo "FAILED: the documented verify command exited $rc"
    exit 1
fi
echo ok
